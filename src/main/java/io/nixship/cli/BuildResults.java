package io.nixship.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nixship.Json;
import io.nixship.pipeline.build.BuildAndPublishService;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.registry.ImagePublisher;
import io.nixship.registry.PushResult;
import java.util.Optional;

/** {@code nixship build --json}: what was built or found, and what the push did. */
final class BuildResults {
    private BuildResults() {}

    /** Logs what the run did and writes the image reference, or with {@code json} the details. */
    static void report(
            CommandSession session, BuildAndPublishService.Outcome outcome, boolean json) {
        ImagePublisher.Published published = outcome.published();
        if (outcome instanceof BuildAndPublishService.Built done) {
            ImageBuildService.BuiltImage built = done.image();
            session.log(
                    String.format(
                            "built %s: %d layers (%d from cache), %d store paths, %d Python packages",
                            published.digest(),
                            built.image().layers().size(),
                            built.assembled().layersFromCache(),
                            built.closure().paths().size(),
                            built.freeze().entries().size()));
        } else {
            // The registry already holds the image of these inputs: only tags were set.
            session.log(
                    "up to date: "
                            + published.reference()
                            + " was built from the same commit, lock and settings;"
                            + " nothing built or uploaded (--rebuild builds anyway)");
        }
        published.push().ifPresent(push -> session.log(push.summary()));
        ActionsResults.image(session, published);
        if (!json) {
            session.result(published.reference());
        } else if (outcome instanceof BuildAndPublishService.Built done) {
            session.result(json(done.image(), published));
        } else {
            session.result(upToDateJson(published));
        }
    }

    /** The registry already held the image: its reference, tag and what the push skipped. */
    private static String upToDateJson(ImagePublisher.Published published) {
        Optional<PushResult> push = published.push();
        return Json.compact(
                new UpToDate(
                        published.reference(),
                        published.digest(),
                        published.tag(),
                        true,
                        push.map(PushResult::totalSize).orElse(null),
                        push.map(p -> new PushedLayers(p.layersTotal(), 0, p.layersSkipped()))
                                .orElse(null),
                        push.map(p -> 0L).orElse(null)));
    }

    private static String json(
            ImageBuildService.BuiltImage built, ImagePublisher.Published published) {
        Optional<PushResult> push = published.push();
        return Json.compact(
                new Built(
                        published.reference(),
                        published.digest(),
                        published.tag(),
                        false,
                        built.commitId(),
                        built.image().totalSize(),
                        built.closure().totalNarSize(),
                        built.closure().paths().size(),
                        BuiltLayers.of(built, push),
                        push.map(PushResult::bytesUploaded).orElse(null),
                        built.freeze().render()));
    }

    /**
     * {@code --json} when the registry already held the image; the push fields only when there was
     * a push.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record UpToDate(
            String reference,
            String digest,
            String tag,
            boolean upToDate,
            Long size,
            PushedLayers layers,
            Long bytesUploaded) {}

    record PushedLayers(int total, int uploaded, int skipped) {}

    /** {@code --json} of a build; the push fields only when there was a push. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Built(
            String reference,
            String digest,
            String tag,
            boolean upToDate,
            String commit,
            long size,
            long closureSize,
            int storePaths,
            BuiltLayers layers,
            Long bytesUploaded,
            String freeze) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BuiltLayers(
            int total,
            int fromCache,
            int reused,
            int compressed,
            Integer uploaded,
            Integer skipped,
            Integer mounted) {
        /** Where each layer came from and, after a push, what the push did with it. */
        static BuiltLayers of(ImageBuildService.BuiltImage built, Optional<PushResult> push) {
            return new BuiltLayers(
                    built.image().layers().size(),
                    built.assembled().layersFromCache(),
                    built.assembled().layersReused(),
                    built.assembled().layersCompressed(),
                    push.map(PushResult::layersUploaded).orElse(null),
                    push.map(PushResult::layersSkipped).orElse(null),
                    push.map(PushResult::layersMounted).orElse(null));
        }
    }
}
