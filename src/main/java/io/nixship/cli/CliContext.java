package io.nixship.cli;

import io.nixship.registry.RegistryHost;
import java.io.BufferedWriter;
import java.io.Console;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What every command gets from its caller instead of reaching for globals: where results go
 * (stdout), where messages for people go (stderr), standard input (for secrets), the host
 * environment and the working directory; {@code interactive} is true when stderr is a terminal
 * (progress is drawn then). Tests build one with StringWriters and a fixed environment map.
 */
public record CliContext(
        PrintWriter out,
        PrintWriter err,
        InputStream in,
        HostEnvironment host,
        Path workingDir,
        boolean interactive) {
    public CliContext(
            PrintWriter out,
            PrintWriter err,
            InputStream in,
            Map<String, String> env,
            Path workingDir,
            boolean interactive) {
        this(out, err, in, HostEnvironment.from(env), workingDir, interactive);
    }

    public static CliContext system() {
        HostEnvironment host = HostEnvironment.from(HandedSecrets.addTo(System.getenv()));
        return new CliContext(
                writer(System.out),
                writer(System.err),
                System.in,
                host,
                Path.of("").toAbsolutePath(),
                host.interactive(onTerminal()));
    }

    /**
     * Whether stdin and stdout are a terminal: since JDK 22 {@code System.console()} may be present
     * without one, so null alone no longer says.
     */
    @SuppressWarnings("SystemConsoleNull") // null is still possible (no console provider)
    private static boolean onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** In the stream's own charset (stdout.encoding), as {@code new PrintWriter(stream)} writes. */
    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(
                new BufferedWriter(new OutputStreamWriter(stream, stream.charset())), true);
    }

    /** The host's cache directory (see {@link HostEnvironment#cacheDirectory}). */
    public Path cacheDirectory() {
        return host.cacheDirectory(Optional.empty(), workingDir);
    }

    /** {@code --cache-dir} when given (not null), else the host's cache directory. */
    public Path cacheDirectory(Path option) {
        return host.cacheDirectory(Optional.ofNullable(option), workingDir);
    }

    /** The registry adapter's view of this machine, with the host's cache directory. */
    public RegistryHost registryHost() {
        return host.registry(cacheDirectory());
    }
}
