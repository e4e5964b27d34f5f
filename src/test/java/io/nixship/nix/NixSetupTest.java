package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.cli.HostEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The set-up problems this machine cannot stage (the real-Nix cases are in {@code
 * NixSetupProblemsTest}): a kernel or container that refuses the sandbox's namespaces, as Nix 2.x
 * reports it, and project errors that only look like permission problems.
 */
class NixSetupTest {
    private final NixSettings settings = HostEnvironment.from(Map.of()).nix(line -> {});

    @Test
    void aSandboxThatCannotCloneItsNamespacesSaysHowToLetItOrTurnItOff() {
        List<String> stderr =
                List.of(
                        "building '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-env.drv'...",
                        "error: cloning builder process: Operation not permitted",
                        "error: unable to start build process");

        assertThat(NixSetup.diagnose(stderr, settings))
                .contains(
                        "Nix set-up: the build sandbox cannot start here"
                                + " (cloning builder process: Operation not permitted): allow user namespaces (or run with the privileges"
                                + " Nix needs), or set sandbox = false in /etc/nix/nix.conf (containers usually cannot sandbox)");
    }

    @Test
    void aBuilderProgramThatExistsNowhereIsTheProjectsMistakeNotTheSandboxes() {
        List<String> stderr =
                List.of(
                        "building '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-env.drv'...",
                        "error: executing '/usr/bin/nixship-no-such-interpreter': No such file or directory",
                        "error: builder for '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-env.drv' failed with exit code 1");

        assertThat(NixSetup.diagnose(stderr, settings)).isEqualTo(Optional.empty());
    }

    @Test
    void aProjectFileNixCannotReadIsNotASetUpProblem() {
        List<String> stderr =
                List.of("error: getting status of '/home/dev/app/default.nix': Permission denied");

        assertThat(NixSetup.diagnose(stderr, settings)).isEqualTo(Optional.empty());
    }

    @Test
    void aBuilderThatPrintsNixLikeTextIsNotASetUpProblem() {
        List<String> stderr =
                List.of(
                        "mkdir: cannot create directory '/nix/store/x': Permission denied",
                        "error: builder for '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-env.drv' failed with exit code 1");

        assertThat(NixSetup.diagnose(stderr, settings)).isEqualTo(Optional.empty());
    }
}
