package io.nixship.image;

/**
 * Hears each layer as soon as its blob is ready (found in the cache, reused from the previous image
 * or freshly compressed), while other layers are still being made: a registry push can start on it at
 * once. Called from the assembling threads, in no particular order; it must not block for long.
 */
@FunctionalInterface
public interface LayerListener {
  LayerListener NONE = layer -> { };

  void layerReady(Layer layer);
}
