package io.nixship.nix;

/** Runs child processes; the one seam between nixship's Nix logic and the operating system. */
public interface ProcessRunner {
    /**
     * Runs {@code spec} to completion or until its timeout, when the process and its descendants
     * are killed and the result says {@code timedOut}.
     *
     * @throws ProgramNotFoundException when the program does not exist or cannot be executed
     */
    ProcessResult run(ProcessSpec spec);
}
