package io.nixship.image;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * Compresses a layer in one streaming pass: tar → sha256 (diff-id) → gzip or zstd → sha256 (blob
 * digest) → sink. Nothing is held whole in memory: gzip keeps at most a fixed number of blocks in
 * flight across all layers this compressor writes at once, zstd a fixed window per layer.
 */
public final class LayerCompressor {
    /**
     * gzip blocks: large enough that the ratio loss of cutting the stream is negligible (well under
     * 1%).
     */
    public static final int GZIP_BLOCK_SIZE = 1024 * 1024;

    private final LayerCompression compression;
    private final int level;
    private final int threads;
    private final BlockDeflaters deflaters;
    private final GzipBlockDeflater gzipDeflater;

    /** gzip at its default level (3) on one thread per core. */
    public LayerCompressor() {
        this(
                LayerCompression.GZIP,
                LayerCompression.GZIP.defaultLevel(),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@code threads} deflate one layer's blocks (gzip) or run zstd's workers; the output does not
     * depend on it.
     */
    public LayerCompressor(LayerCompression compression, int level, int threads) {
        this(compression, level, threads, GzipBlockDeflater.zlib());
    }

    /** Like the three-argument form, with gzip blocks deflated by {@code gzipDeflater}. */
    public LayerCompressor(
            LayerCompression compression, int level, int threads, GzipBlockDeflater gzipDeflater) {
        if (level < 0 || level > compression.maxLevel()) {
            throw new IllegalArgumentException(
                    compression.cliName()
                            + " level must be 0.."
                            + compression.maxLevel()
                            + ", got "
                            + level);
        }
        if (threads < 1) {
            throw new IllegalArgumentException(
                    "compression threads must be at least 1, got " + threads);
        }
        this.compression = compression;
        this.level = level;
        this.threads = threads;
        this.deflaters = new BlockDeflaters(threads);
        this.gzipDeflater = gzipDeflater;
    }

    /**
     * Names the settings that shape the bytes, so a cache or an annotation can tell layers
     * compressed differently apart (the thread count does not shape them).
     */
    public String id() {
        return compression == LayerCompression.GZIP
                ? "gzip-"
                        + level
                        + "-blocks-"
                        + GZIP_BLOCK_SIZE
                        + "-incompressible-stored"
                        + gzipDeflater.formatSuffix()
                : "zstd-" + level;
    }

    /** For the build's log, e.g. "gzip level 3 by ISA-L 2.0.30 (libisal.so.2)". */
    public String description() {
        return compression == LayerCompression.GZIP
                ? "gzip level " + level + " by " + gzipDeflater.description()
                : "zstd level " + level;
    }

    public LayerCompression compression() {
        return compression;
    }

    public String mediaType() {
        return compression.mediaType();
    }

    /** Most gzip blocks ever in flight at once, for the memory bound's test. */
    int peakBlocksInFlight() {
        return deflaters.peakInFlight();
    }

    int maxBlocksInFlight() {
        return deflaters.maxInFlight();
    }

    /**
     * Streams the tar through the compressor into the sink (left open) and returns the digests of
     * both forms.
     */
    public LayerDigests compress(TarProducer tar, OutputStream sink) throws IOException {
        MessageDigest compressedDigest = Digests.newSha256();
        MessageDigest tarDigest = Digests.newSha256();
        CountingOutputStream counted = new CountingOutputStream(new UnclosedOutputStream(sink));
        OutputStream compressedSide =
                new BufferedOutputStream(
                        new DigestOutputStream(counted, compressedDigest), 64 * 1024);
        if (compression == LayerCompression.GZIP) {
            ParallelGzipOutputStream gzip =
                    new ParallelGzipOutputStream(
                            compressedSide, level, GZIP_BLOCK_SIZE, deflaters, gzipDeflater);
            try {
                writeTar(tar, gzip, tarDigest);
                gzip.close();
            } finally {
                gzip.abort();
            }
        } else {
            // With one or more workers zstd's output is the same for any worker count.
            try (ZstdOutputStream zstd =
                    new ZstdOutputStream(new UnclosedOutputStream(compressedSide), level)) {
                zstd.setWorkers(threads);
                writeTar(tar, zstd, tarDigest);
            }
        }
        compressedSide.flush();
        return new LayerDigests(
                Digests.format(tarDigest.digest()),
                Digests.format(compressedDigest.digest()),
                counted.count);
    }

    private static void writeTar(TarProducer tar, OutputStream compressing, MessageDigest tarDigest)
            throws IOException {
        OutputStream tarSide =
                new BufferedOutputStream(new DigestOutputStream(compressing, tarDigest), 64 * 1024);
        tar.writeTo(tarSide);
        tarSide.flush();
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
