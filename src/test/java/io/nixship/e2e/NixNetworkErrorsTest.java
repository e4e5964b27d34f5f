package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.nixship.config.NixHash;
import io.nixship.image.Digests;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the user reads when the network, a server or a builder lets Nix down: one {@code nixship:
 * error:} line naming the URL or derivation and why, exit 1 (the work failed, the project is not
 * wrong), never {@code null} and never an evaluation error of the project's file. Servers are real:
 * closed loopback ports, hosts under {@code .invalid}, an HTTP server that answers 503 or plain
 * HTTP to TLS.
 */
@Tag("nix")
class NixNetworkErrorsTest {
    private static final String HEADER = "{ pkgs ? import <nixpkgs> { } }:\n";
    private static final String UNRESOLVABLE = "no-such-host.invalid";

    @TempDir Path dir;

    private ExampleProject project;

    @BeforeEach
    void createTheExample() {
        project = ExampleProject.create(dir.resolve("project"), Revision.REV1);
    }

    @Test
    void aChannelServerOnAClosedPortIsRefusedNotNull() {
        String base = "http://127.0.0.1:" + closedPort();

        String error = failedLock(base);

        assertThat(error)
                .isEqualTo(
                        "cannot reach "
                                + base
                                + "/nixos-24.05: connection refused, or the host is"
                                + " unreachable; check the network and --channel-url");
    }

    @Test
    void aChannelServerWhoseNameDoesNotResolveSaysSo() {
        String error = failedLock("http://" + UNRESOLVABLE);

        assertThat(error)
                .isEqualTo(
                        "cannot reach http://"
                                + UNRESOLVABLE
                                + "/nixos-24.05: the host name does not"
                                + " resolve; check the network and --channel-url");
    }

    @Test
    void aChannelServerThatAnswersTlsInPlainHttpIsATlsFailure() {
        try (PlainHttpOnConnect server = PlainHttpOnConnect.start()) {
            String error = failedLock("https://127.0.0.1:" + server.port());

            assertThat(error)
                    .startsWith(
                            "cannot reach https://127.0.0.1:"
                                    + server.port()
                                    + "/nixos-24.05: TLS handshake"
                                    + " failed: the server answered in plain HTTP");
        }
    }

    @Test
    void aChannelServerThatFailsNamesTheStatus() {
        try (Answering server = Answering.with(503)) {
            String error = failedLock("http://127.0.0.1:" + server.port());

            assertThat(error)
                    .isEqualTo(
                            "http://127.0.0.1:"
                                    + server.port()
                                    + "/nixos-24.05 answered HTTP 503; try again later");
        }
    }

    @Test
    void updateChannelWithAnUnreachableChannelServerSaysWhy() {
        String base = "http://127.0.0.1:" + closedPort();

        CliRun.Result result = cli().run("update-channel", "--dry-run", "--channel-url=" + base);

        assertThat(oneError(result, 1))
                .isEqualTo(
                        "cannot reach "
                                + base
                                + "/nixos-24.05: connection refused, or the"
                                + " host is unreachable; check the network and --channel-url");
    }

    @Test
    void aLockWhoseUrlCannotBeDownloadedNamesItAndTheNetwork() throws IOException {
        String url = "http://127.0.0.1:" + closedPort() + "/nixexprs.tar.xz";
        String lock = Files.readString(project.dir().resolve("nixship.lock"));
        project.write(
                "nixship.lock",
                lock.replaceAll("(?m)^url: .*$", "url: " + url)
                        .replaceAll(
                                "(?m)^sha256: .*$",
                                "sha256: " + new NixHash(sha256("nothing in the store")).base32()));
        project.commitAll("a lock whose url is on a closed port");

        String error = failedBuild();

        assertUnreachable(error, url, "the nixpkgs of nixship.lock");
    }

    @Test
    void aFetchurlInDefaultNixThatCannotConnectIsNotAnEvaluationError() {
        String url = "http://127.0.0.1:" + closedPort() + "/source.tar.gz";
        project.write(
                "default.nix", HEADER + "builtins.readFile (builtins.fetchurl \"" + url + "\")\n");
        project.commitAll("fetch from a closed port");

        String error = failedBuild();

        assertUnreachable(error, url, "default.nix");
    }

