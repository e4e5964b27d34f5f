package io.nixship.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.apache.commons.io.output.TeeOutputStream;

/**
 * A content-addressed directory of compressed layer blobs ({@code blobs/sha256/<hex>}) with an
 * index from a layer's store paths to its blob ({@code layers/<hex>.json}). Store paths never
 * change, so a layer whose store paths (and layer format) are unchanged is served from here without
 * being tarred or compressed again. Every file is written to a temp file and moved into place, so a
 * crash leaves at worst a stray temp file, never a truncated blob or index entry.
 */
public final class LayerBlobStore {
    private final Path directory;
    private final ObjectMapper json = Json.canonical();

    public LayerBlobStore(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public Path blobPath(String digest) {
        return directory.resolve("blobs/sha256").resolve(Digests.hex(digest));
    }

    /**
     * The cached layer for exactly these store paths in this layer format, if its blob is still
     * there and still hashes to its digest: a blob changed on disk (by anything that can write the
     * cache) is built again, never pushed under a digest it does not have.
     */
    public Optional<StoredLayer> find(List<String> storePaths, String layerFormat) {
        Path entry = indexPath(storePaths, layerFormat);
        if (!Files.isRegularFile(entry)) {
            return Optional.empty();
        }
        try {
            IndexEntry stored = json.readValue(entry.toFile(), IndexEntry.class);
            Path blob = blobPath(stored.digest());
            boolean valid =
                    stored.storePaths().equals(storePaths)
                            && stored.layerFormat().equals(layerFormat)
                            && Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)
                            && Files.size(blob) == stored.size()
                            && stored.digest().equals(digestOf(blob));
            return valid
                    ? Optional.of(
                            new StoredLayer(
                                    stored.digest(), stored.diffId(), stored.size(), storePaths))
                    : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            // A damaged index entry only costs a recompression.
            return Optional.empty();
        }
    }

    /**
     * Compresses the tar into a blob and records it under its store paths. Each compressed byte
     * also goes to {@code also} as it is made: one pass over the data feeds both.
     */
    public StoredLayer store(
            List<String> storePaths,
            String layerFormat,
            TarProducer tar,
            LayerCompressor compressor,
            LayerStream also)
            throws IOException {
        StoredLayer layer = storeBlob(storePaths, tar, compressor, also);
        IndexEntry entry =
                new IndexEntry(
                        layerFormat, storePaths, layer.digest(), layer.diffId(), layer.size());
        writeAtomically(indexPath(storePaths, layerFormat), json.writeValueAsBytes(entry));
        return layer;
    }

    /**
     * Compresses the tar into a blob without indexing it (the app layer changes with every commit),
     * teeing each compressed byte into {@code also}. The blob is moved into place only once
     * complete, under the digest computed on the way.
     */
    public StoredLayer storeBlob(
            List<String> storePaths, TarProducer tar, LayerCompressor compressor, LayerStream also)
            throws IOException {
        Path blobs = Files.createDirectories(directory.resolve("blobs/sha256"));
        Path temp = Files.createTempFile(blobs, ".incoming-", "");
        try {
            LayerDigests digests;
            try (OutputStream out = Files.newOutputStream(temp)) {
                digests = compressor.compress(tar, new TeeOutputStream(out, also.asOutputStream()));
            }
            move(temp, blobPath(digests.digest()));
            return new StoredLayer(digests.digest(), digests.diffId(), digests.size(), storePaths);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String digestOf(Path blob) throws IOException {
        MessageDigest sha256 = Digests.newSha256();
        try (InputStream in = Files.newInputStream(blob, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, read);
            }
        }
        return Digests.format(sha256.digest());
    }

    private Path indexPath(List<String> storePaths, String layerFormat) {
        String key = layerFormat + "\n" + String.join("\n", storePaths);
        return directory
                .resolve("layers")
                .resolve(
                        Digests.hex(Digests.sha256(key.getBytes(StandardCharsets.UTF_8)))
                                + ".json");
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), ".incoming-", "");
        try {
            Files.write(temp, bytes);
            move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(
                    from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The index file's shape. */
    private record IndexEntry(
            String layerFormat, List<String> storePaths, String digest, String diffId, long size) {
        IndexEntry {
            storePaths = List.copyOf(storePaths);
        }
    }
}
