package io.nixship.registry;

import io.nixship.NixshipException;
import io.nixship.image.Blob;
import io.nixship.image.Descriptor;
import io.nixship.image.Layer;
import io.nixship.image.LayerListener;
import io.nixship.image.LayerStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The layer uploads of one push to one repository, started before the image is complete: a layer
 * the build compresses is streamed to the repository while it is made (see {@link #layerStarting});
 * any other layer offered is checked at once (HEAD) and, when the repository lacks it, mounted or
 * uploaded on one of {@code jobs} threads while other layers are still being compressed. The push
 * waits for all of them before it puts the config and the manifest, so the tag still moves only
 * after every blob is in. Obtained from {@link RegistryClient#startUploads}; closing it stops
 * whatever is still running.
 */
public final class LayerUploads implements LayerListener, AutoCloseable {
    /** The registry side of one blob. */
    interface Transfer {
        /** Whether the repository already has the blob (and remembers that it does). */
        boolean present(String digest);

        /** Mounts or uploads the blob. */
        BlobOutcome send(Blob blob);

        /**
         * Opens an upload session (on {@code executor}) whose body is a layer written while it is
         * compressed.
         */
        StreamedUpload stream(Executor executor);

        /**
         * Closes a streamed upload as {@code blob}; when the stream failed, uploads the blob again
         * from its file.
         */
        BlobOutcome finish(StreamedUpload upload, Blob blob);
    }

    private final String host;
    private final String repository;
    private final PushListener listener;
    private final Transfer transfer;
    private final ExecutorService checks;
    private final ExecutorService uploads;
    private final Map<String, CompletableFuture<BlobOutcome>> byDigest = new ConcurrentHashMap<>();

    /**
     * Every streamed upload closed so far, duplicates of a digest included: the push waits for them
     * all.
     */
    private final List<CompletableFuture<BlobOutcome>> streamed = new CopyOnWriteArrayList<>();

    /** Streams still open, given up when the push is closed early. */
    private final Set<StreamedUpload> open = ConcurrentHashMap.newKeySet();

    private final AtomicLong bytesUploaded = new AtomicLong();
    private volatile boolean streamFailed;

    /**
     * Completed with the first failure of any blob, so the push fails without waiting for the
     * others.
     */
    private final CompletableFuture<BlobOutcome> firstFailure = new CompletableFuture<>();

    LayerUploads(
            String host,
            String repository,
            int checksAtOnce,
            int jobs,
            PushListener listener,
            Transfer transfer) {
        this.host = host;
        this.repository = repository;
        this.listener = listener;
        this.transfer = transfer;
        this.checks = pool(checksAtOnce, "nixship-blob-check");
        this.uploads = pool(jobs, "nixship-blob-upload");
    }

    /** Daemon threads: a push abandoned by a failing build never keeps the process alive. */
    private static ExecutorService pool(int threads, String name) {
        return Executors.newFixedThreadPool(
                threads,
                task -> {
                    Thread thread = new Thread(task, name);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    String host() {
        return host;
    }

    String repository() {
        return repository;
    }

    PushListener listener() {
        return listener;
    }

    @Override
    public void layerReady(Layer layer) {
        // Started now, awaited by finish() (byDigest keeps it).
        var unused = upload(layer.blob());
    }

    /**
     * Streams the layer to the repository while it is compressed, without asking first whether the
     * repository has it: a freshly compressed layer is almost always new, and one that is not costs
     * only its upload. Once the push has failed, layers go to the cache only; once a stream had to
     * be uploaded again (a registry that refuses bodies of unknown length, or a flaky one), the
     * layers still to come are uploaded from the cache once complete, as before streaming.
     */
    @Override
    public LayerStream layerStarting() {
        if (firstFailure.isDone() || streamFailed) {
            return LayerStream.NONE;
        }
        listener.layerStreaming();
        StreamedUpload upload = transfer.stream(checks);
        open.add(upload);
        return new LayerStream() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                upload.write(bytes, offset, length);
            }

            @Override
            public void completed(Layer layer) {
                open.remove(upload);
                Blob blob = layer.blob();
                listener.layerStreamed(blob.descriptor());
                CompletableFuture<BlobOutcome> outcome =
                        CompletableFuture.supplyAsync(
                                () -> {
                                    BlobOutcome done = transfer.finish(upload, blob);
                                    if (upload.uploadedAgain()) {
                                        streamFailed = true;
                                    }
                                    return done;
                                },
                                uploads);
                streamed.add(outcome);
                // A layer of the same bytes announced earlier keeps its own upload; this one is
                // sent all the same.
                byDigest.putIfAbsent(blob.descriptor().digest(), outcome);
                report(blob.descriptor(), outcome);
            }

            @Override
            public void abandoned() {
                open.remove(upload);
                upload.abort();
            }
        };
    }

    /**
     * Bytes of blobs uploaded so far, a blob uploaded twice counted twice; complete once {@link
     * #finish} returned.
     */
    long bytesUploaded() {
        return bytesUploaded.get();
    }

    /**
     * Waits until every one of {@code layers} is in the repository; what happened to each, by
     * digest.
     */
    Map<String, BlobOutcome> finish(List<Blob> layers) {
        List<CompletableFuture<BlobOutcome>> all = new ArrayList<>();
        layers.forEach(blob -> all.add(upload(blob)));
        List<CompletableFuture<BlobOutcome>> awaited = new ArrayList<>(all);
        awaited.addAll(streamed);
        try {
            CompletableFuture.anyOf(
                            CompletableFuture.allOf(awaited.toArray(CompletableFuture[]::new)),
                            firstFailure)
                    .get();
            Map<String, BlobOutcome> outcomes = new LinkedHashMap<>();
            for (int i = 0; i < layers.size(); i++) {
                outcomes.put(layers.get(i).descriptor().digest(), all.get(i).join());
            }
            return outcomes;
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e.getCause());
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw NixshipException.failure("push failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure("push interrupted");
        }
    }

    /** Stops the checks and uploads still running (after a failure); a finished push has none. */
    @Override
    public void close() {
        open.forEach(StreamedUpload::abort);
        checks.shutdownNow();
        uploads.shutdownNow();
    }

    private CompletableFuture<BlobOutcome> upload(Blob blob) {
        return byDigest.computeIfAbsent(blob.descriptor().digest(), digest -> start(blob));
    }

    private CompletableFuture<BlobOutcome> start(Blob blob) {
        Descriptor descriptor = blob.descriptor();
        listener.layerQueued(descriptor);
        CompletableFuture<BlobOutcome> outcome =
                CompletableFuture.supplyAsync(() -> transfer.present(descriptor.digest()), checks)
                        .thenCompose(
                                present ->
                                        present
                                                ? CompletableFuture.completedFuture(
                                                        BlobOutcome.SKIPPED)
                                                : CompletableFuture.supplyAsync(
                                                        () -> sendUnlessFailed(blob), uploads));
        report(descriptor, outcome);
        return outcome;
    }

    private void report(Descriptor descriptor, CompletableFuture<BlobOutcome> outcome) {
        // Bookkeeping only: the outcome itself is what finish() waits for and fails with.
        var unused =
                outcome.whenComplete(
                        (done, failure) -> {
                            if (failure == null) {
                                if (done == BlobOutcome.UPLOADED) {
                                    bytesUploaded.addAndGet(descriptor.size());
                                }
                                listener.layerDone(descriptor, done);
                            } else {
                                firstFailure.completeExceptionally(unwrap(failure));
                            }
                        });
    }

    /** After one blob failed the push is lost: the uploads still queued do not start. */
    private BlobOutcome sendUnlessFailed(Blob blob) {
        if (firstFailure.isDone()) {
            throw new CancellationException("not sent: another blob of this push failed");
        }
        return transfer.send(blob);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