    /**
     * curl's own words in the parentheses differ between curl versions (Debian 12: "Couldn't
     * connect").
     */
    private static void assertUnreachable(String error, String url, String neededBy) {
        assertThat(error)
                .startsWith(
                        "cannot download "
                                + url
                                + " for "
                                + neededBy
                                + ": the network or the server is unreachable (")
                .contains("connect to server (7)")
                .endsWith("); check the network and the URL, then re-run");
    }

    @Test
    void aFetchTarballFromAHostThatDoesNotResolveSaysSo() {
        String url = "http://" + UNRESOLVABLE + "/source.tar.gz";
        project.write(
                "default.nix",
                HEADER + "builtins.readDir (builtins.fetchTarball \"" + url + "\")\n");
        project.commitAll("fetch from a host that does not resolve");

        String error = failedBuild();

        assertThat(error)
                .startsWith(
                        "cannot download "
                                + url
                                + " for default.nix: the host name does not resolve (");
    }

    @Test
    void aFixedOutputDownloadThatFailsIsADownloadFailureNotABuildFailure() {
        String url = "http://127.0.0.1:" + closedPort() + "/source.tar.gz";
        project.write(
                "default.nix",
                HEADER
                        + "let source = import <nix/fetchurl.nix> {\n"
                        + "  url = \""
                        + url
                        + "\";\n"
                        + "  sha256 = \""
                        + new NixHash(sha256("some source")).base32()
                        + "\";\n"
                        + "}; in derivation {\n"
                        + "  name = \"uses-a-download\";\n"
                        + "  system = builtins.currentSystem;\n"
                        + "  __noChroot = true;\n"
                        + "  builder = \"/bin/sh\";\n"
                        + "  args = [ \"-c\" \"echo ${source} > $out\" ];\n"
                        + "}\n");
        project.commitAll("a fixed-output download from a closed port");

        String error = failedBuild();

        assertThat(error)
                .startsWith(
                        "cannot download "
                                + url
                                + " for default.nix: the network or the server is"
                                + " unreachable (");
    }

    @Test
    void aSilentBuilderIsNamedWhileItRunsAndTheTimeLimitReadsAsWritten() throws IOException {
        String config = Files.readString(project.dir().resolve(".nixship.yaml"));
        project.write(".nixship.yaml", config.replace("nix:\n", "nix:\n  timeout: 8s\n"));
        project.write(
                "default.nix",
                HEADER
                        + "derivation {\n"
                        + "  name = \"sleeps-on-purpose\";\n"
                        + "  system = builtins.currentSystem;\n"
                        + "  __noChroot = true;\n"
                        + "  builder = \"/bin/sh\";\n"
                        + "  args = [ \"-c\" \"echo going to sleep; /bin/sleep 120\" ];\n"
                        + "}\n");
        project.commitAll("a builder that outlives the time limit");

        CliRun.Result result =
                cli().env("NIXSHIP_NIX_QUIET_NOTICE", "2s")
                        .run(
                                "build",
                                "--dir",
                                project.dir().toString(),
                                "--to",
                                "oci:" + dir.resolve("image"));

        String error = oneError(result, 1);
        assertThat(error)
                .matches(
                        "nix-build was stopped at its time limit of 8s while building"
                                + " '/nix/store/[a-z0-9]{32}-sleeps-on-purpose\\.drv'; raise nix\\.timeout in \\.nixship\\.yaml if it needs"
                                + " longer");
        assertThat(
                        result.err()
                                .lines()
                                .filter(line -> line.startsWith("nix-build has printed nothing"))
                                .toList())
                .as(result.err())
                .isNotEmpty()
                // A slow evaluation on a loaded machine may be quiet before Nix names the build.
                .allMatch(
                        line ->
                                line.matches(
                                        "nix-build has printed nothing for \\d+s; (still building"
                                                + " '/nix/store/[a-z0-9]{32}-sleeps-on-purpose\\.drv'|no progress reported yet) \\(time limit 8s\\)"))
                .anyMatch(
                        line ->
                                line.matches(
                                        "nix-build has printed nothing for \\d+s; still building .*"))
                .anyMatch(line -> line.contains(" for 2s;"));
    }

