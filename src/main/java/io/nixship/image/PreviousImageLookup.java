package io.nixship.image;

/**
 * Finds the image a tag pointed at before this push (one manifest GET), so its layers can be reused
 * on a runner with an empty cache. Implemented on top of the registry client; {@link #NONE} for
 * destinations that are not a registry.
 */
@FunctionalInterface
public interface PreviousImageLookup {
    PreviousImageLookup NONE = tag -> PreviousLayers.none();

    /**
     * The previous image's layers, or {@link PreviousLayers#none()} when the tag does not exist
     * yet.
     */
    PreviousLayers layers(String tag);
}
