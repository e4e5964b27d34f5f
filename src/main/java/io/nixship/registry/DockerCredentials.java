package io.nixship.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the credentials for a registry host, first match wins: explicit ones (the CLI's {@code
 * --registry-username}/{@code --registry-password-stdin}); the docker config ({@code
 * $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}): {@code credHelpers} for the
 * host, then {@code auths}, then {@code credsStore}; for {@code ghcr.io}, {@code GITHUB_TOKEN}.
 */
public final class DockerCredentials {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

    private final RegistryHost host;
    private final CredentialHelper helper;

    public DockerCredentials(RegistryHost host, CredentialHelper helper) {
        this.host = host;
        this.helper = helper;
    }

    /** Uses the real {@code docker-credential-*} programs found on the host's search path. */
    public DockerCredentials(RegistryHost host) {
        this(host, new ProcessCredentialHelper(host.helperSearchPath()));
    }

    /**
     * @param host the registry host as the user wrote it ({@code docker.io}, {@code ghcr.io},
     *     {@code host:port})
     */
    public Optional<RegistryCredentials> resolve(
            String host, Optional<RegistryCredentials> explicit) {
        if (explicit.isPresent()) {
            return explicit;
        }
        Optional<RegistryCredentials> fromDocker = fromDockerConfig(host);
        if (fromDocker.isPresent()) {
            return fromDocker;
        }
        return host.equals("ghcr.io") ? this.host.actionsToken() : Optional.empty();
    }

    Path configFile() {
        return host.dockerConfigFile();
    }

    private Optional<RegistryCredentials> fromDockerConfig(String host) {
        Path file = configFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode config;
        try {
            config = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw NixshipException.usage(
                    file + " is not valid JSON; fix it or run docker login again");
        }
        String serverUrl = host.equals("docker.io") ? DOCKER_HUB_KEY : host;
        String helperName = config.path("credHelpers").path(host).asText("");
        if (!helperName.isEmpty()) {
            return helper.get(helperName, serverUrl);
        }
        Optional<RegistryCredentials> inline = fromAuths(file, config.path("auths"), host);
        if (inline.isPresent()) {
            return inline;
        }
        String store = config.path("credsStore").asText("");
        return store.isEmpty() ? Optional.empty() : helper.get(store, serverUrl);
    }

    private static Optional<RegistryCredentials> fromAuths(Path file, JsonNode auths, String host) {
        for (Map.Entry<String, JsonNode> entry : auths.properties()) {
            if (!normalise(entry.getKey()).equals(normalise(host))) {
                continue;
            }
            String auth = entry.getValue().path("auth").asText("");
            if (auth.isEmpty()) {
                String username = entry.getValue().path("username").asText("");
                String password = entry.getValue().path("password").asText("");
                return username.isEmpty() || password.isEmpty()
                        ? Optional.empty()
                        : Optional.of(new RegistryCredentials(username, password));
            }
            String decoded;
            try {
                decoded =
                        new String(
                                Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw NixshipException.usage(
                        file
                                + ": auths."
                                + entry.getKey()
                                + ".auth is not base64; run docker login again");
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0 || colon == decoded.length() - 1) {
                throw NixshipException.usage(
                        file
                                + ": auths."
                                + entry.getKey()
                                + ".auth is not base64 of USER:PASSWORD; run docker login again");
            }
            return Optional.of(
                    new RegistryCredentials(
                            decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        return Optional.empty();
    }

    /**
     * {@code https://index.docker.io/v1/}, {@code docker.io} and {@code https://host/} name the
     * same thing.
     */
    static String normalise(String key) {
        String host = key.replaceFirst("^[a-zA-Z]+://", "");
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        host = host.toLowerCase(java.util.Locale.ROOT);
        if (host.equals("index.docker.io")
                || host.equals("registry-1.docker.io")
                || host.equals("registry.hub.docker.com")) {
            return "docker.io";
        }
        return host;
    }
}
