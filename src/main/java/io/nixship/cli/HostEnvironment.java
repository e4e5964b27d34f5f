package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.forge.GitHubAppCredentials;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.freeze.DeploymentFreeze;
import io.nixship.nix.NixHost;
import io.nixship.nix.NixSettings;
import io.nixship.pipeline.port.HostSettings;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistryHost;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The process environment, read once when the command line is built: the only reader of it.
 * Commands hand the typed values down (the cache directory, the registry's view of the machine,
 * Nix's settings, the GitHub Actions context, the action's inputs, kubectl).
 *
 * @param actionInputs the action's {@code INPUT_<NAME>} variables by upper-cased {@code NAME}
 * @param dumbTerminal {@code TERM=dumb}: no progress is drawn even on a console
 * @param githubAppVariables the GitHub App's id and key variables, the action's inputs winning;
 *     parsed only when a command talks to GitHub
 * @param manifestsToken the GitOps repository's token ({@code manifests-token}, else {@code
 *     NIXSHIP_MANIFESTS_TOKEN})
 */
public record HostEnvironment(
        Path home,
        Optional<Path> defaultCacheDirectory,
        Path dockerConfigFile,
        List<Path> searchPath,
        Optional<RegistryCredentials> actionsToken,
        GitHubEnvironment github,
        Map<String, String> actionInputs,
        Optional<Path> nixBinDirectory,
        boolean nixOffline,
        NixHost nixHost,
        DeploymentFreeze.Kubectl kubectl,
        boolean dumbTerminal,
        Map<String, String> githubAppVariables,
        Optional<String> manifestsToken) {

    /**
     * The only host variables a Nix child sees. Everything else (tokens above all) stays out,
     * because the expressions nixship evaluates come from pull requests and can read any variable
     * with {@code builtins.getEnv}.
     */
    private static final List<String> NIX_PASSED_THROUGH =
            List.of(
                    "PATH",
                    "HOME",
                    "USER",
                    "LOGNAME",
                    "TMPDIR",
                    "LANG",
                    "LC_ALL",
                    "TZ",
                    "NIX_REMOTE",
                    "NIX_CONF_DIR",
                    "NIX_USER_CONF_FILES",
                    "NIX_CONFIG",
                    "NIX_STORE_DIR",
                    "NIX_STATE_DIR",
                    "NIX_LOG_DIR",
                    "NIX_DATA_DIR",
                    "NIX_SSL_CERT_FILE",
                    "SSL_CERT_FILE",
                    "XDG_CACHE_HOME",
                    "XDG_CONFIG_HOME",
                    "XDG_DATA_HOME",
                    "http_proxy",
                    "https_proxy",
                    "no_proxy",
                    "HTTP_PROXY",
                    "HTTPS_PROXY",
                    "NO_PROXY");

    private static final String INPUT_PREFIX = "INPUT_";

    /** The token for a GitOps repository, when it is not the App's nor GITHUB_TOKEN's. */
    static final String MANIFESTS_TOKEN = "NIXSHIP_MANIFESTS_TOKEN";

    public HostEnvironment {
        searchPath = List.copyOf(searchPath);
        actionInputs = Map.copyOf(actionInputs);
        githubAppVariables = Map.copyOf(githubAppVariables);
    }

    public static HostEnvironment from(Map<String, String> variables) {
        Optional<Path> homeVariable = nonBlank(variables, "HOME").map(Path::of);
        Path home = homeVariable.orElseGet(() -> Path.of(System.getProperty("user.home")));
        Map<String, String> inputs = new LinkedHashMap<>();
        variables.forEach(
                (name, value) -> {
                    if (name.startsWith(INPUT_PREFIX)) {
                        inputs.put(name.substring(INPUT_PREFIX.length()), value);
                    }
                });
        GitHubEnvironment github = github(variables, inputs);
        return new HostEnvironment(
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
                Optional.ofNullable(github.token())
                        .filter(token -> !token.isBlank())
                        .map(
                                token ->
                                        new RegistryCredentials(
                                                nonBlank(variables, "GITHUB_ACTOR")
                                                        .orElse("x-access-token"),
                                                token.strip())),
                github,
                inputs,
                nonBlank(variables, "NIXSHIP_NIX_BIN").map(Path::of),
                "1".equals(variables.get("NIXSHIP_OFFLINE")),
                nixHost(variables),
                new DeploymentFreeze.Kubectl(
                        nonBlank(variables, "NIXSHIP_KUBECTL").orElse("kubectl"), variables),
                "dumb".equals(variables.get("TERM")),
                githubAppVariables(variables, inputs),
                inputOrVariable(
                        inputs, ActionInputDefaults.MANIFESTS_TOKEN, variables, MANIFESTS_TOKEN));
    }

    /** The GitHub App nixship acts as, when one is configured; its key is parsed now. */
    public Optional<GitHubAppCredentials> githubApp() {
        return GitHubAppCredentials.from(githubAppVariables);
    }

    private static Map<String, String> githubAppVariables(
            Map<String, String> variables, Map<String, String> inputs) {
        Map<String, String> app = new LinkedHashMap<>();
        inputOrVariable(
                        inputs,
                        ActionInputDefaults.GITHUB_APP_ID,
                        variables,
                        GitHubAppCredentials.APP_ID)
                .ifPresent(value -> app.put(GitHubAppCredentials.APP_ID, value));
        inputOrVariable(
                        inputs,
                        ActionInputDefaults.GITHUB_APP_PRIVATE_KEY,
                        variables,
                        GitHubAppCredentials.PRIVATE_KEY)
                .ifPresent(value -> app.put(GitHubAppCredentials.PRIVATE_KEY, value));
        nonBlank(variables, GitHubAppCredentials.PRIVATE_KEY_FILE)
                .ifPresent(value -> app.put(GitHubAppCredentials.PRIVATE_KEY_FILE, value));
        return app;
    }

    /** The input when given (the explicit choice), else the variable. */
    private static Optional<String> inputOrVariable(
            Map<String, String> inputs, String input, Map<String, String> variables, String name) {
        return Optional.ofNullable(inputs.get(input.toUpperCase(Locale.ROOT)))
                .filter(value -> !value.isBlank())
                .map(String::strip)
                .or(() -> nonBlank(variables, name).map(String::strip));
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

    /**
     * How to run Nix here ({@code NIXSHIP_NIX_BIN}: the directory holding nix-build and friends,
     * else PATH; {@code NIXSHIP_OFFLINE=1}: no binary caches), its lines going to {@code log}.
     */
    public NixSettings nix(Consumer<String> log) {
        return new NixSettings(
                nixBinDirectory, nixOffline, NixSettings.DEFAULT_TIMEOUT, nixHost, log);
    }

    /** What the use cases take from this machine, Nix's lines going to {@code log}. */
    public HostSettings settings(Consumer<String> log) {
        return new HostSettings(nix(log), githubRepository());
    }

    /** {@code GITHUB_REPOSITORY} ({@code owner/name}), which names a project's default image. */
    public Optional<String> githubRepository() {
        return Optional.ofNullable(github.repository());
    }

    /** The value of action input {@code name} ({@code INPUT_NAME}), empty when unset or blank. */
    public Optional<String> actionInput(String name) {
        return Optional.ofNullable(actionInputs.get(name.toUpperCase(Locale.ROOT)))
                .filter(value -> !value.isBlank())
                .map(String::strip);
    }

    /** Whether progress may be drawn, given whether the process runs on a terminal. */
    public boolean interactive(boolean terminal) {
        return terminal && !dumbTerminal;
    }

    /** Never prints the action's inputs (secrets among them) nor the token. */
    @Override
    public String toString() {
        return "HostEnvironment[home=" + home + ", github=" + github + ", kubectl=" + kubectl + "]";
    }

    /**
     * The Actions context. The {@code github-token} input, when given, is its token: the input is
     * the explicit choice (a PAT, an app token), {@code GITHUB_TOKEN} only a workflow-wide default.
     */
    private static GitHubEnvironment github(
            Map<String, String> variables, Map<String, String> inputs) {
        String tokenInput = inputs.get(ActionInputDefaults.GITHUB_TOKEN.toUpperCase(Locale.ROOT));
        String token =
                tokenInput == null || tokenInput.isBlank()
                        ? value(variables, "GITHUB_TOKEN")
                        : tokenInput.strip();
        return new GitHubEnvironment(
                "true".equals(variables.get("GITHUB_ACTIONS")),
                withoutTrailingSlash(
                        valueOr(variables, "GITHUB_API_URL", GitHubEnvironment.DEFAULT_API_URL)),
                withoutTrailingSlash(
                        valueOr(
                                variables,
                                "GITHUB_SERVER_URL",
                                GitHubEnvironment.DEFAULT_SERVER_URL)),
                value(variables, "GITHUB_REPOSITORY"),
                value(variables, "GITHUB_SHA"),
                value(variables, "GITHUB_REF"),
                value(variables, "GITHUB_EVENT_NAME"),
                path(variables, "GITHUB_EVENT_PATH"),
                token,
                path(variables, "GITHUB_OUTPUT"),
                path(variables, "GITHUB_STEP_SUMMARY"),
                path(variables, "GITHUB_WORKSPACE"),
                path(variables, "RUNNER_TEMP"));
    }

    private static NixHost nixHost(Map<String, String> variables) {
        Map<String, String> passedThrough = new LinkedHashMap<>();
        for (String name : NIX_PASSED_THROUGH) {
            String value = variables.get(name);
            if (value != null) {
                passedThrough.put(name, value);
            }
        }
        return new NixHost(
                passedThrough,
                Optional.ofNullable(variables.get("NIX_PATH")),
                Optional.ofNullable(variables.get("NIXSHIP_NIX_QUIET_NOTICE")),
                Optional.ofNullable(variables.get("NIXSHIP_NIX_USER")));
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

    /** The variable's value; null when unset or empty. */
    private static String value(Map<String, String> variables, String name) {
        String value = variables.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static String valueOr(Map<String, String> variables, String name, String fallback) {
        String value = value(variables, name);
        return value == null ? fallback : value;
    }

    private static Path path(Map<String, String> variables, String name) {
        String value = value(variables, name);
        return value == null ? null : Path.of(value);
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
