package io.nixship.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

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

    /**
     * Variables {@code nix.env} may not set (compared ignoring case), because they choose the
     * programs, libraries, configuration, trust or network route of Nix, the shell, the C library,
     * git and ssh (which Nix runs for fetchers) or curl: the rest are the project's own knobs.
     */
    private static final Set<String> RESERVED_NAMES =
            Set.of(
                    "PATH",
                    "HOME",
                    "USER",
                    "LOGNAME",
                    "SHELL",
                    "TMPDIR",
                    "TMP",
                    "TEMP",
                    "TEMPDIR",
                    "ENV",
                    "IFS",
                    "CDPATH",
                    "PS4",
                    "SHELLOPTS",
                    "BASHOPTS",
                    "GLOBIGNORE",
                    "LOCALE_ARCHIVE",
                    "LOCPATH",
                    "NLSPATH",
                    "HOSTALIASES",
                    "RES_OPTIONS",
                    "LOCALDOMAIN",
                    "TZDIR",
                    "NETRC",
                    "PAGER",
                    "EDITOR",
                    "VISUAL");

    private static final List<String> RESERVED_PREFIXES =
            List.of(
                    "NIX_", "LD_", "DYLD_", "BASH_", "GIT_", "SSH_", "XDG_", "JAVA_", "_JAVA_",
                    "JDK_", "CURL_", "SSL_", "GCONV_", "GLIBC_", "MALLOC_");

    /** Whether {@code name} is one {@code nix.env} may not set (see {@link #RESERVED_NAMES}). */
    public static boolean isReserved(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return RESERVED_NAMES.contains(upper)
                || upper.endsWith("_PROXY")
                || RESERVED_PREFIXES.stream().anyMatch(upper::startsWith);
    }

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
