package io.nixship.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A username and its password or token; {@link #toString()} never shows the secret. */
public record RegistryCredentials(String username, String secret) {
    public RegistryCredentials {
        if (username == null || username.isEmpty() || secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("registry credentials need a username and a secret");
        }
    }

    String basicHeader() {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryCredentials[username=" + username + ", secret=***]";
    }
}
