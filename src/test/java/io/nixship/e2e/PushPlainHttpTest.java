package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.push;
import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain HTTP only for loopback registries and {@code --insecure-registry} hosts: anything else is
 * refused, or spoken to over TLS only, and the error says what to do. {@code registry.invalid}
 * never resolves (RFC 2606), so none of these needs a network.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("nix")
class PushPlainHttpTest {
    private Path root;
    private ExampleProject project;

    @BeforeAll
    void createProject(@TempDir Path dir) {
        root = dir;
        project = ExampleProject.create(root.resolve("project"), Revision.REV1);
    }

    @Test
    void explicitHttpToANonLoopbackHostIsRefusedBeforeAnyRequestOrBuild() {
        Path home = root.resolve("home-refused");
        CliRun.Result result =
                CliRun.offline(root, home)
                        .run(
                                "build",
                                "--dir",
                                project.dir().toString(),
                                "--to",
                                "http://registry.invalid:5000/acme/imgproxy-lite");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines().toList())
                .singleElement()
                .satisfies(
                        line ->
                                assertThat(line)
                                        .startsWith(
                                                "nixship: error: --to http://registry.invalid:5000/acme/imgproxy-lite: plain HTTP is allowed only")
                                        .endsWith(
                                                "pass --insecure-registry registry.invalid:5000 if this registry has no TLS"));
        assertThat(Files.exists(home.resolve(".cache/nixship"))).isFalse();
    }

    @Test
    void aNonLoopbackHostWithoutTheFlagIsTriedOverHttpsOnlyAndAnUnknownNameSaysSo() {
        CliRun.Result result =
                CliRun.offline(root, root.resolve("home-unresolved"))
                        .run(
                                "build",
                                "--dir",
                                project.dir().toString(),
                                "--to",
                                "registry.invalid:5000/acme/imgproxy-lite");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().lines().toList())
                .singleElement()
                .isEqualTo(
                        "nixship: error: registry registry.invalid:5000: cannot resolve host registry.invalid (GET /v2/);"
                                + " check the registry in --to");
    }

    @Test
    void aPlainHttpRegistryAtANonLoopbackAddressGetsOnlyATlsHandshakeUntilNamedInsecure() {
        try (RegistryServer registry = RegistryServer.start()) {
            // 0.0.0.0 reaches the local listener but is not a loopback address, so nixship must
            // insist on TLS.
            String host = "0.0.0.0:" + registry.port();
            CliRun cli = CliRun.offline(root, root.resolve("home-" + registry.port()));
            int mark = PushFixtures.mark(registry);

            CliRun.Result refused =
                    cli.run(
                            "build",
                            "--dir",
                            project.dir().toString(),
                            "--to",
                            host + "/acme/imgproxy-lite");

            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err().lines().toList())
                    .singleElement()
                    .satisfies(
                            line ->
                                    assertThat(line)
                                            .startsWith(
                                                    "nixship: error: registry "
                                                            + host
                                                            + ": TLS handshake failed")
                                            .endsWith("pass --insecure-registry " + host));
            assertThat(registry.requests()).hasSize(mark);

            CliRun.Result allowed =
                    push(
                            cli,
                            project,
                            "http://" + host + "/acme/imgproxy-lite",
                            "--insecure-registry",
                            host);

            assertThat(allowed.out())
                    .startsWith(
                            host
                                    + "/acme/imgproxy-lite:git-"
                                    + project.head().substring(0, 7)
                                    + "@sha256:");
            assertThat(registry.completedBlobUploads()).isPositive();
        }
    }

    @Test
    void explicitHttpToALoopbackRegistryIsAllowedWithoutTheFlag() {
        try (RegistryServer registry = RegistryServer.start()) {
            CliRun cli = CliRun.offline(root, root.resolve("home-" + registry.port()));

            CliRun.Result result =
                    push(cli, project, "http://" + registry.host() + "/acme/imgproxy-lite");

            assertThat(result.out()).startsWith(registry.host() + "/acme/imgproxy-lite:git-");
        }
    }
}
