package io.nixship.image;

import java.io.IOException;
import java.io.InputStream;

/** Opens a blob's bytes afresh each time, so an upload can be retried from the start. */
@FunctionalInterface
public interface BlobContent {
    InputStream open() throws IOException;
}
