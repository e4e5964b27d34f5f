package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.testsupport.ActionRunner;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as docker/entrypoint.sh starts it in a GitHub Actions container: argv is only the
 * command, everything else arrives as INPUT_* and GITHUB_* variables, with the runner's files for
 * outputs and the summary and an event JSON that holds hostile text.
 */
@Tag("nix")
class ActionsRunTest {
    private static final String TOKEN = "ghs_0123456789abcdefSECRETtoken";
    private static final String PASSWORD = "registry-pass-9876-SECRET";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void buildFromInputsWritesOutputsAndSummaryAndMasksSecretsBeforeAnythingElse()
            throws IOException {
        Path workspace = tmp.resolve("workspace");
        ExampleProject project = ExampleProject.create(workspace, TestNixpkgs.Revision.REV1);
        Path layout = tmp.resolve("layout");
        Runner runner =
                new Runner(workspace)
                        .input("COMMAND", "build")
                        .input("CONFIG", ".nixship.yaml")
                        .input("IMAGE", "oci:" + layout)
                        .input("MAX-LAYERS", "10")
                        .input("DRY-RUN", "false")
                        .input("MANIFESTS", "")
                        .input("REGISTRY-USERNAME", "robot")
                        .input("REGISTRY-PASSWORD", PASSWORD)
                        .input("GITHUB-TOKEN", TOKEN);
        runner.run.env("GITHUB_SHA", project.head());

        CliRun.Result result = runner.run.run("build");

        assertThat(result.exitCode()).as(result.err()).isZero();
        Map<String, String> outputs = runner.outputs();
        assertThat(outputs.keySet()).containsExactly("image", "digest", "tag");
        assertThat(outputs.get("digest")).matches("sha256:[0-9a-f]{64}");
        assertThat(outputs.get("image")).isEqualTo("oci:" + layout + ":" + outputs.get("tag"));
        assertThat(outputs.get("tag")).isEqualTo("git-" + project.head().substring(0, 7));
        assertThat(result.out().strip()).isEqualTo(outputs.get("image"));
        assertThat(runner.summary()).contains("### nixship: image built", outputs.get("image"));
        assertThat(layers(layout)).isBetween(2, 10);

        List<String> log = result.err().lines().toList();
        assertThat(log.get(0)).isEqualTo("::add-mask::" + TOKEN);
        assertThat(log.get(1)).isEqualTo("::add-mask::" + PASSWORD);
        assertThat(log).contains("::group::nixship build", "::endgroup::");
        String everythingElse =
                String.join("\n", log.subList(2, log.size()))
                        + result.out()
                        + Files.readString(runner.outputFile)
                        + runner.summary();
        assertThat(everythingElse).doesNotContain(TOKEN).doesNotContain(PASSWORD);
    }

    @Test
    void theRegistryPasswordInputLogsInToTheImagesRegistryAndIsMasked() throws IOException {
        Path workspace = tmp.resolve("workspace");
        ExampleProject.create(workspace, TestNixpkgs.Revision.REV1);
        try (RegistryServer registry = RegistryServer.startWithBasicAuth("robot", PASSWORD)) {
            Runner runner =
                    new Runner(workspace)
                            .input("REGISTRY", registry.host())
                            .input("IMAGE", "acme/imgproxy-lite")
                            .input("REGISTRY-USERNAME", "robot")
                            .input("REGISTRY-PASSWORD", PASSWORD)
                            .input("GITHUB-TOKEN", TOKEN);

            CliRun.Result result = runner.run.run("build");

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(runner.outputs().get("image"))
                    .startsWith(registry.host() + "/acme/imgproxy-lite:git-")
                    .endsWith("@" + runner.outputs().get("digest"));
            List<String> log = result.err().lines().toList();
            assertThat(log.subList(0, 2))
                    .containsExactly("::add-mask::" + TOKEN, "::add-mask::" + PASSWORD);
            assertThat(
                            String.join("\n", log.subList(2, log.size()))
                                    + Files.readString(runner.outputFile)
                                    + runner.summary())
                    .doesNotContain(PASSWORD)
                    .doesNotContain(TOKEN);
        }
    }

    @Test
    void aWrongRegistryPasswordFailsWithoutShowingIt() throws IOException {
        Path workspace = tmp.resolve("workspace");
        ExampleProject.create(workspace, TestNixpkgs.Revision.REV1);
        try (RegistryServer registry =
                RegistryServer.startWithBasicAuth("robot", "the-right-one")) {
            Runner runner =
                    new Runner(workspace)
                            .input("IMAGE", registry.host() + "/acme/imgproxy-lite")
                            .input("REGISTRY-USERNAME", "robot")
                            .input("REGISTRY-PASSWORD", PASSWORD);

            CliRun.Result result = runner.run.run("build");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("\n::error::");
            assertThat(result.err().substring(result.err().indexOf('\n'))).doesNotContain(PASSWORD);
            assertThat(runner.outputs()).isEmpty();
        }
    }

