package io.nixship.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.NixshipException;
import io.nixship.forge.GitHubApi;
import io.nixship.forge.GitHubRateLimits;
import io.nixship.forge.ManifestBranchPublisher;
import io.nixship.forge.PullRequestService;
import io.nixship.forge.StickyCommentService;
import io.nixship.pipeline.port.CommentResult;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.PullRequestSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 4: GitHub's primary and secondary rate limits are waited out as GitHub documents (with a
 * virtual clock and sleeper, so the waits are asserted, not slept); a 403 for a missing permission
 * names it; a protected branch's refusal is one clean line.
 */
class GitHubFaultsTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    private static final String REPO = "/repos/acme/shop";
    private static final String PULLS = REPO + "/pulls";

    @RegisterExtension
    static WireMockExtension github =
            WireMockExtension.newInstance()
                    .options(
                            wireMockConfig()
                                    .dynamicPort()
                                    .usingFilesUnderClasspath("reliability/github"))
                    .build();

    @TempDir Path tmp;

    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    private PullRequestService pullRequests() {
        return new PullRequestService(
                GitHubApi.connect(
                        github.baseUrl(),
                        "ghs_token",
                        new GitHubRateLimits(
                                waits::add,
                                Clock.fixed(NOW, ZoneOffset.UTC),
                                Duration.ofMinutes(15),
                                2)),
                "acme/shop");
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    private static ResponseDefinitionBuilder file(int status, String name) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBodyFile(name);
    }

    private static ResponseDefinitionBuilder secondaryLimit() {
        return json(
                403,
                "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\","
                        + "\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}");
    }

    private static ResponseDefinitionBuilder primaryLimit(Instant reset) {
        return json(403, "{\"message\":\"API rate limit exceeded for installation ID 1234.\"}")
                .withHeader("X-RateLimit-Limit", "5000")
                .withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Used", "5000")
                .withHeader("X-RateLimit-Reset", Long.toString(reset.getEpochSecond()));
    }

    /**
     * The repository answers after {@code limited} limited answers; the pull request flow then
     * succeeds.
     */
    private static void repositoryAfter(ResponseDefinitionBuilder limited, int times) {
        String state = STARTED;
        for (int i = 1; i <= times; i++) {
            github.stubFor(
                    get(urlPathEqualTo(REPO))
                            .inScenario("limit")
                            .whenScenarioStateIs(state)
                            .willReturn(limited)
                            .willSetStateTo("hit " + i));
            state = "hit " + i;
        }
        github.stubFor(
                get(urlPathEqualTo(REPO))
                        .inScenario("limit")
                        .whenScenarioStateIs(state)
                        .willReturn(file(200, "repo.json")));
        github.stubFor(get(urlPathEqualTo(PULLS)).willReturn(json(200, "[]")));
        github.stubFor(post(urlPathEqualTo(PULLS)).willReturn(file(201, "pr-7.json")));
        github.stubFor(
                post(urlPathEqualTo(REPO + "/issues/7/labels"))
                        .willReturn(file(200, "labels.json")));
    }

    private static PullRequestSpec spec() {
        return new PullRequestSpec(
                ReleaseRepository.BRANCH,
                null,
                "nixship: update",
                "body",
                List.of("nixship"),
                true);
    }

    @Test
    void primaryRateLimitIsWaitedOutUntilTheResetTimeThenTheRequestSucceeds() {
        repositoryAfter(primaryLimit(NOW.plusSeconds(120)), 1);

        PullRequestResult result = pullRequests().synchronize(spec());

        assertThat(result.operation()).isEqualTo(PullRequestResult.Operation.CREATED);
        assertThat(waits).containsExactly(Duration.ofSeconds(121));
    }

    @Test
    void primaryRateLimitResettingTooFarAwayFailsSayingWhenItResets() {
        repositoryAfter(primaryLimit(NOW.plusSeconds(3600)), 1);

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class, () -> pullRequests().synchronize(spec()));

        assertThat(failure.getMessage())
                .contains("rate limit")
                .contains("2024-06-01T13:00:00Z")
                .doesNotContain("\n");
        assertThat(waits).isEmpty();
    }

    @Test
    void secondaryRateLimitHonoursRetryAfter() {
        repositoryAfter(secondaryLimit().withHeader("Retry-After", "30"), 1);

        PullRequestResult result = pullRequests().synchronize(spec());

        assertThat(result.operation()).isEqualTo(PullRequestResult.Operation.CREATED);
        assertThat(waits).containsExactly(Duration.ofSeconds(30));
    }

    @Test
    void secondaryRateLimitWithoutRetryAfterWaitsAtLeastAMinuteThenDoubles() {
        repositoryAfter(secondaryLimit().withStatus(429), 2);

        PullRequestResult result = pullRequests().synchronize(spec());

        assertThat(result.operation()).isEqualTo(PullRequestResult.Operation.CREATED);
        assertThat(waits).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2));
    }

    @Test
    void secondaryRateLimitWaitsAreCappedAndAPersistentLimitFailsInOneLine() {
        repositoryAfter(secondaryLimit().withHeader("Retry-After", "86400"), 5);

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class, () -> pullRequests().synchronize(spec()));

        assertThat(waits).containsExactly(Duration.ofMinutes(15), Duration.ofMinutes(15));
        assertThat(failure.getMessage()).contains("secondary rate limit").doesNotContain("\n");
        github.verify(3, getRequestedFor(urlPathEqualTo(REPO)));
    }

    @Test
    void secondaryRateLimitSignalledOnlyByItsMessageIsNotMistakenForAMissingPermission() {
        repositoryAfter(secondaryLimit(), 1);

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class, () -> pullRequests().synchronize(spec()));

        assertThat(failure.getMessage())
                .contains("secondary rate limit")
                .contains("wait at least a minute")
                .doesNotContain("lacks")
                .doesNotContain("\n");
    }

    @Test
    void missingPermissionIsReportedAsThatPermission() {
        github.stubFor(get(urlPathEqualTo(REPO)).willReturn(file(200, "repo.json")));
        github.stubFor(get(urlPathEqualTo(PULLS)).willReturn(json(200, "[]")));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .willReturn(
                                json(
                                                403,
                                                "{\"message\":\"Resource not accessible by integration\"}")
                                        .withHeader(
                                                "X-Accepted-GitHub-Permissions",
                                                "pull_requests=write")));

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class, () -> pullRequests().synchronize(spec()));

        assertThat(failure.exitCode()).isEqualTo(1);
        assertThat(failure.getMessage())
                .contains("lacks the permission pull_requests=write")
                .contains("creating the pull request")
                .doesNotContain("\n")
                .doesNotContain("ghs_token");
    }

    @Test
    void readOnlyForkTokenMakesTheCommentANoPermissionResultForTheSummary() {
        github.stubFor(get(urlPathEqualTo(REPO)).willReturn(file(200, "repo.json")));
        github.stubFor(
                get(urlPathEqualTo(REPO + "/issues/7")).willReturn(file(200, "issue-7.json")));
        github.stubFor(
                get(urlPathEqualTo(REPO + "/issues/7/comments")).willReturn(json(200, "[]")));
        github.stubFor(
                post(urlPathEqualTo(REPO + "/issues/7/comments"))
                        .willReturn(
                                json(
                                                403,
                                                "{\"message\":\"Resource not accessible by integration\"}")
                                        .withHeader(
                                                "X-Accepted-GitHub-Permissions",
                                                "issues=write; pull_requests=write")));
        StickyCommentService comments =
                new StickyCommentService(
                        GitHubApi.connect(
                                github.baseUrl(),
                                "ghs_token",
                                new GitHubRateLimits(
                                        waits::add,
                                        Clock.fixed(NOW, ZoneOffset.UTC),
                                        Duration.ofMinutes(15),
                                        2)),
                        "acme/shop",
                        "github-actions[bot]");

        CommentResult result = comments.upsert(7, "app", "## freeze diff");

        assertThat(result.operation()).isEqualTo(CommentResult.Operation.NO_PERMISSION);
        assertThat(result.reason())
                .contains("issues=write or pull_requests=write")
                .doesNotContain("\n");
    }

    @Test
    void gitHubServerErrorIsReportedAsUnavailableInOneLine() {
        github.stubFor(
                get(urlPathEqualTo(REPO))
                        .willReturn(json(502, "<html>\n<h1>502 Bad Gateway</h1>\n</html>")));

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class, () -> pullRequests().synchronize(spec()));

        assertThat(failure.getMessage()).contains("unavailable (HTTP 502)").doesNotContain("\n");
    }

    @Test
    @Timeout(120)
    void protectedBranchRefusalByAPreReceiveHookIsReportedCleanly() throws Exception {
        try (ReleaseRepository repo = new ReleaseRepository(tmp);
                GitDaemon daemon = GitDaemon.serve(tmp)) {
            Path hook = repo.remoteDir.resolve("hooks/pre-receive");
            Files.createDirectories(hook.getParent());
            Files.writeString(
                    hook,
                    "#!/bin/sh\necho 'GH006: Protected branch update failed for refs/heads/nixship/acme/shop-api.' >&2\nexit 1\n");
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
            ObjectId base = repo.repository().resolve("HEAD");
            ManifestBranchPublisher publisher =
                    ManifestBranchPublisher.withoutCredentials(
                            repo.repository(), daemon.url("remote.git"));

            NixshipException failure =
                    catchThrowableOfType(
                            NixshipException.class,
                            () ->
                                    publisher.publish(
                                            new PublishRequest(
                                                    ReleaseRepository.BRANCH,
                                                    base.name(),
                                                    ReleaseRepository.manifestFor("2.0"),
                                                    "ghcr.io/acme/shop-api:1.0",
                                                    "ghcr.io/acme/shop-api:2.0",
                                                    base.name())));

            assertThat(failure).isNotNull();
            assertThat(failure.getMessage())
                    .contains("refused the push to " + ReleaseRepository.BRANCH)
                    .contains("protected")
                    .doesNotContain("\n");
            assertThat(repo.remoteBranch(ReleaseRepository.BRANCH)).isNull();
        }
    }

    @Test
    void nonFastForwardRefusalOfTheRemoteIsReportedCleanlyAndChangesNothing() throws Exception {
        try (ReleaseRepository repo = new ReleaseRepository(tmp)) {
            RevCommit older = repo.commitAndPush("v1", "app v1\n");
            ManifestBranchPublisher publisher =
                    ManifestBranchPublisher.withoutCredentials(repo.repository(), repo.remoteUrl());
            publisher.publish(
                    new PublishRequest(
                            ReleaseRepository.BRANCH,
                            older.name(),
                            ReleaseRepository.manifestFor("1.1"),
                            "ghcr.io/acme/shop-api:1.0",
                            "ghcr.io/acme/shop-api:1.1",
                            older.name()));
            ObjectId before = repo.remoteBranch(ReleaseRepository.BRANCH);
            RevCommit newer = repo.commitAndPush("v2", "app v2\n");
            try (Git remote = Git.open(repo.remoteDir.toFile())) {
                StoredConfig config = remote.getRepository().getConfig();
                config.setBoolean("receive", null, "denyNonFastForwards", true);
                config.save();
            }

            NixshipException failure =
                    catchThrowableOfType(
                            NixshipException.class,
                            () ->
                                    publisher.publish(
                                            new PublishRequest(
                                                    ReleaseRepository.BRANCH,
                                                    newer.name(),
                                                    ReleaseRepository.manifestFor("1.2"),
                                                    "ghcr.io/acme/shop-api:1.0",
                                                    "ghcr.io/acme/shop-api:1.2",
                                                    newer.name())));

            assertThat(failure).isNotNull();
            assertThat(failure.getMessage())
                    .contains(ReleaseRepository.BRANCH)
                    .doesNotContain("\n");
            assertThat(repo.remoteBranch(ReleaseRepository.BRANCH)).isEqualTo(before);
        }
    }

    /**
     * {@code git daemon} serving a directory with receive-pack on, so server-side hooks really run.
     */
    private record GitDaemon(Process process, int port) implements AutoCloseable {
        static GitDaemon serve(Path base) throws IOException, InterruptedException {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            Process process =
                    new ProcessBuilder(
                                    "git",
                                    "daemon",
                                    "--reuseaddr",
                                    "--listen=127.0.0.1",
                                    "--port=" + port,
                                    "--base-path=" + base,
                                    "--export-all",
                                    "--enable=receive-pack",
                                    base.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(base.resolve("daemon.log").toFile())
                            .start();
            for (int i = 0; i < 200; i++) {
                try {
                    new Socket(InetAddress.getLoopbackAddress(), port).close();
                    return new GitDaemon(process, port);
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException(
                    "git daemon did not listen: " + Files.readString(base.resolve("daemon.log")));
        }

        String url(String repository) {
            return "git://127.0.0.1:" + port + "/" + repository;
        }

        @Override
        public void close() {
            process.destroy();
            process.onExit().join();
        }
    }
}
