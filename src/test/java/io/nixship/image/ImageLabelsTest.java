package io.nixship.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ImageLabelsTest {
    private static final ImageLabels FULL =
            new ImageLabels(
                    Optional.of("https://github.com/acme/app"),
                    Optional.of("0123456789abcdef0123456789abcdef01234567"),
                    Optional.of(Instant.parse("2026-12-03T10:15:30Z")),
                    Optional.of("flask==3.0.0\n"),
                    Optional.of("fedcba9876543210fedcba9876543210fedcba98"),
                    Optional.of("nixos-25.11"),
                    Optional.of("25.11.1234.abcdef"),
                    OptionalLong.of(123_456_789L));

    @Test
    void whatIsWrittenReadsBackAsTheSameValue() {
        assertThat(ImageLabels.read(configWith(FULL.toMap()))).isEqualTo(FULL);
    }

    @Test
    void theWrittenLabelsAreTheSchemaOtherToolsRead() {
        assertThat(FULL.toMap())
                .containsEntry("org.opencontainers.image.revision", FULL.revision().orElseThrow())
                .containsEntry("org.opencontainers.image.created", "2026-12-03T10:15:30Z")
                .containsEntry("io.nixship.freeze", "flask==3.0.0\n")
                .containsEntry("io.nixship.closure.nar-size", "123456789")
                .hasSize(8);
    }

    @Test
    void anImageWithoutLabelsHasEveryFieldEmpty() {
        ImageLabels none = ImageLabels.read(Json.mapper().createObjectNode());
        assertThat(none.toMap()).isEmpty();
        assertThat(none.closureNarSize()).isEmpty();
    }

    @Test
    void foreignOrUnreadableLabelsAreIgnoredNotMisread() {
        ImageLabels read =
                ImageLabels.read(
                        configWith(
                                Map.of(
                                        "maintainer", "someone else",
                                        "io.nixship.closure.nar-size", "12 MB",
                                        "org.opencontainers.image.created", "yesterday",
                                        "io.nixship.nixpkgs.revision", "abc")));
        assertThat(read.closureNarSize()).isEmpty();
        assertThat(read.created()).isEmpty();
        assertThat(read.nixpkgsRevision()).contains("abc");
        assertThat(read.toMap()).doesNotContainKey("maintainer");
    }

    @Test
    void withoutDropsOnlyTheNamedLabelsAndLeavesTheConfigUntouched() {
        JsonNode config = configWith(FULL.toMap());
        JsonNode stripped = ImageLabels.without(config, ImageLabels.NIXPKGS_PIN);
        assertThat(ImageLabels.read(stripped).nixpkgsRevision()).isEmpty();
        assertThat(ImageLabels.read(stripped).nixpkgsChannel()).isEmpty();
        assertThat(ImageLabels.read(stripped).freeze()).isEqualTo(FULL.freeze());
        assertThat(ImageLabels.read(config)).isEqualTo(FULL);
    }

    private static JsonNode configWith(Map<String, String> labels) {
        ObjectNode config = Json.mapper().createObjectNode();
        ObjectNode target = config.putObject("config").putObject("Labels");
        labels.forEach(target::put);
        return config;
    }
}
