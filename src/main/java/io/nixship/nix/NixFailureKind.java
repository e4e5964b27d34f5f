package io.nixship.nix;

/** What went wrong with Nix; each has its own message and exit code. */
public enum NixFailureKind {
    /** Nix is not installed (or not where {@code NIXSHIP_NIX_BIN} says). Exit 1. */
    NOT_INSTALLED,
    /**
     * This machine's Nix set-up stops Nix (build users, sandbox, store permissions, daemon); the
     * message names the setting or path to change. Exit 1.
     */
    SETUP,
    /**
     * The locked nixpkgs needs a newer Nix than this machine's ({@code lib/minver.nix}). Exit 1.
     */
    NIX_TOO_OLD,
    /** The nixpkgs tarball does not have the hash the lock records. Exit 1. */
    HASH_MISMATCH,
    /** The tarball could not be downloaded or unpacked. Exit 1. */
    FETCH_FAILED,
    /** The Nix file does not parse or evaluate; the message carries {@code file:line}. Exit 2. */
    EVALUATION,
    /** The file evaluates, but not to one derivation. Exit 2. */
    NOT_A_DERIVATION,
    /**
     * A builder failed; the message names the derivation, the exception keeps the log's last lines.
     * Exit 1.
     */
    BUILD,
    /** A Nix command ran past its time limit and was killed. Exit 1. */
    TIMEOUT,
    /** The runtime closure is larger than the configured limit. Exit 1. */
    CLOSURE_TOO_LARGE,
    /** Anything else a Nix command reported. Exit 1. */
    OTHER
}
