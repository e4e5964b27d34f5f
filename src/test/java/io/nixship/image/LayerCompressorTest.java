package io.nixship.image;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import io.nixship.NixshipException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCompressorTest {
    @TempDir Path temp;

    /** Half text-like (compressible), half random (not): several blocks, the last one partial. */
    private static byte[] mixedInput(int size) {
        byte[] data = new byte[size];
        Random random = new Random(42);
        for (int i = 0; i < size; i += 4096) {
            int n = Math.min(4096, size - i);
            if ((i / 4096) % 2 == 0) {
                byte[] chunk = new byte[n];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, data, i, n);
            } else {
                byte[] line =
                        ("line " + i + " of a text file that repeats itself a lot\n")
                                .getBytes(UTF_8);
                for (int j = 0; j < n; j++) {
                    data[i + j] = line[j % line.length];
                }
            }
        }
        return data;
    }

    private static Compressed compress(LayerCompressor compressor, byte[] input)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerDigests digests = compressor.compress(tar -> tar.write(input), out);
        return new Compressed(out.toByteArray(), digests);
    }

    private record Compressed(byte[] bytes, LayerDigests digests) {}

    @Test
    void parallelGzipIsOneStandardGzipStreamThatGzipAccepts() throws Exception {
        byte[] input = mixedInput(5 * LayerCompressor.GZIP_BLOCK_SIZE + 12_345);

        Compressed gz = compress(new LayerCompressor(LayerCompression.GZIP, 6, 3), input);

        assertThat(new GZIPInputStream(new ByteArrayInputStream(gz.bytes())).readAllBytes())
                .isEqualTo(input);
        assertThat(gz.digests().diffId()).isEqualTo(Digests.sha256(input));
        assertThat(gz.digests().digest()).isEqualTo(Digests.sha256(gz.bytes()));
        assertThat(gz.digests().size()).isEqualTo(gz.bytes().length);
        Path file = Files.write(temp.resolve("layer.gz"), gz.bytes());
        Process gzip =
                new ProcessBuilder("gzip", "-t", file.toString()).redirectErrorStream(true).start();
        String output = new String(gzip.getInputStream().readAllBytes(), UTF_8);
        assertThat(gzip.waitFor()).as(output).isZero();
        // One member: the trailer's size is the whole input.
        byte[] bytes = gz.bytes();
        int isize =
                (bytes[bytes.length - 4] & 0xff)
                        | (bytes[bytes.length - 3] & 0xff) << 8
                        | (bytes[bytes.length - 2] & 0xff) << 16
                        | (bytes[bytes.length - 1] & 0xff) << 24;
        assertThat(isize).isEqualTo(input.length);
    }

    @Test
    void gzipBytesAreTheSameForAnyThreadCount() throws IOException {
        byte[] input = mixedInput(4 * LayerCompressor.GZIP_BLOCK_SIZE + 7);

        Compressed one = compress(new LayerCompressor(LayerCompression.GZIP, 6, 1), input);
        Compressed two = compress(new LayerCompressor(LayerCompression.GZIP, 6, 2), input);
        Compressed five = compress(new LayerCompressor(LayerCompression.GZIP, 6, 5), input);

        assertThat(two.bytes()).isEqualTo(one.bytes());
        assertThat(five.bytes()).isEqualTo(one.bytes());
        assertThat(five.digests()).isEqualTo(one.digests());
    }

    @Test
    void inputOfOneBlockGivesWhatASingleDeflaterGives() throws IOException {
        byte[] input = mixedInput(300_000);

        Compressed gz = compress(new LayerCompressor(LayerCompression.GZIP, 6, 2), input);

        byte[] deflated = GzipBlockDeflater.zlib().deflate(input, input.length, null, 6, true);
        Deflater reference = new Deflater(6, true);
        reference.setInput(input);
        reference.finish();
        byte[] buffer = new byte[input.length + 1024];
        int n = reference.deflate(buffer);
        reference.end();
        assertThat(deflated).isEqualTo(Arrays.copyOf(buffer, n));
        assertThat(Arrays.copyOfRange(gz.bytes(), 10, gz.bytes().length - 8)).isEqualTo(deflated);
    }

    @Test
    void storesBlocksThatDoNotCompressAndStillFormOneStream() throws IOException {
        byte[] input = new byte[3 * LayerCompressor.GZIP_BLOCK_SIZE];
        new Random(7).nextBytes(input);
        byte[] text = mixedInput(LayerCompressor.GZIP_BLOCK_SIZE);
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + (text[i] & 7));
        }
        System.arraycopy(text, 0, input, LayerCompressor.GZIP_BLOCK_SIZE, text.length);

        Compressed gz = compress(new LayerCompressor(LayerCompression.GZIP, 6, 2), input);

        assertThat(new GZIPInputStream(new ByteArrayInputStream(gz.bytes())).readAllBytes())
                .isEqualTo(input);
        assertThat(ParallelGzipOutputStream.incompressible(input, LayerCompressor.GZIP_BLOCK_SIZE))
                .isTrue();
        assertThat(ParallelGzipOutputStream.incompressible(text, text.length)).isFalse();
        // Two stored blocks cost a few bytes over their size; the text block compresses.
        assertThat(gz.bytes().length)
                .isLessThan(
                        2 * LayerCompressor.GZIP_BLOCK_SIZE + LayerCompressor.GZIP_BLOCK_SIZE / 2);
    }

    @Test
    void emptyInputIsAValidGzipStream() throws IOException {
        Compressed gz = compress(new LayerCompressor(), new byte[0]);

        assertThat(new GZIPInputStream(new ByteArrayInputStream(gz.bytes())).readAllBytes())
                .isEmpty();
    }

    @Test
    void gzipHoldsAFixedNumberOfBlocksHoweverLargeTheLayer() throws IOException {
        LayerCompressor compressor = new LayerCompressor(LayerCompression.GZIP, 1, 2);
        byte[] chunk = mixedInput(256 * 1024);
        long size = 64L * 1024 * 1024;

        LayerDigests digests =
                compressor.compress(
                        out -> {
                            for (long written = 0; written < size; written += chunk.length) {
                                out.write(chunk);
                            }
                        },
                        OutputStream.nullOutputStream());

        assertThat(digests.size()).isPositive();
        assertThat(compressor.peakBlocksInFlight()).isBetween(1, compressor.maxBlocksInFlight());
        assertThat(compressor.maxBlocksInFlight()).isEqualTo(4);
    }

    @Test
    void zstdLayersDecompressAndCarryTheZstdMediaType() throws IOException {
        byte[] input = mixedInput(3 * 1024 * 1024 + 5);
        LayerCompressor compressor = new LayerCompressor(LayerCompression.ZSTD, 3, 2);

        Compressed zst = compress(compressor, input);

        try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(zst.bytes()))) {
            assertThat(in.readAllBytes()).isEqualTo(input);
        }
        assertThat(zst.digests().diffId()).isEqualTo(Digests.sha256(input));
        assertThat(zst.digests().digest()).isEqualTo(Digests.sha256(zst.bytes()));
        assertThat(compressor.mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
        assertThat(compressor.id()).startsWith("zstd-3");
    }

    @Test
    void zstdBytesAreTheSameForAnyThreadCount() throws IOException {
        byte[] input = mixedInput(3 * 1024 * 1024);

        Compressed one = compress(new LayerCompressor(LayerCompression.ZSTD, 3, 1), input);
        Compressed three = compress(new LayerCompressor(LayerCompression.ZSTD, 3, 3), input);

        assertThat(three.bytes()).isEqualTo(one.bytes());
    }

    @Test
    void compressionSettingsNameTheirFormatAndMediaType() {
        assertThat(new LayerCompressor().id())
                .isEqualTo("gzip-3-blocks-1048576-incompressible-stored");
        assertThat(new LayerCompressor().mediaType()).isEqualTo(OciImage.LAYER_MEDIA_TYPE);
        assertThat(LayerCompression.parse("zstd")).isEqualTo(LayerCompression.ZSTD);
        assertThatThrownBy(() -> LayerCompression.parse("xz"))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("--compression: 'xz' is not one of gzip, zstd");
    }

    @Test
    void isaLGzipIsOneStandardStreamWithTheSameBytesForAnyThreadCount() throws Exception {
        GzipBlockDeflater isal = GzipBlockDeflater.choose("isal", 3);
        byte[] input = mixedInput(5 * LayerCompressor.GZIP_BLOCK_SIZE + 12_345);

        Compressed one = compress(new LayerCompressor(LayerCompression.GZIP, 3, 1, isal), input);
        Compressed three = compress(new LayerCompressor(LayerCompression.GZIP, 3, 3, isal), input);
        Compressed zlib = compress(new LayerCompressor(LayerCompression.GZIP, 3, 2), input);

        assertThat(three.bytes()).isEqualTo(one.bytes()).isNotEqualTo(zlib.bytes());
        assertThat(new GZIPInputStream(new ByteArrayInputStream(one.bytes())).readAllBytes())
                .isEqualTo(input);
        assertThat(one.digests().diffId()).isEqualTo(Digests.sha256(input));
        assertThat(one.digests().digest()).isEqualTo(Digests.sha256(one.bytes()));
        Path file = Files.write(temp.resolve("isal.gz"), one.bytes());
        Process gunzip =
                new ProcessBuilder("gunzip", "-t", file.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(gunzip.getInputStream().readAllBytes(), UTF_8);
        assertThat(gunzip.waitFor()).as(output).isZero();
        assertThat(new LayerCompressor(LayerCompression.GZIP, 3, 1, isal).id())
                .matches("gzip-3-blocks-1048576-incompressible-stored-isal-[0-9.]+");
    }

    @Test
    void isaLWritesAValidStreamForEmptyAndIncompressibleInput() throws IOException {
        GzipBlockDeflater isal = GzipBlockDeflater.choose("isal", 1);
        byte[] random = new byte[2 * LayerCompressor.GZIP_BLOCK_SIZE + 3];
        new Random(9).nextBytes(random);

        for (byte[] input : new byte[][] {new byte[0], random}) {
            Compressed gz = compress(new LayerCompressor(LayerCompression.GZIP, 1, 2, isal), input);
            assertThat(new GZIPInputStream(new ByteArrayInputStream(gz.bytes())).readAllBytes())
                    .isEqualTo(input);
        }
    }

    @Test
    void autoChoosesIsaLWhereItHasTheLevelAndZlibIsChosenByName() {
        assertThat(GzipBlockDeflater.choose("auto", 3).description()).startsWith("ISA-L ");
        assertThat(GzipBlockDeflater.choose("auto", 6).description())
                .isEqualTo("zlib (java.util.zip)");
        assertThat(GzipBlockDeflater.choose("zlib", 3).formatSuffix()).isEmpty();
        assertThat(
                        new LayerCompressor(
                                        LayerCompression.GZIP,
                                        3,
                                        1,
                                        GzipBlockDeflater.choose("zlib", 3))
                                .description())
                .isEqualTo("gzip level 3 by zlib (java.util.zip)");
        assertThatThrownBy(() -> GzipBlockDeflater.choose("isal", 6))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("ISA-L has gzip levels 1 to 3, not 6");
        assertThatThrownBy(() -> GzipBlockDeflater.choose("pigz", 3))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("--deflate: 'pigz' is not one of auto, isal, zlib");
    }
}
