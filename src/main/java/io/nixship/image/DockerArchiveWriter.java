package io.nixship.image;

import io.nixship.NixshipException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a {@code docker load} tarball: {@code manifest.json} naming the config and the (gzip)
 * layer blobs, which are stored as {@code blobs/sha256/<hex>} beside an {@code index.json} and
 * {@code oci-layout}, so the same file is also an OCI layout in a tar, as Docker 25+ writes it. The
 * tar is written to a temp sibling file and moved into place only when complete.
 */
public final class DockerArchiveWriter {
    private static final FileTime MTIME = FileTime.from(Instant.ofEpochSecond(1));

    /**
     * Writes the image to {@code file}; {@code repoTags} such as {@code ghcr.io/o/r:abc123} (may be
     * empty).
     */
    public void write(OciImage image, Path file, List<String> repoTags) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw NixshipException.usage(
                    file + " is a directory; docker-archive: needs a file name");
        }
        Path temp = null;
        try {
            Path parent = Files.createDirectories(absolute.getParent());
            temp = Files.createTempFile(parent, "." + absolute.getFileName() + ".tmp-", "");
            try (OutputStream out =
                            new BufferedOutputStream(Files.newOutputStream(temp), 64 * 1024);
                    TarArchiveOutputStream tar =
                            new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                directory(tar, "blobs/");
                directory(tar, "blobs/sha256/");
                for (Blob blob : ImageLayouts.blobs(image)) {
                    tar.putArchiveEntry(
                            entry(
                                    ImageLayouts.blobName(blob.descriptor().digest()),
                                    blob.descriptor().size()));
                    ImageLayouts.copyVerified(blob, tar);
                    tar.closeArchiveEntry();
                }
                bytes(
                        tar,
                        "index.json",
                        ImageLayouts.indexJson(image, repoTags.isEmpty() ? null : repoTags.get(0)));
                bytes(tar, "manifest.json", dockerManifest(image, repoTags));
                bytes(tar, "oci-layout", ImageLayouts.OCI_LAYOUT.getBytes(StandardCharsets.UTF_8));
                tar.finish();
            }
            try {
                Files.move(
                        temp,
                        absolute,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot write docker archive " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // Only a hidden temp sibling is left behind; the target is untouched.
                }
            }
        }
    }

    private static byte[] dockerManifest(OciImage image, List<String> repoTags) {
        Map<String, Object> entry = new TreeMap<>();
        entry.put("Config", ImageLayouts.blobName(image.config().descriptor().digest()));
        entry.put("RepoTags", repoTags);
        entry.put(
                "Layers",
                image.layers().stream()
                        .map(l -> ImageLayouts.blobName(l.blob().descriptor().digest()))
                        .toList());
        return ImageLayouts.json(List.of(entry));
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry entry = owned(new TarArchiveEntry(name, TarConstants.LF_DIR, true));
        entry.setMode(0755);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void bytes(TarArchiveOutputStream tar, String name, byte[] content)
            throws IOException {
        tar.putArchiveEntry(entry(name, content.length));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry entry = owned(new TarArchiveEntry(name, TarConstants.LF_NORMAL, true));
        entry.setMode(0644);
        entry.setSize(size);
        return entry;
    }

    private static TarArchiveEntry owned(TarArchiveEntry entry) {
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("root");
        entry.setGroupName("root");
        entry.setModTime(MTIME);
        return entry;
    }
}
