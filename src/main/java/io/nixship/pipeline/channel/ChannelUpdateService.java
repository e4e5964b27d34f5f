package io.nixship.pipeline.channel;

import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import io.nixship.image.LayerListener;
import io.nixship.image.PreviousImageLookup;
import io.nixship.manifest.FileEdit;
import io.nixship.manifest.PinStyle;
import io.nixship.manifest.UnifiedDiff;
import io.nixship.nix.NixException;
import io.nixship.nix.NixFailureKind;
import io.nixship.nix.channel.ChannelRelease;
import io.nixship.nix.channel.ChannelResolver;
import io.nixship.nix.channel.ChannelSpec;
import io.nixship.nix.channel.ChannelVersions;
import io.nixship.nix.channel.LockUpdate;
import io.nixship.nix.channel.LockUpdater;
import io.nixship.pipeline.build.ImageBuildService.BuiltImage;
import io.nixship.pipeline.port.BranchNames;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.RunLog;
import io.nixship.pipeline.release.BranchProposals;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.ImagePublisher.Published;
import io.nixship.source.CommitSource;
import io.nixship.source.ResolvedCommit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The scheduled job: moves {@code nixship.lock} to the channel's newest release, builds the image
 * with it, and proposes lock and manifest bump together on {@code nixship/channel-<name>} with one
 * pull request, or, with a GitOps repository, the lock there and the manifests in one pull request
 * in the GitOps repository ({@link ChannelProposals}). The build, push and manifest plan are {@link
 * ReleaseService}'s; this class decides whether there is anything to propose and what the pull
 * request says.
 *
 * <p>Nothing is downloaded or built when the lock is current or the branch already proposes the
 * channel's release on top of the same commit, so a daily run against a quiet channel costs two
 * small HTTP requests and a fetch of the branch.
 */
public final class ChannelUpdateService {
    public static final String BRANCH_PREFIX = BranchNames.PREFIX + "channel-";

    /**
     * Builds the project at the commit being updated, with {@code lock} instead of the commit's,
     * reusing the layers {@code previousImage} finds and handing each layer to {@code layerReady}.
     */
    @FunctionalInterface
    public interface LockedBuilder {
        BuiltImage build(
                NixpkgsLock lock, PreviousImageLookup previousImage, LayerListener layerReady);
    }

    /**
     * @param channel the channel to move to ({@code --channel}); empty for the lock's own
     * @param followReleases also propose a newer stable channel, on its own branch
     * @param manifests entries to use instead of the configured ones (empty: the config's)
     */
    public record Request(
            Optional<String> channel,
            boolean followReleases,
            List<String> manifests,
            PinStyle pin) {
        public Request {
            manifests = List.copyOf(manifests);
        }
    }

    /** The project as the commit being updated holds it. */
    public record Project(
            String commitId,
            String directory,
            NixshipConfig config,
            Optional<NixpkgsLock> lock,
            byte[] lockBytes) {
        public Project {
            lockBytes = lockBytes.clone();
        }

        @Override
        public byte[] lockBytes() {
            return lockBytes.clone();
        }

        /**
         * Reads the config and the lock at {@code commit} (never the working tree) of the project
         * in {@code directory}; {@code githubRepository} names the default image.
         */
        public static Project read(
                Path directory, String commit, Optional<String> githubRepository) {
            try (CommitSource source = CommitSource.open(directory)) {
                ResolvedCommit resolved = source.resolve(commit);
                String lockPath = repositoryPath(source.projectDirectory(), NixpkgsLock.FILE_NAME);
                Optional<byte[]> bytes = source.readFile(resolved, NixpkgsLock.FILE_NAME);
                return new Project(
                        resolved.id(),
                        source.projectDirectory(),
                        source.config(resolved, githubRepository),
                        bytes.map(content -> NixpkgsLock.parse(content, lockPath)),
                        bytes.orElse(new byte[0]));
            }
        }

        ReleaseService.Commit releaseCommit() {
            return new ReleaseService.Commit(commitId, directory, config);
        }

        String lockPath() {
            return repositoryPath(directory, NixpkgsLock.FILE_NAME);
        }
    }

    public enum Status {
        /** The lock already pins the channel's newest release. */
        CURRENT,
        /** The branch already proposes that release on top of this commit. */
        ALREADY_PROPOSED,
        /**
         * The lock moved but the image built with it holds the same as the one the manifests name.
         */
        IDENTICAL_IMAGE,
        /** Lock and manifests are proposed (or, in a dry run, would be). */
        PROPOSED,
        /**
         * The image does not build on the new release: the lock alone is proposed, marked failing.
         */
        BUILD_FAILING
    }

