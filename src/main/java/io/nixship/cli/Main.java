package io.nixship.cli;

import java.io.UncheckedIOException;

/** Entry point: builds the command line for the real process and exits with its code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // picocli's classes are built for Java 5, so the ahead-of-time cache cannot hold them
            // and building its command line was two thirds of this answer's start-up; the text is
            // NixshipCli.Version's.
            System.out.println(new NixshipCli.Version().getVersion()[0]);
            return;
        }
        CliContext context;
        try {
            context = CliContext.system();
        } catch (UncheckedIOException e) {
            // The launcher handed secrets over and they cannot be read: nothing can run.
            System.err.println("nixship: " + e.getMessage());
            System.exit(3);
            return;
        }
        int code = NixshipCli.commandLine(context, args).execute(args);
        endHttpSelectors();
        System.exit(code);
    }

    /**
     * An HttpClient left open (the registry and GitHub clients live as long as the command) keeps
     * its selector thread waiting in native code, and the JVM waits 0.3 s at exit for threads in
     * native code (a third of a no-op push). Interrupting the thread ends it; the process is ending
     * anyway.
     */
    private static void endHttpSelectors() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith("HttpClient-") && name.endsWith("-SelectorManager")) {
                thread.interrupt();
            }
        }
    }
}
