package io.nixship.image;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One standard gzip member deflated in parallel, the way pigz does it: the input is cut into blocks
 * of a fixed size, each block is deflated on its own with the previous block's last 32 KiB as
 * dictionary and ends with a sync flush (the last one finishes the stream), and the raw deflate
 * data of the blocks is concatenated in order. Block boundaries depend only on the input, never on
 * timing or the number of threads, so the bytes are the same on every run with the same deflate
 * library ({@link GzipBlockDeflater}). Input that fits in one block is deflated on the caller's
 * thread and gives exactly what that library gives for it alone.
 *
 * <p>A block whose samples do not compress (already compressed data: wheels, images, archives) is
 * stored rather than searched for matches that are not there: zlib spends most of a layer's time on
 * such data for a gain under 0.1%. The decision depends only on the block's bytes.
 *
 * <p>The header is fixed (no name, mtime 0, OS "unknown"): Java's GZIPOutputStream writes an OS
 * byte that changed between JDK releases. {@link #close()} finishes the member but leaves the sink
 * open.
 */
final class ParallelGzipOutputStream extends OutputStream {
    static final int DICTIONARY_SIZE = 32 * 1024;
    private static final int SAMPLES = 4;
    private static final int SAMPLE_SIZE = 8 * 1024;
    private static final GzipBlockDeflater STORED = GzipBlockDeflater.zlib();
    private static final byte[] HEADER = {
        0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff
    };

    private final OutputStream out;
    private final int level;
    private final int blockSize;
    private final BlockDeflaters deflaters;
    private final GzipBlockDeflater blockDeflater;
    private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private long uncompressedSize;
    private byte[] block;
    private int filled;
    private byte[] dictionary;
    private boolean closed;

    ParallelGzipOutputStream(
            OutputStream sink,
            int level,
            int blockSize,
            BlockDeflaters deflaters,
            GzipBlockDeflater blockDeflater)
            throws IOException {
        if (blockSize < DICTIONARY_SIZE) {
            throw new IllegalArgumentException(
                    "gzip block size must be at least " + DICTIONARY_SIZE + ", got " + blockSize);
        }
        this.out = sink;
        this.level = level;
        this.blockSize = blockSize;
        this.deflaters = deflaters;
        this.blockDeflater = blockDeflater;
        this.block = new byte[blockSize];
        sink.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        crc.update(bytes, offset, length);
        uncompressedSize += length;
        while (length > 0) {
            // A full block is handed over only when more input arrives: the last block must finish
            // the stream.
            if (filled == blockSize) {
                submitBlock();
            }
            int n = Math.min(length, blockSize - filled);
            System.arraycopy(bytes, offset, block, filled, n);
            filled += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Deflates the last block, writes everything in order and the trailer; the sink stays open. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (pending.isEmpty()) {
                out.write(deflate(block, filled, dictionary, true));
            } else {
                reserveSlot();
                pending.add(submit(block, filled, true));
                while (!pending.isEmpty()) {
                    writeOldest();
                }
            }
            block = null;
            writeLittleEndianInt(crc.getValue());
            writeLittleEndianInt(uncompressedSize);
            out.flush();
        } finally {
            abort();
        }
    }

    /** Gives back the slots of blocks never written, after a failure. */
    void abort() {
        while (!pending.isEmpty()) {
            pending.removeFirst().cancel(true);
            deflaters.release();
        }
    }

    private void submitBlock() throws IOException {
        reserveSlot();
        pending.add(submit(block, filled, false));
        block = new byte[blockSize];
        filled = 0;
    }

    private Future<byte[]> submit(byte[] input, int length, boolean last) {
        byte[] blockDictionary = dictionary;
        dictionary = Arrays.copyOfRange(input, Math.max(0, length - DICTIONARY_SIZE), length);
        return deflaters.submit(() -> deflate(input, length, blockDictionary, last));
    }

    /**
     * Frees one of our own slots before waiting on others, so streams never wait on each other in a
     * circle.
     */
    private void reserveSlot() throws IOException {
        while (!deflaters.tryReserve()) {
            if (pending.isEmpty()) {
                try {
                    deflaters.reserve();
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while compressing");
                }
            }
            writeOldest();
        }
    }

    private void writeOldest() throws IOException {
        Future<byte[]> oldest = pending.removeFirst();
        try {
            out.write(oldest.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException(
                    "cannot deflate a block: " + e.getCause().getMessage(), e.getCause());
        } finally {
            deflaters.release();
        }
    }

    /** A block whose samples do not compress is stored; the others go to the chosen library. */
    private byte[] deflate(byte[] input, int length, byte[] dictionary, boolean last) {
        return incompressible(input, length)
                ? STORED.deflate(input, length, dictionary, Deflater.NO_COMPRESSION, last)
                : blockDeflater.deflate(input, length, dictionary, level, last);
    }

    /** Whether every sample of the block stays at least 99% of its size at level 1. */
    static boolean incompressible(byte[] input, int length) {
        if (length < SAMPLES * SAMPLE_SIZE) {
            return false;
        }
        Deflater probe = new Deflater(1, true);
        try {
            byte[] output = new byte[SAMPLE_SIZE + 1024];
            for (int i = 0; i < SAMPLES; i++) {
                probe.reset();
                probe.setInput(
                        input,
                        (int) ((long) (length - SAMPLE_SIZE) * i / (SAMPLES - 1)),
                        SAMPLE_SIZE);
                probe.finish();
                int compressed = 0;
                while (!probe.finished()) {
                    compressed += probe.deflate(output);
                }
                if (compressed < SAMPLE_SIZE * 99 / 100) {
                    return false;
                }
            }
            return true;
        } finally {
            probe.end();
        }
    }

    private void writeLittleEndianInt(long value) throws IOException {
        out.write(
                new byte[] {
                    (byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)
                });
    }
}
