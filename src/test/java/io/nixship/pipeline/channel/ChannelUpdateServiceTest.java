package io.nixship.pipeline.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.NixshipException;
import io.nixship.config.NixHash;
import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import io.nixship.freeze.Freeze;
import io.nixship.image.AssembledImage;
import io.nixship.image.Blob;
import io.nixship.image.Descriptor;
import io.nixship.image.ImageLabels;
import io.nixship.image.OciImage;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.ManifestFiles;
import io.nixship.manifest.PinStyle;
import io.nixship.nix.Closure;
import io.nixship.nix.NixException;
import io.nixship.nix.NixFailureKind;
import io.nixship.nix.PrefetchResult;
import io.nixship.nix.StorePathInfo;
import io.nixship.nix.channel.ChannelHttp;
import io.nixship.nix.channel.ChannelResolver;
import io.nixship.nix.channel.LockUpdater;
import io.nixship.pipeline.build.ImageBuildService.BuiltImage;
import io.nixship.pipeline.port.BranchMoved;
import io.nixship.pipeline.port.InMemoryBranchStore;
import io.nixship.pipeline.port.InMemoryPullRequests;
import io.nixship.pipeline.port.ManifestRepository;
import io.nixship.pipeline.port.PreviousImage;
import io.nixship.pipeline.port.ProjectCommits;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.PullRequestSpec;
import io.nixship.pipeline.port.RecordingSleeper;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.ImagePublisher.Published;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The channel update's decisions (nothing to do, propose, lease, retry, roll back, keep one pull
 * request) against an in-memory channel server, branches, pull requests, registry and build: what
 * the end-to-end update-channel tests show with git, WireMock and Nix, here without any of them.
 */
class ChannelUpdateServiceTest {
    private static final String CHANNEL = "nixos-24.05";
    private static final String BRANCH = "nixship/channel-nixos-24.05";
    private static final String COMMIT = "a".repeat(40);
    private static final String NEXT_COMMIT = "b".repeat(40);
    private static final String DEPLOYED_REVISION = "1".repeat(40);
    private static final String NEWER_REVISION = "2".repeat(40);
    private static final String IMAGE = "ghcr.io/acme/shop-api";
    private static final String DEPLOYMENT = "k8s/deployment.yaml";
    private static final ImageReference DEPLOYED =
            ImageReference.parse(IMAGE + ":git-0000000@sha256:" + "d".repeat(64));
    private static final String DEPLOYED_CONTENT = "app 1.0 on python 3.11";
    private static final NixshipConfig CONFIG =
            NixshipConfig.parse(
                    ("image: " + IMAGE + "\nmanifests: [\"" + DEPLOYMENT + "\"]\n")
                            .getBytes(StandardCharsets.UTF_8),
                    ".nixship.yaml",
                    Optional.empty());
    private static final NixpkgsLock DEPLOYED_LOCK = lock(DEPLOYED_REVISION);
    private static final String DEPLOY_REPOSITORY = "acme/deploy";
    private static final String DEPLOY_MAIN = "c".repeat(40);
    private static final String DEPLOY_MANIFEST = "apps/shop/deployment.yaml";
    private static final String DEPLOY_BRANCH = "nixship/acme/shop-api-channel-nixos-24.05";

    private final InMemoryBranchStore branches = new InMemoryBranchStore();
    private final InMemoryPullRequests pullRequests = new InMemoryPullRequests();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final List<String> log = new ArrayList<>();
    private final ReleaseService.Forge forge =
            new ReleaseService.Forge(branches, pullRequests, "main", List.of("nixship"));
    private final List<String> downloads = new ArrayList<>();
    private final List<NixpkgsLock> builds = new ArrayList<>();
    private final List<String> pushed = new ArrayList<>();
    private final InMemoryBranchStore deployBranches = new InMemoryBranchStore();
    private final InMemoryPullRequests deployPullRequests = new InMemoryPullRequests();

    /** The GitOps repository acme/deploy holds the manifests, when set. */
    private boolean gitops;

    /** What the image the manifests name was built with and holds. */
    private NixpkgsLock deployedLock = DEPLOYED_LOCK;

