package io.nixship.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the registry adapter takes from the machine it runs on: Docker's {@code config.json}, the
 * directories searched for {@code docker-credential-*} helpers, the GitHub Actions token that
 * stands in for ghcr.io credentials, and the nixship cache directory (blob locations live under its
 * {@code registry/}).
 */
public record RegistryHost(
        Path dockerConfigFile,
        List<Path> helperSearchPath,
        Optional<RegistryCredentials> actionsToken,
        Path cacheDirectory) {
    public RegistryHost {
        helperSearchPath = List.copyOf(helperSearchPath);
    }
}
