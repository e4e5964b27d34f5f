package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("nix")
class NixOutputTest {
    private static final Path SRC = Path.of("/tmp/nixship-src-1");

    @Test
    void currentNixTraceFormatGivesTheInnermostErrorAndItsLocation() {
        List<String> lines =
                List.of(
                        "error:",
                        "       … while evaluating the attribute 'env'",
                        "         at /nix/store/abc-source/pkgs/top-level/default.nix:12:3:",
                        "       … while calling the 'import' builtin",
                        "         at /tmp/nixship-src-1/default.nix:2:8:",
                        "       error: undefined variable 'flaskk'",
                        "       at /tmp/nixship-src-1/nix/python.nix:7:21:",
                        "            6|   env = python.withPackages (ps: [",
                        "            7|     ps.flaskk",
                        "             |     ^");
        assertThat(NixOutput.evaluationError(lines, SRC, "examples/app"))
                .isEqualTo(
                        new NixOutput.EvaluationError(
                                "undefined variable 'flaskk'",
                                Optional.of("examples/app/nix/python.nix:7:21")));
    }

    @Test
    void errorInsideNixpkgsFallsBackToTheProjectFrame() {
        List<String> withAt =
                List.of(
                        "error:",
                        "       … from call site",
                        "         at /tmp/nixship-src-1/default.nix:4:10:",
                        "       error: attribute 'missing' missing",
                        "       at /nix/store/abc-source/lib/attrsets.nix:3:1:");
        assertThat(NixOutput.evaluationError(withAt, SRC, "").location())
                .contains("default.nix:4:10");
    }

    @Test
    void recognisesBuildFailuresOfOldAndNewNix() {
        assertThat(
                        NixOutput.isBuildFailure(
                                List.of(
                                        "error: builder for '/nix/store/x-f.drv' failed with exit code 3")))
                .isTrue();
        assertThat(
                        NixOutput.isBuildFailure(
                                List.of(
                                        "error: builder for '/nix/store/x-f.drv' failed with exit code 3;",
                                        "       last 10 log lines:")))
                .isTrue();
        assertThat(NixOutput.isBuildFailure(List.of("error: undefined variable 'x'"))).isFalse();
    }

    @Test
    void anAbortWhoseMessageSpansLinesKeepsItsReasonUpToTheClosingQuote() {
        List<String> stderr =
                nixStderr(
                        "abort \"\n\nThis version of Nixpkgs requires Nix >= 2.18, please upgrade:\n\n"
                                + "- If you are running NixOS, use nixos-rebuild.\n\"");

        assertThat(NixOutput.evaluationError(stderr, SRC, "").message())
                .isEqualTo(
                        "evaluation aborted with the following error message: 'This version of Nixpkgs requires Nix"
                                + " >= 2.18, please upgrade: - If you are running NixOS, use nixos-rebuild.'");
    }

    @Test
    void aThrowWhoseMessageSpansLinesKeepsEveryLine() {
        List<String> stderr = nixStderr("throw \"first line\nsecond line\"");

        assertThat(NixOutput.evaluationError(stderr, SRC, "").message())
                .isEqualTo("first line second line");
    }

    @Test
    void aOneLineErrorStopsAtTheBlankLineBeforeItsLocation() {
        List<String> stderr = nixStderr("let x = 1; in undefinedThing + x");

        assertThat(NixOutput.evaluationError(stderr, SRC, "").message())
                .isEqualTo("undefined variable 'undefinedThing'");
    }

    /** What real {@code nix-instantiate --eval} prints on stderr for {@code expression}. */
    private static List<String> nixStderr(String expression) {
        NixSettings settings = new NixTestSettings().settings;
        ProcessResult result =
                new NixCommands(new SystemProcessRunner(), settings)
                        .run("nix-instantiate", List.of("--eval", "--expr", expression));
        assertThat(result.exitCode()).isNotZero();
        return result.stderrTail();
    }

    @Test
    void nix234BuildFailureReadsLikeOlderNixNamingTheFailingBuilder() {
        // nix-build 2.34.8 (Debian testing), a failing dependency of the top derivation.
        List<String> lines =
                List.of(
                        "building '/nix/store/iq2v-fails-on-purpose.drv'...",
                        "about to fail",
                        "error: Cannot build '/nix/store/iq2v-fails-on-purpose.drv'.",
                        "       Reason: builder failed with exit code 1.",
                        "       Output paths:",
                        "         /nix/store/4v13-fails-on-purpose",
                        "error: Cannot build '/nix/store/0akg-top.drv'.",
                        "       Reason: 1 dependency failed.",
                        "       Output paths:",
                        "         /nix/store/sz4g-top");

        assertThat(NixOutput.isBuildFailure(lines)).isTrue();
        assertThat(NixOutput.firstBuildError(lines))
                .contains(
                        "builder for '/nix/store/iq2v-fails-on-purpose.drv' failed with exit code 1");
    }

    @Test
    void nix226EvaluationErrorWithoutBlankLinesGivesItsLocation() {
        // nix-build 2.26.3 (Debian 13) prints the location right under the message.
        List<String> lines =
                List.of(
                        "error: attribute 'no-such-package' missing",
                        "       at /tmp/nixship-src-1/default.nix:3:3:",
                        "            2| in",
                        "            3|   pkgs.no-such-package",
                        "             |   ^");

        assertThat(NixOutput.evaluationError(lines, SRC, ""))
                .isEqualTo(
                        new NixOutput.EvaluationError(
                                "attribute 'no-such-package' missing",
                                Optional.of("default.nix:3:3")));
    }
}
