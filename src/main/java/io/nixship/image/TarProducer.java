package io.nixship.image;

import java.io.IOException;
import java.io.OutputStream;

/** Writes one uncompressed layer tar to a stream (without closing it). */
@FunctionalInterface
public interface TarProducer {
    void writeTo(OutputStream out) throws IOException;
}
