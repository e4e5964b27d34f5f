package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.blobSizes;
import static io.nixship.e2e.PushFixtures.pushJson;
import static io.nixship.e2e.PushFixtures.rawManifest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh CI runner has no layer cache: the push reads the image the tag points at (one manifest
 * GET) and reuses every layer whose store paths are unchanged, with no tar, no compression and no
 * upload.
 */
@Tag("nix")
class PushStatelessTest {
    @TempDir Path root;

    @Test
    void anEmptyCacheReusesThePreviousImagesUnchangedLayersAndUploadsOnlyTheAppLayerAndConfig() {
        ExampleProject project = ExampleProject.create(root.resolve("project"), Revision.REV1);
        try (RegistryServer registry = RegistryServer.start()) {
            String repository = registry.host() + "/acme/imgproxy-lite";
            JsonNode first = pushJson(root, "runner-1", project, repository, "--tag", "main");
            JsonNode before = rawManifest(repository + ":" + first.path("tag").asText());
            int uploadsBefore = registry.uploadedDigests().size();

            project.write("app.py", "print('a new app')\n");
            project.commitAll("change only the app");
            JsonNode second = pushJson(root, "runner-2", project, repository, "--tag", "main");
            JsonNode after = rawManifest(repository + ":" + second.path("tag").asText());

            int layers = second.path("layers").path("total").asInt();
            assertThat(second.path("layers").path("reused").asInt()).isEqualTo(layers - 1);
            assertThat(second.path("layers").path("compressed").asInt()).isEqualTo(1);
            assertThat(second.path("layers").path("fromCache").asInt()).isZero();
            Set<String> newBlobs = new HashSet<>(blobSizes(after).keySet());
            newBlobs.removeAll(blobSizes(before).keySet());
            assertThat(newBlobs).hasSize(2);
            assertThat(
                            new HashSet<>(
                                    registry.uploadedDigests()
                                            .subList(
                                                    uploadsBefore,
                                                    registry.uploadedDigests().size())))
                    .isEqualTo(newBlobs);
            assertThat(after.path("layers").get(0)).isEqualTo(before.path("layers").get(0));
        }
    }
}
