package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.e2e.BuildLayout.BuildBundle;
import io.nixship.image.ImageLabels;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNix;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example project built at a commit into a real OCI layout, then checked with the tools a
 * person would use: umoci, a chroot, pip, nix-shell, skopeo and an HTTP request. One build is
 * shared by the class; tests that need another build make their own project and output directories.
 */
@Tag("nix")
class BuildEndToEndTest {
    /** The example's app file, as committed by {@link ExampleProject}. */
    private static final Path APP_PY = ExampleProject.SOURCE.resolve("app.py");

    @TempDir static Path shared;

    private static String commit;
    private static Path projectDir;
    private static BuildLayout layout;
    private static BuildBundle bundle;
    private static String chrootFreeze;
    private static Instant firstBuildFinished;

    @BeforeAll
    static void buildTheExampleAtItsCommitAndUnpackIt() {
        ExampleProject project = ExampleProject.create(shared.resolve("project"), Revision.REV1);
        projectDir = project.dir();
        commit = project.head();
        layout =
                build(
                        sharedCli(),
                        "--dir",
                        projectDir.toString(),
                        "--commit",
                        commit,
                        "--to",
                        "oci:" + shared.resolve("images/main"));
        firstBuildFinished = Instant.now();
        bundle = layout.unpack(shared.resolve("bundle"));
        chrootFreeze = pipFreezeIn(bundle);
    }

    @Test
    void pipFreezeInTheImageIsExactlyTheFreezeRecordedInItsLabel() {
        CliRun.Result freeze = sharedCli().run("freeze", "--image", layout.reference());

        assertThat(freeze.exitCode()).as(freeze.err()).isZero();
        assertThat(chrootFreeze)
                .contains("Flask==2.2.2\n", "requests==2.28.1\n", "waitress==")
                .doesNotContain("pip==");
        assertThat(freeze.out()).isEqualTo(chrootFreeze);
        assertThat(
                        layout.config()
                                .path("config")
                                .path("Labels")
                                .path(ImageLabels.FREEZE_LABEL)
                                .asText())
                .isEqualTo(chrootFreeze);
    }

    @Test
    void pipFreezeInTheImageIsExactlyWhatNixShellPrintsWithTheSameLock() {
        // --pure: the dev shell's own python answers, never one from the host's PATH.
        List<String> command =
                List.of(
                        TestNix.program("nix-shell"),
                        "--pure",
                        "--option",
                        "substituters",
                        "",
                        "--run",
                        "python3 -m pip freeze");
        BuildHostCommands.Output shell =
                BuildHostCommands.run(
                        command,
                        Map.of(
                                "PATH",
                                BuildHostCommands.HOST_PATH,
                                "HOME",
                                shared.resolve("home").toString(),
                                "NIX_PATH",
                                TestNixpkgs.get().nixPath(Revision.REV1),
                                "NIX_CONFIG",
                                "substituters ="),
                        Optional.of(projectDir));

        assertThat(shell.checked(command)).isEqualTo(chrootFreeze);
    }

    @Test
    void pipFreezeInTheImageIsExactlyWhatFreezeShellPrints() {
        CliRun.Result freeze = sharedCli().run("freeze", "--shell", projectDir.toString());

        assertThat(freeze.exitCode()).as(freeze.err()).isZero();
        assertThat(freeze.out()).isEqualTo(chrootFreeze);
    }

