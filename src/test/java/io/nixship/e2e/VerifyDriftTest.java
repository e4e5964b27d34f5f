package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship verify}: the developer's nix-shell against the deployed image and a running
 * Deployment.
 */
@Tag("nix")
class VerifyDriftTest {
    @TempDir static Path temp;
    static RegistryServer registry;
    static ExampleProject project;
    static String shellFreeze;

    @BeforeAll
    static void deployRev1() throws IOException {
        registry = RegistryServer.start();
        project = ExampleProject.create(temp.resolve("project"), Revision.REV1);
        project.write(
                ".nixship.yaml",
                Files.readString(project.dir().resolve(".nixship.yaml"))
                        .replace(
                                "registry.example.com/acme/imgproxy-lite",
                                registry.host() + "/acme/app"));
        project.write(
                "k8s/deployment.yaml",
                Files.readString(project.dir().resolve("k8s/deployment.yaml"))
                        .replace(
                                "registry.example.com/acme/imgproxy-lite:git-0000000",
                                registry.host() + "/acme/app:rev1"));
        project.commitAll("deploy rev1");
        CliRun.Result pushed = cli().run("build", "--to", registry.host() + "/acme/app:rev1");
        assertThat(pushed.exitCode()).as(pushed.err()).isZero();
        CliRun.Result freeze = cli().run("freeze", "--shell", ".");
        assertThat(freeze.exitCode()).as(freeze.err()).isZero();
        shellFreeze = freeze.out();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @AfterEach
    void backToRev1() {
        project.pin(Revision.REV1);
    }

    static CliRun cli() {
        return CliRun.offline(project.dir(), temp.resolve("home"));
    }

    /** A kubectl that records its argv and prints {@code freeze} as pip freeze would. */
    static Path fakeKubectl(String name, String freeze) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        Files.writeString(dir.resolve("freeze.txt"), freeze);
        Path script = dir.resolve("kubectl");
        Files.writeString(
                script,
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '"
                        + dir.resolve("argv")
                        + "'\ncat '"
                        + dir.resolve("freeze.txt")
                        + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void theShellMatchesTheImageTheManifestsReference() {
        CliRun.Result result = cli().run("verify");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .startsWith("match: nix-shell in " + project.dir())
                .contains("vs " + registry.host() + "/acme/app:rev1 (+)");
    }

    @Test
    void aLockChangeInTheWorkingTreeIsDriftWithTheDiff() throws IOException {
        project.pin(Revision.REV2);
        Path actions = Files.createDirectories(temp.resolve("actions"));

        CliRun.Result result =
                cli().env("GITHUB_OUTPUT", actions.resolve("output").toString())
                        .env("GITHUB_STEP_SUMMARY", actions.resolve("summary.md").toString())
                        .env("RUNNER_TEMP", actions.toString())
                        .run("verify", "--image", "docker://" + registry.host() + "/acme/app:rev1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out())
                .startsWith("drift: nix-shell in ")
                .contains("-requests==2.31.0\n+requests==2.28.1")
                .contains("-python-dotenv==0.21.0")
                .contains("+olefile==0.46");
        assertThat(Files.readString(actions.resolve("summary.md")))
                .startsWith("### nixship verify: nix-shell in ")
                .contains("| `requests` | `2.31.0` | `2.28.1` | ⬇️ downgraded |");
        String outputs = Files.readString(actions.resolve("output"));
        assertThat(outputs)
                .contains("changed<<")
                .contains("\ntrue\n")
                .contains("diff-markdown-file<<")
                .contains(actions.toString() + "/nixship-diff-");
    }

    @Test
    void aRunningDeploymentIsReadThroughKubectlExec() throws IOException {
        Path kubectl = fakeKubectl("kubectl-match", shellFreeze);

        CliRun.Result result =
                cli().env("NIXSHIP_KUBECTL", kubectl.toString())
                        .run(
                                "verify",
                                "--deployment",
                                "imgproxy-lite",
                                "--namespace",
                                "shop",
                                "--context",
                                "prod");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("match: ")
                .contains("vs deploy/imgproxy-lite in shop (+)");
        assertThat(Files.readString(kubectl.resolveSibling("argv")))
                .isEqualTo(
                        String.join(
                                "\n",
                                "--context",
                                "prod",
                                "--namespace",
                                "shop",
                                "exec",
                                "deploy/imgproxy-lite",
                                "--",
                                "python3",
                                "-m",
                                "pip",
                                "freeze",
                                ""));
    }

    @Test
    void aDeploymentRunningOtherPackagesIsDrift() throws IOException {
        Path kubectl =
                fakeKubectl(
                        "kubectl-drift",
                        shellFreeze.replace("requests==2.28.1", "requests==2.27.0"));

        CliRun.Result result =
                cli().env("NIXSHIP_KUBECTL", kubectl.toString())
                        .run("verify", "--deployment", "imgproxy-lite");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out())
                .contains("match: ")
                .contains("/acme/app:rev1 (+)")
                .contains("drift: ")
                .contains("vs deploy/imgproxy-lite (+)")
                .contains("-requests==2.28.1\n+requests==2.27.0");
    }

    @Test
    void jsonSaysWhichTargetDrifted() throws IOException {
        Path kubectl = fakeKubectl("kubectl-json", shellFreeze.replace("six==1.16.0\n", ""));

        CliRun.Result result =
                cli().env("NIXSHIP_KUBECTL", kubectl.toString())
                        .run("verify", "--deployment", "imgproxy-lite", "--format", "json");

        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json).hasSize(2);
        assertThat(json.get(0).path("drift").asBoolean()).isFalse();
        assertThat(json.get(1).path("target").asText()).isEqualTo("deploy/imgproxy-lite");
        assertThat(json.get(1).path("drift").asBoolean()).isTrue();
        assertThat(json.get(1).path("diff").toString()).contains("six");
    }

    @Test
    void aDeploymentNameThatIsNotAKubernetesNameIsAUsageError() {
        CliRun.Result result = cli().run("verify", "--deployment", "--all");

        assertThat(result.exitCode()).isEqualTo(2);
    }
}
