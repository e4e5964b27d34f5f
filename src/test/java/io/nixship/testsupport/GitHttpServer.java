package io.nixship.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Git's smart HTTP protocol on a free loopback port, the way GitHub serves a private repository:
 * {@code /<owner>/<name>.git} from the bare repositories under a root directory, through {@code git
 * http-backend} (CGI), and every request needs Basic auth whose password is the token (any user
 * name). A client that sends no credentials gets 401 first, as from GitHub. Pushes are allowed to
 * authenticated users, which every request here is.
 */
public final class GitHttpServer implements AutoCloseable {
    /** One request: method, path and the status it got. */
    public record LoggedRequest(String method, String path, int status) {}

    private final HttpServer server;
    private final Path root;
    private final String token;
    private final List<LoggedRequest> requests = new CopyOnWriteArrayList<>();

    private GitHttpServer(HttpServer server, Path root, String token) {
        this.server = server;
        this.root = root;
        this.token = token;
    }

    public static GitHttpServer start(Path root, String token) {
        try {
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            GitHttpServer git = new GitHttpServer(server, root, token);
            server.createContext("/", git::handle);
            server.start();
            return git;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code http://127.0.0.1:<port>}: a {@code GITHUB_SERVER_URL}, repositories at {@code
     * /<owner>/<name>.git}.
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<LoggedRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String user = authenticatedUser(exchange.getRequestHeaders().getFirst("Authorization"));
            if (user == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"GitHub\"");
                exchange.sendResponseHeaders(401, -1);
                requests.add(new LoggedRequest(method, path, 401));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            ProcessBuilder cgi =
                    new ProcessBuilder("git", "http-backend")
                            .redirectError(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = cgi.environment();
            env.put("GIT_PROJECT_ROOT", root.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("REQUEST_METHOD", method);
            env.put("PATH_INFO", path);
            env.put(
                    "QUERY_STRING",
                    exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : exchange.getRequestURI().getRawQuery());
            env.put("CONTENT_LENGTH", Integer.toString(body.length));
            env.put("REMOTE_USER", user);
            env.put("REMOTE_ADDR", "127.0.0.1");
            putHeader(exchange, env, "Content-Type", "CONTENT_TYPE");
            putHeader(exchange, env, "Content-Encoding", "HTTP_CONTENT_ENCODING");
            putHeader(exchange, env, "Git-Protocol", "GIT_PROTOCOL");
            Process process = cgi.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(body);
            }
            byte[] response = process.getInputStream().readAllBytes();
            process.waitFor();
            int status = respond(exchange, response);
            requests.add(new LoggedRequest(method, path, status));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The user name when the Basic credentials carry the token as password, else null. */
    private String authenticatedUser(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String decoded =
                new String(
                        Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon > 0 && decoded.substring(colon + 1).equals(token)
                ? decoded.substring(0, colon)
                : null;
    }

    private static void putHeader(
            HttpExchange exchange, Map<String, String> env, String header, String variable) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
            env.put(variable, value);
        }
    }

    /**
     * Sends a CGI response: header lines, a blank line, the body; {@code Status:} sets the code.
     */
    private static int respond(HttpExchange exchange, byte[] cgiOutput) throws IOException {
        int status = 200;
        int offset = 0;
        while (offset < cgiOutput.length) {
            int end = offset;
            while (end < cgiOutput.length && cgiOutput[end] != '\n') {
                end++;
            }
            String line =
                    new String(cgiOutput, offset, end - offset, StandardCharsets.ISO_8859_1)
                            .replaceFirst("\r$", "");
            offset = Math.min(end + 1, cgiOutput.length);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        int length = cgiOutput.length - offset;
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
            exchange.getResponseBody().write(cgiOutput, offset, length);
        }
        return status;
    }
}
