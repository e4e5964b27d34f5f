package io.nixship.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code app} section: files copied from the commit into {@code workdir}, and the container's
 * process settings. {@code ports} are normalised to {@code 8080/tcp} form.
 */
public record AppConfig(
        List<String> copy,
        String workdir,
        List<String> cmd,
        List<String> entrypoint,
        Map<String, String> env,
        Optional<String> user,
        List<String> ports) {
    public static final String DEFAULT_WORKDIR = "/opt";

    public AppConfig {
        copy = List.copyOf(copy);
        cmd = List.copyOf(cmd);
        entrypoint = List.copyOf(entrypoint);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        ports = List.copyOf(ports);
    }

    public static AppConfig defaults() {
        return new AppConfig(
                List.of(),
                DEFAULT_WORKDIR,
                List.of(),
                List.of(),
                Map.of(),
                Optional.empty(),
                List.of());
    }
}
