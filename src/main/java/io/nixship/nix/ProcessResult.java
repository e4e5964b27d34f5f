package io.nixship.nix;

import java.util.List;

/**
 * How a child process ended: its exit code (-1 when killed on timeout), stdout, and stderr's last
 * lines.
 */
public record ProcessResult(
        int exitCode, String stdout, List<String> stderrTail, boolean timedOut) {
    public ProcessResult {
        stderrTail = List.copyOf(stderrTail);
    }

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }
}
