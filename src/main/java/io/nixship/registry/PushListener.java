package io.nixship.registry;

import io.nixship.image.Descriptor;

/** Hears how a push goes, for a progress display. Called from several threads. */
public interface PushListener {
    PushListener NONE = new PushListener() {};

    /**
     * Once the image is complete: how many layers and how many bytes of layers and config there
     * are. Layers uploaded while the image was still being assembled may be reported before.
     */
    default void started(int layers, long bytes) {}

    /**
     * A layer joins the push while the image is still being assembled (its check or upload starts
     * at once); until {@link #started} the totals are those of the layers joined so far.
     */
    default void layerQueued(Descriptor layer) {}

    /**
     * A layer being compressed starts uploading before its size is known: it counts as one more
     * layer now, and {@link #layerStreamed} brings its size once it is complete.
     */
    default void layerStreaming() {}

    /** A layer announced by {@link #layerStreaming} is complete: its size joins the totals. */
    default void layerStreamed(Descriptor layer) {}

    /** Bytes just sent; negative when a failed attempt's bytes are to be sent again. */
    default void bytesSent(long delta) {}

    /** One layer is in the repository. */
    default void layerDone(Descriptor layer, BlobOutcome outcome) {}

    /** Every blob, the manifest and the tags are in the registry. */
    default void finished() {}
}
