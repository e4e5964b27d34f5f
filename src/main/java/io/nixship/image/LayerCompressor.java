package io.nixship.image;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.zip.Deflater;

/**
 * Compresses a layer in one streaming pass: tar → sha256 (diff-id) → gzip → sha256 (blob digest) → sink.
 * Nothing is held whole in memory, so a layer of any size costs a few buffers.
 */
public final class LayerCompressor {
  public static final int DEFAULT_LEVEL = Deflater.DEFAULT_COMPRESSION;

  private final int level;

  public LayerCompressor() {
    this(DEFAULT_LEVEL);
  }

  public LayerCompressor(int level) {
    if (level != Deflater.DEFAULT_COMPRESSION && (level < 0 || level > 9)) {
      throw new IllegalArgumentException("gzip level must be 0..9, got " + level);
    }
    this.level = level;
  }

  /** Names the settings, so a cache or an annotation can tell layers compressed differently apart. */
  public String id() {
    return "gzip-" + (level == Deflater.DEFAULT_COMPRESSION ? 6 : level);
  }

  /** Streams the tar through gzip into the sink (left open) and returns the digests of both forms. */
  public LayerDigests compress(TarProducer tar, OutputStream sink) throws IOException {
    MessageDigest compressedDigest = Digests.newSha256();
    MessageDigest tarDigest = Digests.newSha256();
    CountingOutputStream counted = new CountingOutputStream(new UnclosedOutputStream(sink));
    OutputStream compressedSide = new BufferedOutputStream(new DigestOutputStream(counted, compressedDigest), 64 * 1024);
    ReproducibleGzipOutputStream gzip = new ReproducibleGzipOutputStream(compressedSide, level);
    OutputStream tarSide = new BufferedOutputStream(new DigestOutputStream(gzip, tarDigest), 64 * 1024);
    tar.writeTo(tarSide);
    tarSide.flush();
    gzip.close();
    compressedSide.flush();
    return new LayerDigests(
        Digests.format(tarDigest.digest()), Digests.format(compressedDigest.digest()), counted.count);
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

  /** Keeps the caller's sink open: the caller owns it. */
  private static final class UnclosedOutputStream extends FilterOutputStream {
    UnclosedOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
