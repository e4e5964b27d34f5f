package io.nixship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The labels nixship writes into an image config, as one typed value: {@link #toMap()} is the only
 * writer and {@link #read(JsonNode)} the only reader, so {@code nixship diff}, {@code verify},
 * {@code release} and {@code update-channel} agree on the schema. Fields are empty when an image
 * (built by something else, or by an older nixship) lacks the label or holds something unreadable.
 */
public record ImageLabels(
        Optional<String> source,
        Optional<String> revision,
        Optional<Instant> created,
        Optional<String> freeze,
        Optional<String> nixpkgsRevision,
        Optional<String> nixpkgsChannel,
        Optional<String> nixpkgsRelease,
        OptionalLong closureNarSize) {
    public static final String SOURCE_LABEL = "org.opencontainers.image.source";
    public static final String REVISION_LABEL = "org.opencontainers.image.revision";
    public static final String CREATED_LABEL = "org.opencontainers.image.created";
    public static final String FREEZE_LABEL = "io.nixship.freeze";
    public static final String NIXPKGS_REVISION_LABEL = "io.nixship.nixpkgs.revision";
    public static final String NIXPKGS_CHANNEL_LABEL = "io.nixship.nixpkgs.channel";
    public static final String NIXPKGS_RELEASE_LABEL = "io.nixship.nixpkgs.release";
    public static final String CLOSURE_SIZE_LABEL = "io.nixship.closure.nar-size";

    /** Manifest annotation: how the layers were compressed, library and version included. */
    public static final String LAYER_COMPRESSION_ANNOTATION = "io.nixship.layer-compression";

    /** The labels that differ between two builds of the same content (commit and its time). */
    public static final List<String> PER_BUILD = List.of(REVISION_LABEL, CREATED_LABEL);

    /** The labels that name the pinned nixpkgs rather than what the image holds. */
    public static final List<String> NIXPKGS_PIN =
            List.of(NIXPKGS_REVISION_LABEL, NIXPKGS_CHANNEL_LABEL, NIXPKGS_RELEASE_LABEL);

    /** A size label is a plain decimal count; anything else is treated as absent. */
    private static final String SIZE = "[0-9]{1,18}";

    /** The labels in the order they are written (the config serializes them sorted anyway). */
    public Map<String, String> toMap() {
        Map<String, String> labels = new LinkedHashMap<>();
        source.ifPresent(value -> labels.put(SOURCE_LABEL, value));
        revision.ifPresent(value -> labels.put(REVISION_LABEL, value));
        created.ifPresent(value -> labels.put(CREATED_LABEL, value.toString()));
        freeze.ifPresent(value -> labels.put(FREEZE_LABEL, value));
        nixpkgsRevision.ifPresent(value -> labels.put(NIXPKGS_REVISION_LABEL, value));
        nixpkgsChannel.ifPresent(value -> labels.put(NIXPKGS_CHANNEL_LABEL, value));
        nixpkgsRelease.ifPresent(value -> labels.put(NIXPKGS_RELEASE_LABEL, value));
        closureNarSize.ifPresent(value -> labels.put(CLOSURE_SIZE_LABEL, Long.toString(value)));
        return labels;
    }

    /** The labels of an image config ({@code {"config": {"Labels": {...}}}}). */
    public static ImageLabels read(JsonNode imageConfig) {
        JsonNode labels = imageConfig.path("config").path("Labels");
        Optional<String> size = text(labels, CLOSURE_SIZE_LABEL).filter(s -> s.matches(SIZE));
        return new ImageLabels(
                text(labels, SOURCE_LABEL),
                text(labels, REVISION_LABEL),
                text(labels, CREATED_LABEL).flatMap(ImageLabels::instant),
                text(labels, FREEZE_LABEL),
                text(labels, NIXPKGS_REVISION_LABEL),
                text(labels, NIXPKGS_CHANNEL_LABEL),
                text(labels, NIXPKGS_RELEASE_LABEL),
                size.isPresent()
                        ? OptionalLong.of(Long.parseLong(size.get()))
                        : OptionalLong.empty());
    }

    /** A copy of {@code imageConfig} without the named labels, for comparing two images. */
    public static JsonNode without(JsonNode imageConfig, Collection<String> names) {
        JsonNode copy = imageConfig.deepCopy();
        if (copy.path("config").path("Labels") instanceof ObjectNode labels) {
            names.forEach(labels::remove);
        }
        return copy;
    }

    private static Optional<String> text(JsonNode labels, String name) {
        JsonNode value = labels.path(name);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (java.time.format.DateTimeParseException notATime) {
            return Optional.empty();
        }
    }
}
