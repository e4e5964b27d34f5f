package io.nixship.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store-path layers of the image the target tag pointed at before this push, as its manifest
 * describes them (store paths, layer format and diff-id annotations). A layer whose store paths and
 * format are unchanged is reused by digest: never tarred, compressed or uploaded. Only valid for a
 * push to the registry that holds that image: a reused layer has no local bytes.
 */
public interface PreviousLayers {
    /**
     * The previous layer holding exactly these store paths in this layer format, if there was one.
     */
    Optional<Layer> find(List<String> storePaths, String layerFormat);

    /**
     * The previous image's store-path groups, for {@link
     * ClosureLayerPlanner#plan(io.nixship.nix.Closure, List)}.
     */
    List<List<String>> groups();

    /** No previous image (first push, or a destination that is not a registry). */
    static PreviousLayers none() {
        return FromManifest.EMPTY;
    }

    /**
     * Reads the layer descriptors of an OCI or Docker v2 image manifest. Layers without nixship's
     * annotations (the app layer, or images built by something else) are ignored.
     */
    public static PreviousLayers fromManifest(byte[] manifest, String source) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(manifest);
        } catch (IOException e) {
            throw NixshipException.failure(
                    "the manifest of " + source + " is not JSON: " + e.getMessage(), e);
        }
        Map<String, Layer> layers = new HashMap<>();
        List<List<String>> groups = new ArrayList<>();
        for (JsonNode layer : root.path("layers")) {
            JsonNode annotations = layer.path("annotations");
            String paths = annotations.path(ImageConfigFactory.STORE_PATHS_ANNOTATION).asText("");
            String format = annotations.path(ImageConfigFactory.LAYER_FORMAT_ANNOTATION).asText("");
            String diffId = annotations.path(ImageConfigFactory.DIFF_ID_ANNOTATION).asText("");
            String digest = layer.path("digest").asText("");
            if (paths.isEmpty()
                    || format.isEmpty()
                    || !Digests.isSha256(diffId)
                    || !Digests.isSha256(digest)) {
                continue;
            }
            List<String> storePaths = Arrays.stream(paths.split(",")).sorted().toList();
            Map<String, String> kept = new HashMap<>();
            annotations
                    .properties()
                    .forEach(entry -> kept.put(entry.getKey(), entry.getValue().asText()));
            Descriptor descriptor =
                    new Descriptor(
                            layer.path("mediaType").asText(),
                            digest,
                            layer.path("size").asLong(),
                            kept);
            BlobContent remoteOnly =
                    () -> {
                        throw new IllegalStateException(
                                "layer "
                                        + digest
                                        + " was reused from "
                                        + source
                                        + " and has no local bytes; it can only be pushed to that registry");
                    };
            layers.put(
                    FromManifest.key(storePaths, format),
                    new Layer(new Blob(descriptor, remoteOnly), diffId, storePaths));
            groups.add(storePaths);
        }
        return new FromManifest(Map.copyOf(layers), List.copyOf(groups));
    }

    /** The layers one manifest describes, keyed by layer format and store paths. */
    record FromManifest(Map<String, Layer> layers, List<List<String>> groups)
            implements PreviousLayers {
        private static final FromManifest EMPTY = new FromManifest(Map.of(), List.of());

        @Override
        public Optional<Layer> find(List<String> storePaths, String layerFormat) {
            return Optional.ofNullable(
                    layers.get(key(storePaths.stream().sorted().toList(), layerFormat)));
        }

        private static String key(List<String> sortedStorePaths, String layerFormat) {
            return layerFormat + "\n" + String.join("\n", sortedStorePaths);
        }
    }
}
