package io.nixship.registry;

import io.nixship.registry.RegistryHttp.Response;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One layer uploaded while it is compressed: an upload session opened as the layer starts and a
 * PATCH whose chunked body is the compressed bytes as they come. {@link RegistryClient} opens it
 * and, once the layer is complete, closes the session with the digest or, if the stream failed,
 * uploads the layer again from its cache file.
 */
final class StreamedUpload {
    private final StreamedBody body;
    private final CompletableFuture<Response> patch;
    private final PushListener listener;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean uploadedAgain;

    StreamedUpload(StreamedBody body, CompletableFuture<Response> patch, PushListener listener) {
        this.body = body;
        this.patch = patch;
        this.listener = listener;
    }

    /**
     * Sends the bytes, or drops them once the stream has failed (the layer then goes again from the
     * cache).
     */
    void write(byte[] bytes, int offset, int length) throws InterruptedIOException {
        if (body.write(bytes, offset, length)) {
            sent.addAndGet(length);
            listener.bytesSent(length);
        }
    }

    /** Ends the body; the PATCH's answer follows. */
    CompletableFuture<Response> end() {
        body.complete();
        return patch;
    }

    /** Gives the upload up: the PATCH fails and a writer waiting on it is released. */
    void abort() {
        body.fail(new IOException("the layer was abandoned"));
    }

    /**
     * The stream failed: takes back the bytes it reported as sent, since the layer is to be sent
     * again.
     */
    void failed() {
        uploadedAgain = true;
        listener.bytesSent(-sent.getAndSet(0));
    }

    /** Whether the stream failed and the layer had to be uploaded again from its file. */
    boolean uploadedAgain() {
        return uploadedAgain;
    }
}