    /**
     * What one channel's update did.
     *
     * @param update the lock move; empty when nothing was resolved beyond the branch's proposal
     * @param published the pushed image; empty when nothing was built or pushed
     * @param content the pull request's title and body; empty when none is proposed
     * @param diff the lock and manifest edits as a unified diff
     * @param pullRequest what happened to the pull request ({@code none} in a dry run)
     * @param manifests what happened in the GitOps repository, when the manifests are there
     */
    public record Result(
            Status status,
            String channel,
            String branch,
            Optional<LockUpdate> update,
            Optional<Published> published,
            Optional<ChannelPullRequest> content,
            String diff,
            PullRequestResult pullRequest,
            Optional<ManifestsProposal> manifests) {
        public boolean changed() {
            return status == Status.PROPOSED || status == Status.BUILD_FAILING;
        }
    }

    /** The channel's update and, with {@code --follow-releases}, the newer release's. */
    public record Report(Result channel, Optional<Result> release) {
        public boolean buildFails() {
            return channel.status() == Status.BUILD_FAILING
                    || release.map(result -> result.status() == Status.BUILD_FAILING).orElse(false);
        }

        public List<Result> results() {
            List<Result> results = new ArrayList<>(List.of(channel));
            release.ifPresent(results::add);
            return results;
        }
    }

    /** Where the new nixpkgs comes from: the channel's releases and the lock moved to one. */
    public record Nixpkgs(ChannelResolver resolver, LockUpdater updater) {}

    /**
     * A GitOps repository holding the manifests: its branches and pull requests, and the web page
     * listing the pull request from a branch there, which the lock's pull request links to before
     * that one is opened.
     *
     * @param repository {@code owner/name}
     */
    public record GitOps(
            String repository,
            ReleaseService.Forge forge,
            Function<String, String> pullRequestPage) {}

    /** The manifests' proposal in the GitOps repository: its branch and pull request. */
    public record ManifestsProposal(
            String repository, String branch, PullRequestResult pullRequest) {}

    private final Project project;
    private final Nixpkgs nixpkgs;
    private final LockedBuilder builder;
    private final ReleaseService.Ports ports;
    private final Optional<ReleaseService.Forge> forge;
    private final ChannelProposals proposals;
    private final RunLog log;

    /**
     * @param ports what the release of the image built with the new lock works with; its manifests
     *     are a GitOps repository's when {@code gitops} is given
     * @param forge where branches and pull requests go; empty for a dry run, which touches nothing
     *     remote
     * @param gitops the repository the manifests are proposed in, apart from the lock; empty when
     *     they are in the application's
     */
    public ChannelUpdateService(
            Project project,
            Nixpkgs nixpkgs,
            LockedBuilder builder,
            ReleaseService.Ports ports,
            Optional<ReleaseService.Forge> forge,
            Optional<GitOps> gitops) {
        this.project = project;
        this.nixpkgs = nixpkgs;
        this.builder = builder;
        this.ports = ports;
        this.forge = forge;
        this.log = ports.log();
        this.proposals =
                new ChannelProposals(new BranchProposals(ports.sleeper(), log), forge, gitops, log);
    }

    public Report update(Request request) {
        String channel =
                request.channel()
                        .or(() -> project.lock().flatMap(NixpkgsLock::channel))
                        .orElseThrow(
                                () ->
                                        NixshipException.usage(
                                                project.lock().isPresent()
                                                        ? project.lockPath()
                                                                + " names no channel; pass --channel, e.g. --channel nixos-24.05"
                                                        : "no "
                                                                + project.lockPath()
                                                                + " at commit "
                                                                + project.commitId()
                                                                        .substring(0, 12)
                                                                + "; create it with 'nixship lock --channel NAME' and commit it"));
        Result result = update(request, channel);
        if (!request.followReleases()) {
            return new Report(result, Optional.empty());
        }
        Optional<String> newer =
                ChannelVersions.newerStable(channel, nixpkgs.resolver()::channelExists);
        if (newer.isEmpty()) {
            log.line("no stable channel newer than " + channel + " is published");
            return new Report(result, Optional.empty());
        }
        log.line(newer.get() + " is published; proposing it on its own branch");
        return new Report(result, Optional.of(update(request, newer.get())));
    }

