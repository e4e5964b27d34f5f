package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nixship diff} between two pushed images reads manifests and configs, never a layer. */
@Tag("nix")
class DiffRegistryTest {
    @TempDir static Path temp;
    static RegistryServer registry;
    static ExampleProject project;

    @BeforeAll
    static void pushBothRevisions() {
        registry = RegistryServer.start();
        project = ExampleProject.create(temp.resolve("project"), Revision.REV1);
        push("rev1");
        project.pin(Revision.REV2);
        project.commitAll("move to rev2");
        push("rev2");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static void push(String tag) {
        CliRun.Result pushed = cli().run("build", "--to", registry.host() + "/acme/app:" + tag);
        assertThat(pushed.exitCode()).as(pushed.err()).isZero();
    }

    static CliRun cli() {
        return CliRun.offline(project.dir(), temp.resolve("home"));
    }

    @Test
    void readsOnlyManifestsAndConfigBlobs() throws Exception {
        int before = registry.requests().size();

        CliRun.Result result =
                cli().run(
                                "diff",
                                "docker://" + registry.host() + "/acme/app:rev1",
                                registry.host() + "/acme/app:rev2",
                                "--format",
                                "markdown",
                                "--exit-code");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        assertThat(result.out())
                .contains("| `requests` | `2.28.1` | `2.31.0` | ⬆️ upgraded |")
                .contains("| `python-dotenv` | — | `0.21.0` | ➕ added |")
                .contains("| `olefile` | `0.46` | — | ➖ removed |")
                .contains("**Closure:** 63 → 63 store paths")
                .contains("python3.11-python-dotenv-0.21.0");
        List<RegistryServer.LoggedRequest> diffRequests =
                registry.requests().subList(before, registry.requests().size());
        Set<String> configs = Set.of(configDigest("rev1"), configDigest("rev2"));
        List<String> blobGets =
                diffRequests.stream()
                        .filter(r -> r.method().equals("GET") && r.path().contains("/blobs/"))
                        .map(r -> r.path().substring(r.path().lastIndexOf('/') + 1))
                        .toList();
        assertThat(blobGets).containsExactlyInAnyOrderElementsOf(configs);
        assertThat(
                        diffRequests.stream()
                                .map(RegistryServer.LoggedRequest::method)
                                .collect(Collectors.toSet()))
                .containsOnly("GET");
    }

    @Test
    void aDigestPinnedReferenceIsReadByDigest() throws Exception {
        String digest = manifestDigest("rev2");

        CliRun.Result result =
                cli().run(
                                "diff",
                                registry.host() + "/acme/app:rev2@" + digest,
                                registry.host() + "/acme/app:rev2",
                                "--exit-code");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(registry.requests()).anyMatch(r -> r.path().endsWith("/manifests/" + digest));
    }

    @Test
    void aMissingTagIsAOneLineUsageError() {
        CliRun.Result result =
                cli().run(
                                "diff",
                                registry.host() + "/acme/app:nope",
                                registry.host() + "/acme/app:rev2");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("has no manifest acme/app:nope");
    }

    private static JsonNode manifest(String tag) throws IOException, InterruptedException {
        HttpResponse<byte[]> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        registry.url()
                                                                + "/v2/acme/app/manifests/"
                                                                + tag))
                                        .header(
                                                "Accept",
                                                "application/vnd.oci.image.manifest.v1+json")
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray());
        return new ObjectMapper().readTree(response.body());
    }

    private static String configDigest(String tag) throws IOException, InterruptedException {
        return manifest(tag).path("config").path("digest").asText();
    }

    private static String manifestDigest(String tag) throws IOException, InterruptedException {
        HttpResponse<Void> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        registry.url()
                                                                + "/v2/acme/app/manifests/"
                                                                + tag))
                                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                        .header(
                                                "Accept",
                                                "application/vnd.oci.image.manifest.v1+json")
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
        return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }
}
