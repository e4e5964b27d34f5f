package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.config.NixpkgsLock;
import io.nixship.image.ImageLabels;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.LauncherRun;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local subcommands through {@code ./nixship}, the packaged jar as a user runs it: the example
 * built into an OCI layout and pushed to a real registry (once, for the class), then read back by
 * freeze, diff and verify; bump and lock on their own files.
 */
class PackagedCommandsIT {
    @TempDir static Path temp;
    static RegistryServer registry;
    static ExampleProject project;
    static CliRun.Result builtLayout;
    static CliRun.Result pushed;

    @BeforeAll
    static void buildTheExampleIntoALayoutAndARegistry() throws IOException {
        registry = RegistryServer.start();
        project = ExampleProject.create(temp.resolve("project"), Revision.REV1);
        project.write(
                ".nixship.yaml",
                Files.readString(project.dir().resolve(".nixship.yaml"))
                        .replace(
                                "registry.example.com/acme/imgproxy-lite",
                                registry.host() + "/acme/app"));
        project.commitAll("build for the test registry");
        builtLayout = launch("build", "--to", "oci:" + temp.resolve("layout"));
        pushed = launch("build", "--to", registry.host() + "/acme/app:rev1");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static CliRun.Result launch(String... args) {
        return new LauncherRun(CliRun.offline(project.dir(), temp.resolve("home"))).run(args);
    }

    @Test
    void buildWritesAnOciLayoutAndPrintsItsReference() {
        PackagedRuns.assertSucceeded(builtLayout);
        BuildLayout layout = BuildLayout.fromReference(builtLayout.out());
        assertThat(builtLayout.out()).isEqualTo(layout.reference() + "\n");
        assertThat(
                        layout.config()
                                .path("config")
                                .path("Labels")
                                .path(ImageLabels.FREEZE_LABEL)
                                .asText())
                .contains("requests==2.28.1\n", "Flask==2.2.2\n");
    }

    @Test
    void buildPushesToTheRegistryAndPrintsTheImageByDigest() {
        PackagedRuns.assertSucceeded(pushed);
        assertThat(pushed.out())
                .matches(
                        Pattern.quote(registry.host() + "/acme/app:rev1@")
                                + "sha256:[0-9a-f]{64}\n");
        assertThat(registry.requests())
                .anyMatch(
                        r ->
                                r.method().equals("PUT")
                                        && r.path().equals("/v2/acme/app/manifests/rev1")
                                        && r.status() == 201);
    }

    @Test
    void freezePrintsTheFreezeTheLayoutRecordsWhichIsTheDevShells() {
        BuildLayout layout = BuildLayout.fromReference(builtLayout.out());

        CliRun.Result fromLayout = launch("freeze", "--image", layout.reference());
        CliRun.Result fromShell = launch("freeze", "--shell", ".");

        PackagedRuns.assertSucceeded(fromLayout);
        PackagedRuns.assertSucceeded(fromShell);
        assertThat(fromLayout.out())
                .isEqualTo(
                        layout.config()
                                .path("config")
                                .path("Labels")
                                .path(ImageLabels.FREEZE_LABEL)
                                .asText())
                .contains("requests==2.28.1\n");
        assertThat(fromShell.out()).isEqualTo(fromLayout.out());
    }

    @Test
    void diffAgainstTheRev2LockListsItsChangesAndExitCodeMakesThemFail() throws IOException {
        Path candidate = Files.createDirectories(temp.resolve("rev2-lock")).resolve("nixship.lock");
        Files.writeString(candidate, TestNixpkgs.get().lockYaml(Revision.REV2));

        CliRun.Result result =
                launch(
                        "diff",
                        BuildLayout.fromReference(builtLayout.out()).reference(),
                        "lock:" + candidate,
                        "--format",
                        "markdown",
                        "--exit-code");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        PackagedRuns.assertQuietJvm(result);
        assertThat(result.out())
                .contains("| `requests` | `2.28.1` | `2.31.0` | ⬆️ upgraded |")
                .contains("| `python-dotenv` | — | `0.21.0` | ➕ added |")
                .contains("| `olefile` | `0.46` | — | ➖ removed |");
    }

    @Test
    void verifyFindsTheDevShellMatchesThePushedImage() {
        CliRun.Result result = launch("verify", "--image", "docker://" + pushed.out().strip());

        PackagedRuns.assertSucceeded(result);
        assertThat(result.out()).startsWith("match: nix-shell in " + project.dir());
    }

    @Test
    void bumpPointsAManifestAtThePushedImageAndThenCheckPasses() throws IOException {
        Path manifests = Files.createDirectories(temp.resolve("bump"));
        String pod =
                "kind: Pod\nspec:\n  containers:\n  - image: "
                        + registry.host()
                        + "/acme/app:old # app\n";
        Files.writeString(manifests.resolve("pod.yaml"), pod);
        String image = pushed.out().strip();
        CliRun bump = CliRun.offline(manifests, temp.resolve("home"));

        CliRun.Result bumped =
                new LauncherRun(bump).run("bump", "--image", image, "--manifests", "pod.yaml");
        CliRun.Result checked =
                new LauncherRun(bump)
                        .run("bump", "--image", image, "--manifests", "pod.yaml", "--check");

        PackagedRuns.assertSucceeded(bumped);
        assertThat(bumped.out())
                .startsWith("--- a/pod.yaml\n+++ b/pod.yaml\n")
                .contains("+  - image: " + image + " # app\n");
        assertThat(Files.readString(manifests.resolve("pod.yaml")))
                .isEqualTo(pod.replace(registry.host() + "/acme/app:old", image));
        PackagedRuns.assertSucceeded(checked);
    }

    @Test
    void lockPinsTheChannelsCurrentReleaseWithItsHash() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("lock"));
        try (ChannelServer channels = ChannelServer.start()) {
            channels.publish(TestNixpkgs.CHANNEL, Revision.REV1);

            CliRun.Result result =
                    new LauncherRun(CliRun.offline(dir, temp.resolve("home")))
                            .run(
                                    "lock",
                                    "--channel-url=" + channels.url(),
                                    "--github-url=" + channels.url(),
                                    "--channel",
                                    TestNixpkgs.CHANNEL);

            PackagedRuns.assertSucceeded(result);
            assertThat(result.err()).contains("nixship.lock created");
            NixpkgsLock lock =
                    NixpkgsLock.parse(
                            Files.readAllBytes(dir.resolve(NixpkgsLock.FILE_NAME)), "nixship.lock");
            assertThat(lock.revision()).contains(Revision.REV1.gitRevision());
            assertThat(lock.url())
                    .isEqualTo(channels.tarballUrl(TestNixpkgs.CHANNEL, Revision.REV1));
            assertThat(lock.sha256().base32()).isEqualTo(TestNixpkgs.get().sha256(Revision.REV1));
        }
    }
}
