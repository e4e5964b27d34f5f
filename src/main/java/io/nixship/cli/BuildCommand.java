package io.nixship.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.pipeline.build.BuildAndPublishService;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.registry.ImagePublisher;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nixship build}: a project at a commit becomes an image in a layout, an archive or a
 * registry.
 */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        description = {
            "Builds the project at a commit with the locked nixpkgs (BUILD=1) into an OCI image.",
            "Prints the image reference with its digest on stdout."
        })
final class BuildCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin ProjectOptions project;

    @Mixin RegistryOptions registry;

    @Mixin CompressionOptions compression;

    @Option(
            names = "--to",
            paramLabel = "DEST",
            description =
                    "oci:DIR (an OCI layout), docker-archive:FILE (for docker load) or REGISTRY/REPO[:TAG] "
                            + "(default: the image in .nixship.yaml, pushed).")
    String to;

    @Option(
            names = "--max-layers",
            paramLabel = "N",
            description = "Most layers in the image (default: .nixship.yaml, else 100).")
    Integer maxLayers;

    @Option(
            names = "--tag",
            paramLabel = "TAG",
            description = "Extra tags to push the image under (repeatable).")
    List<String> extraTags = List.of();

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Layer cache (default: $XDG_CACHE_HOME/nixship or ~/.cache/nixship).")
    Path cacheDir;

    @Option(
            names = "--rebuild",
            description =
                    "Build and push even when the registry already holds an image of the same commit, lock and settings.")
    boolean rebuild;

    @Option(
            names = "--json",
            description = "Print the result as JSON: digest, tag, size, layers, bytes uploaded.")
    boolean json;

    BuildCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandSession session = new CommandSession(context);
        Path cache = context.cacheDirectory(cacheDir);
        ImagePublisher publisher =
                new ImagePublisher(
                        context.host().registry(cache),
                        registry.settings(session::addMask),
                        registry.credentials(context, session::addMask));
        int cores = Runtime.getRuntime().availableProcessors();
        PushProgress progress =
                session.showProgress(new PushProgress(session, context.interactive()));
        BuildAndPublishService.Outcome outcome;
        try {
            outcome =
                    new BuildAndPublishService(
                                    new ImageBuildService(
                                            new SystemProcessRunner(), context.env(), session::log),
                                    publisher,
                                    session::group,
                                    progress)
                            .run(
                                    new BuildAndPublishService.Request(
                                            project.directory(context),
                                            project.commit,
                                            Optional.ofNullable(to),
                                            context.workingDir(),
                                            maxLayers == null
                                                    ? OptionalInt.empty()
                                                    : OptionalInt.of(maxLayers),
                                            cache,
                                            compression.compressor(cores),
                                            cores,
                                            extraTags,
                                            rebuild));
        } finally {
            progress.end();
        }
        if (outcome instanceof BuildAndPublishService.Built done) {
            return built(session, done.image(), done.published());
        }
        return upToDate(session, outcome.published());
    }

    private int built(
            CommandSession session,
            ImageBuildService.BuiltImage built,
            ImagePublisher.Published published) {
        session.log(
                String.format(
                        "built %s: %d layers (%d from cache), %d store paths, %d Python packages",
                        published.digest(),
                        built.image().layers().size(),
                        built.assembled().layersFromCache(),
                        built.closure().paths().size(),
                        built.freeze().entries().size()));
        published.push().ifPresent(push -> session.log(push.summary()));
        ActionsResults.image(session, published);
        session.result(json ? json(built, published) : published.reference());
        return 0;
    }

    /**
     * The registry already holds the image of these inputs: nothing was built, only tags were set.
     */
    private int upToDate(CommandSession session, ImagePublisher.Published published) {
        session.log(
                "up to date: "
                        + published.reference()
                        + " was built from the same commit, lock and settings;"
                        + " nothing built or uploaded (--rebuild builds anyway)");
        published.push().ifPresent(push -> session.log(push.summary()));
        ActionsResults.image(session, published);
        if (json) {
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
            session.result(node.toString());
        } else {
            session.result(published.reference());
        }
        return 0;
    }

    private static String json(
            ImageBuildService.BuiltImage built, ImagePublisher.Published published) {
        ObjectMapper mapper = Json.mapper();
        ObjectNode node = mapper.createObjectNode();
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