    private String deployedContent = DEPLOYED_CONTENT;

    /** The commit the channel's newest release is at. */
    private String channelRevision = NEWER_REVISION;

    /** What the image built with the new lock holds, but for its nixpkgs labels. */
    private String builtContent = "app 1.0 on python 3.12";

    /** Thrown by the build instead of building, when set. */
    private Optional<NixException> buildFailure = Optional.empty();

    @Test
    void aLockThatPinsTheChannelsNewestReleaseProposesNothingAndBuildsNothing() {
        channelRevision = DEPLOYED_REVISION;

        ChannelUpdateService.Result result = update(COMMIT);

        assertThat(result.status()).isEqualTo(ChannelUpdateService.Status.CURRENT);
        assertThat(result.changed()).isFalse();
        assertThat(result.pullRequest()).isEqualTo(PullRequestResult.none());
        assertThat(downloads).isEmpty();
        assertThat(builds).isEmpty();
        assertThat(pushed).isEmpty();
        assertThat(branches.events()).isEmpty();
        assertThat(pullRequests.calls()).isEmpty();
    }

    @Test
    void aNewerReleaseIsProposedAsOneBranchCommitMovingTheLockAndTheManifestsWithOnePullRequest() {
        ChannelUpdateService.Result result = update(COMMIT);

        assertThat(result.status()).isEqualTo(ChannelUpdateService.Status.PROPOSED);
        assertThat(result.pullRequest().operation()).isEqualTo(PullRequestResult.Operation.CREATED);
        assertThat(builds)
                .extracting(NixpkgsLock::revision)
                .containsExactly(Optional.of(NEWER_REVISION));
        String target = result.published().orElseThrow().reference();
        assertThat(pushed).containsExactly(target);
        PublishRequest onBranch = branches.content(BRANCH).orElseThrow();
        assertThat(onBranch.baseCommit()).isEqualTo(COMMIT);
        assertThat(onBranch.edits()).containsOnlyKeys(NixpkgsLock.FILE_NAME, DEPLOYMENT);
        assertThat(lockIn(onBranch)).isEqualTo(lock(NEWER_REVISION));
        assertThat(text(onBranch.edits().get(DEPLOYMENT))).contains("image: " + target);
        assertThat(pullRequests.open()).containsOnlyKeys(BRANCH);
        PullRequestSpec pullRequest = pullRequests.open().get(BRANCH);
        assertThat(pullRequest.title()).isEqualTo(result.content().orElseThrow().title());
        assertThat(pullRequest.title())
                .isEqualTo(
                        "nixpkgs "
                                + CHANNEL
                                + ": "
                                + DEPLOYED_REVISION.substring(0, 7)
                                + " -> "
                                + NEWER_REVISION.substring(0, 7));
        assertThat(pullRequest.labels()).containsExactly("nixship");
        assertThat(sleeper.pauses()).isEmpty();
    }

    @Test
    void aLeaseLostOnceIsReadAgainAfterAPauseAndTheProposalLandsOnTopOfTheOtherRun() {
        branches.beforeNextPush(() -> branches.pushedByAnotherRun(otherRunsProposal()));

        ChannelUpdateService.Result result = update(COMMIT);

        assertThat(sleeper.pauses()).containsExactly(Duration.ofMillis(300));
        assertThat(branches.events()).first().isEqualTo("refused " + BRANCH);
        assertThat(lockIn(branches.content(BRANCH).orElseThrow())).isEqualTo(lock(NEWER_REVISION));
        assertThat(result.pullRequest().operation()).isEqualTo(PullRequestResult.Operation.CREATED);
        assertThat(pullRequests.open()).containsOnlyKeys(BRANCH);
    }

