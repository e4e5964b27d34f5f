package io.nixship.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.NixshipException;
import io.nixship.forge.GitHubApi;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.GitHubRateLimits;
import io.nixship.forge.ManifestBranchPublisher;
import io.nixship.forge.PullRequestService;
import io.nixship.image.LayerCompressor;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.PinStyle;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistryPreviousImages;
import io.nixship.registry.RegistrySettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.kohsuke.github.GitHub;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nixship release}: build, push, bump the manifests on a {@code nixship/*} branch and open
 * or update its pull request; {@code --dry-run} shows the branch, diff and body and touches
 * nothing.
 */
@Command(
        name = "release",
        mixinStandardHelpOptions = true,
        description = {
            "Builds the project at a commit, pushes the image, points the manifests at it on a nixship/* branch "
                    + "and opens, updates or closes that branch's pull request.",
            "With --dry-run: prints the branch, the diff and the pull request body, and touches nothing remote."
        })
final class ReleaseCommand implements Callable<Integer> {
    private static final List<String> LABELS = List.of("nixship");

    private final CliContext context;

    @Mixin ProjectOptions project;

    @Mixin RegistryOptions registry;

    @Mixin PullRequestOptions pullRequest;

    @Mixin CompressionOptions compression;

    @Option(
            names = "--to",
            paramLabel = "REGISTRY/REPO",
            description =
                    "Push to this repository instead of the configured image (the manifests are bumped to it).")
    String to;

    @Option(
            names = "--dry-run",
            description = "Build, then print the branch, diff and pull request body; push nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    ReleaseCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandSession session = new CommandSession(context);
        PinStyle pinStyle = pullRequest.pinStyle();
        Optional<ImageReference> destination =
                Optional.ofNullable(to).map(RegistryImageSink::repositoryOnly);
        int cores = Runtime.getRuntime().availableProcessors();
        LayerCompressor compressor = compression.compressor(cores);
        GitHubEnvironment github = session.github();
        // Everything remote is checked before the build, so a missing token or an unreachable API
        // costs nothing.
        Optional<RemoteSide> remoteSide =
                dryRun ? Optional.empty() : Optional.of(remoteSide(github));
        Path directory = project.directory(context);
        // Read once: the password comes from standard input.
        RegistrySettings registrySettings = registry.settings(session::addMask);
        Optional<RegistryCredentials> credentials = registry.credentials(context, session::addMask);
        // Read before the build: it names the repository and the manifests, whose image the build
        // reuses from.
        ReleaseService.Commit commit =
                ReleaseService.Commit.read(directory, project.commit, context.env());
        try (Repository repository = openRepository(directory)) {
            ReleaseService service =
                    new ReleaseService(
                            repository,
                            commit,
                            (previousImage, layerReady) ->
                                    session.group(
                                            "nixship build",
                                            () ->
                                                    new ImageBuildService(
                                                                    new SystemProcessRunner(),
                                                                    context.env(),
                                                                    session::log)
                                                            .build(
                                                                    new ImageBuildService.Request(
                                                                            directory,
                                                                            commit.id(),
                                                                            OptionalInt.empty(),
                                                                            context
                                                                                    .cacheDirectory(),
                                                                            compressor,
                                                                            cores,
                                                                            previousImage,
                                                                            layerReady,
                                                                            Optional.empty()))),
                            new RegistryImageSink(
                                    session, destination, registrySettings, credentials, dryRun),
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
                            session::log);
            ReleaseService.Plan plan =
                    service.plan(new ReleaseService.Request(pullRequest.manifests, pinStyle));
            if (dryRun) {
                session.actions().setOutput("changed", Boolean.toString(plan.changesManifests()));
                session.result(json ? dryRunJson(plan) : dryRunText(plan));
                return 0;
            }
            RemoteSide side = remoteSide.orElseThrow();
            ReleaseService.Outcome outcome =
                    session.group(
                            "nixship publish",
                            () ->
                                    service.release(
                                            plan,
                                            new ReleaseService.Forge(
                                                    ManifestBranchPublisher.withToken(
                                                            repository,
                                                            side.remoteUrl(),
                                                            side.token()),
                                                    side.pullRequests(),
                                                    side.baseBranch(),
                                                    LABELS)));
            if (!outcome.note().isEmpty()) {
                session.log(outcome.note());
            }
            ActionsResults.image(session, plan.published());
            PullRequestResult pr = outcome.pullRequest();
            session.actions()
                    .setOutput("pr-number", pr.number() == null ? "" : pr.number().toString());
            session.actions().setOutput("pr-url", pr.url() == null ? "" : pr.url());
            session.actions().setOutput("changed", Boolean.toString(outcome.changed()));
            if (pr.url() != null) {
                session.actions()
                        .appendSummary(
                                "### nixship: pull request "
                                        + pr.operation().label()
                                        + "\n\n"
                                        + pr.url()
                                        + "\n");
            }
            session.result(json ? json(outcome) : text(pr));
            return 0;
        }
    }

    /** The token, repository, remote and pull-request service of a real run. */
    private record RemoteSide(
            String token, String remoteUrl, String baseBranch, PullRequestService pullRequests) {}

    private RemoteSide remoteSide(GitHubEnvironment github) {
        String token = github.requireToken();
        String repositoryName = github.requireRepository();
        GitHub api = GitHubApi.connect(github, GitHubRateLimits.standard());
        // Read even with --base: it proves the API answers and the token sees the repository.
        String defaultBranch = GitHubApi.defaultBranch(api, repositoryName);
        String baseBranch = pullRequest.baseBranch(defaultBranch);
        String remoteUrl = pullRequest.remoteUrl(github);
        return new RemoteSide(
                token, remoteUrl, baseBranch, new PullRequestService(api, repositoryName));
    }

    static Repository openRepository(Path directory) {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(directory.toFile());
        if (builder.getGitDir() == null) {
            throw NixshipException.usage(directory + " is not inside a git repository");
        }
        try {
            return builder.setMustExist(true).build();
        } catch (IOException e) {
            throw NixshipException.usage(
                    "cannot open the git repository at " + directory + ": " + e.getMessage());
        }
    }

    private static String dryRunText(ReleaseService.Plan plan) {
        StringBuilder text = new StringBuilder();
        text.append("image:  ").append(plan.target()).append(" (dry run: not pushed)\n");
        text.append("branch: ").append(plan.branch()).append('\n');
        if (!plan.changesManifests()) {
            text.append("\nno manifest changes: no pull request would be opened")
                    .append(plan.alreadyCurrent() ? " (the manifests already name this image)" : "")
                    .append('\n');
            return text.toString();
        }
        text.append('\n').append(plan.diff());
        text.append("\npull request: ").append(plan.content().title()).append("\n\n");
        text.append(plan.content().body());
        return text.toString();
    }

    private static String dryRunJson(ReleaseService.Plan plan) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("dryRun", true);
        node.put("image", plan.target().toString());
        node.put("branch", plan.branch());
        node.put("changed", plan.changesManifests());
        node.put("diff", plan.diff());
        node.put("title", plan.content().title());
        node.put("body", plan.content().body());
        node.set("layers", layers(plan));
        return node.toString();
    }

    /**
     * Where each layer came from and what the push did with it, as {@code build --json} reports it.
     */
    private static ObjectNode layers(ReleaseService.Plan plan) {
        ObjectNode layers = Json.mapper().createObjectNode();
        layers.put("total", plan.built().image().layers().size());
        layers.put("fromCache", plan.built().assembled().layersFromCache());
        layers.put("reused", plan.built().assembled().layersReused());
        layers.put("compressed", plan.built().assembled().layersCompressed());
        plan.published()
                .push()
                .ifPresent(
                        push -> {
                            layers.put("uploaded", push.layersUploaded());
                            layers.put("skipped", push.layersSkipped());
                            layers.put("mounted", push.layersMounted());
                        });
        return layers;
    }

    private static String text(PullRequestResult pr) {
        return pr.number() == null
                ? pr.operation().label()
                : pr.operation().label() + " #" + pr.number() + " " + pr.url();
    }

    private static String json(ReleaseService.Outcome outcome) {
        ObjectNode node = Json.mapper().createObjectNode();
        PullRequestResult pr = outcome.pullRequest();
        node.put("operation", pr.operation().label());
        if (pr.number() != null) {
            node.put("number", pr.number());
            node.put("url", pr.url());
        }
        node.put("changed", outcome.changed());
        node.put("image", outcome.plan().target().toString());
        node.put("branch", outcome.plan().branch());
        node.set("layers", layers(outcome.plan()));
        outcome.plan()
                .published()
                .push()
                .ifPresent(push -> node.put("bytesUploaded", push.bytesUploaded()));
        if (outcome.branch() != null) {
            node.put(
                    "branchOperation",
                    outcome.branch().operation().name().toLowerCase(java.util.Locale.ROOT));
            if (outcome.branch().commit() != null) {
                node.put("branchCommit", outcome.branch().commit().name());
            }
        }
        if (!outcome.note().isEmpty()) {
            node.put("note", outcome.note());
        }
        return node.toString();
    }
}
