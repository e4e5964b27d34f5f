package io.nixship.nix;

import io.nixship.NixshipException;
import io.nixship.config.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * How nixship runs Nix: where the binaries are ({@code binDirectory}, else {@code PATH}), whether
 * to stay offline (no binary caches: tests and air-gapped runs), the time limit per Nix command,
 * the host environment to take Nix's own variables from, and where Nix's log lines go.
 */
public record NixSettings(
        Optional<Path> binDirectory,
        boolean offline,
        Duration timeout,
        Map<String, String> hostEnvironment,
        Consumer<String> log) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(2);
    public static final int TAIL_LINES = 25;
    private static final String QUIET_NOTICE_VARIABLE = "NIXSHIP_NIX_QUIET_NOTICE";
    private static final Duration DEFAULT_QUIET_NOTICE = Duration.ofSeconds(30);

    /**
     * The only host variables a Nix child sees. Everything else (tokens above all) stays out,
     * because the expressions nixship evaluates come from pull requests and can read any variable
     * with {@code builtins.getEnv}.
     */
    private static final List<String> PASSED_THROUGH =
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

    /** Directories of nixship's own user, which another user's Nix cannot write. */
    private static final List<String> AS_USER_DROPPED =
            List.of("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "NIX_USER_CONF_FILES");

    public NixSettings {
        hostEnvironment = Map.copyOf(hostEnvironment);
    }

    /**
     * Settings from the host: {@code NIXSHIP_NIX_BIN} (a directory holding nix-build and friends)
     * and {@code NIXSHIP_OFFLINE=1} are honoured.
     */
    public static NixSettings fromHost(Map<String, String> environment, Consumer<String> log) {
        Optional<Path> bin =
                Optional.ofNullable(environment.get("NIXSHIP_NIX_BIN"))
                        .filter(v -> !v.isBlank())
                        .map(Path::of);
        boolean offline = "1".equals(environment.get("NIXSHIP_OFFLINE"));
        return new NixSettings(bin, offline, DEFAULT_TIMEOUT, environment, log);
    }

    public NixSettings withOffline(boolean value) {
        return new NixSettings(binDirectory, value, timeout, hostEnvironment, log);
    }

    public NixSettings withTimeout(Duration value) {
        return new NixSettings(binDirectory, offline, value, hostEnvironment, log);
    }

    public NixSettings withBinDirectory(Path value) {
        return new NixSettings(Optional.of(value), offline, timeout, hostEnvironment, log);
    }

    /** The program to run: {@code nix-build} from PATH, or from {@code binDirectory}. */
    String program(String name) {
        return binDirectory.map(dir -> dir.resolve(name).toString()).orElse(name);
    }

    /**
     * The child environment: Nix's own host variables plus {@code extra} (which wins). Run as the
     * {@link #user()}, Nix gets that user's home and goes through the daemon; nixship's own cache
     * and config directories are not that user's.
     */
    Map<String, String> childEnvironment(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : PASSED_THROUGH) {
            String value = hostEnvironment.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(extra);
        if (env.containsKey("PATH")) {
            // Nix runs programs too (git for fetchers, the shell): never from the checkout.
            env.put("PATH", absoluteEntries(env.get("PATH")));
        }
        user().ifPresent(
                        user -> {
                            env.keySet().removeAll(AS_USER_DROPPED);
                            env.put("HOME", user.home().toString());
                            env.put("USER", user.name());
                            env.put("LOGNAME", user.name());
                            env.put("NIX_REMOTE", "daemon");
                        });
        return env;
    }

    /** The user Nix commands run as ({@code NIXSHIP_NIX_USER}); empty: nixship's own user. */
    Optional<NixUser> user() {
        return NixUser.named(hostEnvironment.get(NixUser.VARIABLE));
    }

    /** The argv of {@code program args...}, switched to the {@link #user()} if there is one. */
    List<String> argv(String program, List<String> args) {
        List<String> argv = new ArrayList<>();
        user().ifPresent(user -> argv.addAll(user.switchCommand()));
        argv.add(program(program));
        argv.addAll(args);
        return argv;
    }

    /** The absolute directories of a {@code PATH} value, in order. */
    static String absoluteEntries(String path) {
        return Arrays.stream(path.split(":"))
                .filter(entry -> entry.startsWith("/"))
                .collect(Collectors.joining(":"));
    }

    /**
     * How long a Nix command may print nothing before nixship says what it is waiting on, and again
     * after each such stretch: {@code NIXSHIP_NIX_QUIET_NOTICE} ({@code 30s}, {@code 2m}...), else
     * 30 seconds.
     */
    Duration quietNotice() {
        String value = hostEnvironment.get(QUIET_NOTICE_VARIABLE);
        if (value == null || value.isBlank()) {
            return DEFAULT_QUIET_NOTICE;
        }
        return DurationText.parse(value)
                .orElseThrow(
                        () ->
                                NixshipException.usage(
                                        QUIET_NOTICE_VARIABLE
                                                + "='"
                                                + value
                                                + "' is not a duration like 30s, 5m or 1h"));
    }

    /** {@code --option substituters ''} when offline, so nothing reaches for a binary cache. */
    List<String> substituterOptions() {
        return offline ? List.of("--option", "substituters", "") : List.of();
    }
}
