package io.nixship.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * Explicit credentials and the registry host they were given for (the host of the image pushed, or
 * of the project's image). Only that host is offered them: an image on another registry, named by a
 * diff side or a pull request's manifests, gets the docker config's credentials or none.
 *
 * @param host the registry host as written in image references ({@code ghcr.io}, {@code host:port})
 */
public record HostCredentials(String host, RegistryCredentials credentials) {
    /** The credentials for {@code registryHost} if they were given for it. */
    public Optional<RegistryCredentials> forHost(String registryHost) {
        return apiHost(host).equals(apiHost(registryHost))
                ? Optional.of(credentials)
                : Optional.empty();
    }

    /** The credentials, bound to the registry host of {@code image} ({@code HOST/REPOSITORY}). */
    public static Optional<HostCredentials> forImage(
            String image, Optional<RegistryCredentials> credentials) {
        String host = RegistryTarget.parseWithDefaultTag(image, RegistryTarget.DEFAULT_TAG).host();
        return credentials.map(given -> new HostCredentials(host, given));
    }

    private static String apiHost(String host) {
        return RegistryTarget.apiHost(host.toLowerCase(Locale.ROOT));
    }
}
