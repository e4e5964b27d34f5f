package io.nixship.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Nix channel server on a free loopback port, laid out like channels.nixos.org and
 * releases.nixos.org together:
 *
 * <ul>
 *   <li>{@code /<channel>} answers 302 with the absolute URL of the channel's current release, in
 *       releases.nixos.org's layout: {@code /nixos/24.05/<release>} for {@code nixos-24.05}, {@code
 *       /nixos/unstable/<release>}, {@code /nixpkgs/<release>} for {@code nixpkgs-unstable};
 *   <li>{@code <release dir>/git-revision} holds the commit;
 *   <li>{@code <release dir>/nixexprs.tar.xz} is the test nixpkgs tarball. The bytes are the gzip
 *       tarball of {@link TestNixpkgs}: {@code nix-prefetch-url --unpack} detects the compression
 *       from the content, so the real name is kept;
 *   <li>{@code /NixOS/nixpkgs/archive/<rev>.tar.gz} stands in for GitHub's archives (use {@link
 *       #url()} as the GitHub base too).
 * </ul>
 *
 * Unknown paths answer 404. Every request is counted per path, so tests can tell whether a tarball
 * was downloaded.
 */
public final class ChannelServer implements AutoCloseable {
    public static final String TARBALL = "nixexprs.tar.xz";

    private final HttpServer server;
    private final URI url;

    /** channel → path of its current release directory. */
    private final Map<String, String> channels = new ConcurrentHashMap<>();

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final TestNixpkgs nixpkgs;

    private ChannelServer(HttpServer server, TestNixpkgs nixpkgs) {
        this.server = server;
        this.nixpkgs = nixpkgs;
        this.url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Starts an empty server; publish releases before resolving. */
    public static ChannelServer start() {
        try {
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ChannelServer channelServer = new ChannelServer(server, TestNixpkgs.get());
            server.createContext("/", channelServer::handle);
            server.start();
            return channelServer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: the channel base URL and the GitHub base URL. */
    public URI url() {
        return url;
    }

    /**
     * Publishes the revision as a release of the channel and points the channel at it; publishing
     * another revision later moves the channel. Returns the release name.
     */
    public String publish(String channel, Revision revision) {
        String release = releaseName(channel, revision);
        publish(channel, release, revision.gitRevision(), nixpkgs.tarball(revision));
        return release;
    }

    /**
     * Publishes any tarball as a release of the channel and points the channel at it, e.g. a
     * nixpkgs whose build fails. A release published before keeps its tarball, tampered or not.
     */
    public void publish(String channel, String release, String gitRevision, Path tarball) {
        String releasePath = releasePath(channel, release);
        files.put(releasePath + "/git-revision", gitRevision.getBytes(StandardCharsets.UTF_8));
        files.putIfAbsent(releasePath + "/" + TARBALL, read(tarball));
        channels.put(channel, releasePath);
    }

    /** Serves GitHub's archive of the revision at {@code /NixOS/nixpkgs/archive/<rev>.tar.gz}. */
    public void publishGithubArchive(Revision revision) {
        files.put(githubArchivePath(revision.gitRevision()), tarballBytes(revision));
    }

    /** Serves other bytes as the release's tarball: the other revision's tarball, a valid one. */
    public void tamper(String channel, Revision revision) {
        Revision other = revision == Revision.REV1 ? Revision.REV2 : Revision.REV1;
        files.put(tarballPath(channel, revision), tarballBytes(other));
    }

    /** Serves {@code body} with 200 at {@code path}, e.g. a malformed {@code git-revision}. */
    public void serve(String path, String body) {
        files.put(path, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The release name: the test revision's own for {@link TestNixpkgs#CHANNEL}, otherwise the same
     * suffix after the channel ({@code nixos-24.11.1001.e8f1c4a2b7d9}).
     */
    public static String releaseName(String channel, Revision revision) {
        String suffix = revision.release().substring(TestNixpkgs.CHANNEL.length());
        return channel + suffix;
    }

    public String releaseUrl(String channel, Revision revision) {
        return url + releasePath(channel, revision);
    }

    public String tarballUrl(String channel, Revision revision) {
        return url + tarballPath(channel, revision);
    }

    public String tarballPath(String channel, Revision revision) {
        return releasePath(channel, revision) + "/" + TARBALL;
    }

    /** The tarball URL of a release published by name. */
    public String tarballUrl(String channel, String release) {
        return url + releasePath(channel, release) + "/" + TARBALL;
    }

    public static String githubArchivePath(String revision) {
        return "/NixOS/nixpkgs/archive/" + revision + ".tar.gz";
    }

    /** How many requests reached {@code path} so far. */
    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static String releasePath(String channel, Revision revision) {
        return releasePath(channel, releaseName(channel, revision));
    }

    private static String releasePath(String channel, String release) {
        String project = channel.startsWith("nixos-") ? "nixos" : "nixpkgs";
        String version = channel.substring(project.length() + 1);
        return "/"
                + project
                + (channel.equals("nixpkgs-unstable") ? "" : "/" + version)
                + "/"
                + release;
    }

    private byte[] tarballBytes(Revision revision) {
        return read(nixpkgs.tarball(revision));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            boolean head = exchange.getRequestMethod().equals("HEAD");
            String releasePath = channels.get(path.substring(1));
            if (releasePath != null) {
                exchange.getResponseHeaders().set("Location", url + releasePath);
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            byte[] body = files.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (head) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            // -1: no body; 0 would mean chunked.
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
