package io.nixship.nix.channel;

import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs Nix commands from an argv list (no shell) with the caller's environment plus {@code
 * environment}; returns stdout, or fails with the command and the end of its stderr.
 */
final class NixCommands {
  private static final int STDERR_TAIL_CHARS = 2_000;

  private final Map<String, String> environment;

  NixCommands(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  String run(List<String> argv) {
    try {
      Path stderr = Files.createTempFile("nixship-nix", ".stderr");
      try {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
          throw NixshipException.failure(
              String.join(" ", argv) + " exited " + exit + ": " + tail(Files.readString(stderr)));
        }
        return out;
      } finally {
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw NixshipException.failure("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw NixshipException.failure("interrupted while running " + argv.get(0), e);
    }
  }

  private static String tail(String text) {
    String trimmed = text.strip();
    return trimmed.length() > STDERR_TAIL_CHARS
        ? "..." + trimmed.substring(trimmed.length() - STDERR_TAIL_CHARS)
        : trimmed;
  }
}
