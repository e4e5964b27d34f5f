package io.nixship.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.pipeline.build.BuildAndPublishService;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.registry.ImagePublisher;

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
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("reference", published.reference());
        node.put("digest", published.digest());
        node.put("tag", published.tag());
        node.put("upToDate", true);
        published
                .push()
                .ifPresent(
                        push -> {
                            node.put("size", push.totalSize());
                            node.putObject("layers")
                                    .put("total", push.layersTotal())
                                    .put("uploaded", 0)
                                    .put("skipped", push.layersSkipped());
                            node.put("bytesUploaded", 0);
                        });
        return node.toString();
    }

    private static String json(
            ImageBuildService.BuiltImage built, ImagePublisher.Published published) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("reference", published.reference());
        node.put("digest", published.digest());
        node.put("tag", published.tag());
        node.put("upToDate", false);
        node.put("commit", built.commitId());
        node.put("size", built.image().totalSize());
        node.put("closureSize", built.closure().totalNarSize());
        node.put("storePaths", built.closure().paths().size());
        ObjectNode layers = node.putObject("layers");
        layers.put("total", built.image().layers().size());
        layers.put("fromCache", built.assembled().layersFromCache());
        layers.put("reused", built.assembled().layersReused());
        layers.put("compressed", built.assembled().layersCompressed());
        published
                .push()
                .ifPresent(
                        push -> {
                            layers.put("uploaded", push.layersUploaded());
                            layers.put("skipped", push.layersSkipped());
                            layers.put("mounted", push.layersMounted());
                            node.put("bytesUploaded", push.bytesUploaded());
                        });
        node.put("freeze", built.freeze().render());
        return node.toString();
    }
}
