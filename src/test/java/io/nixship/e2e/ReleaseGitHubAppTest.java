package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.ReleaseHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.GitHubAppKeys;
import io.nixship.testsupport.SharedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship release} as a GitHub App with {@code --automerge}, twice: the token exchange
 * happens before anything else, every later call carries the installation token (never the
 * workflow's), and auto-merge is asked for once, when the pull request is opened.
 */
@Tag("nix")
class ReleaseGitHubAppTest {
    private static final String INSTALLATION_TOKEN = "ghs_APPINSTALLATIONTOKEN9876543210";
    private static final String ACCESS_TOKENS = "/app/installations/77/access_tokens";

    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();

    @TempDir static Path home;
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private ReleaseHarness harness;
    private final GitHubAppKeys keys = GitHubAppKeys.generate();

    @BeforeEach
    void setUp() throws Exception {
        harness = ReleaseHarness.create(dir, home, registry.server());
        ReleaseHarness.stubPullRequestLifecycle(github);
        github.stubFor(
                get(urlPathEqualTo("/app"))
                        .willReturn(jsonBody("{\"id\":1234,\"slug\":\"nixship-bot\"}")));
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/imgproxy-lite/installation"))
                        .willReturn(jsonBody("{\"id\":77,\"app_id\":1234}")));
        github.stubFor(
                post(urlPathEqualTo(ACCESS_TOKENS))
                        .willReturn(
                                jsonBody(
                                                "{\"token\":\""
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
                                jsonBody(
                                        "{\"data\":{\"enablePullRequestAutoMerge\":"
                                                + "{\"pullRequest\":{\"number\":12}}}}")));
    }

    @Test
    void twoReleasesAsAnAppUseTheInstallationTokenAndEnableAutoMergeOnce() throws Exception {
        CliRun.Result first = release();
        harness.project.write(
                "app.py", Files.readString(harness.project.dir().resolve("app.py")) + "\n# v2\n");
        harness.commitAndPush("app: v2");
        CliRun.Result second = release();

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(ReleaseHarness.json(first).path("operation").asText()).isEqualTo("created");
        assertThat(ReleaseHarness.json(second).path("operation").asText()).isEqualTo("updated");
        github.verify(2, postRequestedFor(urlPathEqualTo(ACCESS_TOKENS)));
        List<ServeEvent> exchanges =
                github.getAllServeEvents().stream()
                        .filter(e -> e.getRequest().getUrl().equals(ACCESS_TOKENS))
                        .toList();
        for (ServeEvent exchange : exchanges) {
            String jwt =
                    exchange.getRequest().getHeader("Authorization").substring("Bearer ".length());
            assertThat(keys.verifies(jwt)).isTrue();
            assertThat(GitHubAppKeys.claims(jwt).path("iss").asText()).isEqualTo("1234");
        }
        for (ServeEvent event : github.getAllServeEvents()) {
            String url = event.getRequest().getUrl();
            String authorization = event.getRequest().getHeader("Authorization");
            if (url.startsWith("/app") || url.endsWith("/installation")) {
                assertThat(authorization).as(url).startsWith("Bearer ey");
            } else if (url.equals("/graphql")) {
                assertThat(authorization).as(url).isEqualTo("Bearer " + INSTALLATION_TOKEN);
            } else {
                assertThat(authorization).as(url).isEqualTo("token " + INSTALLATION_TOKEN);
            }
        }
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo("/graphql"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.query", containing("enablePullRequestAutoMerge")))
                        .withRequestBody(
                                matchingJsonPath("$.variables.id", equalTo("PR_kwDOimgproxy12")))
                        .withRequestBody(
                                matchingJsonPath("$.variables.method", equalTo("SQUASH"))));
        assertThat(first.all() + second.all())
                .doesNotContain(INSTALLATION_TOKEN)
                .doesNotContain(keys.pkcs1Pem().lines().skip(1).findFirst().orElseThrow());
    }

    private CliRun.Result release() {
        return harness.cli(github.baseUrl())
                .env("NIXSHIP_GITHUB_APP_ID", "1234")
                .env("NIXSHIP_GITHUB_APP_PRIVATE_KEY", keys.pkcs1Pem())
                .run("release", "--remote", harness.remoteUrl(), "--json", "--automerge");
    }

    private static ResponseDefinitionBuilder jsonBody(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }
}
