package io.nixship.freeze;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.image.ImageBuildService;
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
        JsonNode revision =
                config.path("config").path("Labels").path(ImageBuildService.NIXPKGS_REVISION_LABEL);
        return new Environment(
                name,
                FreezeSources.fromImageConfig(config, name),
                ClosureSummary.fromImage(manifest, config),
                revision.isTextual() ? Optional.of(revision.asText()) : Optional.empty());
    }

    /** What a build learnt about its environment. */
    public static Environment fromBuild(ImageBuildService.BuiltImage built) {
        return new Environment(
                built.commitId().substring(0, 12),
                built.freeze(),
                Optional.of(ClosureSummary.of(built.closure())),
                built.lock().revision());
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
}
