package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.GitHubAppKeys;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * GitHub's side of a GitHub App on the stand-in: App {@value #APP_ID} with a freshly generated key,
 * installed (installation 77) on one repository only, minting {@value #INSTALLATION_TOKEN} for it,
 * and GraphQL answering enablePullRequestAutoMerge. A lookup of the installation on any other
 * repository is unmatched and fails the test.
 */
final class GitHubAppStandIn {
    static final String APP_ID = "1234";
    static final String INSTALLATION_TOKEN = "ghs_APPINSTALLATIONTOKEN9876543210";
    static final String ACCESS_TOKENS = "/app/installations/77/access_tokens";

    final GitHubAppKeys keys = GitHubAppKeys.generate();
    private final WireMockExtension github;
    private final String repository;

    private GitHubAppStandIn(WireMockExtension github, String repository) {
        this.github = github;
        this.repository = repository;
    }

    /** The App installed on {@code repository} ({@code owner/name}) of {@code github}. */
    static GitHubAppStandIn installedOn(WireMockExtension github, String repository) {
        github.stubFor(
                get(urlPathEqualTo("/app"))
                        .willReturn(json("{\"id\":" + APP_ID + ",\"slug\":\"nixship-bot\"}")));
        github.stubFor(
                get(urlPathEqualTo("/repos/" + repository + "/installation"))
                        .willReturn(json("{\"id\":77,\"app_id\":" + APP_ID + "}")));
        github.stubFor(
                post(urlPathEqualTo(ACCESS_TOKENS))
                        .willReturn(
                                json("{\"token\":\""
                                                + INSTALLATION_TOKEN
                                                + "\",\"expires_at\":\""
                                                + Instant.now()
                                                        .plus(1, ChronoUnit.HOURS)
                                                        .truncatedTo(ChronoUnit.SECONDS)
                                                + "\"}")
                                        .withStatus(201)));
        github.stubFor(
                post(urlPathEqualTo("/graphql"))
                        .willReturn(
                                json(
                                        "{\"data\":{\"enablePullRequestAutoMerge\":"
                                                + "{\"pullRequest\":{\"number\":12}}}}")));
        return new GitHubAppStandIn(github, repository);
    }

    /** {@code cli} given the App as a user gives it: id and PEM text in the environment. */
    CliRun as(CliRun cli) {
        return cli.env("NIXSHIP_GITHUB_APP_ID", APP_ID)
                .env("NIXSHIP_GITHUB_APP_PRIVATE_KEY", keys.pkcs1Pem());
    }

    /**
     * Each run exchanged a JWT signed with the App's key for an installation token limited to the
     * repository, {@code runs} exchanges in all; every call after an exchange carried that token
     * (GraphQL as a bearer), never the JWT nor {@code plainToken}.
     */
    void assertEveryCallAfterTheExchangeUsesTheInstallationToken(int runs, String plainToken) {
        github.verify(runs, postRequestedFor(urlPathEqualTo(ACCESS_TOKENS)));
        github.verify(
                runs,
                postRequestedFor(urlPathEqualTo(ACCESS_TOKENS))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.repositories",
                                        equalToJson(
                                                "[\""
                                                        + repository.substring(
                                                                repository.indexOf('/') + 1)
                                                        + "\"]"))));
        boolean exchanged = false;
        for (LoggedRequest request : chronological()) {
            String url = request.getUrl();
            String authorization = request.getHeader("Authorization");
            assertThat(authorization).as(url).doesNotContain(plainToken);
            if (url.equals("/app") || url.equals("/repos/" + repository + "/installation")) {
                assertThat(keys.verifies(jwt(authorization))).as(url).isTrue();
            } else if (url.equals(ACCESS_TOKENS)) {
                String jwt = jwt(authorization);
                assertThat(keys.verifies(jwt)).as(url).isTrue();
                assertThat(GitHubAppKeys.claims(jwt).path("iss").asText()).isEqualTo(APP_ID);
                exchanged = true;
            } else {
                assertThat(exchanged).as("%s before the token exchange", url).isTrue();
                assertThat(authorization)
                        .as(url)
                        .isEqualTo(
                                (url.equals("/graphql") ? "Bearer " : "token ")
                                        + INSTALLATION_TOKEN);
            }
        }
    }

    /** enablePullRequestAutoMerge was asked once in all, for {@code nodeId}. */
    void assertAutoMergeEnabledOnceFor(String nodeId) {
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo("/graphql"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.query", containing("enablePullRequestAutoMerge"))));
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo("/graphql"))
                        .withRequestBody(matchingJsonPath("$.variables.id", equalTo(nodeId))));
    }

    /**
     * {@code printed} holds none of the App's secrets: the key, a JWT the stand-in saw, the
     * installation token.
     */
    void assertNoSecretIn(String printed) {
        assertThat(printed).doesNotContain(INSTALLATION_TOKEN);
        keys.pkcs1Pem()
                .lines()
                .filter(line -> !line.startsWith("-----"))
                .forEach(line -> assertThat(printed).doesNotContain(line));
        keys.pkcs8Pem()
                .lines()
                .filter(line -> !line.startsWith("-----"))
                .forEach(line -> assertThat(printed).doesNotContain(line));
        chronological().stream()
                .map(request -> request.getHeader("Authorization"))
                .filter(
                        authorization ->
                                authorization != null && authorization.startsWith("Bearer ey"))
                .forEach(authorization -> assertThat(printed).doesNotContain(jwt(authorization)));
    }

    /** WireMock lists the newest request first. */
    private List<LoggedRequest> chronological() {
        return github.getAllServeEvents().reversed().stream().map(ServeEvent::getRequest).toList();
    }

    private static String jwt(String authorization) {
        assertThat(authorization).startsWith("Bearer ey");
        return authorization.substring("Bearer ".length());
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }
}
