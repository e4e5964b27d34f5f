package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.ManifestBranchPublisher;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitHubEnvironmentTest {
    @Test
    void readsTheActionsContextFromTheGivenEnvironment() {
        GitHubEnvironment env =
                HostEnvironment.from(
                                Map.ofEntries(
                                        Map.entry("GITHUB_ACTIONS", "true"),
                                        Map.entry("GITHUB_API_URL", "https://ghe.example/api/v3/"),
                                        Map.entry("GITHUB_SERVER_URL", "https://ghe.example"),
                                        Map.entry("GITHUB_REPOSITORY", "acme/shop"),
                                        Map.entry("GITHUB_SHA", "abc123"),
                                        Map.entry("GITHUB_REF", "refs/heads/main"),
                                        Map.entry("GITHUB_EVENT_NAME", "push"),
                                        Map.entry("GITHUB_EVENT_PATH", "/tmp/event.json"),
                                        Map.entry("GITHUB_TOKEN", "ghs_x"),
                                        Map.entry("GITHUB_OUTPUT", "/tmp/out"),
                                        Map.entry("GITHUB_STEP_SUMMARY", "/tmp/summary"),
                                        Map.entry("RUNNER_TEMP", "/tmp/runner")))
                        .github();

        assertThat(env.inActions()).isTrue();
        assertThat(env.apiUrl()).isEqualTo("https://ghe.example/api/v3");
        assertThat(env.owner()).isEqualTo("acme");
        assertThat(env.repositoryName()).isEqualTo("shop");
        assertThat(env.commitUrl("abc123"))
                .isEqualTo("https://ghe.example/acme/shop/commit/abc123");
        assertThat(env.eventPath()).isEqualTo(Path.of("/tmp/event.json"));
        assertThat(env.outputFile()).isEqualTo(Path.of("/tmp/out"));
        assertThat(env.runnerTemp()).isEqualTo(Path.of("/tmp/runner"));
        assertThat(ManifestBranchPublisher.remoteUrl(env))
                .isEqualTo("https://ghe.example/acme/shop.git");
    }

    @Test
    void defaultsToGitHubDotComOutsideActions() {
        GitHubEnvironment env = HostEnvironment.from(Map.of()).github();

        assertThat(env.inActions()).isFalse();
        assertThat(env.apiUrl()).isEqualTo("https://api.github.com");
        assertThat(env.serverUrl()).isEqualTo("https://github.com");
        assertThat(env.token()).isNull();
        assertThatThrownBy(env::requireToken)
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("GITHUB_TOKEN is not set");
    }

    @Test
    void rejectsARepositoryThatIsNotOwnerSlashName() {
        GitHubEnvironment env = HostEnvironment.from(Map.of("GITHUB_REPOSITORY", "shop")).github();

        assertThatThrownBy(env::owner)
                .isInstanceOf(NixshipException.class)
                .hasMessage("GITHUB_REPOSITORY must be owner/name, got 'shop'");
    }

    @Test
    void neverPrintsTheToken() {
        GitHubEnvironment env = HostEnvironment.from(Map.of("GITHUB_TOKEN", "ghs_secret")).github();

        assertThat(env.toString()).doesNotContain("ghs_secret").contains("token=***");
    }
}
