package io.nixship.registry;

import java.util.Optional;

/** The {@code docker-credential-NAME get} protocol: server URL in, username and secret out. */
@FunctionalInterface
public interface CredentialHelper {
    Optional<RegistryCredentials> get(String helperName, String serverUrl);
}