    @Test
    void aSubstituterThatFailsIsNamedAsTheBinaryCacheNotTheBuild() {
        try (BinaryCache cache = BinaryCache.start(BinaryCache.Nar.FAILS)) {
            project.write("default.nix", HEADER + cachedDerivation());
            project.commitAll("a derivation the binary cache claims to have");

            String error =
                    oneError(
                            withSubstituter(cli(), cache)
                                    .run(
                                            "build",
                                            "--dir",
                                            project.dir().toString(),
                                            "--to",
                                            "oci:" + dir.resolve("image")),
                            1);

            assertThat(error)
                    .matches(
                            "cannot download "
                                    + Pattern.quote(cache.url())
                                    + "/nar/[a-z0-9]{32}\\.nar from a"
                                    + " substituter \\(binary cache\\) for default\\.nix: the server failed with HTTP 500 \\(.*\\); check the"
                                    + " network and the substituters in nix\\.conf");
        }
    }

    @Test
    void aStalledSubstituterIsNamedWhileNixWaitsOnIt() throws IOException {
        String config = Files.readString(project.dir().resolve(".nixship.yaml"));
        project.write(".nixship.yaml", config.replace("nix:\n", "nix:\n  timeout: 8s\n"));
        try (BinaryCache cache = BinaryCache.start(BinaryCache.Nar.HANGS)) {
            project.write("default.nix", HEADER + cachedDerivation());
            project.commitAll("a derivation the binary cache claims to have, then never sends");

            CliRun.Result result =
                    withSubstituter(cli(), cache)
                            .env("NIXSHIP_NIX_QUIET_NOTICE", "2s")
                            .run(
                                    "build",
                                    "--dir",
                                    project.dir().toString(),
                                    "--to",
                                    "oci:" + dir.resolve("image"));

            String copying =
                    "copying path '/nix/store/[a-z0-9]{32}-"
                            + CACHED_NAME
                            + "' from '"
                            + Pattern.quote(cache.url())
                            + "'";
            assertThat(oneError(result, 1))
                    .matches(
                            "nix-build was stopped at its time limit of 8s while "
                                    + copying
                                    + "; raise nix\\.timeout in \\.nixship\\.yaml if it needs longer");
            assertThat(
                            result.err()
                                    .lines()
                                    .filter(
                                            line ->
                                                    line.startsWith(
                                                            "nix-build has printed nothing")))
                    .as(result.err())
                    .isNotEmpty()
                    .allMatch(
                            line ->
                                    line.matches(
                                            "nix-build has printed nothing for \\d+s; still "
                                                    + copying
                                                    + " \\(time limit 8s\\)"));
        }
    }

    @Test
    void freezeOfADevShellThatFailsToBuildNamesTheFailingBuilder() {
        project.write(
                "default.nix",
                HEADER
                        + "{\n"
                        + "  buildInputs = [ (derivation {\n"
                        + "    name = \"shell-input-fails\";\n"
                        + "    system = builtins.currentSystem;\n"
                        + "    __noChroot = true;\n"
                        + "    builder = \"/bin/sh\";\n"
                        + "    args = [ \"-c\" \"echo this builder fails on purpose >&2; exit 1\" ];\n"
                        + "  }) ];\n"
                        + "}\n");

        CliRun.Result result = cli().run("freeze", "--shell", project.dir().toString());

        assertThat(oneError(result, 1))
                .matches(
                        project.dir().resolve("default.nix")
                                + ": the dev shell failed to build"
                                + " \\(builder for '/nix/store/[a-z0-9]{32}-shell-input-fails\\.drv' failed with exit code 1.*\\)");
    }

    private static final String CACHED_NAME = "from-a-binary-cache";

    /**
     * A derivation with a fresh output path each run, so the store never has it and Nix asks the
     * cache.
     */
    private static String cachedDerivation() {
        return "derivation {\n"
                + "  name = \""
                + CACHED_NAME
                + "\";\n"
                + "  system = builtins.currentSystem;\n"
                + "  __noChroot = true;\n"
                + "  builder = \"/bin/sh\";\n"
                + "  args = [ \"-c\" \"echo "
                + UUID.randomUUID()
                + " > $out\" ];\n"
                + "}\n";
    }

    /** Nix with the cache as its only substituter; unsigned, as a test cache is. */
    private static CliRun withSubstituter(CliRun cli, BinaryCache cache) {
        return cli.env("NIXSHIP_OFFLINE", "0")
                .env("NIX_CONFIG", "substituters = " + cache.url() + "\nrequire-sigs = false\n");
    }

    private CliRun cli() {
        return CliRun.offline(project.dir(), dir.resolve("home"));
    }

    private String failedLock(String channelUrl) {
        return oneError(
                cli().run("lock", "--channel-url=" + channelUrl, "--channel", "nixos-24.05"), 1);
    }

