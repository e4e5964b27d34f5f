package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.nixship.testsupport.RegistryServer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .ci/push-action-image}, the release workflow's push step, against a registry with htpasswd
 * auth: it pushes the built action image, prints its digest, and pins a copy of action.yml to it.
 */
@EnabledIfSystemProperty(named = ActionImageIT.IMAGE_PROPERTY, matches = ".+")
class PushActionImageIT {
    static final String USER = "release-bot";
    static final String PASSWORD = "release-pAssw0rd-0123456789";

    @TempDir Path temp;

    @Test
    void pushingPrintsTheDigestTheRegistryServesAndPinsRunsImageToIt() throws Exception {
        Path actionYml = temp.resolve("action.yml");
        Files.copy(Path.of("action.yml"), actionYml);
        try (RegistryServer registry = RegistryServer.startWithBasicAuth(USER, PASSWORD)) {
            String repository = registry.host() + "/nixship/nixship";

            ProcessBuilder script =
                    new ProcessBuilder(
                                    ".ci/push-action-image",
                                    repository + ":v9.9.9",
                                    actionYml.toString())
                            .redirectError(temp.resolve("stderr").toFile());
            script.environment()
                    .put("ACTION_IMAGE", System.getProperty(ActionImageIT.IMAGE_PROPERTY));
            script.environment().put("REGISTRY_USERNAME", USER);
            script.environment().put("REGISTRY_PASSWORD", PASSWORD);
            script.environment().put("TLS_VERIFY", "false");
            Process process = script.start();
            String out =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            String err = Files.readString(temp.resolve("stderr"));

            assertThat(exit).as(err).isZero();
            String digest = out.strip();
            assertThat(digest).matches("sha256:[0-9a-f]{64}");
            assertThat(out + err).doesNotContain(PASSWORD);
            assertThat(servedDigest(registry, "nixship/nixship", "v9.9.9")).isEqualTo(digest);
            JsonNode pinned = new YAMLMapper().readTree(actionYml.toFile());
            assertThat(pinned.path("runs").path("using").asText()).isEqualTo("docker");
            assertThat(pinned.path("runs").path("image").asText())
                    .isEqualTo("docker://" + repository + "@" + digest);
            List<String> before = Files.readAllLines(Path.of("action.yml"));
            List<String> after = Files.readAllLines(actionYml);
            assertThat(after).hasSameSizeAs(before);
            for (int i = 0; i < before.size(); i++) {
                if (!before.get(i).equals("  image: Dockerfile")) {
                    assertThat(after.get(i)).as("line %d", i + 1).isEqualTo(before.get(i));
                }
            }
        }
    }

    private static String servedDigest(RegistryServer registry, String name, String tag)
            throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection)
                        URI.create(registry.url() + "/v2/" + name + "/manifests/" + tag)
                                .toURL()
                                .openConnection();
        connection.setRequestMethod("HEAD");
        connection.setRequestProperty(
                "Authorization",
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        connection.setRequestProperty(
                "Accept",
                String.join(
                        ",",
                        "application/vnd.oci.image.manifest.v1+json",
                        "application/vnd.docker.distribution.manifest.v2+json"));
        try {
            assertThat(connection.getResponseCode()).isEqualTo(200);
            return connection.getHeaderField("Docker-Content-Digest");
        } finally {
            connection.disconnect();
        }
    }
}
