package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.freeze.DeploymentFreeze;
import io.nixship.nix.NixSettings;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistryHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostEnvironmentTest {
    private static final Path WORK = Path.of("/work/project");

    private static Path cache(Map<String, String> variables) {
        return HostEnvironment.from(variables).cacheDirectory(Optional.empty(), WORK);
    }

    @Test
    void theCacheIsUnderAnAbsoluteXdgCacheHome() {
        assertThat(cache(Map.of("XDG_CACHE_HOME", "/x", "HOME", "/h")))
                .isEqualTo(Path.of("/x/nixship"));
    }

    @Test
    void aRelativeXdgCacheHomeIsIgnoredAsTheXdgSpecificationSays() {
        assertThat(cache(Map.of("XDG_CACHE_HOME", "rel", "HOME", "/h")))
                .isEqualTo(Path.of("/h/.cache/nixship"));
    }

    @Test
    void withoutXdgCacheHomeTheCacheIsUnderHome() {
        assertThat(cache(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.cache/nixship"));
    }

    @Test
    void withNeitherXdgCacheHomeNorHomeTheCacheIsAUsageErrorSayingWhatToSet() {
        assertThatThrownBy(() -> cache(Map.of("XDG_CACHE_HOME", "rel")))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "no cache directory: set XDG_CACHE_HOME (an absolute path) or HOME, or"
                                + " pass --cache-dir")
                .satisfies(e -> assertThat(((NixshipException) e).exitCode()).isEqualTo(2));
    }

    @Test
    void cacheDirWinsOverTheEnvironmentAndIsRelativeToTheWorkingDirectory() {
        HostEnvironment host = HostEnvironment.from(Map.of("XDG_CACHE_HOME", "/x"));

        assertThat(host.cacheDirectory(Optional.of(Path.of("c")), WORK))
                .isEqualTo(Path.of("/work/project/c"));
    }

    @Test
    void theRegistryKeepsItsBlobLocationsInTheSameCacheAsTheLayers() {
        CliContext context = new CliContext(null, null, null, Map.of("HOME", "/h"), WORK, false);

        assertThat(context.registryHost().cacheDirectory()).isEqualTo(context.cacheDirectory());
    }

    @Test
    void dockerConfigMovesTheDockerConfigurationElseItIsUnderHome() {
        assertThat(HostEnvironment.from(Map.of("HOME", "/h")).dockerConfigFile())
                .isEqualTo(Path.of("/h/.docker/config.json"));
        assertThat(
                        HostEnvironment.from(Map.of("HOME", "/h", "DOCKER_CONFIG", "/d"))
                                .dockerConfigFile())
                .isEqualTo(Path.of("/d/config.json"));
    }

    @Test
    void credentialHelpersAreSearchedOnPath() {
        RegistryHost registry =
                HostEnvironment.from(Map.of("PATH", "/a/bin::/b/bin")).registry(Path.of("/c"));

        assertThat(registry.helperSearchPath())
                .containsExactly(Path.of("/a/bin"), Path.of("/b/bin"));
    }

    @Test
    void theActionsTokenSignsInAsTheActorOrAsXAccessToken() {
        assertThat(
                        HostEnvironment.from(
                                        Map.of(
                                                "GITHUB_TOKEN",
                                                " ghs_1 ",
                                                "GITHUB_ACTOR",
                                                "octocat"))
                                .actionsToken())
                .contains(new RegistryCredentials("octocat", "ghs_1"));
        assertThat(HostEnvironment.from(Map.of("GITHUB_TOKEN", "ghs_1")).actionsToken())
                .contains(new RegistryCredentials("x-access-token", "ghs_1"));
        assertThat(HostEnvironment.from(Map.of("GITHUB_TOKEN", " ")).actionsToken()).isEmpty();
        assertThat(HostEnvironment.from(Map.of()).searchPath()).isEqualTo(List.of());
    }

    @Test
    void nixSeesOnlyItsOwnHostVariablesAndNixshipsNixSettings() {
        HostEnvironment host =
                HostEnvironment.from(
                        Map.of(
                                "PATH", "/bin",
                                "NIX_REMOTE", "daemon",
                                "GITHUB_TOKEN", "ghs_secret",
                                "NIX_PATH", "nixpkgs=/n",
                                "NIXSHIP_NIX_BIN", "/nix/bin",
                                "NIXSHIP_OFFLINE", "1",
                                "NIXSHIP_NIX_QUIET_NOTICE", "2s"));
        NixSettings nix = host.nix(line -> {});

        assertThat(nix.host().passedThrough())
                .containsExactly(Map.entry("PATH", "/bin"), Map.entry("NIX_REMOTE", "daemon"));
        assertThat(nix.host().nixPath()).contains("nixpkgs=/n");
        assertThat(nix.host().quietNotice()).contains("2s");
        assertThat(nix.binDirectory()).contains(Path.of("/nix/bin"));
        assertThat(nix.offline()).isTrue();
        assertThat(
                        HostEnvironment.from(Map.of("NIXSHIP_NIX_BIN", " "))
                                .nix(line -> {})
                                .binDirectory())
                .isEmpty();
    }

    @Test
    void theUseCasesGetTheRepositoryThatNamesTheDefaultImage() {
        assertThat(
                        HostEnvironment.from(Map.of("GITHUB_REPOSITORY", "acme/shop"))
                                .settings(line -> {})
                                .githubRepository())
                .contains("acme/shop");
        assertThat(HostEnvironment.from(Map.of()).githubRepository()).isEmpty();
    }

    @Test
    void kubectlIsNixshipKubectlElseThePathsAndRunsInTheWholeEnvironment() {
        assertThat(HostEnvironment.from(Map.of()).kubectl().program()).isEqualTo("kubectl");
        DeploymentFreeze.Kubectl kubectl =
                HostEnvironment.from(Map.of("NIXSHIP_KUBECTL", "/k", "KUBECONFIG", "/c")).kubectl();
        assertThat(kubectl.program()).isEqualTo("/k");
        assertThat(kubectl.environment()).containsEntry("KUBECONFIG", "/c");
    }

    @Test
    void progressIsDrawnOnlyOnAConsoleWhoseTerminalIsNotDumb() {
        assertThat(HostEnvironment.from(Map.of("TERM", "xterm")).interactive(true)).isTrue();
        assertThat(HostEnvironment.from(Map.of("TERM", "dumb")).interactive(true)).isFalse();
        assertThat(HostEnvironment.from(Map.of("TERM", "xterm")).interactive(false)).isFalse();
    }

    @Test
    void neitherInputsNorTokensAppearInItsText() {
        HostEnvironment host =
                HostEnvironment.from(
                        Map.of(
                                "INPUT_REGISTRY-PASSWORD", "hunter2",
                                "GITHUB_TOKEN", "ghs_secret"));

        assertThat(host.actionInput("registry-password")).contains("hunter2");
        assertThat(host.toString()).doesNotContain("hunter2").doesNotContain("ghs_secret");
    }
}
