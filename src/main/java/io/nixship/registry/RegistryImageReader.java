package io.nixship.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads an image's manifest and config from a registry without touching its layers: what {@code
 * diff}, {@code verify} and {@code comment} need from a pushed image. An index (manifest list) is
 * followed to its linux/amd64 manifest.
 */
public final class RegistryImageReader {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String PLATFORM_OS = "linux";
    private static final String PLATFORM_ARCHITECTURE = "amd64";

    private final RegistryHost host;
    private final RegistrySettings settings;
    private final Optional<HostCredentials> credentials;

    public RegistryImageReader(
            RegistryHost host, RegistrySettings settings, Optional<HostCredentials> credentials) {
        this.host = host;
        this.settings = settings;
        this.credentials = credentials;
    }

    /** The manifest digest, manifest JSON and config JSON of one image. */
    public record RemoteImage(String manifestDigest, JsonNode manifest, JsonNode config) {}

    /**
     * Reads {@code host/repository} at {@code reference} (a tag or a {@code sha256:} digest).
     *
     * @param host the registry as written in image references ({@code docker.io} is mapped to its
     *     API host)
     */
    public RemoteImage read(String host, String repository, String reference) {
        RegistryTarget target = new RegistryTarget(host, repository, RegistryTarget.DEFAULT_TAG);
        RegistryClient client =
                RegistryClient.forTarget(
                        target,
                        credentials.flatMap(given -> given.forHost(host)),
                        this.host,
                        settings);
        RegistryManifest fetched = client.fetchManifest(repository, reference);
        JsonNode manifest =
                parse(fetched.bytes(), host + "/" + repository + " manifest " + fetched.digest());
        if (isIndex(fetched.mediaType(), manifest)) {
            String chosen = platformManifest(manifest, host + "/" + repository + ":" + reference);
            fetched = client.fetchManifest(repository, chosen);
            manifest = parse(fetched.bytes(), host + "/" + repository + " manifest " + chosen);
        }
        String configDigest = manifest.path("config").path("digest").asText("");
        if (!configDigest.matches("sha256:[0-9a-f]{64}")) {
            throw NixshipException.usage(
                    host
                            + "/"
                            + repository
                            + "@"
                            + fetched.digest()
                            + " names no config digest; is it an image manifest?");
        }
        JsonNode config =
                parse(
                        client.fetchBlob(repository, configDigest),
                        host + "/" + repository + " config " + configDigest);
        return new RemoteImage(fetched.digest(), manifest, config);
    }

    private static boolean isIndex(String mediaType, JsonNode manifest) {
        return mediaType.endsWith(".index.v1+json")
                || mediaType.endsWith(".manifest.list.v2+json")
                || (manifest.has("manifests") && !manifest.has("config"));
    }

    private static String platformManifest(JsonNode index, String name) {
        for (JsonNode entry : index.path("manifests")) {
            JsonNode platform = entry.path("platform");
            if (PLATFORM_OS.equals(platform.path("os").asText())
                    && PLATFORM_ARCHITECTURE.equals(platform.path("architecture").asText())) {
                return entry.path("digest").asText();
            }
        }
        throw NixshipException.usage(
                name
                        + " is an index without a "
                        + PLATFORM_OS
                        + "/"
                        + PLATFORM_ARCHITECTURE
                        + " image");
    }

    private static JsonNode parse(byte[] bytes, String what) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw NixshipException.failure(what + " is not JSON: " + e.getMessage(), e);
        }
    }
}
