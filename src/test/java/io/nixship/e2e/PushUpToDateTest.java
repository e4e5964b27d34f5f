package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.json;
import static io.nixship.e2e.PushFixtures.mark;
import static io.nixship.e2e.PushFixtures.push;
import static io.nixship.e2e.PushFixtures.pushJson;
import static io.nixship.e2e.PushFixtures.rawManifest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.image.ImageInputs;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.RegistryServer.LoggedRequest;
import io.nixship.testsupport.SharedRegistry;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-push of a commit whose image the registry already holds (same commit, lock and settings, by
 * the manifest's inputs annotation) is answered from the registry: no Nix, no layer work, no blob
 * request, on a fresh runner as on a warm one.
 */
@Tag("nix")
class PushUpToDateTest {
    @RegisterExtension static SharedRegistry shared = new SharedRegistry();

    @TempDir Path root;

    private ExampleProject project;

    @BeforeEach
    void project() {
        project = ExampleProject.create(root.resolve("project"), Revision.REV1);
    }

    @Test
    void aRePushOfTheSameCommitOnAFreshRunnerRunsNoBuildAndSendsOnlyManifestReads() {
        RegistryServer registry = shared.server();
        String repository = registry.host() + "/uptodate/same-commit";
        JsonNode first = pushJson(root, "runner-1", project, repository, "--tag", "main");
        int before = mark(registry);

        CliRun.Result again =
                push(
                        CliRun.offline(root, root.resolve("runner-2")),
                        project,
                        repository,
                        "--tag",
                        "main",
                        "--json");
        JsonNode second = json(again.out());

        assertThat(second.path("upToDate").asBoolean()).isTrue();
        assertThat(second.path("digest").asText()).isEqualTo(first.path("digest").asText());
        assertThat(second.path("bytesUploaded").asLong()).isZero();
        assertThat(second.path("layers").path("total").asInt())
                .isEqualTo(first.path("layers").path("total").asInt());
        assertThat(again.err()).contains("up to date").doesNotContain("building default.nix");
        List<LoggedRequest> requests =
                registry.requests().subList(before, registry.requests().size());
        assertThat(requests)
                .isNotEmpty()
                .allSatisfy(
                        request -> {
                            assertThat(request.method()).isEqualTo("GET");
                            assertThat(request.path()).doesNotContain("/blobs/");
                        });
    }

    @Test
    void thePushedManifestCarriesTheInputsKeyAndARebuildGivesTheSameDigest() {
        RegistryServer registry = shared.server();
        String repository = registry.host() + "/uptodate/rebuild";
        JsonNode first = pushJson(root, "runner-1", project, repository);
        JsonNode manifest = rawManifest(repository + "@" + first.path("digest").asText());

        JsonNode rebuilt = pushJson(root, "runner-2", project, repository, "--rebuild");

        assertThat(manifest.path("annotations").path(ImageInputs.ANNOTATION).asText())
                .startsWith("sha256:");
        assertThat(rebuilt.path("upToDate").asBoolean()).isFalse();
        assertThat(rebuilt.path("digest").asText()).isEqualTo(first.path("digest").asText());
        assertThat(rebuilt.path("bytesUploaded").asLong()).isZero();
    }

    @Test
    void anotherLayerCapIsNotTheSameImageAndIsBuilt() {
        RegistryServer registry = shared.server();
        String repository = registry.host() + "/uptodate/settings";
        JsonNode first = pushJson(root, "runner-1", project, repository);

        JsonNode capped = pushJson(root, "runner-2", project, repository, "--max-layers", "8");

        assertThat(capped.path("upToDate").asBoolean()).isFalse();
        assertThat(capped.path("layers").path("total").asInt()).isEqualTo(8);
        assertThat(capped.path("digest").asText()).isNotEqualTo(first.path("digest").asText());
    }

    @Test
    void aNewCommitIsBuiltEvenWhenItsFilesAreUnchanged() {
        RegistryServer registry = shared.server();
        String repository = registry.host() + "/uptodate/new-commit";
        push(CliRun.offline(root, root.resolve("runner-1")), project, repository, "--tag", "main");
        project.write("NOTES.md", "not part of the image\n");
        project.commitAll("a file the image does not hold");

        CliRun.Result next =
                push(
                        CliRun.offline(root, root.resolve("runner-2")),
                        project,
                        repository,
                        "--tag",
                        "main",
                        "--json");

        assertThat(json(next.out()).path("upToDate").asBoolean()).isFalse();
        assertThat(next.err()).contains("building default.nix");
    }

    @Test
    void aNewCommitReadsEachCandidateTagOnceForTheInputsCheckAndTheLayerReuse() {
        RegistryServer registry = shared.server();
        String repository = registry.host() + "/uptodate/read-once";
        push(CliRun.offline(root, root.resolve("runner-1")), project, repository, "--tag", "main");
        project.write("app.py", "print('next')\n");
        project.commitAll("next");
        String buildTag = "git-" + project.head().substring(0, 7);
        int before = mark(registry);

        JsonNode next = pushJson(root, "runner-2", project, repository, "--tag", "main");

        List<String> manifestReads =
                registry.requests().subList(before, registry.requests().size()).stream()
                        .filter(
                                request ->
                                        request.method().equals("GET")
                                                && request.path().contains("/manifests/"))
                        .map(LoggedRequest::path)
                        .toList();
        assertThat(manifestReads)
                .containsExactlyInAnyOrder(
                        "/v2/uptodate/read-once/manifests/" + buildTag,
                        "/v2/uptodate/read-once/manifests/main");
        assertThat(next.path("layers").path("reused").asInt())
                .isEqualTo(next.path("layers").path("total").asInt() - 1);
    }

    @Test
    void anUpToDateRePushPointsEveryRequestedTagAtTheImage() {
        RegistryServer registry = shared.server();
        String repository = registry.host() + "/uptodate/tags";
        JsonNode first = pushJson(root, "runner-1", project, repository);

        JsonNode second = pushJson(root, "runner-2", project, repository, "--tag", "stable");

        assertThat(second.path("upToDate").asBoolean()).isTrue();
        assertThat(PushFixtures.inspect(repository + ":stable").path("Digest").asText())
                .isEqualTo(first.path("digest").asText());
    }
}
