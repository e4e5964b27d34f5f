package io.nixship.cli;

import io.nixship.pipeline.freezediff.EnvironmentSources;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the commands that compare environments (diff, comment, verify) share: the project that
 * commit and lock sides build, the layer cache for those builds, and how to read images from a
 * registry.
 */
final class EnvironmentOptions {
    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description =
                    "The project that commit and lock sides build (default: the current directory).")
    Path directory;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Layer cache for the builds.")
    Path cacheDir;

    @Mixin RegistryOptions registry;

    EnvironmentSources sources(CliContext context, CommandSession session) {
        Path project =
                directory == null
                        ? context.workingDir()
                        : context.workingDir().resolve(directory).normalize();
        UseCases useCases = UseCases.from(context, session);
        return useCases.environments(project, useCases.cacheDirectory(cacheDir), registry);
    }
}
