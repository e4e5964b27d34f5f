package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.ReleaseHarness.BRANCH;
import static io.nixship.e2e.ReleaseHarness.DEPLOYMENT;
import static io.nixship.e2e.ReleaseHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Release runs for consecutive commits racing each other (issue 8, races): they end with one branch
 * at the newest build and one pull request; the older run never overwrites the newer.
 */
@Tag("nix")
class ReleaseRaceTest {
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();

    @TempDir static Path home;
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private ReleaseHarness harness;
    private String older;
    private String newer;

    @BeforeEach
    void setUp() throws Exception {
        harness = ReleaseHarness.create(dir, home, registry.server());
        ReleaseHarness.stubPullRequestLifecycle(github);
        older = harness.project.head();
        harness.project.write(
                "app.py",
                Files.readString(harness.project.dir().resolve("app.py")) + "\n# newer\n");
        newer = harness.commitAndPush("app: newer");
    }

    @Test
    void anOlderRunFinishingAfterTheNewerOneLeavesBranchAndPullRequestAlone() throws Exception {
        CliRun.Result newerRun = harness.release(github.baseUrl(), "--commit", newer);
        assertThat(newerRun.exitCode()).as(newerRun.err()).isZero();
        ObjectId newerTip = harness.remoteBranch(BRANCH).orElseThrow();

        CliRun.Result olderRun = harness.release(github.baseUrl(), "--commit", older);

        assertThat(olderRun.exitCode()).as(olderRun.err()).isZero();
        JsonNode result = ReleaseHarness.json(olderRun);
        assertThat(result.path("operation").asText()).isEqualTo("none");
        assertThat(result.path("branchOperation").asText()).isEqualTo("superseded");
        assertThat(harness.remoteBranch(BRANCH)).contains(newerTip);
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(0, patchRequestedFor(urlPathEqualTo(PULLS + "/12")));
    }

    @Test
    void twoRunsStartedTogetherFromTwoCheckoutsEndAtTheNewestBuildWithOnePullRequest()
            throws Exception {
        Path olderCheckout = clone("runner-older");
        Path newerCheckout = clone("runner-newer");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService runners = Executors.newFixedThreadPool(2);
        try {
            Future<CliRun.Result> olderRun =
                    runners.submit(
                            () -> {
                                start.await();
                                return run(olderCheckout, "home-older", older);
                            });
            Future<CliRun.Result> newerRun =
                    runners.submit(
                            () -> {
                                start.await();
                                return run(newerCheckout, "home-newer", newer);
                            });
            start.countDown();
            CliRun.Result olderResult = olderRun.get();
            CliRun.Result newerResult = newerRun.get();

            assertThat(newerResult.exitCode()).as(newerResult.err()).isZero();
            assertThat(olderResult.exitCode()).as(olderResult.err()).isZero();
            assertThat(harness.remoteCommit(BRANCH).getParent(0).getName()).isEqualTo(newer);
            assertThat(harness.fileOnRemoteBranch(BRANCH, DEPLOYMENT))
                    .contains(":git-" + newer.substring(0, 7) + "@sha256:");
            List<String> operations =
                    List.of(
                            ReleaseHarness.json(olderResult).path("operation").asText(),
                            ReleaseHarness.json(newerResult).path("operation").asText());
            assertThat(operations).isSubsetOf("created", "updated", "none").contains("created");
            assertThat(operations.stream().filter("created"::equals)).hasSize(1);
        } finally {
            runners.shutdownNow();
        }
    }

    @Test
    void aPullRequestOpenedByAnotherRunBetweenLookUpAndCreateIsUpdatedNotDuplicated()
            throws Exception {
        github.resetAll();
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/imgproxy-lite"))
                        .willReturn(ReleaseHarness.json(200, "repo.json")));
        // Our look-up sees no pull request; by the time we create one, the other run has.
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("race")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(ReleaseHarness.emptyList())
                        .willSetStateTo("opened elsewhere"));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .inScenario("race")
                        .whenScenarioStateIs("opened elsewhere")
                        .willReturn(ReleaseHarness.json(422, "error-pull-request-exists.json"))
                        .willSetStateTo("open"));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("race")
                        .whenScenarioStateIs("open")
                        .willReturn(ReleaseHarness.json(200, "pr-12-list.json")));
        github.stubFor(
                patch(urlPathEqualTo(PULLS + "/12"))
                        .willReturn(ReleaseHarness.json(200, "pr-12.json")));

        CliRun.Result result = harness.release(github.baseUrl(), "--commit", newer);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(ReleaseHarness.json(result).path("operation").asText()).isEqualTo("updated");
        assertThat(harness.remoteCommit(BRANCH).getParent(0).getName()).isEqualTo(newer);
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(patchRequestedFor(urlPathEqualTo(PULLS + "/12")));
    }

    private CliRun.Result run(Path checkout, String runnerHome, String commit) {
        return harness.cli(github.baseUrl(), checkout, dir.resolve(runnerHome))
                .run("release", "--remote", harness.remoteUrl(), "--json", "--commit", commit);
    }

    private Path clone(String name) throws Exception {
        Path checkout = dir.resolve(name);
        Git.cloneRepository()
                .setURI(harness.remoteUrl())
                .setDirectory(checkout.toFile())
                .call()
                .close();
        return checkout;
    }
}