    @Test
    void aConfigErrorInAMonorepoServiceIsAnnotatedOnItsFileFromTheRepositoryRoot()
            throws IOException {
        Path workspace = tmp.resolve("workspace");
        ExampleProject project = ExampleProject.create(workspace, TestNixpkgs.Revision.REV1);
        String config = Files.readString(workspace.resolve(".nixship.yaml"));
        project.write("services/imgproxy/.nixship.yaml", config + "colour: blue\n");
        project.write(
                "services/imgproxy/default.nix",
                Files.readString(workspace.resolve("default.nix")));
        project.write(
                "services/imgproxy/nixship.lock",
                Files.readString(workspace.resolve("nixship.lock")));
        project.write("services/imgproxy/app.py", Files.readString(workspace.resolve("app.py")));
        project.commitAll("second service with a typo");
        Runner runner =
                new Runner(workspace)
                        .input("CONFIG", "services/imgproxy/.nixship.yaml")
                        .input("IMAGE", "oci:" + tmp.resolve("layout"))
                        .input("GITHUB-TOKEN", TOKEN);

        CliRun.Result result = runner.run.run("build");

        assertThat(result.exitCode()).isEqualTo(2);
        int line = (int) config.lines().count() + 1;
        assertThat(result.err())
                .contains(
                        "::error file=services/imgproxy/.nixship.yaml,line="
                                + line
                                + "::services/imgproxy/.nixship.yaml:"
                                + line
                                + ": unknown field 'colour'");
        assertThat(result.err())
                .contains(
                        "nixship: error: services/imgproxy/.nixship.yaml:"
                                + line
                                + ": unknown field 'colour'");
        assertThat(result.err()).startsWith("::add-mask::" + TOKEN + "\n");
        assertThat(result.err().substring(result.err().indexOf('\n'))).doesNotContain(TOKEN);
        assertThat(runner.outputs()).isEmpty();
    }

    @Test
    void aNixEvaluationErrorIsAnnotatedOnDefaultNix() throws IOException {
        Path workspace = tmp.resolve("workspace");
        ExampleProject project = ExampleProject.create(workspace, TestNixpkgs.Revision.REV1);
        project.write(
                "default.nix",
                "{ pkgs ? import <nixpkgs> { } }:\n\npkgs.python312.withPackages (ps: [\n  ps.no-such-package\n])\n");
        project.commitAll("typo in a package name");
        Runner runner = new Runner(workspace).input("IMAGE", "oci:" + tmp.resolve("layout"));

        CliRun.Result result = runner.run.run("build");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .containsPattern(
                        "(?m)^::error file=default\\.nix,line=4::default\\.nix:4:\\d+: Nix evaluation failed: ");
    }

    private static int layers(Path layout) throws IOException {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        String digest = index.get("manifests").get(0).get("digest").asText();
        JsonNode manifest =
                JSON.readTree(
                        layout.resolve("blobs/sha256/" + digest.substring("sha256:".length()))
                                .toFile());
        return manifest.get("layers").size();
    }

    /** A CliRun with the variables the runner gives a container action and its command files. */
    private final class Runner {
        final CliRun run;
        final Path outputFile;
        final Path summaryFile;

        Runner(Path workspace) throws IOException {
            Path files = Files.createDirectories(tmp.resolve("github/file_commands"));
            outputFile = Files.createFile(files.resolve("set_output"));
            summaryFile = Files.createFile(files.resolve("step_summary"));
            Path event = files.resolve("event.json");
            // Untrusted text an attacker controls: it must never become a command or reach a shell.
            Files.writeString(
                    event,
                    """
          {"ref": "refs/heads/main",
           "head_commit": {"message": "$(touch /tmp/pwned)\\n::set-output name=image::evil"},
           "repository": {"full_name": "acme/imgproxy-lite"}}
          """);
            run =
                    CliRun.offline(workspace, tmp.resolve("home"))
                            .env("GITHUB_ACTIONS", "true")
                            .env("CI", "true")
                            .env("GITHUB_WORKSPACE", workspace.toString())
                            .env("GITHUB_REPOSITORY", "acme/imgproxy-lite")
                            .env("GITHUB_REF", "refs/heads/main")
                            .env("GITHUB_EVENT_NAME", "push")
                            .env("GITHUB_EVENT_PATH", event.toString())
                            .env("GITHUB_API_URL", "http://127.0.0.1:9/api/v3")
                            .env("GITHUB_SERVER_URL", "http://127.0.0.1:9")
                            .env("GITHUB_OUTPUT", outputFile.toString())
                            .env("GITHUB_STEP_SUMMARY", summaryFile.toString())
                            .env(
                                    "RUNNER_TEMP",
                                    Files.createDirectories(tmp.resolve("runner_temp")).toString());
        }

        Runner input(String name, String value) {
            run.env("INPUT_" + name, value);
            return this;
        }

        String summary() throws IOException {
            return Files.readString(summaryFile);
        }

        /** Parses GITHUB_OUTPUT's heredoc form: NAME<<DELIMITER, the value, DELIMITER. */
        Map<String, String> outputs() throws IOException {
            return ActionRunner.outputs(outputFile);
        }
    }
}
