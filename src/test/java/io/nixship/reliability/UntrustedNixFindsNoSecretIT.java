package io.nixship.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.LauncherRun;
import io.nixship.testsupport.TestNixpkgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull request's {@code default.nix} attacks the packaged CLI ({@code ./nixship}, the jar) on
 * this machine's Nix as README sets it up (single-user, root, nixbld build users, sandbox =
 * relaxed), with known secrets in the launcher's environment: during evaluation it reads the
 * environment of the process that started Nix; in a builder outside the sandbox it reads every
 * process's environment, memory and descriptor 3. Neither finds a secret: not in the output, the
 * image's layers or the log.
 */
@Tag("nix")
class UntrustedNixFindsNoSecretIT {
    static final Map<String, String> SECRETS =
            Map.of(
                    "GITHUB_TOKEN", "ghs_LOCALtoken0123456789abcdef",
                    "INPUT_GITHUB-TOKEN", "ghs_LOCALinputTOKEN0123456789",
                    "INPUT_REGISTRY-PASSWORD", "registry-LOCAL-pAssw0rd-42",
                    "ACTIONS_RUNTIME_TOKEN", "actions-RUNTIME-token-0123456789");

    @TempDir Path tmp;

    @Test
    void evaluationReadsTheEnvironmentOfTheProcessThatStartedNixAndFindsNoSecret()
            throws IOException {
        Path image = tmp.resolve("image");

        CliRun.Result result =
                launcher(project("eval-reads-environ.nix")).run("build", "--to", "oci:" + image);

        assertThat(result.exitCode()).as(result.all()).isZero();
        String report = report(image, "descriptor 3: ");
        // The attack read the JVM's environment: nixship's own variables are there, the secrets
        // not.
        assertThat(report).contains("NIXSHIP_SECRETS_FILE=/dev/fd/3\n", "descriptor 3: \n");
        assertNoSecretIn(report);
        assertNoSecretIn(result.all());
        assertNoSecretInFiles(image);
    }

    @Test
    void aBuilderOutsideTheSandboxFindsNoSecretInAnyProcess() throws IOException {
        Path image = tmp.resolve("image");

        CliRun.Result result =
                launcher(project("builder-scans-proc.nix")).run("build", "--to", "oci:" + image);

        assertThat(result.exitCode()).as(result.all()).isZero();
        String report = report(image, "scan done");
        assertThat(report).contains("builder uid ").doesNotContain("builder uid 0\n");
        assertThat(report.lines().filter(line -> line.startsWith("process ")))
                .hasSizeGreaterThan(1);
        assertThat(report.lines().filter(line -> line.matches("(environ|mem|fd3) .*")))
                .as("what the builder could open")
                .allMatch(line -> !line.endsWith(" java"));
        assertNoSecretIn(report);
        assertNoSecretIn(result.all());
        assertNoSecretInFiles(image);
    }

    /**
     * The attack as a project's committed default.nix; a nonce keeps its derivation its own, so no
     * earlier run's output is reused.
     */
    private ExampleProject project(String attack) throws IOException {
        ExampleProject project = ExampleProject.create(tmp.resolve("p"), TestNixpkgs.Revision.REV1);
        project.write("default.nix", attack(attack));
        project.write(".nixship.yaml", TinyProject.CONFIG);
        project.commitAll("attack");
        return project;
    }

    static String attack(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/attack", name))
                .replace(
                        "__noChroot = true;",
                        "__noChroot = true;\n  nonce = \"" + UUID.randomUUID() + "\";");
    }

    private LauncherRun launcher(ExampleProject project) {
        CliRun run =
                CliRun.offline(project.dir(), tmp.resolve("home"))
                        .env("INPUT_REGISTRY-USERNAME", "ci");
        for (Map.Entry<String, String> secret : SECRETS.entrySet()) {
            run = run.env(secret.getKey(), secret.getValue());
        }
        return new LauncherRun(run);
    }

    /** The attacker's report as it landed in the image: the text of the layers holding it. */
    private static String report(Path image, String mark) {
        StringBuilder text = new StringBuilder();
        for (Path blob : Blobs.filesContaining(image, mark)) {
            text.append(new String(Blobs.contentOf(blob), StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    private void assertNoSecretInFiles(Path image) {
        for (String secret : SECRETS.values()) {
            assertThat(Blobs.filesContaining(image, secret)).as(secret).isEmpty();
            assertThat(Blobs.filesContaining(tmp.resolve("home"), secret)).as(secret).isEmpty();
        }
    }

    static void assertNoSecretIn(String text) {
        List.copyOf(SECRETS.values()).forEach(secret -> assertThat(text).doesNotContain(secret));
    }
}
