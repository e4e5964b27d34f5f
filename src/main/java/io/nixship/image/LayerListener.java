package io.nixship.image;

/**
 * Hears each layer as soon as its blob is ready (found in the cache, reused from the previous image
 * or freshly compressed), while other layers are still being made: a registry push can start on it
 * at once. Called from the assembling threads, in no particular order; it must not block for long.
 */
@FunctionalInterface
public interface LayerListener {
    LayerListener NONE = layer -> {};

    void layerReady(Layer layer);

    /**
     * Called just before a store-path layer is tarred and compressed (not for layers found in the
     * cache or reused): where its compressed bytes also go as they are made, so a push need not
     * wait for the whole layer nor read it back from the cache. The stream hears {@link
     * LayerStream#completed} before this listener hears {@link #layerReady} of the same layer.
     */
    default LayerStream layerStarting() {
        return LayerStream.NONE;
    }
}
