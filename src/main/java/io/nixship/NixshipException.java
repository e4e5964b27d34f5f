package io.nixship;

/**
 * The one exception type that carries an exit code. Its message is the one line a person reads: it
 * names the file, field or value at fault and what to do.
 */
public class NixshipException extends RuntimeException {
    /**
     * Exit codes are a contract: 0 ok, 1 failure or check failed, 2 usage or configuration error, 3
     * internal error (a bug in nixship, never this exception).
     */
    public static final int FAILURE = 1;

    public static final int USAGE = 2;

    public static final int INTERNAL = 3;

    private final int exitCode;

    public NixshipException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public NixshipException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad input from the user: configuration, options, files. Exit code 2. */
    public static NixshipException usage(String message) {
        return new NixshipException(USAGE, message);
    }

    /** Something failed while doing the work (build, network, remote refusal). Exit code 1. */
    public static NixshipException failure(String message) {
        return new NixshipException(FAILURE, message);
    }

    public static NixshipException failure(String message, Throwable cause) {
        return new NixshipException(FAILURE, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
