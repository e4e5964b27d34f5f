package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.ReleaseHarness.BRANCH;
import static io.nixship.e2e.ReleaseHarness.DEPLOYMENT;
import static io.nixship.e2e.ReleaseHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.Sleeper;
import io.nixship.cli.HostEnvironment;
import io.nixship.config.NixshipConfig;
import io.nixship.forge.GitHubApi;
import io.nixship.forge.GitHubRateLimits;
import io.nixship.forge.GitProjectCommits;
import io.nixship.forge.ManifestBranchPublisher;
import io.nixship.forge.PullRequestService;
import io.nixship.image.LayerListener;
import io.nixship.image.PreviousImageLookup;
import io.nixship.image.PreviousLayers;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.PinStyle;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.pipeline.build.ImageBuildService.BuiltImage;
import io.nixship.pipeline.port.CommitLinks;
import io.nixship.pipeline.port.PreviousImages;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.registry.ImagePublisher.Published;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service with its build and push edges replaced: a commit whose manifests already name the
 * very image the build produced (a byte-identical rebuild) needs no pull request, and an open one
 * is stale; the push is opened before the build (naming the image the manifests hold) and closed in
 * any case.
 */
@Tag("nix")
class ReleaseServiceTest {
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();

    @TempDir static Path home;
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private ReleaseHarness harness;
    private BuiltImage rebuilt;
    private String deployedReference;

    /** What the service did to the build and the push, in order. */
    private final List<String> events = new ArrayList<>();

    private final PreviousImageLookup pushLookup = tag -> PreviousLayers.none();
    private final LayerListener pushUploads = layer -> {};

    @BeforeEach
    void setUp() throws Exception {
        harness = ReleaseHarness.create(dir, home, registry.server());
        ReleaseHarness.stubPullRequestLifecycle(github);
        BuiltImage built =
                new ImageBuildService(
                                new SystemProcessRunner(),
                                HostEnvironment.from(
                                                CliRun.offline(harness.project.dir(), home)
                                                        .environment())
                                        .settings(line -> {}),
                                line -> {})
                        .build(
                                ImageBuildService.Request.of(
                                        harness.project.dir(), "HEAD", home.resolve("layers")));
        deployedReference =
                harness.image() + ":" + built.tag() + "@" + built.image().manifestDigest();
        harness.project.write(
                DEPLOYMENT,
                harness.deployment().replace(harness.image() + ":git-0000000", deployedReference));
        String merged = harness.commitAndPush("manifests name the image");
        // The same image, as a reproducible rebuild at the merge commit gives when nothing it holds
        // changed.
        rebuilt =
                new BuiltImage(
                        merged,
                        built.projectDirectory(),
                        built.config(),
                        built.lock(),
                        built.closure(),
                        built.freeze(),
                        built.tag(),
                        built.assembled());
    }

    @Test
    void manifestsThatAlreadyNameTheNewDigestOpenNoPullRequest() throws Exception {
        ReleaseService.Plan plan =
                service().plan(new ReleaseService.Request(List.of(), PinStyle.TAG_AT_DIGEST));
        ReleaseService.Outcome outcome = service().release(plan, forge());

        assertThat(plan.alreadyCurrent()).isTrue();
        assertThat(plan.changesManifests()).isFalse();
        assertThat(outcome.pullRequest()).isEqualTo(PullRequestResult.none());
        assertThat(outcome.changed()).isFalse();
        github.verify(0, postRequestedFor(urlPathEqualTo(PULLS)));
        assertThat(harness.remoteBranch(BRANCH)).isEmpty();
    }

