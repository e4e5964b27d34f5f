package io.nixship.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shipped launcher {@code ./nixship} (which execs {@code java -jar target/nixship.jar}) as
 * a subprocess, with exactly the environment and working directory a {@link CliRun} was given: the
 * packaged jar as a user runs it, where {@link CliRun} runs the classes in-process. Meant for the
 * failsafe stage after {@code mvn package}.
 */
public final class LauncherRun {
    private static final Path LAUNCHER = Path.of("nixship").toAbsolutePath();

    /** Far above any single run here; a hung run fails the test instead of the whole build. */
    private static final long TIMEOUT_MINUTES = 10;

    private final CliRun settings;

    public LauncherRun(CliRun settings) {
        this.settings = settings;
    }

    public CliRun.Result run(String... args) {
        try {
            Path out = Files.createTempFile("nixship-launcher", ".out");
            Path err = Files.createTempFile("nixship-launcher", ".err");
            try {
                return run(out, err, args);
            } finally {
                Files.delete(out);
                Files.delete(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CliRun.Result run(Path out, Path err, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(LAUNCHER.toString());
        builder.command().addAll(List.of(args));
        builder.directory(settings.workingDir().toFile());
        // The run's environment only, as CliRun gives it in-process: nothing of Maven's leaks in.
        builder.environment().clear();
        builder.environment().putAll(settings.environment());
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.redirectOutput(out.toFile());
        builder.redirectError(err.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new AssertionError(
                        "nixship "
                                + String.join(" ", args)
                                + " still running after "
                                + TIMEOUT_MINUTES
                                + " minutes; stderr so far:\n"
                                + Files.readString(err, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(
                    "interrupted while nixship " + String.join(" ", args) + " ran", e);
        }
        return new CliRun.Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
