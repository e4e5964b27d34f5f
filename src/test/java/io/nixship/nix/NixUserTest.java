package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.cli.HostEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NIXSHIP_NIX_USER: every Nix command switched to that user, through the daemon. */
class NixUserTest {
    private static NixSettings settings(Map<String, String> host) {
        return HostEnvironment.from(host).nix(line -> {});
    }

    @Test
    void withoutTheVariableNixRunsAsNixshipsOwnUserAsBefore() {
        NixSettings settings =
                settings(Map.of("HOME", "/home/dev", "XDG_CACHE_HOME", "/home/dev/.cache"));

        assertThat(settings.argv("nix-build", List.of("a.nix")))
                .containsExactly("nix-build", "a.nix");
        assertThat(settings.childEnvironment(Map.of()))
                .containsEntry("HOME", "/home/dev")
                .containsEntry("XDG_CACHE_HOME", "/home/dev/.cache")
                .doesNotContainKey("NIX_REMOTE");
    }

    @Test
    void aNamedUserRunsEveryNixCommandWithItsOwnHomeThroughTheDaemon() {
        // root is a user of every machine this runs on, with its home in /etc/passwd.
        NixSettings settings =
                settings(
                        Map.of(
                                "NIXSHIP_NIX_USER", "root",
                                "HOME", "/github/home",
                                "XDG_CACHE_HOME", "/var/cache/nixship",
                                "PATH", "/usr/bin:/bin"));

        assertThat(settings.argv("nix-store", List.of("--version")))
                .containsExactly(
                        "setpriv",
                        "--reuid=root",
                        "--regid=root",
                        "--init-groups",
                        "--no-new-privs",
                        "--",
                        "nix-store",
                        "--version");
        assertThat(settings.childEnvironment(Map.of("BUILD", "1")))
                .containsEntry("HOME", "/root")
                .containsEntry("USER", "root")
                .containsEntry("NIX_REMOTE", "daemon")
                .containsEntry("BUILD", "1")
                .containsEntry("PATH", "/usr/bin:/bin")
                .doesNotContainKey("XDG_CACHE_HOME");
    }

    @Test
    void anUnknownUserIsAUsageErrorNamingTheVariable() {
        NixSettings settings = settings(Map.of("NIXSHIP_NIX_USER", "no-such-user-here"));

        assertThatThrownBy(() -> settings.argv("nix-build", List.of()))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "NIXSHIP_NIX_USER=no-such-user-here is not a user of this machine (/etc/passwd)");
    }
}