    @Test
    void theImagesCommandServesHttpOnLoopbackFromItsWorkingDirectory() throws Exception {
        assertThat(bundle.args()).containsExactly("python3", "app.py", "--serve");
        assertThat(bundle.workingDir()).isEqualTo("/opt");
        int port = freePort();
        List<String> command = new ArrayList<>(bundle.args());
        command.addAll(List.of("--port", Integer.toString(port)));

        Process app = bundle.start(command);
        try {
            HttpResponse<String> response =
                    getWhenListening(app, URI.create("http://127.0.0.1:" + port + "/healthz"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("ok\n");
        } finally {
            stop(app);
        }
    }

    @Test
    void skopeoReadsTheLayoutWithOurDigestAndLabels() {
        JsonNode inspected =
                BuildLayout.json(BuildHostCommands.check("skopeo", "inspect", layout.reference()));

        assertThat(inspected.path("Digest").asText()).isEqualTo(layout.manifestDigest());
        assertThat(inspected.path("Layers")).hasSize(layout.layerDigests().size());
        assertThat(inspected.path("Labels").path(ImageLabels.FREEZE_LABEL).asText())
                .isEqualTo(chrootFreeze);
        assertThat(inspected.path("Labels").path("org.opencontainers.image.revision").asText())
                .isEqualTo(commit);
    }

    @Test
    void skopeoCopiesTheLayoutIntoADockerArchiveItCanReadBack(@TempDir Path dir) {
        Path archive = dir.resolve("copied.tar");

        BuildHostCommands.check(
                "skopeo",
                "--insecure-policy",
                "copy",
                "-q",
                layout.reference(),
                "docker-archive:" + archive);
        JsonNode inspected =
                BuildLayout.json(
                        BuildHostCommands.check("skopeo", "inspect", "docker-archive:" + archive));

        assertThat(inspected.path("Layers")).hasSize(layout.layerDigests().size());
        assertThat(inspected.path("Labels").path(ImageLabels.FREEZE_LABEL).asText())
                .isEqualTo(chrootFreeze);
    }

    @Test
    void aDockerArchiveDestinationIsReadBySkopeo(@TempDir Path dir) {
        Path archive = dir.resolve("image.tar");

        CliRun.Result result =
                sharedCli()
                        .run(
                                "build",
                                "--dir",
                                projectDir.toString(),
                                "--commit",
                                commit,
                                "--to",
                                "docker-archive:" + archive);
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().strip()).isEqualTo("docker-archive:" + archive);
        JsonNode inspected =
                BuildLayout.json(
                        BuildHostCommands.check("skopeo", "inspect", "docker-archive:" + archive));

        assertThat(inspected.path("Layers")).hasSize(layout.layerDigests().size());
        assertThat(inspected.path("Labels").path(ImageLabels.FREEZE_LABEL).asText())
                .isEqualTo(chrootFreeze);
        assertThat(inspected.path("Labels").path("org.opencontainers.image.revision").asText())
                .isEqualTo(commit);
    }

    @Test
    void twoBuildsOfTheSameCommitFromDifferentClonesCachesAndTimesGiveTheSameDigest(
            @TempDir Path dir) throws Exception {
        ExampleProject clone = ExampleProject.create(dir.resolve("clone"), Revision.REV1);
        assertThat(clone.head()).isEqualTo(commit);
        touchEverything(clone.dir(), Instant.now().plus(Duration.ofHours(1)));
        waitUntilAfter(firstBuildFinished.plusSeconds(1));

        CliRun elsewhere = CliRun.offline(dir, dir.resolve("another-home"));
        BuildLayout again =
                build(
                        elsewhere,
                        "--dir",
                        clone.dir().toString(),
                        "--commit",
                        commit,
                        "--to",
                        "oci:" + dir.resolve("image"));

        assertThat(again.manifestDigest()).isEqualTo(layout.manifestDigest());
        assertThat(blobNames(again)).isEqualTo(blobNames(layout));
    }

    @Test
    void aCommitThatChangesOnlyAppPyChangesOnlyTheAppLayer(@TempDir Path dir) throws IOException {
        ExampleProject project = ExampleProject.create(dir.resolve("project"), Revision.REV1);
        assertThat(project.head()).isEqualTo(commit);
        project.write("app.py", Files.readString(APP_PY) + "\n# a change to the app only\n");
        String changed = project.commitAll("touch the app only");

        BuildLayout next =
                build(
                        sharedCli(),
                        "--dir",
                        project.dir().toString(),
                        "--commit",
                        changed,
                        "--to",
                        "oci:" + dir.resolve("image"));

        List<String> before = layout.layerDigests();
        List<String> after = next.layerDigests();
        assertThat(after).hasSameSizeAs(before);
        assertThat(after.subList(0, after.size() - 1))
                .isEqualTo(before.subList(0, before.size() - 1));
        assertThat(after.get(after.size() - 1)).isNotEqualTo(before.get(before.size() - 1));
        assertThat(next.layerFiles(after.get(after.size() - 1)).get("opt/app.py"))
                .asString(StandardCharsets.UTF_8)
                .endsWith("# a change to the app only\n");
    }

    @Test
    void uncommittedEditsDoNotReachAnImageBuiltAtHead(@TempDir Path dir) throws IOException {
        ExampleProject project = ExampleProject.create(dir.resolve("project"), Revision.REV1);
        project.write("app.py", Files.readString(APP_PY) + "\n# UNCOMMITTED EDIT\n");
        project.write("default.nix", "this is not Nix {");

        BuildLayout image =
                build(
                        sharedCli(),
                        "--dir",
                        project.dir().toString(),
                        "--commit",
                        "HEAD",
                        "--to",
                        "oci:" + dir.resolve("image"));

        List<String> layers = image.layerDigests();
        byte[] appInImage = image.layerFiles(layers.get(layers.size() - 1)).get("opt/app.py");
        assertThat(appInImage).isEqualTo(Files.readAllBytes(APP_PY));
        assertThat(image.manifestDigest()).isEqualTo(layout.manifestDigest());
    }

    @Test
    void maxLayersCapsTheLayerCountAndTheImageStillHasTheSameFreeze(@TempDir Path dir) {
        BuildLayout capped =
                build(
                        sharedCli(),
                        "--dir",
                        projectDir.toString(),
                        "--commit",
                        commit,
                        "--max-layers",
                        "10",
                        "--to",
                        "oci:" + dir.resolve("image"));

        assertThat(layout.layerDigests()).hasSizeGreaterThan(10);
        assertThat(capped.layerDigests()).hasSizeBetween(2, 10);
        assertThat(pipFreezeIn(capped.unpack(dir.resolve("bundle")))).isEqualTo(chrootFreeze);
    }

    @Test
    void jsonOutputParsesAndCarriesTheDigestTagAndLayers(@TempDir Path dir) {
        CliRun.Result result =
                sharedCli()
                        .run(
                                "build",
                                "--json",
                                "--dir",
                                projectDir.toString(),
                                "--commit",
                                commit,
                                "--to",
                                "oci:" + dir.resolve("image"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = BuildLayout.json(result.out());
        assertThat(json.path("digest").asText()).isEqualTo(layout.manifestDigest());
        assertThat(json.path("tag").asText())
                .isEqualTo("git-" + commit.substring(0, 7))
                .isEqualTo(layout.tag());
        assertThat(json.path("layers").path("total").asInt())
                .isEqualTo(layout.layerDigests().size());
        assertThat(json.path("commit").asText()).isEqualTo(commit);
        assertThat(json.path("freeze").asText()).isEqualTo(chrootFreeze);
    }

    /** The CLI with the class's shared home (and so its warm layer cache). */
    private static CliRun sharedCli() {
        return CliRun.offline(shared, shared.resolve("home"));
    }

    private static BuildLayout build(CliRun cli, String... args) {
        List<String> argv = new ArrayList<>(List.of("build"));
        argv.addAll(List.of(args));
        CliRun.Result result = cli.run(argv.toArray(String[]::new));
        assertThat(result.exitCode()).as("nixship build failed:\n%s", result.err()).isZero();
        return BuildLayout.fromReference(result.out());
    }

    private static String pipFreezeIn(BuildBundle unpacked) {
        return unpacked.chroot("python3", "-m", "pip", "freeze")
                .checked(List.of("chroot", "python3", "-m", "pip", "freeze"));
    }

    private static List<String> blobNames(BuildLayout image) throws IOException {
        try (Stream<Path> blobs = Files.list(image.directory().resolve("blobs/sha256"))) {
            return blobs.map(blob -> blob.getFileName().toString()).sorted().toList();
        }
    }

    private static void touchEverything(Path dir, Instant time) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, FileTime.from(time));
            }
        }
    }

    /** The second build must start at another wall-clock second than the first finished. */
    private static void waitUntilAfter(Instant instant) throws InterruptedException {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** GETs {@code uri} once the app accepts connections; fails if the app exits first. */
    private static HttpResponse<String> getWhenListening(Process app, URI uri) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            try {
                return client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException notYet) {
                if (!app.isAlive()) {
                    throw new AssertionError(
                            "the app exited "
                                    + app.exitValue()
                                    + ":\n"
                                    + new String(
                                            app.getInputStream().readAllBytes(),
                                            StandardCharsets.UTF_8));
                }
                if (Instant.now().isAfter(giveUp)) {
                    throw new AssertionError("the app never listened on " + uri, notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void stop(Process app) throws InterruptedException {
        app.destroy();
        if (!app.waitFor(10, TimeUnit.SECONDS)) {
            app.destroyForcibly().waitFor();
        }
    }
}
