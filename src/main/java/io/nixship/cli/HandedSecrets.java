package io.nixship.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Secrets the launcher or the action's entrypoint handed over outside the process environment:
 * {@value #VARIABLE} names a file, in practice an inherited pipe ({@code /dev/fd/3}), of {@code
 * NAME=VALUE} entries, each ended by a NUL byte. A process environment is readable by every process
 * of the same user ({@code /proc/<pid>/environ}), and Nix evaluates and builds code from pull
 * requests; the pipe is drained once, here, and its entries join the environment map nixship reads,
 * never the JVM's own environment.
 */
final class HandedSecrets {
    static final String VARIABLE = "NIXSHIP_SECRETS_FILE";

    private HandedSecrets() {}

    /** {@code environment} with the handed-over secrets added and {@value #VARIABLE} removed. */
    static Map<String, String> addTo(Map<String, String> environment) {
        String file = environment.get(VARIABLE);
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.remove(VARIABLE);
        if (file == null || file.isEmpty()) {
            return merged;
        }
        String entries;
        try {
            entries = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    VARIABLE + "=" + file + " cannot be read (" + e.getMessage() + ")", e);
        }
        for (String entry : entries.split("\0")) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                merged.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return merged;
    }
}
