package io.nixship.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.nixship.NixshipException;
import io.nixship.forge.GitHubApi;
import io.nixship.forge.GitHubRateLimits;
import io.nixship.forge.ManifestBranchPublisher;
import io.nixship.forge.PullRequestService;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PublishResult;
import io.nixship.pipeline.port.PullRequestSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 5: release runs for consecutive commits that overlap end with the branch at the newest
 * build and exactly one pull request showing it; an older run never overwrites a newer one; a
 * branch carrying commits nixship did not write is never force-pushed.
 *
 * <p>A release run here is composed the way the release command must compose the forge classes:
 * publish under a lease, then write the pull request for whatever the branch holds, and re-check
 * the branch afterwards, writing again if a newer run moved it meanwhile.
 */
class RacesTest {
    private static final String IMAGE = "ghcr.io/acme/shop-api";
    private static final String PULLS = "/repos/acme/shop/pulls";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final OnePullRequestPerHead ONE_PULL_REQUEST = new OnePullRequestPerHead();

    @RegisterExtension
    static WireMockExtension github =
            WireMockExtension.newInstance()
                    .options(
                            wireMockConfig()
                                    .dynamicPort()
                                    .usingFilesUnderClasspath("reliability/github")
                                    .extensions(ONE_PULL_REQUEST))
                    .build();

    @TempDir Path tmp;

    /**
     * GitHub's one open pull request per head, atomically: WireMock's scenario states are matched
     * and moved in two steps, so two simultaneous creates could both be answered 201, which GitHub
     * never does. Until the first create, the list is empty; every later create is refused with
     * 422.
     */
    private static final class OnePullRequestPerHead implements ResponseDefinitionTransformerV2 {
        static final String NAME = "one-pull-request-per-head";
        private final AtomicBoolean created = new AtomicBoolean();

