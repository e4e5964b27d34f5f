package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistryHost;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process environment, read once when the command line is built; commands hand typed values
 * down from it. {@code variables} is the whole environment for the parts that still take it (Nix's
 * pass-through list, the Actions context, project configuration).
 */
public record HostEnvironment(
        Map<String, String> variables,
        Path home,
        Optional<Path> defaultCacheDirectory,
        Path dockerConfigFile,
        List<Path> searchPath,
        Optional<RegistryCredentials> actionsToken) {
    public HostEnvironment {
        variables = Map.copyOf(variables);
        searchPath = List.copyOf(searchPath);
    }

    public static HostEnvironment from(Map<String, String> variables) {
        Optional<Path> homeVariable = nonBlank(variables, "HOME").map(Path::of);
        Path home = homeVariable.orElseGet(() -> Path.of(System.getProperty("user.home")));
        return new HostEnvironment(
                variables,
                home,
                cacheDirectory(variables, homeVariable),
                nonBlank(variables, "DOCKER_CONFIG")
                        .map(Path::of)
                        .orElse(home.resolve(".docker"))
                        .resolve("config.json"),
                Arrays.stream(variables.getOrDefault("PATH", "").split(File.pathSeparator))
                        .filter(entry -> !entry.isBlank())
                        .map(Path::of)
                        .toList(),
                nonBlank(variables, "GITHUB_TOKEN")
                        .map(
                                token ->
                                        new RegistryCredentials(
                                                nonBlank(variables, "GITHUB_ACTOR")
                                                        .orElse("x-access-token"),
                                                token.strip())));
    }

    /**
     * The one cache-directory rule: {@code --cache-dir} (relative to {@code workingDir}) when
     * given, else {@code $XDG_CACHE_HOME/nixship} when that is absolute (the XDG specification
     * ignores relative values), else {@code $HOME/.cache/nixship}.
     */
    public Path cacheDirectory(Optional<Path> option, Path workingDir) {
        if (option.isPresent()) {
            return workingDir.resolve(option.get());
        }
        return defaultCacheDirectory.orElseThrow(
                () ->
                        NixshipException.usage(
                                "no cache directory: set XDG_CACHE_HOME (an absolute path) or"
                                        + " HOME, or pass --cache-dir"));
    }

    /**
     * What the registry adapter needs from this machine, with blob locations under {@code cache}.
     */
    public RegistryHost registry(Path cache) {
        return new RegistryHost(dockerConfigFile, searchPath, actionsToken, cache);
    }

    private static Optional<Path> cacheDirectory(
            Map<String, String> variables, Optional<Path> home) {
        Optional<Path> xdg =
                nonBlank(variables, "XDG_CACHE_HOME").map(Path::of).filter(Path::isAbsolute);
        return xdg.or(() -> home.map(dir -> dir.resolve(".cache")))
                .map(base -> base.resolve("nixship"));
    }

    private static Optional<String> nonBlank(Map<String, String> variables, String name) {
        return Optional.ofNullable(variables.get(name)).filter(value -> !value.isBlank());
    }
}
