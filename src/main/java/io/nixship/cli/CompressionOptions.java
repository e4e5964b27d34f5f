package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.image.GzipBlockDeflater;
import io.nixship.image.LayerCompression;
import io.nixship.image.LayerCompressor;
import picocli.CommandLine.Option;

/**
 * How layers are compressed: gzip (every registry and runtime reads it) or zstd (smaller, faster).
 */
final class CompressionOptions {
    @Option(
            names = "--compression",
            paramLabel = "gzip|zstd",
            description =
                    "Layer compression (default: ${DEFAULT-VALUE}). zstd needs containerd 1.5+ or Docker 23+ to pull.",
            defaultValue = "gzip")
    String compression;

    @Option(
            names = "--compression-level",
            paramLabel = "N",
            description =
                    "Compression level (default: 3 for gzip and for zstd). Changing it changes every layer digest.")
    Integer level;

    @Option(
            names = "--deflate",
            paramLabel = "auto|isal|zlib",
            description =
                    "What deflates gzip layers (default: ${DEFAULT-VALUE}): isal (Intel ISA-L, libisal2; levels 1 to 3), zlib (the JDK's), or auto: isal when installed and the level is one it has. The build log names the one used; each gives other digests.",
            defaultValue = "auto")
    String deflate;

    /**
     * The compressor, using {@code threads} threads for one layer's blocks; the bytes do not depend
     * on them.
     */
    LayerCompressor compressor(int threads) {
        LayerCompression chosen = LayerCompression.parse(compression);
        int chosenLevel = level == null ? chosen.defaultLevel() : level;
        if (chosenLevel < 1 || chosenLevel > chosen.maxLevel()) {
            throw NixshipException.usage(
                    "--compression-level: "
                            + chosenLevel
                            + " is out of range for "
                            + chosen.cliName()
                            + "; use 1 to "
                            + chosen.maxLevel());
        }
        return chosen == LayerCompression.GZIP
                ? new LayerCompressor(
                        chosen,
                        chosenLevel,
                        threads,
                        GzipBlockDeflater.choose(deflate, chosenLevel))
                : new LayerCompressor(chosen, chosenLevel, threads);
    }
}