    @Test
    void anOpenPullRequestForAnImageTheManifestsAlreadyNameIsClosed() {
        github.setScenarioState("pr", "open");

        ReleaseService.Plan plan =
                service().plan(new ReleaseService.Request(List.of(), PinStyle.TAG_AT_DIGEST));
        ReleaseService.Outcome outcome = service().release(plan, forge());

        assertThat(outcome.pullRequest().operation()).isEqualTo(PullRequestResult.Operation.CLOSED);
        assertThat(outcome.pullRequest().number()).isEqualTo(12);
        github.verify(0, postRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void thePlanIsMadeBeforeTheImageIsPushedSoNothingIsPushedForABrokenManifest() throws Exception {
        github.resetAll();
        harness.project.write("k8s/broken.yaml", "kind: [\n");
        String broken = harness.commitAndPush("broken");
        rebuilt =
                new BuiltImage(
                        broken,
                        rebuilt.projectDirectory(),
                        rebuilt.config(),
                        rebuilt.lock(),
                        rebuilt.closure(),
                        rebuilt.freeze(),
                        rebuilt.tag(),
                        rebuilt.assembled());

        assertThatThrownBy(
                        () ->
                                service()
                                        .plan(
                                                new ReleaseService.Request(
                                                        List.of(), PinStyle.TAG_AT_DIGEST)))
                .hasMessageStartingWith("k8s/broken.yaml:");
        assertThat(events).as("nothing opened, built or pushed").isEmpty();
        github.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void thePushIsOpenedBeforeTheBuildWhichReusesAndUploadsThroughItAndClosedAfterThePublish() {
        service().plan(new ReleaseService.Request(List.of(), PinStyle.TAG_AT_DIGEST));

        assertThat(events)
                .containsExactly(
                        "open " + harness.image() + " deployed " + deployedReference,
                        "build with the push's lookup and uploads",
                        "publish "
                                + harness.image()
                                + ":"
                                + rebuilt.tag()
                                + "@"
                                + rebuilt.image().manifestDigest(),
                        "close");
    }

    @Test
    void aFailingBuildClosesThePushAndPublishesNothing() {
        ReleaseService failing =
                service(
                        () -> {
                            throw new IllegalStateException("nix-build failed");
                        });

        assertThatThrownBy(
                        () ->
                                failing.plan(
                                        new ReleaseService.Request(
                                                List.of(), PinStyle.TAG_AT_DIGEST)))
                .hasMessage("nix-build failed");
        assertThat(events)
                .containsExactly(
                        "open " + harness.image() + " deployed " + deployedReference, "close");
    }

    private ReleaseService service() {
        return service(() -> rebuilt);
    }

    private ReleaseService service(Supplier<BuiltImage> build) {
        return new ReleaseService(
                new ReleaseService.Commit(
                        rebuilt.commitId(), rebuilt.projectDirectory(), rebuilt.config()),
                (previousImage, layerReady) -> {
                    BuiltImage built = build.get();
                    events.add(
                            previousImage == pushLookup && layerReady == pushUploads
                                    ? "build with the push's lookup and uploads"
                                    : "build without them");
                    return built;
                },
                new ReleaseService.Ports(
                        new GitProjectCommits(
                                harness.project.git().getRepository(), rebuilt.projectDirectory()),
                        new ReleaseService.ImageSink() {
                            @Override
                            public ImageReference repository(NixshipConfig config) {
                                return ImageReference.parse(harness.image());
                            }

                            @Override
                            public ReleaseService.ImagePush open(
                                    ImageReference repository, Optional<ImageReference> deployed) {
                                events.add(
                                        "open "
                                                + repository
                                                + " deployed "
                                                + deployed.map(ImageReference::toString)
                                                        .orElse("none"));
                                return new ReleaseService.ImagePush() {
                                    @Override
                                    public Published publish(
                                            BuiltImage built, ImageReference target) {
                                        events.add("publish " + target);
                                        return new Published(
                                                target.toString(),
                                                target.digest(),
                                                target.tag(),
                                                Optional.empty());
                                    }

                                    @Override
                                    public PreviousImageLookup previousImage() {
                                        return pushLookup;
                                    }

                                    @Override
                                    public LayerListener layerReady() {
                                        return pushUploads;
                                    }

                                    @Override
                                    public void close() {
                                        events.add("close");
                                    }
                                };
                            }
                        },
                        PreviousImages.NONE,
                        CommitLinks.NONE,
                        Sleeper.real(),
                        line -> {}));
    }

    private ReleaseService.Forge forge() {
        return new ReleaseService.Forge(
                ManifestBranchPublisher.withoutCredentials(
                        harness.project.git().getRepository(), harness.remoteUrl()),
                new PullRequestService(
                        GitHubApi.connect(
                                github.baseUrl(),
                                ReleaseHarness.TOKEN,
                                GitHubRateLimits.standard()),
                        ReleaseHarness.REPOSITORY),
                "main",
                List.of("nixship"));
    }
}
