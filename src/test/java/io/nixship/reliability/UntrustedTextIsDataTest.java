package io.nixship.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 1: branch names, commit messages, Nix output, package names and file names are data. They
 * never run as shell commands and never become GitHub Actions workflow commands in the log.
 */
@Tag("nix")
class UntrustedTextIsDataTest {
    private static final String MARKER = "pwned";

    @TempDir Path tmp;

    @Test
    void untrustedRefInAnErrorMessageNeverBecomesAWorkflowCommand() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run(
                                "build",
                                "--commit",
                                "main\n::set-output name=pwned::1\n##[error]pwned",
                                "--to",
                                "oci:" + tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("not found");
        assertThat(ActionsLog.foreignCommands(result.all(), MARKER)).isEmpty();
    }

    @Test
    void untrustedOptionValueInAUsageErrorNeverBecomesAWorkflowCommand() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run(
                                "bump",
                                "--image",
                                "ghcr.io/acme/app:1\n::add-mask::pwned",
                                "--manifests",
                                "k8s/");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(ActionsLog.foreignCommands(result.all(), MARKER)).isEmpty();
    }

    @Test
    void nixBuildOutputThatLooksLikeAWorkflowCommandStaysData() {
        ExampleProject project =
                TinyProject.create(
                        tmp.resolve("p"),
                        "echo '::set-output name=pwned::1' >&2\necho '  ::add-mask::pwned' >&2\necho '##[error]pwned' >&2\n");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run("build", "--to", "oci:" + tmp.resolve("out"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("::set-output name=pwned::1");
        assertThat(ActionsLog.foreignCommands(result.all(), MARKER)).isEmpty();
    }

    @Test
    void nixBuildFailureTailThatLooksLikeAWorkflowCommandStaysData() {
        ExampleProject project =
                TinyProject.create(
                        tmp.resolve("p"), "echo '::set-output name=pwned::1' >&2\nexit 3\n");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run("build", "--to", "oci:" + tmp.resolve("out"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("nixship: error:").contains("::set-output name=pwned::1");
        assertThat(ActionsLog.foreignCommands(result.all(), MARKER)).isEmpty();
    }

    @Test
    void hostilePackageNamesInADistInfoNeverBecomeWorkflowCommands() {
        String site = "$out/lib/python3.12/site-packages";
        ExampleProject project =
                TinyProject.create(
                        tmp.resolve("p"),
                        "/bin/mkdir -p "
                                + site
                                + "/evil-1.0.dist-info "
                                + site
                                + "/good-2.0.dist-info\n"
                                + "printf 'Metadata-Version: 2.1\\nName: ::set-output name=pwned::1\\nVersion: 1.0\\n' > "
                                + site
                                + "/evil-1.0.dist-info/METADATA\n"
                                + "printf 'Metadata-Version: 2.1\\nName: good\\nVersion: 2.0\\nSummary: x\\n  ::error::pwned\\n' > "
                                + site
                                + "/good-2.0.dist-info/METADATA\n");
        Path layout = tmp.resolve("out");

        CliRun.Result built =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run("build", "--json", "--to", "oci:" + layout);
        CliRun.Result freeze =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run("freeze", "--image", "oci:" + layout + ":v1");

        assertThat(built.exitCode()).as(built.err()).isZero();
        assertThat(freeze.exitCode()).as(freeze.err()).isZero();
        assertThat(freeze.out()).contains("good==2.0");
        assertThat(ActionsLog.foreignCommands(built.all(), MARKER)).isEmpty();
        assertThat(ActionsLog.foreignCommands(freeze.all(), MARKER)).isEmpty();
    }

    @Test
    void fileNamesWithShellMetacharactersAreCopiedVerbatimAndNeverRun() throws IOException {
        Path dir = tmp.resolve("p");
        Path canary = tmp.resolve("canary");
        List<String> names =
                List.of(
                        "files/$(touch " + canary + ")",
                        "files/`touch " + canary + "`",
                        "files/a;touch " + canary,
                        "files/x\n::set-output name=pwned::1",
                        "files/'\"|&<>*?");
        ExampleProject project = TinyProject.create(dir, "");
        for (String name : names) {
            project.write(name, "data\n");
        }
        project.write(".nixship.yaml", TinyProject.CONFIG + "app:\n  copy: [\"files/\"]\n");
        project.commitAll("hostile file names");
        Path layout = tmp.resolve("out");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run("build", "--to", "oci:" + layout);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(canary).doesNotExist();
        assertThat(Blobs.layerEntryNames(layout))
                .anySatisfy(name -> assertThat(name).endsWith("files/$(touch " + canary + ")"))
                .anySatisfy(
                        name -> assertThat(name).endsWith("files/x\n::set-output name=pwned::1"))
                .anySatisfy(name -> assertThat(name).endsWith("files/'\"|&<>*?"));
        assertThat(ActionsLog.foreignCommands(result.all(), MARKER)).isEmpty();
    }

    @Test
    void branchNameAndCommitMessageWithShellSyntaxAreReadAsARefNeverRun() throws Exception {
        Path canary = tmp.resolve("canary");
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        String branch = "feature/$(touch${IFS}" + canary + ")`touch${IFS}" + canary + "`;x";
        try (Git git = Git.open(project.dir().toFile())) {
            git.checkout().setCreateBranch(true).setName(branch).call();
        }
        project.write("notes.txt", "x\n");
        project.commitAll("::set-output name=pwned::1\n$(touch " + canary + ")\n::error::pwned");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run("build", "--commit", branch, "--to", "oci:" + tmp.resolve("out"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(canary).doesNotExist();
        assertThat(ActionsLog.foreignCommands(result.all(), MARKER)).isEmpty();
    }

    /**
     * Child processes get an argv list, never a shell string; the only {@code /bin/sh} in main code
     * is the login shell written into the image's {@code /etc/passwd}.
     */
    @Test
    void nixshipNeverBuildsAShellStringForAChildProcess() throws IOException {
        Pattern shell =
                Pattern.compile(
                        "\"-c\"|\\bbash -c\\b|\\bsh -c\\b|Runtime\\.getRuntime\\(\\)\\.exec|\"/bin/(ba)?sh\"|\"(ba)?sh\"\\s*,");
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file :
                    (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (shell.matcher(lines.get(i)).find()) {
                        hits.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(hits).isEmpty();
        assertThat(Files.readString(Path.of("src/main/java/io/nixship/nix/ProcessSpec.java")))
                .contains("List<String> argv");
    }
}
