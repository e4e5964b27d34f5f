package io.nixship.nix;

import io.nixship.NixshipException;
import java.util.List;

/**
 * A Nix failure: a {@link NixshipException} whose {@link #kind()} says which, with the last lines
 * of Nix's output (for a PR comment or a log group). The message is one line: Nix's own output has
 * already been streamed to the log.
 */
public final class NixException extends NixshipException {
    private final NixFailureKind kind;
    private final List<String> logTail;

    public NixException(NixFailureKind kind, String message, List<String> logTail) {
        super(exitCodeOf(kind), message);
        this.kind = kind;
        this.logTail = List.copyOf(logTail);
    }

    public NixFailureKind kind() {
        return kind;
    }

    public List<String> logTail() {
        return logTail;
    }

    private static int exitCodeOf(NixFailureKind kind) {
        return kind == NixFailureKind.EVALUATION || kind == NixFailureKind.NOT_A_DERIVATION
                ? USAGE
                : FAILURE;
    }
}
