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
 * what Nix takes from the host, and where Nix's log lines go.
 */
public record NixSettings(
        Optional<Path> binDirectory,
        boolean offline,
        Duration timeout,
        NixHost host,
        Consumer<String> log) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(2);
    public static final int TAIL_LINES = 25;
    private static final String QUIET_NOTICE_VARIABLE = "NIXSHIP_NIX_QUIET_NOTICE";
    private static final Duration DEFAULT_QUIET_NOTICE = Duration.ofSeconds(30);

    /** Directories of nixship's own user, which another user's Nix cannot write. */
    private static final List<String> AS_USER_DROPPED =
            List.of("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "NIX_USER_CONF_FILES");

    public NixSettings withOffline(boolean value) {
        return new NixSettings(binDirectory, value, timeout, host, log);
    }

    public NixSettings withTimeout(Duration value) {
        return new NixSettings(binDirectory, offline, value, host, log);
    }

    public NixSettings withBinDirectory(Path value) {
        return new NixSettings(Optional.of(value), offline, timeout, host, log);
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
        env.putAll(host.passedThrough());
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
        return NixUser.named(host.user().orElse(null));
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
        String value = host.quietNotice().orElse("");
        if (value.isBlank()) {
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
