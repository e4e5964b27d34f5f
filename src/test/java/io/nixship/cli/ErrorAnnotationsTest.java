package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorAnnotationsTest {
    @TempDir Path workspace;

    private String annotate(Map<String, String> env, String message) {
        StringWriter err = new StringWriter();
        new ErrorAnnotations(
                        new CliContext(
                                new PrintWriter(new StringWriter()),
                                new PrintWriter(err),
                                new ByteArrayInputStream(new byte[0]),
                                env,
                                workspace,
                                false))
                .annotate(message);
        return err.toString();
    }

    @Test
    void aPathFromTheProjectDirectoryIsAnnotatedFromTheRepositoryRoot() throws IOException {
        Files.createDirectories(workspace.resolve("services/api/k8s"));
        Files.writeString(workspace.resolve("services/api/k8s/app.yaml"), "kind: Pod\n");

        assertThat(
                        annotate(
                                Map.of(
                                        "GITHUB_ACTIONS",
                                        "true",
                                        "INPUT_CONFIG",
                                        "services/api/.nixship.yaml"),
                                "k8s/app.yaml:9: duplicate key 'image'"))
                .isEqualTo(
                        "::error file=services/api/k8s/app.yaml,line=9::k8s/app.yaml:9: duplicate key 'image'\n");
    }

    @Test
    void messagesWithoutALineAreAnnotatedWithoutAFile() {
        assertThat(
                        annotate(
                                Map.of("GITHUB_ACTIONS", "true"),
                                "--jobs: 99 is out of range; use 1 to 64"))
                .isEqualTo("::error::--jobs: 99 is out of range; use 1 to 64\n");
        assertThat(
                        annotate(
                                Map.of("GITHUB_ACTIONS", "true"),
                                "nixship.lock: not found; create it with `nixship lock`"))
                .isEqualTo("::error::nixship.lock: not found; create it with `nixship lock`\n");
    }

    @Test
    void secretsFromTheEnvironmentAreMaskedAndNothingIsAnnotatedOutsideActions() {
        Map<String, String> env =
                Map.of(
                        "GITHUB_ACTIONS",
                        "true",
                        "GITHUB_TOKEN",
                        "ghs_secret",
                        "INPUT_REGISTRY-PASSWORD",
                        "pw-secret");

        assertThat(annotate(env, "push refused for ghs_secret / pw-secret"))
                .isEqualTo("::error::push refused for *** / ***\n");
        assertThat(annotate(Map.of(), "default.nix:3:1: Nix evaluation failed: boom")).isEmpty();
    }
}
