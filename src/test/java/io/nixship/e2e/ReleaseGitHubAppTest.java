package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.ReleaseHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
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
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();

    @TempDir static Path home;
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private ReleaseHarness harness;
    private GitHubAppStandIn app;

    @BeforeEach
    void setUp() throws Exception {
        harness = ReleaseHarness.create(dir, home, registry.server());
        ReleaseHarness.stubPullRequestLifecycle(github);
        app = GitHubAppStandIn.installedOn(github, ReleaseHarness.REPOSITORY);
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
        app.assertEveryCallAfterTheExchangeUsesTheInstallationToken(2, ReleaseHarness.TOKEN);
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        app.assertAutoMergeEnabledOnceFor("PR_kwDOimgproxy12");
        // The merge method the repository allows (repo.json: squash only).
        github.verify(
                1,
                postRequestedFor(urlPathEqualTo("/graphql"))
                        .withRequestBody(
                                matchingJsonPath("$.variables.method", equalTo("SQUASH"))));
        app.assertNoSecretIn(first.all() + second.all());
    }

    private CliRun.Result release() {
        return app.as(harness.cli(github.baseUrl()))
                .run("release", "--remote", harness.remoteUrl(), "--json", "--automerge");
    }
}
