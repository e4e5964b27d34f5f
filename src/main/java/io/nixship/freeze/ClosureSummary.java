package io.nixship.freeze;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.image.ImageConfigFactory;
import io.nixship.image.ImageLabels;
import io.nixship.nix.Closure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A runtime closure as far as a source knows it: its store paths (with NAR sizes when known) and
 * the total NAR size. A build knows everything; an image knows the paths from its layer annotations
 * and the total from its {@code io.nixship.closure.nar-size} label.
 */
public record ClosureSummary(List<ClosureDiff.StorePathSize> paths, long totalNarSize) {
    public ClosureSummary {
        paths = List.copyOf(paths);
    }

    public static ClosureSummary of(Closure closure) {
        return new ClosureSummary(
                closure.paths().stream()
                        .map(p -> new ClosureDiff.StorePathSize(p.path(), p.narSize()))
                        .toList(),
                closure.totalNarSize());
    }

    /**
     * The closure an image's manifest and config record, or empty when the image lacks the
     * store-path annotations or the size label (an image not built by nixship).
     */
    public static Optional<ClosureSummary> fromImage(JsonNode manifest, JsonNode config) {
        OptionalLong size = ImageLabels.read(config).closureNarSize();
        if (size.isEmpty()) {
            return Optional.empty();
        }
        List<ClosureDiff.StorePathSize> paths = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            String annotation =
                    layer.path("annotations")
                            .path(ImageConfigFactory.STORE_PATHS_ANNOTATION)
                            .asText("");
            for (String path : annotation.split(",")) {
                if (!path.isBlank()) {
                    paths.add(
                            new ClosureDiff.StorePathSize(path.strip(), ClosureDiff.UNKNOWN_SIZE));
                }
            }
        }
        if (paths.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ClosureSummary(paths, size.getAsLong()));
    }
}
