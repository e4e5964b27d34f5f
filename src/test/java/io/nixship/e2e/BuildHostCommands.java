package io.nixship.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the host tools the end-to-end tests check nixship against (umoci, skopeo, chroot, nix-shell)
 * with exactly the given environment, so nothing from the test JVM's shell changes their answer.
 */
final class BuildHostCommands {
    /** What a finished command left. */
    record Output(int exitCode, String out, String err) {
        /**
         * The stdout of a command that must have succeeded; a failure shows the command's stderr.
         */
        String checked(List<String> command) {
            if (exitCode != 0) {
                throw new AssertionError(
                        String.join(" ", command) + " exited " + exitCode + ":\n" + err + out);
            }
            return out;
        }
    }

    /** {@code PATH} for host tools: the system directories only. */
    static final String HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private BuildHostCommands() {}

    static Output run(
            List<String> command, Map<String, String> environment, Optional<Path> directory) {
        try {
            Path stderr = Files.createTempFile("nixship-e2e", ".stderr");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
                builder.environment().clear();
                builder.environment().putAll(environment);
                directory.ifPresent(dir -> builder.directory(dir.toFile()));
                Process process = builder.start();
                process.getOutputStream().close();
                String out =
                        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int exit = process.waitFor();
                return new Output(exit, out, Files.readString(stderr));
            } finally {
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Runs a host tool that must succeed, offline, and returns its stdout. */
    static String check(String... command) {
        List<String> argv = List.of(command);
        return run(
                        argv,
                        Map.of("PATH", HOST_PATH, "NIX_CONFIG", "substituters ="),
                        Optional.empty())
                .checked(argv);
    }
}
