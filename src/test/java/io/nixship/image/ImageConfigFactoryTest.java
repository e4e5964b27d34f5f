package io.nixship.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageConfigFactoryTest {
    private static final String ENV = FakeStore.storePath('e', "python3-3.12.4-env");
    private static final Instant COMMIT_TIME = Instant.parse("2026-11-24T10:15:30.500Z");
    private static final String DIFF_A = "sha256:" + "a".repeat(64);
    private static final String DIFF_B = "sha256:" + "b".repeat(64);

    private final ImageConfigFactory factory = new ImageConfigFactory();
    private final ObjectMapper json = new ObjectMapper();

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> keys(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static ImageSettings settings(
            Map<String, String> env, String user, List<String> ports) {
        return new ImageSettings(
                "amd64",
                "linux",
                env,
                List.of("--serve"),
                List.of("python3", "app.py"),
                "/opt",
                user,
                ports,
                Map.of(
                        "org.opencontainers.image.revision",
                        "abc123",
                        "io.nixship.freeze",
                        "flask==3.0.3\n"),
                COMMIT_TIME,
                Map.of());
    }

    @Test
    void writesTheConfigFromSettingsWithPathIntoTheEnvironment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PYTHONUNBUFFERED", "1");
        env.put("LANG", "C.UTF-8");

        byte[] bytes =
                factory.config(
                        settings(env, "nobody", List.of("8080", "53/udp")),
                        ENV,
                        List.of(DIFF_A, DIFF_B),
                        List.of("nixship: glibc", "nixship: app"));

        JsonNode config = json.readTree(bytes);
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");
        assertThat(config.get("os").asText()).isEqualTo("linux");
        assertThat(config.get("created").asText()).isEqualTo("2026-11-24T10:15:30Z");
        JsonNode c = config.get("config");
        assertThat(strings(c.get("Env")))
                .containsExactly("PATH=" + ENV + "/bin:/bin", "PYTHONUNBUFFERED=1", "LANG=C.UTF-8");
        assertThat(strings(c.get("Cmd"))).containsExactly("--serve");
        assertThat(strings(c.get("Entrypoint"))).containsExactly("python3", "app.py");
        assertThat(c.get("WorkingDir").asText()).isEqualTo("/opt");
        assertThat(c.get("User").asText()).isEqualTo("nobody");
        assertThat(keys(c.get("ExposedPorts"))).containsExactly("53/udp", "8080/tcp");
        assertThat(c.get("Labels").get("io.nixship.freeze").asText()).isEqualTo("flask==3.0.3\n");
        assertThat(strings(config.get("rootfs").get("diff_ids"))).containsExactly(DIFF_A, DIFF_B);
        assertThat(config.get("rootfs").get("type").asText()).isEqualTo("layers");
        assertThat(config.get("history")).hasSize(2);
        assertThat(config.get("history").get(1).get("created_by").asText())
                .isEqualTo("nixship: app");
        assertThat(config.get("history").get(1).get("created").asText())
                .isEqualTo("2026-11-24T10:15:30Z");
    }

    @Test
    void writesKeysSortedWithoutWhitespaceSoTheBytesAreCanonical() {
        byte[] first =
                factory.config(
                        settings(Map.of(), null, List.of()), ENV, List.of(DIFF_A), List.of("x"));
        byte[] second =
                factory.config(
                        settings(Map.of(), null, List.of()), ENV, List.of(DIFF_A), List.of("x"));

        String text = new String(first, StandardCharsets.UTF_8);
        assertThat(first).isEqualTo(second);
        assertThat(text)
                .startsWith(
                        "{\"architecture\":\"amd64\",\"config\":{\"Cmd\":[\"--serve\"],\"Entrypoint\":")
                .doesNotContain("\n")
                .doesNotContain("\"User\"")
                .doesNotContain("ExposedPorts");
    }

    @Test
    void userPathReplacesTheDefaultPath() throws IOException {
        byte[] bytes =
                factory.config(
                        settings(Map.of("PATH", "/custom"), null, List.of()),
                        ENV,
                        List.of(),
                        List.of());

        assertThat(strings(json.readTree(bytes).get("config").get("Env")))
                .containsExactly("PATH=/custom");
    }

    @Test
    void refusesPortsAndUsersTheImageCannotHonour() {
        assertThatThrownBy(
                        () ->
                                factory.config(
                                        settings(Map.of(), null, List.of("http")),
                                        ENV,
                                        List.of(),
                                        List.of()))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("app.ports: 'http'");
        assertThatThrownBy(
                        () ->
                                factory.config(
                                        settings(Map.of(), null, List.of("70000")),
                                        ENV,
                                        List.of(),
                                        List.of()))
                .hasMessageStartingWith("app.ports: '70000'");
        assertThatThrownBy(
                        () ->
                                factory.config(
                                        settings(Map.of(), "www-data", List.of()),
                                        ENV,
                                        List.of(),
                                        List.of()))
                .hasMessageStartingWith("app.user: 'www-data'");
        assertThat(
                        factory.config(
                                settings(Map.of(), "1000:1000", List.of()),
                                ENV,
                                List.of(),
                                List.of()))
                .isNotEmpty();
    }

    @Test
    void writesTheManifestWithLayerAnnotations() throws IOException {
        Descriptor config = new Descriptor(OciImage.CONFIG_MEDIA_TYPE, DIFF_A, 123);
        Descriptor layer =
                new Descriptor(
                        OciImage.LAYER_MEDIA_TYPE,
                        DIFF_B,
                        456,
                        Map.of(ImageConfigFactory.STORE_PATHS_ANNOTATION, ENV));

        byte[] bytes = factory.manifest(config, List.of(layer));

        JsonNode manifest = json.readTree(bytes);
        assertThat(manifest.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.get("mediaType").asText()).isEqualTo(OciImage.MANIFEST_MEDIA_TYPE);
        assertThat(manifest.get("config").get("digest").asText()).isEqualTo(DIFF_A);
        assertThat(manifest.get("config").get("size").asLong()).isEqualTo(123);
        assertThat(manifest.get("config").has("annotations")).isFalse();
        assertThat(
                        manifest.get("layers")
                                .get(0)
                                .get("annotations")
                                .get("io.nixship.store-paths")
                                .asText())
                .isEqualTo(ENV);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .startsWith("{\"config\":{\"digest\":");
    }

    @Test
    void describesLayersByTheirStorePathNames() {
        assertThat(ImageConfigFactory.describeLayer(List.of(ENV)))
                .isEqualTo("nixship: " + ENV.substring(11));
        assertThat(
                        ImageConfigFactory.describeLayer(
                                List.of(
                                        "/nix/store/a-1",
                                        "/nix/store/b-2",
                                        "/nix/store/c-3",
                                        "/nix/store/d-4")))
                .isEqualTo("nixship: 4 store paths: a-1, b-2, c-3, ...");
        assertThat(ImageConfigFactory.describeLayer(List.of()))
                .isEqualTo("nixship: app files and base filesystem");
    }
}
