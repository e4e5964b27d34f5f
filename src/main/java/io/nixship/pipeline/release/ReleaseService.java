package io.nixship.pipeline.release;

import io.nixship.NixshipException;
import io.nixship.Sleeper;
import io.nixship.config.NixshipConfig;
import io.nixship.freeze.Freeze;
import io.nixship.freeze.FreezeDiff;
import io.nixship.freeze.FreezeDiffMarkdown;
import io.nixship.image.AssembledImage;
import io.nixship.image.LayerListener;
import io.nixship.image.PreviousImageLookup;
import io.nixship.manifest.FileEdit;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.ImageSite;
import io.nixship.manifest.ManifestBumper;
import io.nixship.manifest.ManifestSpec;
import io.nixship.manifest.PinStyle;
import io.nixship.manifest.UnifiedDiff;
import io.nixship.pipeline.build.ImageBuildService.BuiltImage;
import io.nixship.pipeline.port.BranchNames;
import io.nixship.pipeline.port.BranchStore;
import io.nixship.pipeline.port.CommitLinks;
import io.nixship.pipeline.port.ManifestRepository;
import io.nixship.pipeline.port.PreviousImage;
import io.nixship.pipeline.port.PreviousImages;
import io.nixship.pipeline.port.ProjectCommits;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PublishResult;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.PullRequests;
import io.nixship.pipeline.port.RunLog;
import io.nixship.registry.ImagePublisher.Published;
import io.nixship.source.CommitSource;
import io.nixship.source.ResolvedCommit;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The main job: build the image at a commit, push it, point the manifests at it on a {@code
 * nixship/*} branch and keep one pull request describing that branch.
 *
 * <p>Order is what keeps it whole: the image is in the registry before any branch names it; the
 * branch is pushed (leased on the value read) before the pull request is touched; the pull request
 * is only touched while the branch still holds this run's commit; and when the pull request call
 * fails, the branch is put back to the value its pull request describes (or deleted if this run
 * created it), so a re-run starts from a consistent state and converges.
 *
 * <p>The manifests are read from the built commit's tree, which is also the branch's base: runs for
 * consecutive commits are ordered by history, so an older run can never replace a newer one's
 * branch. With a GitOps repository, they are read from its branch's tip, the base then; runs are
 * ordered by that repository's history, and a workflow's {@code concurrency} group orders runs of
 * one branch of the application.
 */
public final class ReleaseService {
    /**
     * The commit being released as read before the build: its full id, the project's directory in
     * the repository and its {@code .nixship.yaml}, which name the repository and the manifests.
     */
    public record Commit(String id, String projectDirectory, NixshipConfig config) {
        /** Reads {@code revision} of the project in {@code directory} (never the working tree). */
        public static Commit read(
                Path directory, String revision, Optional<String> githubRepository) {
            try (CommitSource source = CommitSource.open(directory)) {
                ResolvedCommit resolved = source.resolve(revision);
                return new Commit(
                        resolved.id(),
                        source.projectDirectory(),
                        source.config(resolved, githubRepository));
            }
        }
    }

    /**
     * Builds the image at the commit being released, reusing the layers {@code previousImage} finds
     * and handing each layer to {@code layerReady} as soon as it is done.
     */
    @FunctionalInterface
    public interface ImageBuilder {
        BuiltImage build(PreviousImageLookup previousImage, LayerListener layerReady);
    }

    /**
     * Puts the built image where the manifests will name it: a registry, or nowhere in a dry run.
     */
    public interface ImageSink {
        /** The repository the image goes to (no tag, no digest). */
        ImageReference repository(NixshipConfig config);

        /**
         * Opens the push of the image about to be built into {@code repository}; {@code deployed}
         * is the image the manifests name now (by tag or digest), whose layers the build may reuse.
         */
        ImagePush open(ImageReference repository, Optional<ImageReference> deployed);
    }

    /**
     * One image's push, opened before its build so that unchanged layers are reused from the
     * registry and the others uploaded while the rest still compress; closed in any case, which
     * stops uploads still running after a failure. By default it reuses nothing and sends
     * everything at publish.
     */
    @FunctionalInterface
    public interface ImagePush extends AutoCloseable {
        /**
         * Pushes the built image as {@code target} (repository, tag and digest), the tag after
         * every blob.
         */
        Published publish(BuiltImage built, ImageReference target);

        default PreviousImageLookup previousImage() {
            return PreviousImageLookup.NONE;
        }

        default LayerListener layerReady() {
            return LayerListener.NONE;
        }

        @Override
        default void close() {}
    }

    /** Where the remote side lives: the branches, the pull requests, the base branch. */
    public record Forge(
            BranchStore branches,
            PullRequests pullRequests,
            String baseBranch,
            List<String> labels) {
        public Forge {
            labels = List.copyOf(labels);
        }
    }

    /**
     * @param manifests entries to use instead of the configured {@code manifests} (empty: the
     *     config's)
     */
    public record Request(List<String> manifests, PinStyle pin) {
        public Request {
            manifests = List.copyOf(manifests);
        }
    }

    /**
     * Everything decided before anything remote is touched.
     *
     * @param oldReference the reference(s) the manifests hold now, null when they name the image
     *     nowhere
     * @param alreadyCurrent every place already names the new digest: nothing to change
     */
    public record Plan(
            BuiltImage built,
            Published published,
            ImageReference target,
            String branch,
            String baseCommit,
            List<ImageSite> sites,
            List<FileEdit> edits,
            String oldReference,
            boolean alreadyCurrent,
            PullRequestContent content) {
        public Plan {
            sites = List.copyOf(sites);
            edits = List.copyOf(edits);
        }

        public boolean changesManifests() {
            return !edits.isEmpty();
        }

        public String diff() {
            return UnifiedDiff.render(edits);
        }

        /** The new file contents keyed by repository path: what the branch commit holds. */
        public Map<String, byte[]> editedFiles() {
            Map<String, byte[]> files = new LinkedHashMap<>();
            edits.forEach(
                    edit -> files.put(edit.path().toString().replace('\\', '/'), edit.newBytes()));
            return files;
        }
    }

    /**
     * What the release did.
     *
     * @param branch what happened to the branch; null when no branch was published
     * @param note why nothing was done to the pull request, for the log; empty otherwise
     */
    public record Outcome(
            Plan plan, PublishResult branch, PullRequestResult pullRequest, String note) {
        public boolean changed() {
            return pullRequest.operation() != PullRequestResult.Operation.NONE;
        }
    }

    /**
     * What a release works with besides the build.
     *
     * @param commits the project's repository (its commits are the branches' bases)
     * @param previousImages what the image a manifest names was built with, empty when unknown
     * @param commitLinks a commit's web page, empty when there is none to link
     * @param sleeper waits while another run pushes the branch
     * @param manifests where the manifests are read and the branch is based: the released commit,
     *     or a GitOps repository's branch
     */
    public record Ports(
            ProjectCommits commits,
            ImageSink sink,
            PreviousImages previousImages,
            CommitLinks commitLinks,
            Sleeper sleeper,
            RunLog log,
            ManifestRepository manifests) {
        /** The manifests in the released commit. */
        public Ports(
                ProjectCommits commits,
                ImageSink sink,
                PreviousImages previousImages,
                CommitLinks commitLinks,
                Sleeper sleeper,
                RunLog log) {
            this(
                    commits,
                    sink,
                    previousImages,
                    commitLinks,
                    sleeper,
                    log,
                    ManifestRepository.releasedCommit(commits));
        }
    }

    private final Commit commit;
    private final ImageBuilder builder;
    private final Ports ports;
    private final RunLog log;
    private final BranchProposals proposals;

    /**
     * @param commit the commit released: the manifests are read from its tree, which is the
     *     branch's base
     */
    public ReleaseService(Commit commit, ImageBuilder builder, Ports ports) {
        this.commit = commit;
        this.builder = builder;
        this.ports = ports;
        this.log = ports.log();
        this.proposals = new BranchProposals(ports.sleeper(), ports.log());
    }

    /**
     * Finds where the manifests at the commit name the repository, builds the image with its push
     * open (layers of the image under the build's tag, else of the one the manifests name, reused
     * by digest; the others uploaded as soon as they are compressed), plans the manifest edits,
     * then finishes the push. A manifest that does not parse fails the run before anything is
     * built, one that cannot be edited before any manifest or tag is pushed: blobs no manifest
     * names are harmless.
     */
    public Plan plan(Request request) {
        List<ManifestSpec> specs = manifestSpecs(request, commit.config());
        ImageReference repositoryOnly = ports.sink().repository(commit.config());
        String base = ports.manifests().base(commit.id());
        ManifestBumper bumper = new ManifestBumper(ports.manifests().manifests(base));
        List<ImageSite> sites = bumper.locate(repositoryOnly, specs);
        Optional<ImageReference> deployed = deployed(sites);
        try (ImagePush push = ports.sink().open(repositoryOnly, deployed)) {
            BuiltImage built = builder.build(push.previousImage(), push.layerReady());
            log.line(layerSummary(built));
            ImageReference target =
                    repositoryOnly.withTag(built.tag()).withDigest(built.image().manifestDigest());
            Optional<PreviousImage> previous = deployed.flatMap(ports.previousImages()::find);
            boolean alreadyCurrent =
                    !sites.isEmpty()
                            && (sites.stream()
                                            .allMatch(
                                                    site ->
                                                            target.digest()
                                                                    .equals(
                                                                            site.reference()
                                                                                    .digest()))
                                    || sameContent(previous, built));
            List<FileEdit> edits =
                    alreadyCurrent ? List.of() : bumper.plan(target, specs, request.pin());
            Published published = push.publish(built, target);
            if (!target.digest().equals(published.digest())) {
                throw NixshipException.failure(
                        "the registry stored "
                                + published.digest()
                                + " for "
                                + target.repository()
                                + ", not the image's digest "
                                + target.digest()
                                + "; nothing else was changed");
            }
            if (sites.isEmpty()) {
                log.line("the manifests name " + target.repository() + " nowhere; nothing to bump");
            } else if (alreadyCurrent) {
                log.line(
                        "the manifests already name this image"
                                + previous.flatMap(PreviousImage::sourceRevision)
                                        .map(source -> " (same content, built from " + source + ")")
                                        .orElse("")
                                + "; nothing to bump");
            }
            String oldReference = oldReference(sites);
            PullRequestContent content =
                    new PullRequestContent(
                            target.path(),
                            oldReference,
                            target.toString(),
                            built.commitId(),
                            ports.commitLinks().url(built.commitId()).orElse(null),
                            built.lock().revision().orElse(null),
                            freezeMarkdown(built, previous),
                            null);
            return new Plan(
                    built,
                    published,
                    target,
                    BranchNames.forImage(target.toString()),
                    base,
                    sites,
                    edits,
                    oldReference,
                    alreadyCurrent,
                    content);
        }
    }

    /**
     * One commit to put on a {@code nixship/*} branch and the pull request that describes it.
     *
     * @param request the branch, its base and the files the commit changes
     */
    public record Proposal(PublishRequest request, String title, String body) {}

    /**
     * What proposing did.
     *
     * @param branch what happened to the branch
     * @param note why nothing was done to the pull request, for the log; empty otherwise
     */
    public record Proposed(PublishResult branch, PullRequestResult pullRequest, String note) {}

    /**
     * Publishes the plan's branch and brings its pull request in line: created or updated when the
     * branch carries this run's change, closed when the manifests need no change any more.
     */
    public Outcome release(Plan plan, Forge forge) {
        if (!plan.changesManifests()) {
            PullRequestResult closed =
                    proposals.close(
                            plan.branch(), plan.content().title(), plan.content().body(), forge);
            return new Outcome(
                    plan,
                    null,
                    closed,
                    closed.operation() == PullRequestResult.Operation.NONE
                            ? "no manifest changes"
                            : "");
        }
        PublishRequest request =
                new PublishRequest(
                        plan.branch(),
                        plan.baseCommit(),
                        plan.editedFiles(),
                        plan.oldReference(),
                        plan.target().toString(),
                        plan.built().commitId());
        Proposed proposed =
                propose(
                        new Proposal(request, plan.content().title(), plan.content().body()),
                        forge);
        return new Outcome(plan, proposed.branch(), proposed.pullRequest(), proposed.note());
    }

    /**
     * Pushes the proposal's commit (leased, never over someone else's commit or a newer run's) and
     * brings its pull request in line while the branch still holds that commit; when the pull
     * request call fails, the branch is put back.
     */
    public Proposed propose(Proposal proposal, Forge forge) {
        return proposals.propose(proposal, forge);
    }

    private static List<ManifestSpec> manifestSpecs(Request request, NixshipConfig config) {
        List<String> entries =
                request.manifests().isEmpty() ? config.manifests() : request.manifests();
        if (entries.isEmpty()) {
            throw NixshipException.usage(
                    "no manifests to bump: set 'manifests' in .nixship.yaml or pass --manifests");
        }
        return entries.stream().map(ManifestSpec::parse).toList();
    }

    private static String oldReference(List<ImageSite> sites) {
        Set<String> references = new LinkedHashSet<>();
        sites.forEach(site -> references.add(site.reference().toString()));
        return references.isEmpty() ? null : String.join(", ", references);
    }

    /** The image the manifests name now, when they all name one that has a tag or digest. */
    private static Optional<ImageReference> deployed(List<ImageSite> sites) {
        List<ImageReference> named = sites.stream().map(ImageSite::reference).distinct().toList();
        if (named.size() != 1 || (named.get(0).digest() == null && named.get(0).tag() == null)) {
            return Optional.empty();
        }
        return Optional.of(named.get(0));
    }

    private static String layerSummary(BuiltImage built) {
        AssembledImage assembled = built.assembled();
        return String.format(
                Locale.ROOT,
                "%d layers: %d reused from the registry, %d from the layer cache, %d compressed",
                built.image().layers().size(),
                assembled.layersReused(),
                assembled.layersFromCache(),
                assembled.layersCompressed());
    }

    private static boolean sameContent(Optional<PreviousImage> previous, BuiltImage built) {
        return previous.isPresent()
                && ImageContent.same(previous.get().config(), ImageContent.config(built.image()));
    }

    /**
     * The freeze diff against the image the manifests name now when its freeze can be read, else
     * the new freeze listed on its own.
     */
    private String freezeMarkdown(BuiltImage built, Optional<PreviousImage> previous) {
        Optional<Freeze> before = previous.flatMap(PreviousImage::freeze);
        if (before.isPresent()) {
            FreezeDiff diff = FreezeDiff.of(before.get(), built.freeze());
            Optional<String> revisionBefore = previous.get().nixpkgsRevision();
            Optional<String> revisionAfter = built.lock().revision();
            if (revisionBefore.isPresent() && revisionAfter.isPresent()) {
                diff = diff.withNixpkgs(revisionBefore.get(), revisionAfter.get());
            }
            return FreezeDiffMarkdown.render(diff);
        }
        String freeze = built.freeze().render().replace("```", "'''");
        return "### Python packages ("
                + built.freeze().entries().size()
                + ")\n\n"
                + "The previous image's freeze could not be read, so this is the new freeze in full.\n\n"
                + "<details>\n<summary>pip freeze</summary>\n\n```text\n"
                + freeze
                + (freeze.endsWith("\n") ? "" : "\n")
                + "```\n\n</details>\n";
    }
}
