package io.nixship.cli;

import io.nixship.image.Descriptor;
import io.nixship.registry.BlobOutcome;
import io.nixship.registry.PushListener;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Push progress on stderr: layers in the registry and bytes done, one line redrawn in place when
 * stderr is a terminal; nothing otherwise (the one-line summary at the end is enough for CI logs).
 * Layers already there or mounted count their bytes as done. Called from the upload threads.
 */
final class PushProgress implements PushListener {
    private final CommandSession session;
    private final boolean interactive;
    private final AtomicInteger layersDone = new AtomicInteger();
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicInteger layersQueued = new AtomicInteger();
    private final AtomicLong bytesQueued = new AtomicLong();
    private volatile int layers;
    private volatile long bytes;
    private String lastDrawn = "";

    PushProgress(CommandSession session, boolean interactive) {
        this.session = session;
        this.interactive = interactive;
    }

    @Override
    public void started(int layerCount, long totalBytes) {
        this.layers = layerCount;
        this.bytes = totalBytes;
        draw();
    }

    @Override
    public void layerQueued(Descriptor layer) {
        layersQueued.incrementAndGet();
        bytesQueued.addAndGet(layer.size());
        draw();
    }

    @Override
    public void layerStreaming() {
        layersQueued.incrementAndGet();
        draw();
    }

    @Override
    public void layerStreamed(Descriptor layer) {
        bytesQueued.addAndGet(layer.size());
        draw();
    }

    @Override
    public void bytesSent(long delta) {
        bytesDone.addAndGet(delta);
        draw();
    }

    @Override
    public void layerDone(Descriptor layer, BlobOutcome outcome) {
        if (outcome != BlobOutcome.UPLOADED) {
            bytesDone.addAndGet(layer.size());
        }
        layersDone.incrementAndGet();
        draw();
    }

    @Override
    public void finished() {
        // A config already in the registry sends no bytes; the push is complete all the same.
        bytesDone.set(bytes);
        draw();
        end();
    }

    /**
     * Ends the progress line, so what follows (the summary, or an error after a failed push) starts
     * on its own.
     */
    synchronized void end() {
        if (interactive && !lastDrawn.isEmpty()) {
            session.context().err().println();
            session.context().err().flush();
            lastDrawn = "";
        }
    }

    /**
     * Writes other stderr lines while the push runs: the progress line is ended first, under the
     * same lock as the redraws, and drawn anew below them at its next change.
     */
    synchronized void above(Runnable write) {
        end();
        write.run();
    }

    private synchronized void draw() {
        // Until the image is complete, the totals are those of the layers already uploading; a
        // layer
        // still streaming has sent bytes before its size is known.
        int layerTotal = layers > 0 ? layers : layersQueued.get();
        long byteTotal = layers > 0 ? bytes : Math.max(bytesQueued.get(), bytesDone.get());
        if (!interactive || layerTotal == 0) {
            return;
        }
        String line =
                String.format(
                        Locale.ROOT,
                        "pushing: %d/%d layers, %s / %s",
                        layersDone.get(),
                        layerTotal,
                        mb(bytesDone.get()),
                        mb(byteTotal));
        // Uploads report every few kilobytes; redraw only when what a person sees changes.
        if (line.equals(lastDrawn)) {
            return;
        }
        int padding = Math.max(0, lastDrawn.length() - line.length());
        lastDrawn = line;
        var err = session.context().err();
        err.print("\r" + line + " ".repeat(padding));
        err.flush();
    }

    private static String mb(long value) {
        return String.format(Locale.ROOT, "%.1f MB", value / 1_000_000.0);
    }
}
