package io.nixship.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code nix} section: which file to build, the environment it is evaluated with, the channel
 * the lock follows, an optional cap on the runtime closure's total NAR size, and an optional time
 * limit per Nix command (default {@code NixSettings.DEFAULT_TIMEOUT}).
 */
public record NixConfig(
        String file,
        Map<String, String> env,
        Optional<String> channel,
        OptionalLong maxClosureBytes,
        Optional<Duration> timeout) {
    public static final String DEFAULT_FILE = "default.nix";

    /** {@code BUILD=1} is the seed's convention: the file returns the environment, not a shell. */
    public static final Map<String, String> DEFAULT_ENV = Map.of("BUILD", "1");

    public NixConfig {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    public NixConfig(
            String file,
            Map<String, String> env,
            Optional<String> channel,
            OptionalLong maxClosureBytes) {
        this(file, env, channel, maxClosureBytes, Optional.empty());
    }

    public static NixConfig defaults() {
        return new NixConfig(DEFAULT_FILE, DEFAULT_ENV, Optional.empty(), OptionalLong.empty());
    }
}
