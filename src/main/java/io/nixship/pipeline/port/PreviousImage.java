package io.nixship.pipeline.port;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.freeze.Freeze;
import io.nixship.image.ImageLabels;
import io.nixship.manifest.ImageReference;
import java.util.Optional;

/** The image a manifest names now, by its config (labels included), when it can be had cheaply. */
public record PreviousImage(ImageReference reference, JsonNode config) {
    /**
     * The freeze label; empty for an image nixship did not build, or a label that does not parse.
     */
    public Optional<Freeze> freeze() {
        try {
            return labels().freeze().map(Freeze::parse);
        } catch (RuntimeException unreadable) {
            // Someone else's label: the pull request then lists the new freeze on its own.
            return Optional.empty();
        }
    }

    public Optional<String> nixpkgsRevision() {
        return labels().nixpkgsRevision();
    }

    /** The commit it was built from. */
    public Optional<String> sourceRevision() {
        return labels().revision();
    }

    private ImageLabels labels() {
        return ImageLabels.read(config);
    }
}
