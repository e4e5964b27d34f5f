package io.nixship.freeze;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.NixshipException;
import io.nixship.image.ImageLabels;
import java.util.Optional;

/**
 * One side of a comparison: a Python environment's freeze and, when the source records them, its
 * runtime closure and nixpkgs revision. {@code name} says where it came from, for messages.
 */
public record Environment(
        String name,
        Freeze freeze,
        Optional<ClosureSummary> closure,
        Optional<String> nixpkgsRevision) {

    /**
     * What an image's manifest and config (labels and layer annotations) say about its environment.
     */
    public static Environment fromImage(String name, JsonNode manifest, JsonNode config) {
        return new Environment(
                name,
                freezeOfImage(config, name),
                ClosureSummary.fromImage(manifest, config),
                ImageLabels.read(config).nixpkgsRevision());
    }

    /**
     * The diff from {@code before} to {@code after}: the packages always, the closure and the
     * nixpkgs revision when both sides know them.
     */
    public static FreezeDiff compare(Environment before, Environment after) {
        FreezeDiff diff = FreezeDiff.of(before.freeze(), after.freeze());
        if (before.closure().isPresent() && after.closure().isPresent()) {
            diff = diff.withClosure(ClosureDiff.of(before.closure().get(), after.closure().get()));
        }
        if (before.nixpkgsRevision().isPresent() && after.nixpkgsRevision().isPresent()) {
            diff = diff.withNixpkgs(before.nixpkgsRevision().get(), after.nixpkgsRevision().get());
        }
        return diff;
    }

    /** The freeze an image config carries in its {@code io.nixship.freeze} label. */
    public static Freeze freezeOfImage(JsonNode config, String imageName) {
        Optional<String> label = ImageLabels.read(config).freeze();
        if (label.isEmpty()) {
            throw NixshipException.usage(
                    imageName
                            + " has no "
                            + ImageLabels.FREEZE_LABEL
                            + " label: was it built by nixship?");
        }
        return Freeze.parse(label.get());
    }
}
