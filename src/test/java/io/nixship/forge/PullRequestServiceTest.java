package io.nixship.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.forge.GitHubStub.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.NixshipException;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.PullRequestSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PullRequestServiceTest {
    private static final String HEAD = "nixship/acme/shop-api";
    private static final String PULLS = "/repos/acme/shop/pulls";

    @RegisterExtension static WireMockExtension github = GitHubStub.extension();

    private final GitHubStub.RecordingSleeper sleeper = new GitHubStub.RecordingSleeper();

    private PullRequestService service() {
        return new PullRequestService(GitHubStub.connect(github, sleeper), "acme/shop");
    }

    private static PullRequestSpec spec(String title, String body, boolean differs) {
        return new PullRequestSpec(HEAD, null, title, body, List.of("nixship"), differs);
    }

    private static void stubOpenPullRequests(String file) {
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .withQueryParam("head", equalTo("acme:" + HEAD))
                        .withQueryParam("state", equalTo("open"))
                        .willReturn(json(file)));
    }

    @Test
    void createsThePullRequestAgainstTheDefaultBranchWhenNoneIsOpen() {
        GitHubStub.stubRepository(github);
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody("[]")));
        github.stubFor(post(urlPathEqualTo(PULLS)).willReturn(json(201, "pr-7.json")));
        github.stubFor(
                post(urlPathEqualTo("/repos/acme/shop/issues/7/labels"))
                        .willReturn(json("labels.json")));

        PullRequestResult result = service().synchronize(spec("the title", "the body", true));

        assertThat(result)
                .isEqualTo(
                        new PullRequestResult(
                                PullRequestResult.Operation.CREATED,
                                7,
                                "https://github.example/acme/shop/pull/7"));
        assertThat(result.operation().label()).isEqualTo("created");
        github.verify(
                getRequestedFor(urlPathEqualTo(PULLS))
                        .withQueryParam("head", equalTo("acme:" + HEAD)));
        github.verify(
                postRequestedFor(urlPathEqualTo(PULLS))
                        .withRequestBody(
                                equalToJson(
                                        "{\"title\":\"the title\",\"head\":\""
                                                + HEAD
                                                + "\",\"base\":\"main\","
                                                + "\"body\":\"the body\"}",
                                        true,
                                        true)));
        github.verify(
                postRequestedFor(urlPathEqualTo("/repos/acme/shop/issues/7/labels"))
                        .withRequestBody(matchingJsonPath("$.labels[0]", equalTo("nixship"))));
    }

    @Test
    void automergeIsEnabledOnceWhenThePullRequestIsOpenedAndNotOnUpdates() {
        List<String> warnings = new ArrayList<>();
        stubCreationThenOpen();
        github.stubFor(
                post(urlPathEqualTo("/graphql"))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"data\":{\"enablePullRequestAutoMerge\":"
                                                        + "{\"pullRequest\":{\"number\":7}}}}")));
        PullRequestService service = autoMergingService(warnings);

        service.synchronize(spec("first", "body", true));
        service.synchronize(spec("second", "body", true));

        github.verify(
                1,
                postRequestedFor(urlPathEqualTo("/graphql"))
                        .withHeader("Authorization", equalTo("Bearer " + GitHubStub.TOKEN))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.query", containing("enablePullRequestAutoMerge")))
                        .withRequestBody(
                                matchingJsonPath("$.variables.id", equalTo("PR_kwDOshop7"))));
        assertThat(warnings).isEmpty();
    }

    @Test
    void aRepositoryThatDoesNotAllowAutomergeGetsAWarningAndThePullRequestStands() {
        List<String> warnings = new ArrayList<>();
        stubCreationThenOpen();
        github.stubFor(
                post(urlPathEqualTo("/graphql"))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"data\":{\"enablePullRequestAutoMerge\":null},"
                                                        + "\"errors\":[{\"type\":\"UNPROCESSABLE\","
                                                        + "\"message\":\"Pull request Auto merge is"
                                                        + " not allowed for this repository\"}]}")));

        PullRequestResult result = autoMergingService(warnings).synchronize(spec("t", "b", true));

        assertThat(result.operation()).isEqualTo(PullRequestResult.Operation.CREATED);
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains(
                        "auto-merge is not enabled on pull request #7",
                        "Auto merge is not allowed for this repository",
                        "Allow auto-merge");
    }

    private PullRequestService autoMergingService(List<String> warnings) {
        return new PullRequestService(
                GitHubStub.connect(github, sleeper),
                "acme/shop",
                Optional.of(
                        new PullRequestAutoMerge(
                                github.baseUrl(), () -> GitHubStub.TOKEN, warnings::add)));
    }

    /** No pull request until one is created, then #7 is open and can be edited. */
    private static void stubCreationThenOpen() {
        GitHubStub.stubRepository(github);
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody("[]")));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(201, "pr-7.json"))
                        .willSetStateTo("open"));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs("open")
                        .willReturn(json("pr-7-list.json")));
        github.stubFor(patch(urlPathEqualTo(PULLS + "/7")).willReturn(json("pr-7.json")));
        github.stubFor(
                post(urlPathEqualTo("/repos/acme/shop/issues/7/labels"))
                        .willReturn(json("labels.json")));
    }

    @Test
    void updatesTheOpenPullRequestInsteadOfOpeningASecondOne() {
        GitHubStub.stubRepository(github);
        stubOpenPullRequests("pr-7-list.json");
        github.stubFor(patch(urlPathEqualTo(PULLS + "/7")).willReturn(json("pr-7.json")));

        PullRequestResult result = service().synchronize(spec("new title", "new body", true));

        assertThat(result.operation()).isEqualTo(PullRequestResult.Operation.UPDATED);
        assertThat(result.number()).isEqualTo(7);
        github.verify(
                patchRequestedFor(urlPathEqualTo(PULLS + "/7"))
                        .withRequestBody(matchingJsonPath("$.title", equalTo("new title"))));
        github.verify(
                patchRequestedFor(urlPathEqualTo(PULLS + "/7"))
                        .withRequestBody(matchingJsonPath("$.body", equalTo("new body"))));
        github.verify(0, postRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void closesTheOpenPullRequestWhenTheBranchNoLongerDiffers() {
        GitHubStub.stubRepository(github);
        stubOpenPullRequests("pr-7-list.json");
        github.stubFor(patch(urlPathEqualTo(PULLS + "/7")).willReturn(json("pr-7-closed.json")));

        PullRequestResult result = service().synchronize(spec("t", "b", false));

        assertThat(result.operation()).isEqualTo(PullRequestResult.Operation.CLOSED);
        github.verify(
                patchRequestedFor(urlPathEqualTo(PULLS + "/7"))
                        .withRequestBody(matchingJsonPath("$.state", equalTo("closed"))));
    }

    @Test
    void opensNothingWhenNothingChangedAndNoPullRequestIsOpen() {
        GitHubStub.stubRepository(github);
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody("[]")));

        PullRequestResult result = service().synchronize(spec("t", "b", false));

        assertThat(result).isEqualTo(PullRequestResult.none());
        assertThat(result.operation().label()).isEqualTo("none");
        github.verify(0, postRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void badCredentialsAreOneLineNamingTheToken() {
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .willReturn(json(401, "error-bad-credentials.json")));

        assertThatThrownBy(() -> service().synchronize(spec("t", "b", true)))
                .isInstanceOf(NixshipException.class)
                .satisfies(e -> assertThat(((NixshipException) e).exitCode()).isEqualTo(1))
                .hasMessage(
                        "GitHub API: the token was rejected (401 Bad credentials) while reading"
                                + " repository acme/shop; check the github-token input / GITHUB_TOKEN");
    }

    @Test
    void aMissingPermissionIsReportedByName() {
        GitHubStub.stubRepository(github);
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody("[]")));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .willReturn(
                                json(403, "error-not-accessible.json")
                                        .withHeader(
                                                "X-Accepted-GitHub-Permissions",
                                                "pull_requests=write")));

        assertThatThrownBy(() -> service().synchronize(spec("t", "b", true)))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("the token lacks the permission pull_requests=write")
                .hasMessageContaining("creating the pull request from " + HEAD)
                .hasMessageContaining("Resource not accessible by integration")
                .message()
                .doesNotContain("\n")
                .doesNotContain(GitHubStub.TOKEN);
    }

    @Test
    void waitsOutASecondaryRateLimitForTheRetryAfterSeconds() {
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .inScenario("limit")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(
                                json(403, "error-secondary-limit.json")
                                        .withHeader("Retry-After", "7"))
                        .willSetStateTo("waited"));
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .inScenario("limit")
                        .whenScenarioStateIs("waited")
                        .willReturn(json("repo.json")));
        stubOpenPullRequests("pr-7-list.json");
        github.stubFor(patch(urlPathEqualTo(PULLS + "/7")).willReturn(json("pr-7.json")));

        PullRequestResult result = service().synchronize(spec("new title", "first body", true));

        assertThat(result.operation()).isEqualTo(PullRequestResult.Operation.UPDATED);
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aSecondaryLimitWithoutRetryAfterWaitsAMinuteThenLongerThenGivesUp() {
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .willReturn(json(429, "error-secondary-limit.json")));

        assertThatThrownBy(() -> service().synchronize(spec("t", "b", true)))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("secondary rate limit still hit after 2 waits")
                .hasMessageContaining("/repos/acme/shop");
        assertThat(sleeper.waits).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2));
    }

    @Test
    void anExhaustedPrimaryLimitFarFromItsResetFailsWithTheResetTime() {
        long reset = GitHubStub.NOW.plus(Duration.ofHours(1)).getEpochSecond();
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .willReturn(
                                json(403, "error-primary-limit.json")
                                        .withHeader("X-RateLimit-Remaining", "0")
                                        .withHeader("X-RateLimit-Limit", "5000")
                                        .withHeader("X-RateLimit-Reset", Long.toString(reset))));

        assertThatThrownBy(() -> service().synchronize(spec("t", "b", true)))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("rate limit exhausted")
                .hasMessageContaining("resets at 2024-06-01T13:00:00Z");
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void anExhaustedPrimaryLimitThatResetsSoonIsWaitedOut() {
        long reset = GitHubStub.NOW.plus(Duration.ofSeconds(30)).getEpochSecond();
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .inScenario("primary")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(
                                json(403, "error-primary-limit.json")
                                        .withHeader("X-RateLimit-Remaining", "0")
                                        .withHeader("X-RateLimit-Reset", Long.toString(reset)))
                        .willSetStateTo("reset"));
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .inScenario("primary")
                        .whenScenarioStateIs("reset")
                        .willReturn(json("repo.json")));
        stubOpenPullRequests("pr-7-list.json");
        github.stubFor(patch(urlPathEqualTo(PULLS + "/7")).willReturn(json("pr-7.json")));

        service().synchronize(spec("new title", "first body", true));

        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(31));
    }

    @Test
    void serverErrorsAreOneLineSayingGitHubIsUnavailable() {
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .willReturn(
                                aResponse()
                                        .withStatus(503)
                                        .withBody("<html>\n<h1>Unicorn</h1>\n</html>")));

        assertThatThrownBy(() -> service().synchronize(spec("t", "b", true)))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "GitHub API: GitHub at "
                                + github.baseUrl()
                                + " is unavailable (HTTP 503)"
                                + " while reading repository acme/shop; re-run later");
    }

    @Test
    void anUnreachableApiIsOneLineNamingTheUrl() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String apiUrl = "http://127.0.0.1:" + closedPort;
        PullRequestService unreachable =
                new PullRequestService(
                        GitHubApi.connect(
                                apiUrl,
                                GitHubStub.TOKEN,
                                new GitHubRateLimits(
                                        sleeper,
                                        java.time.Clock.systemUTC(),
                                        Duration.ofMinutes(1),
                                        2)),
                        "acme/shop");

        assertThatThrownBy(() -> unreachable.synchronize(spec("t", "b", true)))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith(
                        "GitHub API: cannot reach "
                                + apiUrl
                                + " while reading repository acme/shop (")
                .message()
                .doesNotContain("\n")
                .doesNotContain("null")
                .endsWith("; check the network and GITHUB_API_URL");
    }
}
