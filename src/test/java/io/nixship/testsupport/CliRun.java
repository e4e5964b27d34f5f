package io.nixship.testsupport;

import io.nixship.cli.CliContext;
import io.nixship.cli.NixshipCli;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the real command line in-process, as {@code Main} does, with captured stdout/stderr, a given
 * environment and working directory. The environment defaults to an offline Nix and a private
 * cache.
 */
public final class CliRun {
    /** What a run left: its exit code and everything it printed. */
    public record Result(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    private final Path workingDir;
    private final Map<String, String> env;
    private String stdin = "";
    private boolean interactive;

    public CliRun(Path workingDir, Map<String, String> env) {
        this.workingDir = workingDir;
        this.env = new HashMap<>(env);
    }

    /**
     * An environment like a developer's shell (PATH, HOME, Nix offline, the Nix under test) with
     * the layer cache under {@code home}; nothing else from the host leaks in.
     */
    public static CliRun offline(Path workingDir, Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        env.put("NIXSHIP_OFFLINE", "1");
        env.put("LANG", "C.UTF-8");
        TestNix.binDirectory().ifPresent(dir -> env.put(TestNix.BIN_VARIABLE, dir));
        return new CliRun(workingDir, env);
    }

    public CliRun env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public CliRun stdin(String text) {
        this.stdin = text;
        return this;
    }

    /**
     * Runs as if stderr were a terminal (progress drawn in place) when {@code true}; default {@code
     * false}.
     */
    public CliRun interactive(boolean value) {
        this.interactive = value;
        return this;
    }

    public Map<String, String> environment() {
        return Map.copyOf(env);
    }

    public Path workingDir() {
        return workingDir;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context =
                new CliContext(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                        env,
                        workingDir,
                        interactive);
        int code = NixshipCli.commandLine(context, args).execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