    @Test
    void aLeaseLostOnEveryAttemptGivesUpAfterThreeAndLeavesTheOpenPullRequestAlone() {
        PullRequestSpec open =
                new PullRequestSpec(BRANCH, "main", "other run", "body", List.of(), true);
        pullRequests.openedByAnotherRun(open);
        for (int attempt = 0; attempt < 3; attempt++) {
            branches.beforeNextPush(() -> branches.pushedByAnotherRun(otherRunsProposal()));
        }

        assertThatThrownBy(() -> update(COMMIT))
                .isInstanceOf(BranchMoved.class)
                .hasMessageContaining(BRANCH);
        assertThat(sleeper.pauses())
                .containsExactly(Duration.ofMillis(300), Duration.ofMillis(600));
        assertThat(pullRequests.calls()).isEmpty();
        assertThat(pullRequests.open()).containsExactly(Map.entry(BRANCH, open));
    }

    @Test
    void aPullRequestFailureAfterThePushDeletesTheNewBranchAgain() {
        pullRequests.beforeNextCall(
                () -> {
                    throw NixshipException.failure("GitHub API: 502 while creating");
                });

        assertThatThrownBy(() -> update(COMMIT))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "GitHub API: 502 while creating; branch " + BRANCH + " was deleted again");
        assertThat(branches.read(BRANCH)).isEmpty();
        assertThat(branches.events()).last().isEqualTo("rolled back " + BRANCH);
        assertThat(pullRequests.open()).isEmpty();
    }

    @Test
    void anOpenChannelPullRequestForTheSameReleaseIsUpdatedWhenTheBaseMovedNotDuplicated() {
        PullRequestResult first = update(COMMIT).pullRequest();

        ChannelUpdateService.Result second = update(NEXT_COMMIT);

        assertThat(second.status()).isEqualTo(ChannelUpdateService.Status.PROPOSED);
        assertThat(second.pullRequest().operation()).isEqualTo(PullRequestResult.Operation.UPDATED);
        assertThat(second.pullRequest().number()).isEqualTo(first.number());
        assertThat(pullRequests.open()).containsOnlyKeys(BRANCH);
        assertThat(branches.content(BRANCH).orElseThrow().baseCommit()).isEqualTo(NEXT_COMMIT);
    }

    @Test
    void aReRunOnTheCommitTheBranchAlreadyProposesTheReleaseOnDownloadsAndBuildsNothing() {
        update(COMMIT);
        String tip = branches.read(BRANCH).orElseThrow();
        downloads.clear();
        builds.clear();

        ChannelUpdateService.Result again = update(COMMIT);

        assertThat(again.status()).isEqualTo(ChannelUpdateService.Status.ALREADY_PROPOSED);
        assertThat(again.pullRequest()).isEqualTo(PullRequestResult.none());
        assertThat(downloads).isEmpty();
        assertThat(builds).isEmpty();
        assertThat(branches.read(BRANCH)).contains(tip);
        assertThat(pullRequests.calls()).hasSize(1);
    }

    @Test
    void anImageIdenticalToTheDeployedOneButForItsNixpkgsIsNeitherPushedNorProposed() {
        builtContent = DEPLOYED_CONTENT;

        ChannelUpdateService.Result result = update(COMMIT);

        assertThat(result.status()).isEqualTo(ChannelUpdateService.Status.IDENTICAL_IMAGE);
        assertThat(result.changed()).isFalse();
        assertThat(builds).hasSize(1);
        assertThat(pushed).isEmpty();
        assertThat(branches.read(BRANCH)).isEmpty();
        assertThat(pullRequests.calls()).isEmpty();
    }

    @Test
    void aReleaseTheImageDoesNotBuildOnIsProposedAsTheLockAloneMarkedFailing() {
        buildFailure =
                Optional.of(
                        new NixException(
                                NixFailureKind.BUILD,
                                "building the environment failed",
                                List.of("error: builder for python3.12-numpy failed")));

        ChannelUpdateService.Result result = update(COMMIT);

        assertThat(result.status()).isEqualTo(ChannelUpdateService.Status.BUILD_FAILING);
        assertThat(pushed).isEmpty();
        PublishRequest onBranch = branches.content(BRANCH).orElseThrow();
        assertThat(onBranch.edits()).containsOnlyKeys(NixpkgsLock.FILE_NAME);
        assertThat(lockIn(onBranch)).isEqualTo(lock(NEWER_REVISION));
        PullRequestSpec pullRequest = pullRequests.open().get(BRANCH);
        assertThat(pullRequest.title()).startsWith(ChannelPullRequest.FAILING_MARK);
        assertThat(pullRequest.body()).contains("error: builder for python3.12-numpy failed");
    }

    @Test
    void
            withAGitOpsRepositoryTheLockIsProposedHereAndTheManifestsThereEachPullRequestLinkingTheOther() {
        gitops = true;

        ChannelUpdateService.Result result = update(COMMIT);

        assertThat(result.status()).isEqualTo(ChannelUpdateService.Status.PROPOSED);
        String target = result.published().orElseThrow().reference();
        PublishRequest lockCommit = branches.content(BRANCH).orElseThrow();
        assertThat(lockCommit.baseCommit()).isEqualTo(COMMIT);
        assertThat(lockCommit.edits()).containsOnlyKeys(NixpkgsLock.FILE_NAME);
        assertThat(lockIn(lockCommit)).isEqualTo(lock(NEWER_REVISION));
        PublishRequest manifestsCommit = deployBranches.content(DEPLOY_BRANCH).orElseThrow();
        assertThat(manifestsCommit.baseCommit()).isEqualTo(DEPLOY_MAIN);
        assertThat(manifestsCommit.edits()).containsOnlyKeys(DEPLOY_MANIFEST);
        assertThat(text(manifestsCommit.edits().get(DEPLOY_MANIFEST))).contains("image: " + target);
        assertThat(manifestsCommit.sourceCommit()).isEqualTo(COMMIT);
        assertThat(pullRequests.open()).containsOnlyKeys(BRANCH);
        assertThat(pullRequests.open().get(BRANCH).body())
                .contains(
                        "`" + target + "`",
                        "`acme/deploy` is moved to this image by [the pull request from `"
                                + DEPLOY_BRANCH
                                + "`](https://forge.example/pulls/"
                                + DEPLOY_BRANCH
                                + ")");
        assertThat(deployPullRequests.open()).containsOnlyKeys(DEPLOY_BRANCH);
        String lockPullRequest = result.pullRequest().url();
        assertThat(deployPullRequests.open().get(DEPLOY_BRANCH).body())
                .contains(
                        "| After | `" + target + "` |",
                        "[" + COMMIT.substring(0, 12) + "](https://forge.example/acme/shop/commit/",
                        "[its pull request #"
                                + result.pullRequest().number()
                                + "]("
                                + lockPullRequest,
                        "### Python packages");
        ChannelUpdateService.ManifestsProposal manifests = result.manifests().orElseThrow();
        assertThat(manifests.repository()).isEqualTo(DEPLOY_REPOSITORY);
        assertThat(manifests.branch()).isEqualTo(DEPLOY_BRANCH);
        assertThat(manifests.pullRequest().operation())
                .isEqualTo(PullRequestResult.Operation.CREATED);
    }

    @Test
    void withAGitOpsRepositoryACurrentLockTouchesNeitherRepository() {
        gitops = true;
        channelRevision = DEPLOYED_REVISION;

        ChannelUpdateService.Result result = update(COMMIT);

        assertThat(result.status()).isEqualTo(ChannelUpdateService.Status.CURRENT);
        assertThat(result.manifests()).isEmpty();
        assertThat(builds).isEmpty();
        assertThat(branches.events()).isEmpty();
        assertThat(deployBranches.events()).isEmpty();
        assertThat(pullRequests.calls()).isEmpty();
        assertThat(deployPullRequests.calls()).isEmpty();
    }

    @Test
    void withAGitOpsRepositoryTheNextUpdateMovesBothBranchesAndKeepsOnePullRequestInEach() {
        gitops = true;
        ChannelUpdateService.Result first = update(COMMIT);

        ChannelUpdateService.Result second = update(NEXT_COMMIT);

        assertThat(second.pullRequest().operation()).isEqualTo(PullRequestResult.Operation.UPDATED);
        assertThat(second.pullRequest().number()).isEqualTo(first.pullRequest().number());
        ChannelUpdateService.ManifestsProposal manifests = second.manifests().orElseThrow();
        assertThat(manifests.pullRequest().operation())
                .isEqualTo(PullRequestResult.Operation.UPDATED);
        assertThat(manifests.pullRequest().number())
                .isEqualTo(first.manifests().orElseThrow().pullRequest().number());
        assertThat(pullRequests.open()).containsOnlyKeys(BRANCH);
        assertThat(deployPullRequests.open()).containsOnlyKeys(DEPLOY_BRANCH);
        assertThat(branches.content(BRANCH).orElseThrow().baseCommit()).isEqualTo(NEXT_COMMIT);
        assertThat(
                        text(
                                deployBranches
                                        .content(DEPLOY_BRANCH)
                                        .orElseThrow()
                                        .edits()
                                        .get(DEPLOY_MANIFEST)))
                .contains("image: " + second.published().orElseThrow().reference());
    }

    @Test
    void aGitOpsPullRequestFailurePutsBothBranchesBackAsTheyWere() {
        gitops = true;
        update(COMMIT);
        String lockTip = branches.read(BRANCH).orElseThrow();
        String manifestsTip = deployBranches.read(DEPLOY_BRANCH).orElseThrow();
        deployPullRequests.beforeNextCall(
                () -> {
                    throw NixshipException.failure("GitHub API: 502 while updating");
                });

        assertThatThrownBy(() -> update(NEXT_COMMIT))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "GitHub API: 502 while updating; branch "
                                + DEPLOY_BRANCH
                                + " was put back to "
                                + manifestsTip.substring(0, 12)
                                + "; branch "
                                + BRANCH
                                + " was put back to "
                                + lockTip.substring(0, 12));
        assertThat(branches.read(BRANCH)).contains(lockTip);
        assertThat(deployBranches.read(DEPLOY_BRANCH)).contains(manifestsTip);
        assertThat(branches.events()).last().isEqualTo("rolled back " + BRANCH);
    }

    @Test
    void aFirstGitOpsPushThatFailsDeletesTheNewLockBranchAgain() {
        gitops = true;
        deployPullRequests.beforeNextCall(
                () -> {
                    throw NixshipException.failure("GitHub API: 502 while creating");
                });

        assertThatThrownBy(() -> update(COMMIT))
                .hasMessageEndingWith("; branch " + BRANCH + " was deleted again");
        assertThat(branches.read(BRANCH)).isEmpty();
        assertThat(deployBranches.read(DEPLOY_BRANCH)).isEmpty();
        assertThat(deployPullRequests.open()).isEmpty();
    }

    @Test
    void
            whenTheGitOpsRepositoryAlreadyDeploysTheImageOnlyTheLockIsProposedAndNoBranchIsLeftThere() {
        gitops = true;
        deployedLock = lock(NEWER_REVISION);
        deployedContent = builtContent;
        deployPullRequests.openedByAnotherRun(
                new PullRequestSpec(DEPLOY_BRANCH, "main", "older", "body", List.of(), true));

        ChannelUpdateService.Result result = update(COMMIT);

        assertThat(result.status()).isEqualTo(ChannelUpdateService.Status.PROPOSED);
        assertThat(result.published()).isEmpty();
        assertThat(pushed).isEmpty();
        assertThat(branches.content(BRANCH).orElseThrow().edits())
                .containsOnlyKeys(NixpkgsLock.FILE_NAME);
        assertThat(pullRequests.open().get(BRANCH).body())
                .contains("`acme/deploy` already deploys this image.", "`" + DEPLOYED + "`");
        assertThat(deployBranches.read(DEPLOY_BRANCH)).isEmpty();
        assertThat(deployBranches.events()).isEmpty();
        assertThat(deployPullRequests.open()).isEmpty();
        assertThat(result.manifests().orElseThrow().pullRequest().operation())
                .isEqualTo(PullRequestResult.Operation.CLOSED);
    }

    private ChannelUpdateService.Result update(String commit) {
        Commits commits = new Commits();
        ChannelUpdateService.Project project =
                new ChannelUpdateService.Project(
                        commit,
                        "",
                        CONFIG,
                        Optional.of(DEPLOYED_LOCK),
                        bytes(DEPLOYED_LOCK.toYaml()));
        ChannelUpdateService service =
                new ChannelUpdateService(
                        project,
                        new ChannelUpdateService.Nixpkgs(
                                new ChannelResolver(
                                        this::channelServer,
                                        URI.create("https://channels.example"),
                                        URI.create("https://github.example")),
                                new LockUpdater(
                                        url -> {
                                            downloads.add(url);
                                            return new PrefetchResult(
                                                    hash(url), "/nix/store/x-source");
                                        },
                                        (storePath, release) -> {})),
                        (lock, previousImage, layerReady) -> {
                            builds.add(lock);
                            buildFailure.ifPresent(
                                    failure -> {
                                        throw failure;
                                    });
                            return built(commit, lock, builtContent);
                        },
                        new ReleaseService.Ports(
                                commits,
                                new Registry(),
                                reference ->
                                        Optional.of(
                                                new PreviousImage(
                                                        reference,
                                                        imageConfig(
                                                                deployedLock, deployedContent))),
                                sha -> Optional.of("https://forge.example/acme/shop/commit/" + sha),
                                sleeper,
                                log::add,
                                gitops
                                        ? new DeployRepository()
                                        : ManifestRepository.releasedCommit(commits)),
                        Optional.of(forge),
                        gitops
                                ? Optional.of(
                                        new ChannelUpdateService.GitOps(
                                                DEPLOY_REPOSITORY,
                                                new ReleaseService.Forge(
                                                        deployBranches,
                                                        deployPullRequests,
                                                        "main",
                                                        List.of("nixship")),
                                                branch -> "https://forge.example/pulls/" + branch))
                                : Optional.empty());
        ChannelUpdateService.Report report =
                service.update(
                        new ChannelUpdateService.Request(
                                Optional.empty(),
                                false,
                                gitops ? List.of(DEPLOY_MANIFEST) : List.of(),
                                PinStyle.TAG_AT_DIGEST));
        assertThat(report.release()).isEmpty();
        return report.channel();
    }

    /** channels.nixos.org: the channel redirects to its release, which names its commit. */
    private ChannelHttp.Response channelServer(URI uri) {
        String releaseDirectory = releaseDirectory(channelRevision);
        if (uri.toString().equals("https://channels.example/" + CHANNEL)) {
            return new ChannelHttp.Response(302, Optional.of(releaseDirectory), new byte[0]);
        }
        if (uri.toString().equals(releaseDirectory + "/git-revision")) {
            return new ChannelHttp.Response(200, Optional.empty(), bytes(channelRevision));
        }
        return new ChannelHttp.Response(404, Optional.empty(), new byte[0]);
    }

    /** Another run's proposal of an older release on the same branch. */
    private static PublishRequest otherRunsProposal() {
        return new PublishRequest(
                BRANCH,
                COMMIT,
                Map.of(NixpkgsLock.FILE_NAME, bytes(lock("3".repeat(40)).toYaml())),
                null,
                "nixpkgs other",
                COMMIT);
    }

    private static NixpkgsLock lock(String revision) {
        String tarball = releaseDirectory(revision) + "/nixexprs.tar.xz";
        return new NixpkgsLock(
                Optional.of(CHANNEL),
                Optional.of(release(revision)),
                Optional.of(revision),
                tarball,
                hash(tarball));
    }

    private static String release(String revision) {
        return CHANNEL + ".100." + revision.substring(0, 12);
    }

    private static String releaseDirectory(String revision) {
        return "https://releases.example/nixos/24.05/" + release(revision);
    }

    private static NixpkgsLock lockIn(PublishRequest commit) {
        return NixpkgsLock.parse(commit.edits().get(NixpkgsLock.FILE_NAME), NixpkgsLock.FILE_NAME);
    }

    /** An image whose config holds {@code content} and the labels naming {@code lock}. */
    private static BuiltImage built(String commit, NixpkgsLock lock, String content) {
        byte[] config = bytes(imageConfig(lock, content).toString());
        Blob configBlob =
                new Blob(
                        new Descriptor(OciImage.CONFIG_MEDIA_TYPE, digest(config), config.length),
                        () -> new ByteArrayInputStream(config));
        byte[] manifest = bytes("{\"config\":\"" + digest(config) + "\"}");
        OciImage image = new OciImage(configBlob, List.of(), manifest, digest(manifest));
        return new BuiltImage(
                commit,
                "",
                CONFIG,
                lock,
                new Closure(
                        "/nix/store/x-env",
                        List.of(new StorePathInfo("/nix/store/x-env", 4096, List.of()))),
                Freeze.empty(),
                "git-" + commit.substring(0, 7),
                new AssembledImage(image, 0, 1));
    }

    private static JsonNode imageConfig(NixpkgsLock lock, String content) {
        ObjectNode config = Json.mapper().createObjectNode();
        config.putObject("rootfs").putArray("diff_ids").add(digest(bytes(content)));
        ObjectNode labels = config.putObject("config").putObject("Labels");
        labels.put(ImageLabels.NIXPKGS_REVISION_LABEL, lock.revision().orElseThrow());
        labels.put(ImageLabels.NIXPKGS_RELEASE_LABEL, lock.release().orElseThrow());
        labels.put(ImageLabels.CLOSURE_SIZE_LABEL, "4096");
        return config;
    }

    /** The project's commits: the manifests name the deployed image; the branch's as pushed. */
    private final class Commits implements ProjectCommits {
        @Override
        public ManifestFiles manifests(String commit) {
            return deployment(DEPLOYMENT);
        }

        @Override
        public List<String> parents(String commit) {
            return branches.commit(commit).map(held -> List.of(held.baseCommit())).orElseThrow();
        }

        @Override
        public Optional<byte[]> readFile(String commit, String repositoryPath) {
            return branches.commit(commit).map(held -> held.edits().get(repositoryPath));
        }
    }

    /** acme/deploy: its main branch's deployment names the deployed image. */
    private static final class DeployRepository implements ManifestRepository {
        @Override
        public String base(String releasedCommit) {
            return DEPLOY_MAIN;
        }

        @Override
        public ManifestFiles manifests(String commit) {
            assertThat(commit).isEqualTo(DEPLOY_MAIN);
            return deployment(DEPLOY_MANIFEST);
        }
    }

    /** A commit's manifests: {@code path} holds a deployment naming the deployed image. */
    private static ManifestFiles deployment(String path) {
        return new ManifestFiles() {
            @Override
            public List<Path> expand(String pattern) {
                return List.of(Path.of(pattern));
            }

            @Override
            public byte[] read(Path file) {
                assertThat(file).isEqualTo(Path.of(path));
                return deploymentBytes();
            }

            @Override
            public void writeAtomically(Path file, byte[] content) {
                throw new AssertionError("a commit's manifests are read-only");
            }
        };
    }

    private static byte[] deploymentBytes() {
        return bytes(
                "apiVersion: apps/v1\n"
                        + "kind: Deployment\n"
                        + "metadata:\n"
                        + "  name: shop\n"
                        + "spec:\n"
                        + "  template:\n"
                        + "    spec:\n"
                        + "      containers:\n"
                        + "      - name: app\n"
                        + "        image: "
                        + DEPLOYED
                        + "\n");
    }

    /** The registry: records each push. */
    private final class Registry implements ReleaseService.ImageSink {
        @Override
        public ImageReference repository(NixshipConfig config) {
            return ImageReference.parse(IMAGE);
        }

        @Override
        public ReleaseService.ImagePush open(
                ImageReference repository, Optional<ImageReference> deployed) {
            assertThat(deployed).contains(DEPLOYED);
            return (built, target) -> {
                pushed.add(target.toString());
                return new Published(
                        target.toString(), target.digest(), target.tag(), Optional.empty());
            };
        }
    }

    private static NixHash hash(String seed) {
        try {
            return new NixHash(
                    MessageDigest.getInstance("SHA-256")
                            .digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digest(byte[] bytes) {
        try {
            return "sha256:"
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
