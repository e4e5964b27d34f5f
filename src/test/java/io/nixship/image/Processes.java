package io.nixship.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs a real client (umoci, skopeo, nix-store) and fails the test with its output when it fails.
 */
final class Processes {
    private Processes() {}

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
            throw new AssertionError(
                    String.join(" ", command) + " exited " + exit + ":\n" + output);
        }
        return output;
    }
}