        void reset() {
            created.set(false);
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            ResponseDefinition stubbed = serveEvent.getResponseDefinition();
            boolean create = serveEvent.getRequest().getMethod().getName().equals("POST");
            if (create) {
                return created.compareAndSet(false, true)
                        ? stubbed
                        : json(
                                        422,
                                        "{\"message\":\"Validation Failed\","
                                                + "\"errors\":[{\"resource\":\"PullRequest\",\"code\":\"custom\",\"message\":\"A pull request"
                                                + " already exists for acme:nixship/acme/shop-api.\"}]}",
                                        null)
                                .build();
            }
            return created.get() ? stubbed : json(200, "[]", null).build();
        }

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }
    }

    /**
     * GitHub as it behaves: one open pull request per head; a second create is refused with 422.
     */
    private static void stubGitHub() {
        github.resetAll();
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop")).willReturn(json(200, null, "repo.json")));
        ONE_PULL_REQUEST.reset();
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .willReturn(
                                json(200, null, "pr-7-list.json")
                                        .withTransformers(OnePullRequestPerHead.NAME)));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .willReturn(
                                json(201, null, "pr-7.json")
                                        .withTransformers(OnePullRequestPerHead.NAME)));
        github.stubFor(
                patch(urlPathEqualTo(PULLS + "/7")).willReturn(json(200, null, "pr-7.json")));
        github.stubFor(
                post(urlPathEqualTo("/repos/acme/shop/issues/7/labels"))
                        .willReturn(json(200, null, "labels.json")));
    }

    private static ResponseDefinitionBuilder json(int status, String body, String file) {
        var response =
                aResponse().withStatus(status).withHeader("Content-Type", "application/json");
        return file == null ? response.withBody(body) : response.withBodyFile(file);
    }

    private static PullRequestService pullRequests() {
        return new PullRequestService(
                GitHubApi.connect(
                        github.baseUrl(),
                        "ghs_token",
                        new GitHubRateLimits(
                                wait -> {}, Clock.systemUTC(), Duration.ofMinutes(15), 2)),
                "acme/shop");
    }

    private static String title(String imageReference) {
        return "nixship: update " + IMAGE + " to " + imageReference;
    }

    /** One release run: its own checkout, publishing {@code tag} built from {@code base}. */
    private static Optional<PublishResult> releaseRun(
            Repository checkout, String remoteUrl, ObjectId base, String tag) throws Exception {
        ManifestBranchPublisher publisher =
                ManifestBranchPublisher.withoutCredentials(checkout, remoteUrl);
        String reference = IMAGE + ":" + tag;
        PublishResult published =
                publisher.publish(
                        new PublishRequest(
                                ReleaseRepository.BRANCH,
                                base.name(),
                                ReleaseRepository.manifestFor(tag),
                                IMAGE + ":1.0",
                                reference,
                                base.name()));
        if (!published.pullRequestShouldShowIt()) {
            return Optional.of(published);
        }
        // Write the pull request for what the branch holds now, until it holds still while we
        // write.
        for (int i = 0; i < 5; i++) {
            Optional<String> tip = publisher.read(ReleaseRepository.BRANCH);
            String shown = imageOf(checkout, ObjectId.fromString(tip.orElseThrow()));
            pullRequests()
                    .synchronize(
                            new PullRequestSpec(
                                    ReleaseRepository.BRANCH,
                                    null,
                                    title(shown),
                                    "Updates the image to " + shown,
                                    List.of("nixship"),
                                    true));
            if (publisher.read(ReleaseRepository.BRANCH).equals(tip)) {
                break;
            }
        }
        return Optional.of(published);
    }

    private static String imageOf(Repository repository, ObjectId commit) throws Exception {
        RevCommit parsed = repository.parseCommit(commit);
        return parsed.getFooterLines("Nixship-Image").get(0);
    }

    /** The title of the newest pull request write GitHub received (create or edit). */
    private static String lastWrittenTitle() throws Exception {
        List<ServeEvent> events = new ArrayList<>(github.getAllServeEvents());
        for (ServeEvent event : events) {
            String method = event.getRequest().getMethod().getName();
            boolean write =
                    (method.equals("POST")
                                    && event.getRequest().getUrl().startsWith(PULLS)
                                    && event.getResponse().getStatus() == 201)
                            || (method.equals("PATCH")
                                    && event.getRequest().getBodyAsString().contains("\"title\""));
            if (write) {
                return JSON.readTree(event.getRequest().getBodyAsString()).path("title").asText();
            }
        }
        return null;
    }

    private static long pullRequestsCreated() {
        return github.getAllServeEvents().stream()
                .filter(
                        e ->
                                e.getRequest().getMethod().getName().equals("POST")
                                        && e.getRequest().getUrl().startsWith(PULLS)
                                        && e.getResponse().getStatus() == 201)
                .count();
    }

    @Test
    @Timeout(300)
    void concurrentReleasesOfConsecutiveCommitsEndAtTheNewestBuildWithOnePullRequest()
            throws Exception {
        for (int round = 0; round < 8; round++) {
            stubGitHub();
            Path dir = tmp.resolve("round-" + round);
            try (ReleaseRepository repo = new ReleaseRepository(dir)) {
                RevCommit older = repo.commitAndPush("feature 1", "app v1\n");
                RevCommit newer = repo.commitAndPush("feature 2", "app v2\n");
                try (Git second =
                        Git.cloneRepository()
                                .setURI(repo.remoteUrl())
                                .setDirectory(dir.resolve("second").toFile())
                                .call()) {
                    CyclicBarrier start = new CyclicBarrier(2);
                    ExecutorService runs = Executors.newFixedThreadPool(2);
                    try {
                        boolean newerFirst = round % 2 == 0;
                        Future<Optional<PublishResult>> olderRun =
                                runs.submit(
                                        () -> {
                                            start.await();
                                            return releaseRun(
                                                    repo.repository(),
                                                    repo.remoteUrl(),
                                                    older,
                                                    "2.0-" + (newerFirst ? "a" : "b") + "-old");
                                        });
                        Future<Optional<PublishResult>> newerRun =
                                runs.submit(
                                        () -> {
                                            start.await();
                                            return releaseRun(
                                                    second.getRepository(),
                                                    repo.remoteUrl(),
                                                    newer,
                                                    "2.1");
                                        });
                        olderRun.get();
                        newerRun.get();
                    } finally {
                        runs.shutdown();
                    }
                }

                RevCommit tip = repo.remoteCommit(ReleaseRepository.BRANCH);
                assertThat(tip.getParent(0).getId()).as("round %d", round).isEqualTo(newer.getId());
                assertThat(tip.getFooterLines("Nixship-Image")).containsExactly(IMAGE + ":2.1");
                assertThat(pullRequestsCreated()).as("round %d", round).isEqualTo(1);
                assertThat(lastWrittenTitle())
                        .as("round %d", round)
                        .isEqualTo(title(IMAGE + ":2.1"));
            }
        }
    }

    @Test
    void anOlderRunFinishingLastNeverOverwritesTheNewerBuild() throws Exception {
        stubGitHub();
        try (ReleaseRepository repo = new ReleaseRepository(tmp)) {
            RevCommit older = repo.commitAndPush("feature 1", "app v1\n");
            RevCommit newer = repo.commitAndPush("feature 2", "app v2\n");
            releaseRun(repo.repository(), repo.remoteUrl(), newer, "2.1");
            ObjectId newest = repo.remoteBranch(ReleaseRepository.BRANCH);

            Optional<PublishResult> late =
                    releaseRun(repo.repository(), repo.remoteUrl(), older, "2.0");

            assertThat(late.orElseThrow().operation())
                    .isEqualTo(PublishResult.Operation.SUPERSEDED);
            assertThat(repo.remoteBranch(ReleaseRepository.BRANCH)).isEqualTo(newest);
            assertThat(pullRequestsCreated()).isEqualTo(1);
            assertThat(lastWrittenTitle()).isEqualTo(title(IMAGE + ":2.1"));
        }
    }

    @Test
    void aLeaseTakenBeforeAnotherRunPushedNeverOverwritesThatRun() throws Exception {
        try (ReleaseRepository repo = new ReleaseRepository(tmp)) {
            RevCommit older = repo.commitAndPush("feature 1", "app v1\n");
            RevCommit newer = repo.commitAndPush("feature 2", "app v2\n");
            ManifestBranchPublisher slow =
                    ManifestBranchPublisher.withoutCredentials(repo.repository(), repo.remoteUrl());
            Optional<String> staleLease = slow.read(ReleaseRepository.BRANCH);
            ManifestBranchPublisher.withoutCredentials(repo.repository(), repo.remoteUrl())
                    .publish(
                            new PublishRequest(
                                    ReleaseRepository.BRANCH,
                                    newer.name(),
                                    ReleaseRepository.manifestFor("2.1"),
                                    IMAGE + ":1.0",
                                    IMAGE + ":2.1",
                                    newer.name()));
            ObjectId newest = repo.remoteBranch(ReleaseRepository.BRANCH);

            NixshipException failure =
                    catchThrowableOfType(
                            NixshipException.class,
                            () ->
                                    slow.publish(
                                            new PublishRequest(
                                                    ReleaseRepository.BRANCH,
                                                    older.name(),
                                                    ReleaseRepository.manifestFor("2.0"),
                                                    IMAGE + ":1.0",
                                                    IMAGE + ":2.0",
                                                    older.name()),
                                            staleLease));

            assertThat(failure.getMessage())
                    .contains("changed")
                    .contains("another run pushed")
                    .doesNotContain("\n");
            assertThat(repo.remoteBranch(ReleaseRepository.BRANCH)).isEqualTo(newest);
        }
    }

    @Test
    void aBranchCarryingCommitsNixshipDidNotWriteIsNeverForcePushed() throws Exception {
        try (ReleaseRepository repo = new ReleaseRepository(tmp)) {
            RevCommit base = repo.commitAndPush("feature 1", "app v1\n");
            try (Git human =
                    Git.cloneRepository()
                            .setURI(repo.remoteUrl())
                            .setDirectory(tmp.resolve("human").toFile())
                            .call()) {
                human.checkout().setCreateBranch(true).setName(ReleaseRepository.BRANCH).call();
                Files.writeString(
                        tmp.resolve("human/k8s/deployment.yaml"),
                        "image: ghcr.io/acme/shop-api:hand-picked\n");
                human.commit()
                        .setAll(true)
                        .setMessage("pin by hand")
                        .setSign(false)
                        .setAuthor("Ops", "ops@example.com")
                        .setCommitter("Ops", "ops@example.com")
                        .call();
                human.push()
                        .setRefSpecs(
                                new RefSpec(
                                        ReleaseRepository.BRANCH + ":" + ReleaseRepository.BRANCH))
                        .call();
            }
            ObjectId humans = repo.remoteBranch(ReleaseRepository.BRANCH);

            NixshipException failure =
                    catchThrowableOfType(
                            NixshipException.class,
                            () ->
                                    ManifestBranchPublisher.withoutCredentials(
                                                    repo.repository(), repo.remoteUrl())
                                            .publish(
                                                    new PublishRequest(
                                                            ReleaseRepository.BRANCH,
                                                            base.name(),
                                                            ReleaseRepository.manifestFor("2.0"),
                                                            IMAGE + ":1.0",
                                                            IMAGE + ":2.0",
                                                            base.name())));

            assertThat(failure.getMessage())
                    .contains("that nixship did not write")
                    .contains("will not overwrite it")
                    .doesNotContain("\n");
            assertThat(repo.remoteBranch(ReleaseRepository.BRANCH)).isEqualTo(humans);
        }
    }

    @Test
    void aSecondCreateRefusedByGitHubUpdatesTheOnePullRequestInstead() throws Exception {
        stubGitHub();
        // Another run created the pull request after this run looked and found none.
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs(STARTED)
                        .willReturn(json(200, "[]", null))
                        .willSetStateTo("created elsewhere"));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs("created elsewhere")
                        .willReturn(
                                json(
                                        422,
                                        "{\"message\":\"Validation Failed\",\"errors\":[{\"message\":\"A pull request already exists for acme:nixship/acme/shop-api.\"}]}",
                                        null))
                        .willSetStateTo("open"));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs("open")
                        .willReturn(json(200, null, "pr-7-list.json")));

        var result =
                pullRequests()
                        .synchronize(
                                new PullRequestSpec(
                                        ReleaseRepository.BRANCH,
                                        null,
                                        title(IMAGE + ":2.1"),
                                        "body",
                                        List.of("nixship"),
                                        true));

        assertThat(result.number()).isEqualTo(7);
        assertThat(pullRequestsCreated()).isZero();
        assertThat(lastWrittenTitle()).isEqualTo(title(IMAGE + ":2.1"));
    }
}
