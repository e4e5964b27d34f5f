package io.nixship.cli;

import io.nixship.config.GitOpsConfig;
import io.nixship.image.LayerCompressor;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.PinStyle;
import io.nixship.pipeline.release.ReleaseService;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
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
        UseCases useCases = UseCases.from(context, session);
        PinStyle pinStyle = pullRequest.pinStyle();
        Optional<ImageReference> destination =
                Optional.ofNullable(to).map(RegistryImageSink::repositoryOnly);
        LayerCompressor compressor = UseCases.compressor(compression);
        Path directory = project.directory(context);
        // Read before the build: it names the repository and the manifests (in a GitOps
        // repository or not), whose image the build reuses from.
        ReleaseService.Commit commit =
                ReleaseService.Commit.read(
                        directory, project.commit, context.host().githubRepository());
        Optional<GitOpsConfig> gitops = pullRequest.gitops(commit.config());
        // A dry run reads a GitOps repository's manifests too, and writes nothing.
        Optional<UseCases.Remote> remote =
                dryRun && gitops.isEmpty()
                        ? Optional.empty()
                        : Optional.of(useCases.remote(pullRequest, LABELS, gitops));
        UseCases.Push push = useCases.push(destination, registry, compressor, dryRun);
        try (Repository repository = UseCases.openRepository(directory)) {
            ReleaseService service =
                    useCases.release(
                            directory,
                            repository,
                            commit,
                            push,
                            remote.filter(side -> gitops.isPresent()));
            ReleaseService.Plan plan =
                    service.plan(
                            new ReleaseService.Request(pullRequest.manifests(gitops), pinStyle));
            if (dryRun) {
                session.actions().setOutput("changed", Boolean.toString(plan.changesManifests()));
                session.result(
                        json ? ReleaseResults.dryRunJson(plan) : ReleaseResults.dryRunText(plan));
                return 0;
            }
            ReleaseService.Forge forge = remote.orElseThrow().forge(repository);
            ReleaseService.Outcome outcome =
                    session.group("nixship publish", () -> service.release(plan, forge));
            ReleaseResults.outputs(session, outcome);
            session.result(
                    json
                            ? ReleaseResults.json(outcome)
                            : ReleaseResults.text(outcome.pullRequest()));
            return 0;
        }
    }
}
