package io.nixship.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNixpkgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 7: evaluation errors, build failures, timeouts and hash mismatches each get their own
 * message and exit code; an oversized closure fails before any image is written; Nix's output is
 * streamed inside a collapsible group and its last lines end the error.
 */
@Tag("nix")
class NixFailuresTest {
    @TempDir Path tmp;

    private CliRun.Result build(ExampleProject project, Path layout) {
        return TinyProject.cli(project, tmp.resolve("home")).run("build", "--to", "oci:" + layout);
    }

    @Test
    void evaluationErrorIsAUsageErrorNamingTheFileAndLine() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        project.write(
                "default.nix",
                "{ pkgs ? import <nixpkgs> { } }:\nlet x = 1;\nin undefinedThing + x\n");
        project.commitAll("broken expression");

        CliRun.Result result = build(project, tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("nixship: error: default.nix:3")
                .contains("Nix evaluation failed")
                .contains("undefinedThing");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void buildFailureExitsOneWithTheBuildersLastLines() {
        ExampleProject project =
                TinyProject.create(
                        tmp.resolve("p"),
                        "echo 'compiling the widget' >&2\necho 'widget.c:12: fatal: no such header' >&2\nexit 7\n");

        CliRun.Result result = build(project, tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(1);
        int error = result.err().lastIndexOf("nixship: error:");
        assertThat(result.err().substring(error).strip())
                .contains("the build failed")
                .doesNotContain("\n");
        String beforeError = result.err().substring(0, error);
        assertThat(beforeError.substring(beforeError.lastIndexOf("last lines of the log:")))
                .contains("widget.c:12: fatal: no such header");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    @Timeout(120)
    void nixTimeoutKillsTheBuilderAndSaysSo() throws Exception {
        Path pidFile = Path.of("/tmp/nixship-reliability-" + UUID.randomUUID() + ".pid");
        ExampleProject project =
                TinyProject.create(
                        tmp.resolve("p"), "echo $$ > " + pidFile + "\nexec /bin/sleep 600\n");
        project.write(".nixship.yaml", TinyProject.CONFIG + "nix:\n  timeout: 8s\n");
        project.commitAll("slow builder");

        CliRun.Result result = build(project, tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .contains(
                        "nix-build was stopped at its time limit of 8s while building '/nix/store/");
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(pidFile).exists();
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Files.delete(pidFile);
        Optional<ProcessHandle> builder = ProcessHandle.of(pid);
        if (builder.isPresent()) {
            // SIGKILL was sent before nixship returned; the kernel may take a moment to reap it.
            builder.get().onExit().get(60, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                .isNotEqualTo(Optional.of(true));
    }

    @Test
    void aTimeoutThatIsNotADurationIsAConfigurationError() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        project.write(".nixship.yaml", TinyProject.CONFIG + "nix:\n  timeout: soon\n");
        project.commitAll("bad timeout");

        CliRun.Result result = build(project, tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("nix.timeout").contains("'soon' is not a duration");
    }

    @Test
    void hashMismatchOfTheLockedNixpkgsIsRefusedWithItsOwnMessage() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        String lock = TestNixpkgs.get().lockYaml(TestNixpkgs.Revision.REV1);
        String wrong = "sha256: 0000000000000000000000000000000000000000000000000000\n";
        project.write("nixship.lock", lock.replaceAll("sha256: .*\n", wrong));
        project.commitAll("lock with a hash nobody can match");

        CliRun.Result result = build(project, tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .contains("nixship.lock: nixpkgs tarball")
                .contains("but the lock expects")
                .doesNotContain("the build failed")
                .doesNotContain("evaluation failed");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aNixpkgsNeedingANewerNixNamesBothVersionsInsteadOfAnEvaluationError() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        TestNixpkgs.Tarball needsNewer = TestNixpkgs.get().needingNix("99.0");
        String release = "nixos-25.11.1.0123456789ab";
        project.write(
                "nixship.lock",
                "channel: nixos-25.11\nrelease: "
                        + release
                        + "\nurl: "
                        + needsNewer.path().toUri()
                        + "\nsha256: "
                        + needsNewer.sha256()
                        + "\n");
        project.commitAll("pin a nixpkgs that needs Nix 99.0");

        CliRun.Result result = build(project, tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(1);
        String error = result.err().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(error)
                .startsWith(
                        "nixship: error: nixpkgs "
                                + release
                                + " (nixship.lock) needs Nix >= 99.0;"
                                + " this machine has Nix ")
                .endsWith(
                        ": upgrade Nix to 99.0 or later (Debian 13's nix-bin; in GitHub Actions, a nixship action"
                                + " whose image has it), or pin a release this Nix can"
                                + " evaluate with 'nixship lock --channel NAME'");
        assertThat(result.err()).doesNotContain("evaluation failed");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void closureOverTheLimitFailsBeforeAnyImageIsWritten() {
        ExampleProject project =
                TinyProject.create(
                        tmp.resolve("p"),
                        "/bin/dd if=/dev/zero of=\"$out/ballast\" bs=1024 count=64 2>/dev/null\n");
        project.write(".nixship.yaml", TinyProject.CONFIG + "nix:\n  maxClosureSize: 16KiB\n");
        project.commitAll("too big");
        Path layout = tmp.resolve("out");

        CliRun.Result result = build(project, layout);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("over the limit of 16.0 KiB (nix.maxClosureSize)");
        assertThat(layout).doesNotExist();
        assertThat(layout.getParent())
                .isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("out"));
    }

    @Test
    void nixOutputIsStreamedInACollapsibleGroupAndItsLastLinesStandBeforeTheError() {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            script.append("echo 'builder line ").append(i).append(" of 40' >&2\n");
        }
        ExampleProject project = TinyProject.create(tmp.resolve("p"), script + "exit 1\n");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run("build", "--to", "oci:" + tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(1);
        List<String> lines = result.err().lines().toList();
        int group = lines.indexOf("::group::nixship build");
        int first = lines.indexOf("builder line 1 of 40");
        int last = lines.indexOf("builder line 40 of 40");
        int end = lines.indexOf("::endgroup::");
        int tail = lines.indexOf("last lines of the log:");
        int error =
                lines.stream()
                        .filter(l -> l.startsWith("nixship: error:"))
                        .findFirst()
                        .map(lines::indexOf)
                        .orElse(-1);
        assertThat(group).isGreaterThanOrEqualTo(0);
        assertThat(first).isGreaterThan(group);
        assertThat(last).isGreaterThan(first);
        assertThat(end).isGreaterThan(last);
        assertThat(tail).isGreaterThan(end);
        assertThat(error).isGreaterThan(tail);
        String repeated = String.join("\n", lines.subList(tail, error));
        assertThat(repeated)
                .contains("builder line 40 of 40")
                .contains("builder line 30 of 40")
                .doesNotContain("builder line 1 of 40");
    }
}
