package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemProcessRunnerTest {
    @TempDir Path dir;

    private static ProcessSpec spec(
            List<String> argv, Map<String, String> env, List<String> log, int tail) {
        return new ProcessSpec(argv, env, Optional.empty(), Duration.ofMinutes(1), log::add, tail);
    }

    @Test
    void argumentsWithShellMetacharactersArePassedAsData() {
        String hostile =
                "$(touch " + dir.resolve("pwned") + "); `id` && echo ::set-output name=x::y";
        ProcessResult result =
                new SystemProcessRunner()
                        .run(spec(List.of("/bin/echo", hostile), Map.of(), new ArrayList<>(), 5));
        assertThat(result.stdout()).isEqualTo(hostile + "\n");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void childSeesOnlyTheGivenEnvironment() {
        ProcessResult result =
                new SystemProcessRunner()
                        .run(
                                spec(
                                        List.of("/usr/bin/env"),
                                        Map.of("ONLY", "this"),
                                        new ArrayList<>(),
                                        5));
        assertThat(result.stdout()).isEqualTo("ONLY=this\n");
    }

    @Test
    void stderrIsStreamedToTheLogAndItsTailKept() {
        List<String> log = new ArrayList<>();
        ProcessResult result =
                new SystemProcessRunner()
                        .run(
                                spec(
                                        List.of(
                                                "/bin/sh",
                                                "-c",
                                                "for i in 1 2 3 4 5; do echo line$i >&2; done; exit 4"),
                                        Map.of(),
                                        log,
                                        2));
        assertThat(log).containsExactly("line1", "line2", "line3", "line4", "line5");
        assertThat(result.stderrTail()).containsExactly("line4", "line5");
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void missingProgramIsReportedAsNotFound() {
        assertThatThrownBy(
                        () ->
                                new SystemProcessRunner()
                                        .run(
                                                spec(
                                                        List.of(dir.resolve("nope").toString()),
                                                        Map.of(),
                                                        new ArrayList<>(),
                                                        5)))
                .isInstanceOfSatisfying(
                        ProgramNotFoundException.class,
                        e -> assertThat(e.program()).isEqualTo(dir.resolve("nope").toString()));
    }

    @Test
    void programsAreNeverFoundThroughRelativePathEntries() throws Exception {
        Path impostor = Files.createDirectories(dir.resolve("bin")).resolve("env");
        Files.writeString(impostor, "#!/bin/sh\necho impostor\n");
        Files.setPosixFilePermissions(impostor, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessSpec relativeFirst =
                new ProcessSpec(
                        List.of("env"),
                        Map.of("PATH", "bin::./bin:/usr/bin", "ONLY", "this"),
                        Optional.of(dir),
                        Duration.ofMinutes(1),
                        line -> {},
                        5);

        ProcessResult result = new SystemProcessRunner().run(relativeFirst);

        assertThat(result.stdout()).contains("ONLY=this").doesNotContain("impostor");
    }

    @Test
    void theNixChildsPathKeepsOnlyAbsoluteDirectories() {
        assertThat(NixSettings.absoluteEntries("bin:/usr/bin::./x:/nix/bin"))
                .isEqualTo("/usr/bin:/nix/bin");
    }
}
