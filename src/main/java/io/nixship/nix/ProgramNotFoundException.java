package io.nixship.nix;

/** The program in argv[0] is not installed (or not executable); callers say what to install. */
public final class ProgramNotFoundException extends RuntimeException {
    private final String program;

    public ProgramNotFoundException(String program, Throwable cause) {
        super(program + " not found", cause);
        this.program = program;
    }

    public String program() {
        return program;
    }
}
