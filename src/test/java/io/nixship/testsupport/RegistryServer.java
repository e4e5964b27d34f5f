package io.nixship.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Debian {@code docker-registry} on a free loopback port with its own temporary storage,
 * optionally behind htpasswd Basic auth. Its access log is the independent witness of what a push
 * sent: {@link #requests()} parses it.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Pattern ACCESS_LINE =
            Pattern.compile(
                    "^\\S+ - \\S+ \\[[^]]+] \"([A-Z]+) (\\S+) HTTP/[0-9.]+\" ([0-9]{3}) .*$");

    /** One request as the registry logged it. */
    public record LoggedRequest(String method, String uri, int status) {
        public String path() {
            int q = uri.indexOf('?');
            return q < 0 ? uri : uri.substring(0, q);
        }
    }

    private final Path directory;
    private final Path config;
    private final Path log;
    private final int port;
    private Process process;

    private RegistryServer(Path directory, int port, Path config) {
        this.directory = directory;
        this.port = port;
        this.config = config;
        this.log = directory.resolve("registry.log");
    }

    /** Anonymous access. */
    public static RegistryServer start() {
        return start(null, null);
    }

    /** htpasswd (bcrypt) Basic auth with one user. */
    public static RegistryServer startWithBasicAuth(String username, String password) {
        return start(username, password);
    }

    private static RegistryServer start(String username, String password) {
        try {
            Path directory = Files.createTempDirectory("nixship-registry-");
            int port = freePort();
            String auth = "";
            if (username != null) {
                Path htpasswd = directory.resolve("htpasswd");
                Process p =
                        new ProcessBuilder("htpasswd", "-Bbn", username, password)
                                .redirectError(ProcessBuilder.Redirect.DISCARD)
                                .start();
                byte[] line = p.getInputStream().readAllBytes();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("htpasswd failed");
                }
                Files.write(htpasswd, line);
                auth = "auth:\n  htpasswd:\n    realm: nixship-test\n    path: " + htpasswd + "\n";
            }
            Path config = directory.resolve("config.yml");
            Files.writeString(
                    config,
                    String.join(
                                    "\n",
                                    "version: 0.1",
                                    "log:",
                                    "  level: info",
                                    "  accesslog:",
                                    "    disabled: false",
                                    "storage:",
                                    "  filesystem:",
                                    "    rootdirectory: " + directory.resolve("storage"),
                                    "  delete:",
                                    "    enabled: true",
                                    "http:",
                                    "  addr: 127.0.0.1:" + port,
                                    "  secret: nixship-test-secret",
                                    "")
                            + auth);
            RegistryServer server = new RegistryServer(directory, port, config);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void launch() throws IOException, InterruptedException {
        process =
                new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        for (int i = 0; i < 400; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
            }
            try {
                HttpURLConnection connection =
                        (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
                connection.setConnectTimeout(200);
                int status = connection.getResponseCode();
                connection.disconnect();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                "docker-registry did not answer /v2/ in 20s: " + Files.readString(log));
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://" + host();
    }

    /**
     * The registry's storage root: blobs, repositories and the data of upload sessions still open.
     */
    public Path storage() {
        return directory.resolve("storage");
    }

    /** Kills the registry at once (SIGKILL), as a crash would; storage stays. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the registry again on the same port and storage. */
    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Every request the registry has logged, in order, once the log has stopped growing: the
     * registry writes a line just after it answers, so a count taken right after a client returns
     * would miss it.
     */
    public List<LoggedRequest> requests() {
        try {
            awaitQuietLog();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return requestsSoFar();
    }

    /** The requests logged at this instant, without waiting: for watching a push while it runs. */
    public List<LoggedRequest> requestsSoFar() {
        List<LoggedRequest> requests = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = ACCESS_LINE.matcher(line);
                if (m.matches()) {
                    requests.add(
                            new LoggedRequest(
                                    m.group(1), m.group(2), Integer.parseInt(m.group(3))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return requests;
    }

    private void awaitQuietLog() throws IOException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        long size = Files.size(log);
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = Files.size(log);
            quiet = now == size ? quiet + 1 : 0;
            size = now;
        }
    }

    /** Completed blob uploads: a PUT into an upload session answered 201. */
    public long completedBlobUploads() {
        return requests().stream()
                .filter(
                        r ->
                                r.method().equals("PUT")
                                        && r.path().contains("/blobs/uploads/")
                                        && r.status() == 201)
                .count();
    }

    /**
     * The digests of completed blob uploads, in log order, read from the {@code digest=} query of
     * each upload-closing PUT answered 201.
     */
    public List<String> uploadedDigests() {
        return requests().stream()
                .filter(
                        r ->
                                r.method().equals("PUT")
                                        && r.path().contains("/blobs/uploads/")
                                        && r.status() == 201)
                .map(r -> queryParameter(r.uri(), "digest"))
                .toList();
    }

    /**
     * The digests of blobs mounted from another repository ({@code mount=} POSTs answered 201), in
     * log order.
     */
    public List<String> mountedDigests() {
        return requests().stream()
                .filter(
                        r ->
                                r.method().equals("POST")
                                        && r.uri().contains("mount=")
                                        && r.status() == 201)
                .map(r -> queryParameter(r.uri(), "mount"))
                .toList();
    }

    private static String queryParameter(String uri, String name) {
        int q = uri.indexOf('?');
        if (q >= 0) {
            for (String pair : uri.substring(q + 1).split("&")) {
                if (pair.startsWith(name + "=")) {
                    return URLDecoder.decode(
                            pair.substring(name.length() + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }

    /** Blobs mounted from another repository: a POST with {@code mount=} answered 201. */
    public long completedMounts() {
        return requests().stream()
                .filter(
                        r ->
                                r.method().equals("POST")
                                        && r.uri().contains("mount=")
                                        && r.status() == 201)
                .count();
    }

    /** The registry's own output (both streams), for assertions that nothing secret was logged. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temp dir left behind is harmless.
        }
    }
}
