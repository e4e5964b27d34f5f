package io.nixship.pipeline.port;

import io.nixship.manifest.ImageReference;
import java.util.Optional;

/**
 * What the image a manifest names was built with, read cheaply (its config, no layers). Best
 * effort: empty when unknown, never a failure.
 */
@FunctionalInterface
public interface PreviousImages {
    /** Knows nothing: the pull request then lists the new freeze on its own. */
    PreviousImages NONE = reference -> Optional.empty();

    Optional<PreviousImage> find(ImageReference reference);
}
