package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.json;
import static io.nixship.e2e.PushFixtures.push;
import static io.nixship.e2e.PushFixtures.rawManifest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry process dies during {@code nixship build --to}: killed with SIGKILL once the first
 * blob is in. Restarted, the retries finish the push; left down, the push fails in one line and no
 * tag exists, so nothing points at a manifest with missing blobs, and the error starts on its own
 * line after the progress drawn on a terminal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("nix")
class PushFaultTest {
    private Path root;
    private ExampleProject project;

    @BeforeAll
    void createProject(@TempDir Path dir) {
        root = dir;
        project = ExampleProject.create(root.resolve("project"), Revision.REV1);
    }

    @Test
    void registryKilledMidPushAndRestartedTheRetriesCompleteIt() throws Exception {
        try (RegistryServer registry = RegistryServer.start()) {
            CliRun cli = CliRun.offline(root, root.resolve("home-" + registry.port()));
            String repository = registry.host() + "/acme/imgproxy-lite";

            CompletableFuture<CliRun.Result> run =
                    CompletableFuture.supplyAsync(
                            () ->
                                    cli.run(
                                            "build",
                                            "--dir",
                                            project.dir().toString(),
                                            "--to",
                                            repository,
                                            "--jobs",
                                            "1",
                                            "--json"));
            killAfterFirstUpload(registry, run);
            registry.restart();
            CliRun.Result result = run.get(5, TimeUnit.MINUTES);

            assertThat(result.exitCode()).as(result.err()).isZero();
            JsonNode pushed = json(result.out());
            JsonNode manifest = rawManifest(repository + ":" + pushed.path("tag").asText());
            assertThat(manifest.path("layers"))
                    .hasSize(pushed.path("layers").path("total").asInt());
            PushFixtures.skopeo(
                    "copy",
                    "--src-tls-verify=false",
                    "docker://" + repository + ":" + pushed.path("tag").asText(),
                    "oci:" + root.resolve("copied-" + registry.port()) + ":copied");
            JsonNode again = json(push(cli, project, repository, "--json").out());
            assertThat(again.path("layers").path("uploaded").asInt()).isZero();
            assertThat(again.path("digest").asText()).isEqualTo(pushed.path("digest").asText());
        }
    }

    @Test
    void registryKilledMidPushAndLeftDownFailsInOneLineAndNoTagExists() throws Exception {
        try (RegistryServer registry = RegistryServer.start()) {
            CliRun cli = CliRun.offline(root, root.resolve("home-" + registry.port()));
            String repository = registry.host() + "/acme/imgproxy-lite";

            CompletableFuture<CliRun.Result> run =
                    CompletableFuture.supplyAsync(
                            () ->
                                    cli.interactive(true)
                                            .run(
                                                    "build",
                                                    "--dir",
                                                    project.dir().toString(),
                                                    "--to",
                                                    repository,
                                                    "--jobs",
                                                    "1"));
            killAfterFirstUpload(registry, run);
            CliRun.Result result = run.get(5, TimeUnit.MINUTES);
            registry.restart();

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out()).isEmpty();
            // The progress line drawn on the terminal is ended before the error.
            assertThat(result.err()).contains("\rpushing: ").contains("\nnixship: error:");
            assertThat(
                            result.err()
                                    .lines()
                                    .filter(line -> line.startsWith("nixship: error:"))
                                    .toList())
                    .singleElement()
                    .satisfies(
                            line ->
                                    assertThat(line)
                                            .startsWith(
                                                    "nixship: error: registry "
                                                            + registry.host()
                                                            + ": ")
                                            .containsPattern(
                                                    "failed after [0-9]+ attempts: ConnectException \\(.+\\)$"));
            String tag = "git-" + project.head().substring(0, 7);
            HttpResponse<Void> manifest =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            registry.url()
                                                                    + "/v2/acme/imgproxy-lite/manifests/"
                                                                    + tag))
                                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding());
            assertThat(manifest.statusCode()).isEqualTo(404);
            assertThat(registry.requests())
                    .noneMatch(r -> r.method().equals("PUT") && r.path().contains("/manifests/"));
        }
    }

    /** Waits until the registry has taken a whole blob from this push, then kills it. */
    private static void killAfterFirstUpload(
            RegistryServer registry, CompletableFuture<CliRun.Result> run)
            throws InterruptedException {
        while (registry.requestsSoFar().stream()
                .noneMatch(
                        r ->
                                r.method().equals("PUT")
                                        && r.path().contains("/blobs/uploads/")
                                        && r.status() == 201)) {
            assertThat(run).as("the push ended before the first upload was seen").isNotDone();
            Thread.sleep(10);
        }
        registry.kill();
    }
}