    private Result update(Request request, String channel) {
        ChannelRelease release = nixpkgs.resolver().resolve(channel);
        String branch = branch(release.channel());
        Optional<String> tip = forge.flatMap(remote -> remote.branches().read(branch));
        boolean onThisCommit =
                tip.filter(
                                commit ->
                                        ports.commits()
                                                .parents(commit)
                                                .equals(List.of(project.commitId())))
                        .isPresent();
        Optional<NixpkgsLock> onBranch = tip.flatMap(this::lockIn);
        if (onThisCommit && onBranch.filter(lock -> pinsRelease(lock, release)).isPresent()) {
            log.line(
                    branch
                            + " already proposes "
                            + release.release()
                            + " on top of "
                            + project.commitId().substring(0, 12)
                            + "; nothing to do");
            return new Result(
                    Status.ALREADY_PROPOSED,
                    channel,
                    branch,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    "",
                    PullRequestResult.none(),
                    Optional.empty());
        }
        LockUpdate update = nixpkgs.updater().update(project.lock(), release);
        if (!update.changed()) {
            log.line(
                    project.lockPath()
                            + " is current: "
                            + release.release()
                            + " ("
                            + release.revision()
                            + ")");
            return new Result(
                    Status.CURRENT,
                    channel,
                    branch,
                    Optional.of(update),
                    Optional.empty(),
                    Optional.empty(),
                    "",
                    PullRequestResult.none(),
                    Optional.empty());
        }
        onBranch.ifPresent(proposed -> refuseChangedTarball(proposed, update.lock(), branch));
        log.line(
                "nixpkgs "
                        + release.channel()
                        + " moved to "
                        + release.release()
                        + " ("
                        + release.revision()
                        + ")");
        FileEdit lockEdit =
                new FileEdit(
                        Path.of(project.lockPath()),
                        project.lockBytes(),
                        update.lock().toYaml().getBytes(StandardCharsets.UTF_8),
                        List.of());

        RememberedPrevious previous = new RememberedPrevious(ports.previousImages());
        NixpkgsLock lock = update.lock();
        ReleaseService releaseFlow =
                new ReleaseService(
                        project.releaseCommit(),
                        // The image goes under the nixpkgs-suffixed tag, so a re-run finds it
                        // there.
                        (previousImage, layerReady) ->
                                withNixpkgsTag(
                                        builder.build(
                                                lock,
                                                tag -> previousImage.layers(nixpkgsTag(tag, lock)),
                                                layerReady)),
                        new ReleaseService.Ports(
                                ports.commits(),
                                previous.skippingIdentical(ports.sink()),
                                previous,
                                ports.commitLinks(),
                                ports.sleeper(),
                                log,
                                ports.manifests()));
        ReleaseService.Plan plan;
        try {
            plan = releaseFlow.plan(new ReleaseService.Request(request.manifests(), request.pin()));
        } catch (NixException failed) {
            if (!isBuildFailure(failed)) {
                throw failed;
            }
            return failing(channel, branch, update, lockEdit, failed);
        }
        // With a GitOps repository that already deploys the image, the lock alone is proposed.
        boolean deployedThere = proposals.separate() && plan.alreadyCurrent();
        if (!deployedThere && (plan.alreadyCurrent() || previous.identicalTo(plan.built()))) {
            log.line(
                    "the image built with "
                            + release.release()
                            + " holds the same as the one the manifests name ("
                            + plan.oldReference()
                            + "); no pull request");
            return new Result(
                    Status.IDENTICAL_IMAGE,
                    channel,
                    branch,
                    Optional.of(update),
                    Optional.empty(),
                    Optional.empty(),
                    "",
                    PullRequestResult.none(),
                    Optional.empty());
        }
        String image = deployedThere ? plan.oldReference() : plan.target().toString();
        String manifestsBranch = ChannelProposals.manifestsBranch(plan.target(), branch);
        ChannelPullRequest content =
                new ChannelPullRequest(
                        project.lock(),
                        update.lock(),
                        plan.oldReference(),
                        image,
                        previous.closureSize(),
                        OptionalLong.of(plan.built().closure().totalNarSize()),
                        plan.content().freezeMarkdown(),
                        List.of(),
                        proposals.separate()
                                ? proposals.manifestsParagraph(manifestsBranch, plan)
                                : null);
        List<FileEdit> edits = new ArrayList<>(List.of(lockEdit));
        edits.addAll(plan.edits());
        Optional<Published> published =
                deployedThere ? Optional.empty() : Optional.of(plan.published());
        ChannelProposals.Outcome proposed =
                proposals.separate()
                        ? proposals.separately(
                                lockOnly(branch, lockEdit, plan.oldReference(), image),
                                content,
                                plan,
                                manifestsBranch)
                        : proposals.together(
                                lockAndManifests(plan, branch, lockEdit, image), content);
        return new Result(
                Status.PROPOSED,
                channel,
                branch,
                Optional.of(update),
                published,
                Optional.of(content),
                UnifiedDiff.render(edits),
                proposed.pullRequest(),
                proposed.manifests());
    }

    /** The lock's move and the manifests' bump together on {@code branch}. */
    private PublishRequest lockAndManifests(
            ReleaseService.Plan plan, String branch, FileEdit lockEdit, String image) {
        Map<String, byte[]> files = new LinkedHashMap<>(plan.editedFiles());
        files.put(project.lockPath(), lockEdit.newBytes());
        return new PublishRequest(
                branch, plan.baseCommit(), files, plan.oldReference(), image, project.commitId());
    }

