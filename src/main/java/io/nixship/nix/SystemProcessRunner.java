package io.nixship.nix;

import io.nixship.NixshipException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Runs processes with {@link ProcessBuilder}: stdout collected, stderr streamed line by line. */
public final class SystemProcessRunner implements ProcessRunner {
    private static final Pattern NOT_FOUND = Pattern.compile("error(=|: )(2|13)\\b");

    /** Nix can print very long lines (whole derivations); the tail is for people, so cap them. */
    private static final int MAX_TAIL_LINE = 4000;

    @Override
    public ProcessResult run(ProcessSpec spec) {
        List<String> argv = new ArrayList<>(spec.argv());
        argv.set(0, onPath(spec.program(), spec.environment()));
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        spec.directory().ifPresent(dir -> builder.directory(dir.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            // ENOENT or EACCES: "error=2, ..." from older JDKs, "Exec failed, error: 2 (...)" from
            // JDK 25's spawn helper.
            if (NOT_FOUND.matcher(message).find()) {
                throw new ProgramNotFoundException(spec.program(), e);
            }
            throw NixshipException.failure("cannot start " + spec.program() + ": " + message, e);
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Deque<String> tail = new ArrayDeque<>();
        Thread outReader = reader("stdout", () -> copy(process.getInputStream(), stdout));
        Thread errReader = reader("stderr", () -> lines(process.getErrorStream(), spec, tail));
        boolean timedOut = false;
        try {
            if (!process.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                // Builders are children of nix-build; killing only the parent would leave them
                // running.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor();
            }
            outReader.join();
            errReader.join();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw NixshipException.failure(spec.program() + " was interrupted", e);
        }
        synchronized (tail) {
            return new ProcessResult(
                    timedOut ? -1 : process.exitValue(),
                    stdout.toString(StandardCharsets.UTF_8),
                    new ArrayList<>(tail),
                    timedOut);
        }
    }

    /**
     * A bare program name as the child's own {@code PATH} finds it: {@link ProcessBuilder} would
     * search the JVM's {@code PATH} instead, so the environment a command was given would not
     * decide.
     */
    private static String onPath(String program, Map<String, String> environment) {
        String path = environment.get("PATH");
        if (program.contains("/") || path == null) {
            return program;
        }
        for (String directory : path.split(":")) {
            // An empty or relative entry would be looked up from the current directory: a
            // project's checkout is not trusted for that.
            Path candidate = directory.startsWith("/") ? Path.of(directory, program) : null;
            if (candidate != null
                    && Files.isRegularFile(candidate)
                    && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new ProgramNotFoundException(
                program, new IOException(program + " is not on PATH " + path));
    }

    private static Thread reader(String name, Runnable body) {
        Thread thread = new Thread(body, "nixship-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // The stream closes under us when a timed-out process is killed; what was read is kept.
        }
    }

    private static void lines(InputStream in, ProcessSpec spec, Deque<String> tail) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                spec.log().accept(line);
                synchronized (tail) {
                    tail.addLast(
                            line.length() > MAX_TAIL_LINE
                                    ? line.substring(0, MAX_TAIL_LINE) + "..."
                                    : line);
                    while (tail.size() > spec.tailLines()) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // As above: a killed process closes its stderr mid-line.
        }
    }
}
