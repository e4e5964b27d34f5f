package io.nixship.cli;

import io.nixship.pipeline.freezediff.EnvironmentSources;
import java.nio.file.Path;
import java.util.Optional;
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

    @Option(
            names = "--registry-host",
            paramLabel = "HOST",
            description =
                    "The registry explicit credentials are for (the action's registry input);"
                            + " default: the host of the project's image. comment needs it"
                            + " with explicit credentials.")
    String registryHost;

    @Mixin RegistryOptions registry;

    /** Sources for a checkout the workflow trusts (diff, verify). */
    EnvironmentSources sources(CliContext context, CommandSession session) {
        return sources(context, session, false);
    }

    /**
     * Sources for a pull request's checkout (comment): its .nixship.yaml is the contributor's, so
     * its image never chooses where explicit credentials go.
     */
    EnvironmentSources pullRequestSources(CliContext context, CommandSession session) {
        return sources(context, session, true);
    }

    private EnvironmentSources sources(
            CliContext context, CommandSession session, boolean pullRequest) {
        Path project =
                directory == null
                        ? context.workingDir()
                        : context.workingDir().resolve(directory).normalize();
        UseCases useCases = UseCases.from(context, session);
        return useCases.environments(
                project,
                useCases.cacheDirectory(cacheDir),
                registry,
                Optional.ofNullable(registryHost).filter(host -> !host.isBlank()),
                pullRequest);
    }
}
