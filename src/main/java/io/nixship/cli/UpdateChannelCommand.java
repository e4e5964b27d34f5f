package io.nixship.cli;

import io.nixship.manifest.PinStyle;
import io.nixship.nix.channel.ChannelSpec;
import io.nixship.pipeline.channel.ChannelUpdateService;
import io.nixship.pipeline.channel.ChannelUpdateService.Report;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nixship update-channel}: moves nixship.lock to the channel's newest release, builds and
 * pushes the image with it, and proposes lock and manifest bump in one pull request on {@code
 * nixship/channel-<name>}.
 */
@Command(
        name = "update-channel",
        mixinStandardHelpOptions = true,
        description = {
            "Moves nixship.lock to the channel's newest release, builds and pushes the image with it, and opens or "
                    + "updates one pull request on nixship/channel-<name> with the lock, the manifest bump and the freeze diff "
                    + "(with a GitOps repository: the lock here, the manifests in one pull request there).",
            "Exits 0 with changed=false when the lock is current; opens the pull request marked failing and exits 1 "
                    + "when the image does not build on the new release."
        })
final class UpdateChannelCommand implements Callable<Integer> {
    private static final List<String> LABELS = List.of("nixship", "nixpkgs");

    private final CliContext context;

    @Mixin ProjectOptions project;

    @Mixin RegistryOptions registry;

    @Mixin PullRequestOptions pullRequest;

    @Mixin CompressionOptions compression;

    @Option(
            names = "--channel",
            paramLabel = "NAME",
            description = "Move to this channel, e.g. nixos-24.11 (default: the lock's).")
    String channel;

    @Option(
            names = "--channel-url",
            paramLabel = "URL",
            defaultValue = "https://channels.nixos.org",
            description = "The channel server (default: ${DEFAULT-VALUE}).")
    URI channelUrl;

    @Option(
            names = "--github-url",
            paramLabel = "URL",
            defaultValue = "https://github.com",
            hidden = true)
    URI githubUrl;

    @Option(
            names = "--follow-releases",
            description =
                    "Also propose a newer stable channel (e.g. nixos-24.11 while on nixos-24.05) in a separate pull request.")
    boolean followReleases;

    @Option(
            names = "--dry-run",
            description =
                    "Resolve, download and build, then print the lock diff, freeze diff and pull request; push nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    UpdateChannelCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandSession session = new CommandSession(context);
        UseCases useCases = UseCases.from(context, session);
        PinStyle pinStyle = pullRequest.pinStyle();
        // A misspelt channel fails before anything remote is asked.
        Optional.ofNullable(channel).ifPresent(ChannelSpec::parse);
        UseCases.Push push =
                useCases.push(Optional.empty(), registry, UseCases.compressor(compression), dryRun);
        Path directory = project.directory(context);
        ChannelUpdateService.Project state =
                ChannelUpdateService.Project.read(
                        directory, project.commit, context.host().githubRepository());
        try (Repository repository = UseCases.openRepository(directory)) {
            ChannelUpdateService service =
                    useCases.channelUpdate(
                            directory,
                            repository,
                            state,
                            channelUrl,
                            githubUrl,
                            push,
                            pullRequest,
                            LABELS);
            Report report =
                    service.update(
                            new ChannelUpdateService.Request(
                                    Optional.ofNullable(channel),
                                    followReleases,
                                    pullRequest.manifests(pullRequest.gitops(state.config())),
                                    pinStyle));
            return ChannelUpdateResults.render(session, report, json, dryRun);
        }
    }
}
