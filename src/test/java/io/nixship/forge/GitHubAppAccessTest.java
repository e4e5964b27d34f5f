package io.nixship.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.forge.GitHubStub.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.nixship.NixshipException;
import io.nixship.cli.HostEnvironment;
import io.nixship.testsupport.GitHubAppKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitHubAppAccessTest {
    private static final String INSTALLATION_TOKEN = "ghs_INSTALLATIONTOKEN0123456789";
    private static final String ACCESS_TOKENS = "/app/installations/42/access_tokens";

    @RegisterExtension static WireMockExtension github = GitHubStub.extension();

    private static final GitHubAppKeys KEYS = GitHubAppKeys.generate();

    private final List<String> masked = new ArrayList<>();

    @Test
    void mintsAnInstallationTokenForTheRepositoryAndUsesItForEveryLaterCall() throws Exception {
        stubInstallation(GitHubStub.NOW.plus(Duration.ofHours(1)));
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop"))
                        .withHeader("Authorization", equalTo("token " + INSTALLATION_TOKEN))
                        .willReturn(json("repo.json")));

        GitHubAccess access =
                access(app(KEYS.pkcs1Pem()), Clock.fixed(GitHubStub.NOW, ZoneOffset.UTC));
        String defaultBranch = GitHubApi.defaultBranch(access.api(), "acme/shop");

        assertThat(defaultBranch).isEqualTo("main");
        assertThat(access.token()).isEqualTo(INSTALLATION_TOKEN);
        github.verify(getRequestedFor(urlPathEqualTo("/repos/acme/shop/installation")));
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo(ACCESS_TOKENS))
                        .withRequestBody(equalToJson("{\"repositories\":[\"shop\"]}", true, true)));
        String jwt = bearer(only(ACCESS_TOKENS));
        assertThat(KEYS.verifies(jwt)).isTrue();
        JsonNode claims = GitHubAppKeys.claims(jwt);
        assertThat(claims.path("iss").asText()).isEqualTo("1234");
        assertThat(claims.path("iat").asLong())
                .isLessThanOrEqualTo(GitHubStub.NOW.getEpochSecond());
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong())
                .isLessThanOrEqualTo(600);
        for (ServeEvent event : github.getAllServeEvents()) {
            String path = event.getRequest().getUrl();
            String authorization = event.getRequest().getHeader("Authorization");
            if (path.startsWith("/app") || path.endsWith("/installation")) {
                assertThat(authorization).as(path).isEqualTo("Bearer " + jwt);
            } else {
                assertThat(authorization).as(path).isEqualTo("token " + INSTALLATION_TOKEN);
            }
        }
        assertThat(masked).contains(jwt, INSTALLATION_TOKEN);
    }

    @Test
    void readsAPkcs8KeyAsWellAsGitHubsPkcs1One() throws Exception {
        GitHubAppKey pkcs8 = GitHubAppKey.parse(KEYS.pkcs8Pem(), "key");
        GitHubAppKey pkcs1 = GitHubAppKey.parse(KEYS.pkcs1Pem(), "key");

        assertThat(KEYS.verifies(pkcs8.jwt("1", GitHubStub.NOW))).isTrue();
        assertThat(KEYS.verifies(pkcs1.jwt("1", GitHubStub.NOW))).isTrue();
        // A secret stored with literal \n instead of line breaks, as some CI set-ups keep it.
        assertThat(
                        KEYS.verifies(
                                GitHubAppKey.parse(KEYS.pkcs1Pem().replace("\n", "\\n"), "key")
                                        .jwt("1", GitHubStub.NOW)))
                .isTrue();
        assertThat(pkcs1.toString())
                .doesNotContain(
                        Base64.getEncoder().encodeToString(KEYS.pkcs1Der()).substring(0, 40));
    }

    @Test
    void mintsAgainWhenTheTokenIsAboutToExpire() {
        stubInstallation(GitHubStub.NOW.plus(Duration.ofMinutes(15)));
        MutableClock clock = new MutableClock(GitHubStub.NOW);
        GitHubAccess access = access(app(KEYS.pkcs1Pem()), clock);
        access.token();
        github.verify(1, postRequestedFor(urlPathEqualTo(ACCESS_TOKENS)));

        clock.now = GitHubStub.NOW.plus(Duration.ofMinutes(6));
        access.token();

        github.verify(2, postRequestedFor(urlPathEqualTo(ACCESS_TOKENS)));
    }

    @Test
    void anAppNotInstalledOnTheRepositoryIsAUsageErrorNamingIt() {
        github.stubFor(get(urlPathEqualTo("/app")).willReturn(json("app.json")));
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop/installation"))
                        .willReturn(json(404, "error-not-installed.json")));

        assertThatThrownBy(
                        () ->
                                access(
                                        app(KEYS.pkcs1Pem()),
                                        Clock.fixed(GitHubStub.NOW, ZoneOffset.UTC)))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("GitHub App 1234 is not installed on acme/shop")
                .satisfies(e -> assertThat(((NixshipException) e).exitCode()).isEqualTo(2));
    }

    @Test
    void aRefusedJwtSaysTheIdAndKeyMustBelongToTheSameApp() {
        github.stubFor(
                get(urlPathEqualTo("/app")).willReturn(json(401, "error-bad-credentials.json")));

        assertThatThrownBy(
                        () ->
                                access(
                                        app(KEYS.pkcs1Pem()),
                                        Clock.fixed(GitHubStub.NOW, ZoneOffset.UTC)))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("id and the private key belong to the same App");
    }

    @Test
    void theAppIsReadFromTheEnvironmentWithTheKeyInlineOrInAFile(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("app.pem");
        java.nio.file.Files.writeString(file, KEYS.pkcs1Pem());

        assertThat(GitHubAppCredentials.from(Map.of())).isEmpty();
        assertThat(
                        GitHubAppCredentials.from(
                                Map.of(
                                        GitHubAppCredentials.APP_ID,
                                        "1234",
                                        GitHubAppCredentials.PRIVATE_KEY,
                                        KEYS.pkcs1Pem())))
                .map(GitHubAppCredentials::appId)
                .contains("1234");
        assertThat(
                        GitHubAppCredentials.from(
                                Map.of(
                                        GitHubAppCredentials.APP_ID,
                                        "1234",
                                        GitHubAppCredentials.PRIVATE_KEY_FILE,
                                        file.toString())))
                .isPresent();
        assertThatThrownBy(
                        () ->
                                GitHubAppCredentials.from(
                                        Map.of(GitHubAppCredentials.APP_ID, "1234")))
                .hasMessageContaining(GitHubAppCredentials.PRIVATE_KEY);
        assertThatThrownBy(
                        () ->
                                GitHubAppCredentials.from(
                                        Map.of(GitHubAppCredentials.PRIVATE_KEY, KEYS.pkcs1Pem())))
                .hasMessageContaining(GitHubAppCredentials.APP_ID + " is not");
        assertThatThrownBy(
                        () ->
                                GitHubAppCredentials.from(
                                        Map.of(
                                                GitHubAppCredentials.APP_ID, "1234",
                                                GitHubAppCredentials.PRIVATE_KEY, "not a key")))
                .hasMessageContaining("is not a PEM private key")
                .hasMessageNotContaining("not a key");
    }

    private GitHubAccess access(GitHubAppCredentials app, Clock clock) {
        GitHubRateLimits limits =
                new GitHubRateLimits(
                        new GitHubStub.RecordingSleeper(), clock, Duration.ofMinutes(15), 2);
        return GitHubAccess.to(
                HostEnvironment.from(Map.of("GITHUB_API_URL", github.baseUrl())).github(),
                Optional.of(app),
                "acme/shop",
                limits,
                clock,
                masked::add);
    }

    private static GitHubAppCredentials app(String pem) {
        return new GitHubAppCredentials("1234", GitHubAppKey.parse(pem, "test key"));
    }

    private static void stubInstallation(Instant expiresAt) {
        github.stubFor(
                get(urlPathEqualTo("/app"))
                        .withHeader(
                                "Authorization",
                                com.github.tomakehurst.wiremock.client.WireMock.matching(
                                        "Bearer .+"))
                        .willReturn(json("app.json")));
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/shop/installation"))
                        .willReturn(json("installation-42.json")));
        github.stubFor(
                post(urlPathEqualTo(ACCESS_TOKENS))
                        .willReturn(
                                aResponse()
                                        .withStatus(201)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"token\":\""
                                                        + INSTALLATION_TOKEN
                                                        + "\",\"expires_at\":\""
                                                        + expiresAt
                                                        + "\",\"repository_selection\":\"selected\"}")));
    }

    private static ServeEvent only(String path) {
        return github.getAllServeEvents().stream()
                .filter(event -> event.getRequest().getUrl().equals(path))
                .findFirst()
                .orElseThrow();
    }

    private static String bearer(ServeEvent event) {
        return event.getRequest().getHeader("Authorization").substring("Bearer ".length());
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
