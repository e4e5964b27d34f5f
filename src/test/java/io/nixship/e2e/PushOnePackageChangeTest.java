package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.blobSizes;
import static io.nixship.e2e.PushFixtures.json;
import static io.nixship.e2e.PushFixtures.push;
import static io.nixship.e2e.PushFixtures.rawManifest;
import static io.nixship.e2e.PushFixtures.storePathLayers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit that adds one package (python-dotenv) to the example: the second push uploads exactly
 * the layers of the store paths that changed, the app layer and the config, as the registry's log
 * shows; the layer cache serves every unchanged layer without compressing it again.
 */
@Tag("nix")
class PushOnePackageChangeTest {
    @TempDir Path root;

    @Test
    void onePackageMoreUploadsOnlyTheChangedStorePathLayersAppAndConfigAndReusesTheCache()
            throws IOException {
        ExampleProject project = ExampleProject.create(root.resolve("project"), Revision.REV1);
        Path home = root.resolve("home");
        CliRun cli = CliRun.offline(root, home);
        Path blobs = home.resolve(".cache/nixship/blobs/sha256");
        try (RegistryServer registry = RegistryServer.start()) {
            String repository = registry.host() + "/acme/imgproxy-lite";
            JsonNode first = json(push(cli, project, repository, "--json").out());
            JsonNode before = rawManifest(repository + ":" + first.path("tag").asText());
            Map<String, FileTime> cachedBefore = modificationTimes(blobs);
            int mark = PushFixtures.mark(registry);

            String defaultNix = Files.readString(project.dir().resolve("default.nix"));
            project.write(
                    "default.nix", defaultNix.replace("    pip\n", "    pip\n    python-dotenv\n"));
            project.commitAll("add python-dotenv");
            JsonNode second = json(push(cli, project, repository, "--json").out());
            JsonNode after = rawManifest(repository + ":" + second.path("tag").asText());

            Map<String, String> layersBefore = storePathLayers(before);
            Map<String, String> layersAfter = storePathLayers(after);
            Set<String> pathsBefore = storePaths(layersBefore);
            Set<String> newPaths = new HashSet<>(storePaths(layersAfter));
            newPaths.removeAll(pathsBefore);
            Set<String> changedLayers =
                    layersAfter.entrySet().stream()
                            .filter(
                                    layer ->
                                            paths(layer.getValue()).stream()
                                                    .anyMatch(newPaths::contains))
                            .map(Map.Entry::getKey)
                            .collect(Collectors.toSet());
            Set<String> appLayers = new HashSet<>(blobSizes(after).keySet());
            appLayers.removeAll(layersAfter.keySet());
            appLayers.remove(after.path("config").path("digest").asText());
            Set<String> expectedUploads = new HashSet<>(changedLayers);
            expectedUploads.addAll(appLayers);
            expectedUploads.add(after.path("config").path("digest").asText());
            expectedUploads.removeAll(blobSizes(before).keySet());

            List<String> uploadedAfterMark = uploadedSince(registry, mark);
            Map<String, Long> sizes = blobSizes(after);

            // The change is one package: its own store path and the Python environment that now
            // includes it.
            assertThat(newPaths)
                    .hasSize(2)
                    .anyMatch(p -> p.contains("python-dotenv"))
                    .anyMatch(p -> p.endsWith("-env"));
            assertThat(changedLayers).hasSize(2);
            assertThat(appLayers).hasSize(1);
            assertThat(new HashSet<>(uploadedAfterMark))
                    .hasSameSizeAs(uploadedAfterMark)
                    .isEqualTo(expectedUploads);
            assertThat(registry.requests().subList(mark, registry.requests().size()))
                    .anyMatch(
                            r ->
                                    r.method().equals("PUT")
                                            && r.path()
                                                    .endsWith(
                                                            "/manifests/"
                                                                    + second.path("digest")
                                                                            .asText())
                                            && r.status() == 201);
            assertThat(second.path("layers").path("uploaded").asInt())
                    .isEqualTo(uploadedAfterMark.size() - 1);
            assertThat(second.path("layers").path("skipped").asInt())
                    .isEqualTo(
                            second.path("layers").path("total").asInt()
                                    - uploadedAfterMark.size()
                                    + 1);
            assertThat(second.path("bytesUploaded").asLong())
                    .isEqualTo(uploadedAfterMark.stream().mapToLong(sizes::get).sum());

            // Only the new store-path layers and the app layer were tarred and compressed.
            assertThat(second.path("layers").path("compressed").asInt())
                    .isEqualTo(changedLayers.size() + appLayers.size());
            assertThat(second.path("layers").path("fromCache").asInt())
                    .isEqualTo(
                            second.path("layers").path("total").asInt()
                                    - changedLayers.size()
                                    - appLayers.size());
            Map<String, FileTime> cachedAfter = modificationTimes(blobs);
            for (String unchanged : layersAfter.keySet()) {
                if (!changedLayers.contains(unchanged)) {
                    String hex = unchanged.substring("sha256:".length());
                    assertThat(cachedAfter.get(hex))
                            .as("cache blob " + hex)
                            .isNotNull()
                            .isEqualTo(cachedBefore.get(hex));
                }
            }
        }
    }

    private static List<String> uploadedSince(RegistryServer registry, int mark) {
        List<String> all = registry.uploadedDigests();
        long before =
                registry.requests().subList(0, mark).stream()
                        .filter(
                                r ->
                                        r.method().equals("PUT")
                                                && r.path().contains("/blobs/uploads/")
                                                && r.status() == 201)
                        .count();
        return all.subList((int) before, all.size());
    }

    private static Set<String> storePaths(Map<String, String> layers) {
        return layers.values().stream()
                .flatMap(value -> paths(value).stream())
                .collect(Collectors.toSet());
    }

    private static List<String> paths(String annotation) {
        return Arrays.asList(annotation.split(","));
    }

    private static Map<String, FileTime> modificationTimes(Path directory) throws IOException {
        Map<String, FileTime> times = new HashMap<>();
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                times.put(file.getFileName().toString(), Files.getLastModifiedTime(file));
            }
        }
        return times;
    }
}
