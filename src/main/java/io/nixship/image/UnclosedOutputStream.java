package io.nixship.image;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Lets a tar or compressor stream be closed (to finish it) without closing the caller's sink. */
final class UnclosedOutputStream extends FilterOutputStream {
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
