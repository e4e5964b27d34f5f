package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.push;
import static io.nixship.e2e.PushFixtures.skopeo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushing the example through the CLI to a registry behind htpasswd (bcrypt) Basic auth:
 * credentials from standard input and from {@code ~/.docker/config.json}, a wrong password, and the
 * secret's absence from everything printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("nix")
class PushAuthTest {
    private static final String USER = "pusher";
    private static final String SECRET = "s3cret-Pa55-for-nixship-e2e";

    private Path root;
    private ExampleProject project;
    private RegistryServer registry;
    private Path home;

    @BeforeAll
    void createProject(@TempDir Path dir) {
        root = dir;
        project = ExampleProject.create(root.resolve("project"), Revision.REV1);
    }

    @BeforeEach
    void startRegistry() {
        registry = RegistryServer.startWithBasicAuth(USER, SECRET);
        home = root.resolve("home-" + registry.port());
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void passwordFromStandardInputPushesAndNeverShows() {
        CliRun cli = CliRun.offline(root, home).stdin(SECRET + "\n");

        CliRun.Result result =
                push(
                        cli,
                        project,
                        registry.host() + "/acme/imgproxy-lite",
                        "--registry-username",
                        USER,
                        "--registry-password-stdin");

        String digest = result.out().strip().substring(result.out().indexOf('@') + 1);
        assertThat(pushedDigest("acme/imgproxy-lite:git-" + project.head().substring(0, 7)))
                .isEqualTo(digest);
        assertThat(result.all()).doesNotContain(SECRET).doesNotContain(basicToken());
        assertThat(registry.logText()).doesNotContain(SECRET);
    }

    @Test
    void wrongPasswordFailsAtOnceWithOneLineNaming401AndNoRetry() {
        int mark = PushFixtures.mark(registry);
        CliRun cli = CliRun.offline(root, home).stdin("not-the-password\n");

        CliRun.Result result =
                cli.run(
                        "build",
                        "--dir",
                        project.dir().toString(),
                        "--to",
                        registry.host() + "/acme/imgproxy-lite",
                        "--registry-username",
                        USER,
                        "--registry-password-stdin");

        List<RegistryServer.LoggedRequest> sent =
                registry.requests().subList(mark, registry.requests().size());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines().toList())
                .singleElement()
                .satisfies(
                        line ->
                                assertThat(line)
                                        .startsWith(
                                                "nixship: error: registry "
                                                        + registry.host()
                                                        + ": ")
                                        .contains("401")
                                        .doesNotContain("not-the-password"));
        // One anonymous try that draws the challenge, one with the credentials; never a retry,
        // never a build.
        assertThat(sent)
                .extracting(
                        RegistryServer.LoggedRequest::method,
                        RegistryServer.LoggedRequest::path,
                        RegistryServer.LoggedRequest::status)
                .containsExactly(tuple("GET", "/v2/", 401), tuple("GET", "/v2/", 401));
        assertThat(Files.exists(home.resolve(".cache/nixship/blobs"))).isFalse();
    }

    @Test
    void credentialsFromDockerConfigAuthsPush() throws IOException {
        writeDockerConfig();
        CliRun cli = CliRun.offline(root, home);

        CliRun.Result result = push(cli, project, registry.host() + "/acme/imgproxy-lite");

        String digest = result.out().strip().substring(result.out().indexOf('@') + 1);
        assertThat(pushedDigest("acme/imgproxy-lite:git-" + project.head().substring(0, 7)))
                .isEqualTo(digest);
        assertThat(result.all()).doesNotContain(SECRET).doesNotContain(basicToken());
    }

    @Test
    void inGitHubActionsTheSecretAppearsOnlyInAddMaskLinesAndNeverInOutputFiles()
            throws IOException {
        Path outputs = Files.createFile(root.resolve("github-output-" + registry.port()));
        Path summary = Files.createFile(root.resolve("github-summary-" + registry.port()));
        writeDockerConfig();
        CliRun fromConfig = actions(CliRun.offline(root, home), outputs, summary);
        CliRun fromStdin = actions(CliRun.offline(root, home), outputs, summary).stdin(SECRET);

        CliRun.Result first =
                push(fromConfig, project, registry.host() + "/acme/imgproxy-lite", "--json");
        CliRun.Result second =
                push(
                        fromStdin,
                        project,
                        registry.host() + "/acme/other",
                        "--registry-username",
                        USER,
                        "--registry-password-stdin");

        for (CliRun.Result result : List.of(first, second)) {
            assertThat(result.out()).doesNotContain(SECRET);
            assertThat(result.err().lines().filter(line -> line.contains(SECRET)).toList())
                    .containsExactly("::add-mask::" + SECRET);
            assertThat(result.all()).doesNotContain(basicToken());
        }
        assertThat(Files.readString(outputs)).contains("digest").doesNotContain(SECRET);
        assertThat(Files.readString(summary)).contains("nixship").doesNotContain(SECRET);
    }

    @Test
    void credentialHelperIsAskedOnceWithTheHostOnStdinAndItsSecretIsMasked() throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin-" + registry.port()));
        Path calls = bin.resolve("calls");
        Path helper = bin.resolve("docker-credential-nixshiptest");
        Files.writeString(
                helper,
                String.join(
                        "\n",
                        "#!/bin/sh",
                        "echo \"$*\" >> " + calls,
                        "read host",
                        "echo \"stdin $host\" >> " + calls,
                        "printf '{\"ServerURL\":\"%s\",\"Username\":\""
                                + USER
                                + "\",\"Secret\":\""
                                + SECRET
                                + "\"}' \"$host\"",
                        ""));
        helper.toFile().setExecutable(true);
        Path config = home.resolve(".docker/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(
                config, "{\"credHelpers\": {\"" + registry.host() + "\": \"nixshiptest\"}}\n");
        CliRun cli = CliRun.offline(root, home).env("GITHUB_ACTIONS", "true");
        cli.env("PATH", bin + ":" + cli.environment().get("PATH"));

        CliRun.Result result = push(cli, project, registry.host() + "/acme/imgproxy-lite");

        assertThat(Files.readAllLines(calls)).containsExactly("get", "stdin " + registry.host());
        assertThat(result.out())
                .startsWith(registry.host() + "/acme/imgproxy-lite:git-")
                .doesNotContain(SECRET);
        assertThat(result.err().lines().filter(line -> line.contains(SECRET)).toList())
                .containsExactly("::add-mask::" + SECRET);
    }

    private static CliRun actions(CliRun cli, Path outputs, Path summary) {
        return cli.env("GITHUB_ACTIONS", "true")
                .env("GITHUB_OUTPUT", outputs.toString())
                .env("GITHUB_STEP_SUMMARY", summary.toString());
    }

    private void writeDockerConfig() throws IOException {
        Path config = home.resolve(".docker/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(
                config,
                "{\"auths\": {\""
                        + registry.host()
                        + "\": {\"auth\": \""
                        + basicToken()
                        + "\"}}}\n");
    }

    private static String basicToken() {
        return Base64.getEncoder()
                .encodeToString((USER + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
    }

    private String pushedDigest(String repositoryAndTag) {
        return PushFixtures.json(
                        skopeo(
                                "inspect",
                                "--tls-verify=false",
                                "--creds",
                                USER + ":" + SECRET,
                                "docker://" + registry.host() + "/" + repositoryAndTag))
                .path("Digest")
                .asText();
    }
}
