package io.nixship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an image's manifest and config back from an OCI layout ({@code oci:DIR[:TAG]}), without
 * touching its layers: what {@code freeze}, {@code diff} and {@code verify} need.
 */
public final class OciLayoutReader {
    private final ObjectMapper json = Json.mapper();

    /**
     * The manifest digest and the config JSON of the image tagged {@code refName} (or the only
     * one).
     */
    public record ManifestAndConfig(String manifestDigest, JsonNode manifest, JsonNode config) {}

    public ManifestAndConfig read(Path layout, Optional<String> refName) {
        Path index = layout.resolve("index.json");
        if (!Files.isRegularFile(index)) {
            throw NixshipException.usage(layout + " is not an OCI image layout (no index.json)");
        }
        JsonNode manifests = readJson(index).path("manifests");
        List<JsonNode> candidates = new ArrayList<>();
        for (JsonNode descriptor : manifests) {
            String name =
                    descriptor
                            .path("annotations")
                            .path(ImageLayouts.REF_NAME_ANNOTATION)
                            .asText(null);
            if (refName.isEmpty() || refName.get().equals(name)) {
                candidates.add(descriptor);
            }
        }
        if (candidates.size() != 1) {
            throw NixshipException.usage(
                    layout
                            + ": "
                            + (candidates.isEmpty() ? "no image" : candidates.size() + " images")
                            + refName.map(tag -> " tagged '" + tag + "'").orElse("")
                            + " in index.json; name one as oci:DIR:TAG");
        }
        String digest = candidates.get(0).path("digest").asText();
        JsonNode manifest = readJson(blob(layout, digest));
        JsonNode config = readJson(blob(layout, manifest.path("config").path("digest").asText()));
        return new ManifestAndConfig(digest, manifest, config);
    }

    /** Splits {@code DIR[:TAG]} the way skopeo's oci transport does. */
    public static LayoutReference parseReference(String text, Path workingDir) {
        int colon = text.lastIndexOf(':');
        if (colon > 0 && !text.substring(colon + 1).contains("/")) {
            return new LayoutReference(
                    workingDir.resolve(text.substring(0, colon)).normalize(),
                    Optional.of(text.substring(colon + 1)));
        }
        return new LayoutReference(workingDir.resolve(text).normalize(), Optional.empty());
    }

    /** A layout directory and, optionally, the tag of one image in it. */
    public record LayoutReference(Path directory, Optional<String> tag) {}

    private static Path blob(Path layout, String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw NixshipException.usage(
                    layout + ": malformed digest '" + digest + "' in the layout");
        }
        Path blob = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
        if (!Files.isRegularFile(blob)) {
            throw NixshipException.usage(
                    layout + ": blob " + digest + " is missing from the layout");
        }
        return blob;
    }

    private JsonNode readJson(Path file) {
        try {
            return json.readTree(file.toFile());
        } catch (IOException e) {
            throw NixshipException.usage(file + ": not valid JSON: " + e.getMessage());
        }
    }
}
