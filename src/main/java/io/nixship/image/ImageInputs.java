package io.nixship.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.Json;
import io.nixship.NixshipVersion;
import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What an image's bytes depend on, known from the commit alone, before Nix runs: the commit (every
 * file of it, the config included), the project directory, the repository's public URL (a label),
 * the lock built with, the layer cap and layer format, the nixship version and the system. Builds
 * are reproducible, so two builds with the same {@link #key} give the same image: a manifest that
 * carries the key (annotation {@link #ANNOTATION}) already is what this build would push, and a
 * re-push of the same commit is answered with one manifest GET, without evaluating Nix. {@code
 * config} is the commit's {@code .nixship.yaml}, read on the way (it names the image to push to).
 */
public record ImageInputs(String commitId, String tag, String key, NixshipConfig config) {
    /** The manifest annotation holding {@link #key}. */
    public static final String ANNOTATION = "io.nixship.inputs";

    /** Bumped whenever something new shapes the image, so older keys never match. */
    private static final String SCHEME = "nixship-inputs-1";

    public static ImageInputs of(
            String commitId,
            String tag,
            NixshipConfig config,
            String projectDirectory,
            Optional<String> remoteUrl,
            NixpkgsLock lock,
            int maxLayers,
            String layerFormat) {
        String described =
                SCHEME
                        + "\n"
                        + "nixship "
                        + NixshipVersion.current()
                        + "\n"
                        + "system "
                        + System.getProperty("os.arch")
                        + "-"
                        + System.getProperty("os.name").toLowerCase(Locale.ROOT)
                        + "\n"
                        + "commit "
                        + commitId
                        + "\n"
                        + "project /"
                        + projectDirectory
                        + "\n"
                        + "remote "
                        + remoteUrl.orElse("")
                        + "\n"
                        + "max-layers "
                        + maxLayers
                        + "\n"
                        + "layer-format "
                        + layerFormat
                        + "\n"
                        + "lock\n"
                        + lock.toYaml();
        return new ImageInputs(
                commitId, tag, Digests.sha256(described.getBytes(StandardCharsets.UTF_8)), config);
    }

    /**
     * The inputs key a manifest carries; empty for manifests nixship did not write, or that are not
     * JSON.
     */
    public static Optional<String> keyIn(byte[] manifest) {
        try {
            JsonNode key = Json.mapper().readTree(manifest).path("annotations").path(ANNOTATION);
            return key.isTextual() ? Optional.of(key.asText()) : Optional.empty();
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }
}
