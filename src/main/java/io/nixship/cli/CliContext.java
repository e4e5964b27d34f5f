package io.nixship.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command gets from its caller instead of reaching for globals: where results go
 * (stdout), where messages for people go (stderr), standard input (for secrets), the environment
 * and the working directory; {@code interactive} is true when stderr is a terminal (progress is
 * drawn then). Tests build one with StringWriters and a fixed environment map.
 */
public record CliContext(
        PrintWriter out,
        PrintWriter err,
        InputStream in,
        Map<String, String> env,
        Path workingDir,
        boolean interactive) {
    public CliContext {
        env = Map.copyOf(env);
    }

    public static CliContext system() {
        return new CliContext(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.in,
                System.getenv(),
                Path.of("").toAbsolutePath(),
                System.console() != null && !"dumb".equals(System.getenv("TERM")));
    }

    public String env(String name) {
        return env.get(name);
    }

    /** The user's home, for {@code ~/.docker/config.json} and the default cache. */
    public Path home() {
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }
}