    /**
     * The lock alone goes on the branch, so the pull request shows the failure to whoever watches.
     */
    private Result failing(
            String channel,
            String branch,
            LockUpdate update,
            FileEdit lockEdit,
            NixException failed) {
        log.line(
                "the image does not build on "
                        + update.lock().release().orElse(update.lock().url())
                        + ": "
                        + failed.getMessage());
        if (!failed.logTail().isEmpty()) {
            log.line("last lines of the log:\n  " + String.join("\n  ", failed.logTail()));
        }
        ChannelPullRequest content =
                new ChannelPullRequest(
                        project.lock(),
                        update.lock(),
                        null,
                        null,
                        OptionalLong.empty(),
                        OptionalLong.empty(),
                        null,
                        failed.logTail(),
                        null);
        String pin =
                "nixpkgs "
                        + update.lock().release().orElse(update.lock().url())
                        + " (build failing)";
        PullRequestResult pullRequest =
                proposals.together(lockOnly(branch, lockEdit, null, pin), content).pullRequest();
        return new Result(
                Status.BUILD_FAILING,
                channel,
                branch,
                Optional.of(update),
                Optional.empty(),
                Optional.of(content),
                UnifiedDiff.render(lockEdit),
                pullRequest,
                Optional.empty());
    }

    /** The lock's move alone on {@code branch}, on top of the commit being updated. */
    private PublishRequest lockOnly(
            String branch, FileEdit lockEdit, String oldReference, String newReference) {
        return new PublishRequest(
                branch,
                project.commitId(),
                Map.of(project.lockPath(), lockEdit.newBytes()),
                oldReference,
                newReference,
                project.commitId());
    }

    /** {@code nixship/channel-nixos-24.05}; one branch per channel, whatever release it is at. */
    static String branch(String channel) {
        ChannelSpec spec = ChannelSpec.parse(channel);
        return BRANCH_PREFIX
                + (spec instanceof ChannelSpec.Channel named ? named.name() : "github");
    }

    /**
     * A build or evaluation failure of the new nixpkgs; fetch and store trouble fail the run as
     * usual.
     */
    private static boolean isBuildFailure(NixException failed) {
        return failed.kind() == NixFailureKind.BUILD
                || failed.kind() == NixFailureKind.EVALUATION
                || failed.kind() == NixFailureKind.NOT_A_DERIVATION;
    }

    /**
     * The same release must always unpack to the same tree: when the branch pinned this revision
     * from this URL with another hash, the server now serves other bytes and nothing may be built
     * from them.
     */
    private static void refuseChangedTarball(
            NixpkgsLock onBranch, NixpkgsLock resolved, String branch) {
        if (onBranch.revision().isPresent()
                && onBranch.revision().equals(resolved.revision())
                && onBranch.url().equals(resolved.url())
                && !onBranch.sha256().equals(resolved.sha256())) {
            throw NixshipException.failure(
                    "nixpkgs tarball "
                            + resolved.url()
                            + " now unpacks to sha256 "
                            + resolved.sha256().base32()
                            + " but "
                            + branch
                            + " pinned revision "
                            + resolved.revision().get()
                            + " with sha256 "
                            + onBranch.sha256().base32()
                            + "; refusing it (the server changed or tampered with the tarball); nothing was built or pushed");
        }
    }

    private static boolean pinsRelease(NixpkgsLock lock, ChannelRelease release) {
        return lock.channel().equals(Optional.of(release.channel()))
                && lock.revision().equals(Optional.of(release.revision()))
                && lock.url().equals(release.tarballUrl());
    }

    /** The lock a commit holds; empty when it holds none or one that does not parse. */
    private Optional<NixpkgsLock> lockIn(String commit) {
        try {
            return ports.commits()
                    .readFile(commit, project.lockPath())
                    .map(bytes -> NixpkgsLock.parse(bytes, project.lockPath()));
        } catch (NixshipException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Tags built from the commit alone would be the release's own tag for that commit; the nixpkgs
     * revision keeps a channel update's image from taking it over.
     */
    private static BuiltImage withNixpkgsTag(BuiltImage built) {
        String tag = nixpkgsTag(built.tag(), built.lock());
        if (tag.equals(built.tag())) {
            return built;
        }
        return new BuiltImage(
                built.commitId(),
                built.projectDirectory(),
                built.config(),
                built.lock(),
                built.closure(),
                built.freeze(),
                tag,
                built.assembled());
    }

    private static String nixpkgsTag(String tag, NixpkgsLock lock) {
        Optional<String> revision = lock.revision().map(full -> full.substring(0, 7));
        return revision.isEmpty() || tag.contains(revision.get())
                ? tag
                : tag + "-nixpkgs-" + revision.get();
    }

    private static String repositoryPath(String directory, String file) {
        return directory.isEmpty() ? file : directory + "/" + file;
    }
}
