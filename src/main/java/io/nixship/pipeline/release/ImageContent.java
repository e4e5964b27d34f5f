package io.nixship.pipeline.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.NixshipException;
import io.nixship.image.ImageLabels;
import io.nixship.image.OciImage;
import java.io.IOException;
import java.io.InputStream;

/**
 * Whether two images hold the same thing: their configs are equal but for when and from which
 * commit they were built. Layers are compared by their diff IDs, and nixship writes every file with
 * a fixed mtime, so a rebuild at a commit that changed nothing the image holds (merging nixship's
 * own manifest bump, a README edit) compares equal, and is not worth a pull request.
 */
public final class ImageContent {
    private static final ObjectMapper JSON = Json.mapper();

    private ImageContent() {}

    public static boolean same(JsonNode config, JsonNode other) {
        return withoutBuildDetails(config).equals(withoutBuildDetails(other));
    }

    public static JsonNode config(OciImage image) {
        try (InputStream in = image.config().content().open()) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw NixshipException.failure("cannot read the image config: " + e.getMessage(), e);
        }
    }

    private static JsonNode withoutBuildDetails(JsonNode config) {
        JsonNode copy = ImageLabels.without(config, ImageLabels.PER_BUILD);
        if (copy instanceof ObjectNode object) {
            object.remove("created");
            copy.path("history")
                    .forEach(
                            entry -> {
                                if (entry instanceof ObjectNode step) {
                                    step.remove("created");
                                }
                            });
        }
        return copy;
    }
}
