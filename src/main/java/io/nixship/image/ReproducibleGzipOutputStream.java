package io.nixship.image;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream with a fixed header (no file name, mtime 0, OS "unknown"). Java's GZIPOutputStream
 * writes a header whose OS byte changed between JDK releases; writing the frame ourselves keeps layer
 * digests independent of the JDK. {@link #close()} finishes the gzip member but does not close the sink.
 */
final class ReproducibleGzipOutputStream extends FilterOutputStream {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final byte[] buffer = new byte[64 * 1024];
  private long uncompressedSize;
  private boolean finished;

  ReproducibleGzipOutputStream(OutputStream sink, int level) throws IOException {
    super(sink);
    this.deflater = new Deflater(level, true);
    sink.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (length == 0) {
      return;
    }
    crc.update(bytes, offset, length);
    uncompressedSize += length;
    deflater.setInput(bytes, offset, length);
    while (!deflater.needsInput()) {
      drain();
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      deflater.finish();
      while (!deflater.finished()) {
        drain();
      }
      writeLittleEndianInt(crc.getValue());
      writeLittleEndianInt(uncompressedSize);
      out.flush();
    } finally {
      deflater.end();
    }
  }

  private void drain() throws IOException {
    int n = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH);
    if (n > 0) {
      out.write(buffer, 0, n);
    }
  }

  private void writeLittleEndianInt(long value) throws IOException {
    out.write(new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
  }
}
