package io.nixship.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.forge.GitHubApi;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.GitHubRateLimits;
import io.nixship.forge.ManifestBranchPublisher;
import io.nixship.forge.PullRequestService;
import io.nixship.image.LayerCompressor;
import io.nixship.manifest.PinStyle;
import io.nixship.nix.NixSettings;
import io.nixship.nix.NixVersionCheck;
import io.nixship.nix.NixpkgsFetcher;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.nix.channel.ChannelResolver;
import io.nixship.nix.channel.ChannelSpec;
import io.nixship.nix.channel.JdkChannelHttp;
import io.nixship.nix.channel.LockUpdater;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.pipeline.channel.ChannelUpdateService;
import io.nixship.pipeline.channel.ChannelUpdateService.Report;
import io.nixship.pipeline.channel.ChannelUpdateService.Result;
import io.nixship.pipeline.channel.ChannelUpdateService.Status;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistryPreviousImages;
import io.nixship.registry.RegistrySettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import org.kohsuke.github.GitHub;
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
                    + "updates one pull request on nixship/channel-<name> with the lock, the manifest bump and the freeze diff.",
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
        PinStyle pinStyle = pullRequest.pinStyle();
        // A misspelt channel fails before anything remote is asked.
        Optional.ofNullable(channel).ifPresent(ChannelSpec::parse);
        int cores = Runtime.getRuntime().availableProcessors();
        LayerCompressor compressor = compression.compressor(cores);
        GitHubEnvironment github = session.github();
        Path directory = project.directory(context);
        RegistrySettings registrySettings = registry.settings(session::addMask);
        Optional<RegistryCredentials> credentials = registry.credentials(context, session::addMask);
        NixSettings nix = NixSettings.fromHost(context.env(), session::log);
        SystemProcessRunner processes = new SystemProcessRunner();
        ChannelUpdateService.Project state =
                ChannelUpdateService.Project.read(directory, project.commit, context.env());
        try (Repository repository = ReleaseCommand.openRepository(directory)) {
            // Checked before anything is downloaded or built, so a missing token costs nothing.
            Optional<ReleaseService.Forge> forge =
                    dryRun ? Optional.empty() : Optional.of(forge(github, repository));
            ChannelUpdateService service =
                    new ChannelUpdateService(
                            repository,
                            state,
                            new ChannelResolver(new JdkChannelHttp(), channelUrl, githubUrl),
                            // The image is built here, so a release this Nix cannot evaluate is
                            // refused before anything else.
                            new LockUpdater(
                                    new NixpkgsFetcher(processes, nix),
                                    new NixVersionCheck(processes, nix)::require),
                            (lock, previousImage, layerReady) ->
                                    session.group(
                                            "nixship build",
                                            () ->
                                                    new ImageBuildService(
                                                                    processes,
                                                                    context.env(),
                                                                    session::log)
                                                            .build(
                                                                    new ImageBuildService.Request(
                                                                            directory,
                                                                            state.commitId(),
                                                                            OptionalInt.empty(),
                                                                            context
                                                                                    .cacheDirectory(),
                                                                            compressor,
                                                                            cores,
                                                                            previousImage,
                                                                            layerReady,
                                                                            Optional.of(lock)))),
                            new RegistryImageSink(
                                    session,
                                    Optional.empty(),
                                    registrySettings,
                                    credentials,
                                    dryRun),
                            // A dry run reads nothing remote, so it lists the new freeze rather
                            // than diffing.
                            dryRun
                                    ? previous -> Optional.empty()
                                    : new RegistryPreviousImages(
                                            context.registryHost(),
                                            registrySettings,
                                            credentials,
                                            session::log),
                            sha -> github.repository() == null ? null : github.commitUrl(sha),
                            forge,
                            session::log);
            Report report =
                    service.update(
                            new ChannelUpdateService.Request(
                                    Optional.ofNullable(channel),
                                    followReleases,
                                    pullRequest.manifests,
                                    pinStyle));
            outputs(session, report);
            session.result(json ? json(report) : text(report));
            if (report.buildFails()) {
                session.log(
                        "nixship: error: the image does not build on the new nixpkgs; the pull request shows the log");
                return 1;
            }
            return 0;
        }
    }

    private ReleaseService.Forge forge(GitHubEnvironment github, Repository repository) {
        String token = github.requireToken();
        String repositoryName = github.requireRepository();
        GitHub api = GitHubApi.connect(github, GitHubRateLimits.standard());
        String defaultBranch = GitHubApi.defaultBranch(api, repositoryName);
        String remoteUrl = pullRequest.remoteUrl(github);
        return new ReleaseService.Forge(
                ManifestBranchPublisher.withToken(repository, remoteUrl, token),
                new PullRequestService(api, repositoryName),
                pullRequest.baseBranch(defaultBranch),
                LABELS);
    }

    /** The channel's pull request first; the newer release's when the channel had none. */
    private static void outputs(CommandSession session, Report report) {
        Result main =
                report.release()
                        .filter(result -> !report.channel().changed())
                        .orElse(report.channel());
        boolean changed = report.results().stream().anyMatch(Result::changed);
        session.actions().setOutput("changed", Boolean.toString(changed));
        PullRequestResult pr = main.pullRequest();
        session.actions().setOutput("pr-number", pr.number() == null ? "" : pr.number().toString());
        session.actions().setOutput("pr-url", pr.url() == null ? "" : pr.url());
        main.published().ifPresent(published -> ActionsResults.image(session, published));
        for (Result result : report.results()) {
            if (result.pullRequest().url() != null) {
                session.actions()
                        .appendSummary(
                                "### nixship: "
                                        + result.content()
                                                .map(c -> c.title())
                                                .orElse(result.branch())
                                        + "\n\npull request "
                                        + result.pullRequest().operation().label()
                                        + ": "
                                        + result.pullRequest().url()
                                        + "\n");
            }
        }
    }

    private String text(Report report) {
        StringBuilder text = new StringBuilder();
        for (Result result : report.results()) {
            text.append(result.channel()).append(": ").append(describe(result.status()));
            if (result.pullRequest().number() != null) {
                text.append("; pull request ")
                        .append(result.pullRequest().operation().label())
                        .append(" #")
                        .append(result.pullRequest().number())
                        .append(' ')
                        .append(result.pullRequest().url());
            }
            text.append('\n');
            if (dryRun && result.content().isPresent()) {
                text.append("branch: ")
                        .append(result.branch())
                        .append(" (dry run: nothing pushed)\n");
                result.published()
                        .ifPresent(
                                published ->
                                        text.append("image:  ")
                                                .append(published.reference())
                                                .append('\n'));
                text.append('\n').append(result.diff());
                text.append("\npull request: ")
                        .append(result.content().get().title())
                        .append("\n\n");
                text.append(result.content().get().body()).append('\n');
            }
        }
        return text.toString().stripTrailing();
    }

    private static String describe(Status status) {
        return switch (status) {
            case CURRENT -> "the lock is current";
            case ALREADY_PROPOSED -> "already proposed on its branch";
            case IDENTICAL_IMAGE -> "the lock moved but the image is identical; no pull request";
            case PROPOSED -> "lock and manifests proposed";
            case BUILD_FAILING ->
                    "the image does not build on the new release; lock proposed, marked failing";
        };
    }

    private String json(Report report) {
        ObjectMapper mapper = Json.mapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("dryRun", dryRun);
        node.put("changed", report.results().stream().anyMatch(Result::changed));
        node.set("channel", json(mapper, report.channel()));
        report.release().ifPresent(release -> node.set("release", json(mapper, release)));
        return node.toString();
    }

    private static ObjectNode json(ObjectMapper mapper, Result result) {
        ObjectNode node = mapper.createObjectNode();
        node.put("channel", result.channel());
        node.put("status", result.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        node.put("changed", result.changed());
        node.put("branch", result.branch());
        result.update()
                .ifPresent(
                        update -> {
                            update.previous()
                                    .flatMap(lock -> lock.revision())
                                    .ifPresent(revision -> node.put("revisionBefore", revision));
                            update.lock()
                                    .revision()
                                    .ifPresent(revision -> node.put("revision", revision));
                            update.lock()
                                    .release()
                                    .ifPresent(release -> node.put("release", release));
                        });
        result.published()
                .ifPresent(
                        published -> {
                            node.put("image", published.reference());
                            node.put("digest", published.digest());
                            node.put("tag", published.tag());
                        });
        PullRequestResult pr = result.pullRequest();
        node.put("operation", pr.operation().label());
        if (pr.number() != null) {
            node.put("number", pr.number());
            node.put("url", pr.url());
        }
        result.content()
                .ifPresent(
                        content -> {
                            node.put("title", content.title());
                            node.put("body", content.body());
                        });
        if (!result.diff().isEmpty()) {
            node.put("diff", result.diff());
        }
        return node;
    }
}
