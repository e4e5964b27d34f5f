package io.nixship.cli;

import io.nixship.pipeline.build.BuildAndPublishService;
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
        UseCases useCases = UseCases.from(context, session);
        Path cache = useCases.cacheDirectory(cacheDir);
        int cores = Runtime.getRuntime().availableProcessors();
        PushProgress progress =
                session.showProgress(new PushProgress(session, context.interactive()));
        BuildAndPublishService.Outcome outcome;
        try {
            outcome =
                    useCases.buildAndPublish(registry, cache, progress)
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
        BuildResults.report(session, outcome, json);
        return 0;
    }
}
