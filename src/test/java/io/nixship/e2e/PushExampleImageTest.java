package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.blobSizes;
import static io.nixship.e2e.PushFixtures.freezeInPushedImage;
import static io.nixship.e2e.PushFixtures.inspect;
import static io.nixship.e2e.PushFixtures.json;
import static io.nixship.e2e.PushFixtures.push;
import static io.nixship.e2e.PushFixtures.rawConfig;
import static io.nixship.e2e.PushFixtures.rawManifest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship build --to REGISTRY/REPO} on the bundled example, against a real docker-registry;
 * the registry's access log and skopeo/umoci are the witnesses, not nixship's own counters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("nix")
class PushExampleImageTest {
    private Path root;
    private ExampleProject project;
    private CliRun cli;
    private RegistryServer registry;

    @BeforeAll
    void createProject(@TempDir Path dir) {
        root = dir;
        project = ExampleProject.create(root.resolve("project"), Revision.REV1);
    }

    @BeforeEach
    void startRegistry() {
        registry = RegistryServer.start();
        // A fresh HOME per test: no layer cache and no blob locations carried from another test's
        // registry.
        cli = CliRun.offline(root, root.resolve("home-" + registry.port()));
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void pushedExampleHasOurDigestAndLabelsInSkopeoAndItsFreezeInAChroot() throws Exception {
        String repository = registry.host() + "/acme/imgproxy-lite";
        String tag = "git-" + project.head().substring(0, 7);

        CliRun.Result result = push(cli, project, repository);

        assertThat(result.out())
                .matches(
                        java.util.regex.Pattern.quote(repository + ":" + tag + "@")
                                + "sha256:[0-9a-f]{64}\n");
        String digest = result.out().strip().substring(result.out().indexOf('@') + 1);
        JsonNode inspected = inspect(repository + ":" + tag);
        assertThat(inspected.path("Digest").asText()).isEqualTo(digest);
        JsonNode labels = inspected.path("Labels");
        assertThat(labels.path("org.opencontainers.image.revision").asText())
                .isEqualTo(project.head());
        assertThat(labels.path("io.nixship.nixpkgs.revision").asText())
                .isEqualTo(Revision.REV1.gitRevision());
        assertThat(labels.path("io.nixship.nixpkgs.release").asText())
                .isEqualTo(Revision.REV1.release());
        assertThat(labels.path("io.nixship.freeze").asText())
                .contains("Flask==")
                .contains("requests==2.28.1");
        JsonNode config = rawConfig(repository + ":" + tag);
        assertThat(config.path("config").path("Labels")).isEqualTo(labels);
        assertThat(config.path("config").path("Cmd").toString())
                .isEqualTo("[\"python3\",\"app.py\",\"--serve\"]");

        String freeze =
                freezeInPushedImage(
                        repository + ":" + tag, root.resolve("pulled-" + registry.port()));
        assertThat(freeze).isEqualTo(TestNixpkgs.get().expectedFreeze(Revision.REV1));
    }

    @Test
    void secondPushOfTheSameImageUploadsNoBlobByTheRegistryLog() {
        String repository = registry.host() + "/acme/imgproxy-lite";
        push(cli, project, repository);
        long uploadsAfterFirst = registry.completedBlobUploads();
        int mark = PushFixtures.mark(registry);

        JsonNode second = json(push(cli, project, repository, "--json").out());

        List<RegistryServer.LoggedRequest> secondRun =
                registry.requests().subList(mark, registry.requests().size());
        assertThat(uploadsAfterFirst).isPositive();
        assertThat(registry.completedBlobUploads()).isEqualTo(uploadsAfterFirst);
        assertThat(secondRun).noneMatch(r -> r.path().contains("/blobs/uploads/"));
        assertThat(secondRun).noneMatch(r -> r.method().equals("PATCH"));
        assertThat(second.path("layers").path("uploaded").asInt()).isZero();
        assertThat(second.path("layers").path("mounted").asInt()).isZero();
        assertThat(second.path("layers").path("skipped").asInt())
                .isEqualTo(second.path("layers").path("total").asInt());
        assertThat(second.path("bytesUploaded").asLong()).isZero();
    }

    @Test
    void pushToASecondRepositoryOfTheSameRegistryMountsEveryBlob() {
        push(cli, project, registry.host() + "/acme/imgproxy-lite");
        long uploadsAfterFirst = registry.completedBlobUploads();

        JsonNode second =
                json(
                        push(cli, project, registry.host() + "/staging/imgproxy-lite", "--json")
                                .out());

        JsonNode manifest =
                rawManifest(
                        registry.host() + "/staging/imgproxy-lite:" + second.path("tag").asText());
        assertThat(registry.completedBlobUploads()).isEqualTo(uploadsAfterFirst);
        assertThat(Set.copyOf(registry.mountedDigests())).isEqualTo(blobSizes(manifest).keySet());
        assertThat(second.path("layers").path("mounted").asInt())
                .isEqualTo(second.path("layers").path("total").asInt());
        assertThat(second.path("layers").path("uploaded").asInt()).isZero();
        assertThat(second.path("bytesUploaded").asLong()).isZero();
        assertThat(
                        inspect(
                                        registry.host()
                                                + "/staging/imgproxy-lite:"
                                                + second.path("tag").asText())
                                .path("Digest")
                                .asText())
                .isEqualTo(second.path("digest").asText());
    }

    @Test
    void jsonReportsTheDigestTagSizeAndCountsTheRegistryLogAgreesWith() {
        String repository = registry.host() + "/acme/imgproxy-lite";

        JsonNode result = json(push(cli, project, repository, "--json").out());

        String tag = "git-" + project.head().substring(0, 7);
        JsonNode manifest = rawManifest(repository + ":" + tag);
        byte[] manifestBytes = PushFixtures.manifestBytes(registry, "acme/imgproxy-lite", tag);
        Map<String, Long> sizes = blobSizes(manifest);
        List<String> uploaded = registry.uploadedDigests();
        String configDigest = manifest.path("config").path("digest").asText();
        JsonNode layers = result.path("layers");

        assertThat(result.path("tag").asText()).isEqualTo(tag);
        assertThat(result.path("digest").asText())
                .isEqualTo(inspect(repository + ":" + tag).path("Digest").asText());
        assertThat(result.path("reference").asText())
                .isEqualTo(repository + ":" + tag + "@" + result.path("digest").asText());
        assertThat(new HashSet<>(uploaded)).hasSameSizeAs(uploaded).isEqualTo(sizes.keySet());
        assertThat(layers.path("total").asInt()).isEqualTo(manifest.path("layers").size());
        assertThat(layers.path("uploaded").asInt())
                .isEqualTo(uploaded.size() - 1)
                .isEqualTo(layers.path("total").asInt());
        assertThat(layers.path("skipped").asInt()).isZero();
        assertThat(layers.path("mounted").asInt()).isZero();
        assertThat(result.path("bytesUploaded").asLong())
                .isEqualTo(uploaded.stream().mapToLong(sizes::get).sum());
        assertThat(result.path("size").asLong())
                .isEqualTo(
                        sizes.values().stream().mapToLong(Long::longValue).sum()
                                + manifestBytes.length);
        assertThat(uploaded).contains(configDigest);
    }
}
