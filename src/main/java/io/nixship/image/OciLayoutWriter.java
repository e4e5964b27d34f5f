package io.nixship.image;

import io.nixship.NixshipException;
import io.nixship.source.TemporaryDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Writes an OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/}). The layout is built in a temp sibling directory and renamed into place at the
 * end, so a failure leaves no half-written output and an existing layout is replaced only on
 * success.
 */
public final class OciLayoutWriter {
    /**
     * Writes the image to {@code target}; {@code refName} (nullable) is the tag {@code oci:DIR:TAG}
     * finds.
     */
    public void write(OciImage image, Path target, String refName) {
        Path absolute = target.toAbsolutePath().normalize();
        checkReplaceable(absolute);
        Path temp = null;
        try {
            Path parent = Files.createDirectories(absolute.getParent());
            temp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".tmp-");
            Path blobs = Files.createDirectories(temp.resolve("blobs/sha256"));
            for (Blob blob : ImageLayouts.blobs(image)) {
                try (OutputStream out =
                        Files.newOutputStream(
                                blobs.resolve(Digests.hex(blob.descriptor().digest())))) {
                    ImageLayouts.copyVerified(blob, out);
                }
            }
            Files.write(temp.resolve("index.json"), ImageLayouts.indexJson(image, refName));
            Files.write(
                    temp.resolve("oci-layout"),
                    ImageLayouts.OCI_LAYOUT.getBytes(StandardCharsets.UTF_8));
            replace(temp, absolute);
            temp = null;
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot write OCI layout " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Refuses to replace a directory that is not an OCI layout: it may hold someone's files. */
    private static void checkReplaceable(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean replaceable = false;
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> entries = Files.list(target)) {
                replaceable =
                        Files.isRegularFile(target.resolve("oci-layout"))
                                || entries.findAny().isEmpty();
            } catch (IOException e) {
                replaceable = false;
            }
        }
        if (!replaceable) {
            throw NixshipException.usage(
                    target
                            + " exists and is not an OCI image layout; remove it or choose another directory");
        }
    }

    private static void replace(Path built, Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(built, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Path old = built.resolveSibling(built.getFileName() + ".old");
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(built, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        TemporaryDirectory.deleteRecursively(old);
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            TemporaryDirectory.deleteRecursively(path);
        } catch (IOException e) {
            // Only a hidden temp sibling is left behind; the target is untouched.
        }
    }
}