    private String failedBuild() {
        return oneError(
                cli().run(
                                "build",
                                "--dir",
                                project.dir().toString(),
                                "--to",
                                "oci:" + dir.resolve("image")),
                1);
    }

    /**
     * The run failed with {@code exitCode}, its last stderr line is its only error line; returns
     * the message.
     */
    private static String oneError(CliRun.Result result, int exitCode) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        List<String> lines = result.err().lines().toList();
        assertThat(lines.stream().filter(line -> line.startsWith("nixship:")))
                .as(result.err())
                .singleElement()
                .isEqualTo(lines.get(lines.size() - 1))
                .asString()
                .startsWith("nixship: error: ")
                .doesNotContain("null")
                .doesNotContain("evaluation failed");
        return lines.get(lines.size() - 1).substring("nixship: error: ".length());
    }

    /** A loopback port nothing listens on: bound, then closed again. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(String text) {
        return Digests.newSha256().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Answers every connection at once with a plain HTTP response, whatever it was sent: JDK 25's
     * HttpServer waits for a request line a TLS ClientHello never completes, which left the client
     * to its connect time limit instead of the handshake failure a plain-HTTP server causes.
     */
    private record PlainHttpOnConnect(ServerSocket socket, Thread acceptor)
            implements AutoCloseable {
        static PlainHttpOnConnect start() {
            try {
                ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Thread acceptor =
                        Thread.ofPlatform()
                                .daemon()
                                .start(
                                        () -> {
                                            while (!socket.isClosed()) {
                                                try (var client = socket.accept()) {
                                                    client.getOutputStream()
                                                            .write(
                                                                    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                                                                            .getBytes(
                                                                                    StandardCharsets
                                                                                            .US_ASCII));
                                                } catch (IOException closed) {
                                                    return;
                                                }
                                            }
                                        });
                return new PlainHttpOnConnect(socket, acceptor);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A plain HTTP server on loopback that answers every request with one status. */
    private record Answering(HttpServer server) implements AutoCloseable {
        static Answering with(int status) {
            try {
                HttpServer server =
                        HttpServer.create(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext(
                        "/",
                        exchange -> {
                            byte[] body =
                                    ("status " + status + "\n").getBytes(StandardCharsets.UTF_8);
                            exchange.sendResponseHeaders(status, body.length);
                            try (OutputStream out = exchange.getResponseBody()) {
                                out.write(body);
                            }
                        });
                server.start();
                return new Answering(server);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * A binary cache that claims every store path named {@link #CACHED_NAME} (its narinfo is made
     * up from the requested hash) and then fails or never answers the NAR download.
     */
    private static final class BinaryCache implements AutoCloseable {
        enum Nar {
            FAILS,
            HANGS
        }

        private final HttpServer server;
        private final ExecutorService handlers;
        private final CountDownLatch closed = new CountDownLatch(1);

        private BinaryCache(Nar nar) throws IOException {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            handlers =
                    Executors.newCachedThreadPool(
                            runnable -> {
                                Thread thread = new Thread(runnable, "binary-cache");
                                thread.setDaemon(true);
                                return thread;
                            });
            server.setExecutor(handlers);
            server.createContext(
                    "/",
                    exchange -> {
                        String path = exchange.getRequestURI().getPath();
                        Matcher narinfo =
                                Pattern.compile("/([a-z0-9]{32})\\.narinfo").matcher(path);
                        String body;
                        if (path.equals("/nix-cache-info")) {
                            body = "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 10\n";
                        } else if (narinfo.matches()) {
                            String hash = narinfo.group(1);
                            body =
                                    "StorePath: /nix/store/"
                                            + hash
                                            + "-"
                                            + CACHED_NAME
                                            + "\nURL: nar/"
                                            + hash
                                            + ".nar\n"
                                            + "Compression: none\nNarHash: sha256:"
                                            + "1".repeat(52)
                                            + "\nNarSize: 120\nReferences: \n";
                        } else {
                            if (path.startsWith("/nar/") && nar == Nar.HANGS) {
                                awaitClose();
                            }
                            exchange.sendResponseHeaders(path.startsWith("/nar/") ? 500 : 404, -1);
                            exchange.close();
                            return;
                        }
                        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(200, bytes.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(bytes);
                        }
                    });
            server.start();
        }

        static BinaryCache start(Nar nar) {
            try {
                return new BinaryCache(nar);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void awaitClose() {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            closed.countDown();
            server.stop(0);
            handlers.shutdownNow();
        }
    }
}
