package io.nixship.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NetworkFailureReason;
import io.nixship.NixshipException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import org.kohsuke.github.GHIOException;
import org.kohsuke.github.HttpException;

/** Turns github-api failures into one-line {@link NixshipException#failure} messages. */
public final class GitHubErrors {
    private static final ObjectMapper JSON = Json.mapper();

    private GitHubErrors() {}

    /**
     * @param action what nixship was doing, e.g. "creating the pull request"
     */
    public static NixshipException translate(IOException e, String action, String apiUrl) {
        return NixshipException.failure("GitHub API: " + describe(e, action, apiUrl), e);
    }

    /** Whether GitHub said 403 Forbidden (a token without the permission, e.g. a fork's token). */
    public static boolean isForbidden(IOException e) {
        return e instanceof HttpException http
                && http.getResponseCode() == 403
                && findLimit(e) == null
                && !isSecondaryLimit(http);
    }

    /**
     * GitHub may signal a secondary rate limit by its message alone (no retry-after): github-api
     * then does not call the limit handler, and it must not read as a missing permission.
     */
    private static boolean isSecondaryLimit(HttpException http) {
        return String.valueOf(http.getMessage()).contains("secondary rate limit");
    }

    static String describe(IOException e, String action, String apiUrl) {
        GitHubLimitException limit = findLimit(e);
        if (limit != null) {
            return limit.getMessage() + " (while " + action + ")";
        }
        if (e instanceof HttpException http) {
            int status = http.getResponseCode();
            String message = gitHubMessage(http.getMessage());
            if (status == 401) {
                return "the token was rejected (401 "
                        + message
                        + ") while "
                        + action
                        + "; check the github-token input / GITHUB_TOKEN";
            }
            if ((status == 403 || status == 429) && isSecondaryLimit(http)) {
                return "GitHub secondary rate limit hit while "
                        + action
                        + " ("
                        + message
                        + "); wait at least a minute, then re-run";
            }
            if (status == 403) {
                String accepted = header(http, "X-Accepted-GitHub-Permissions");
                if (accepted != null) {
                    return "the token lacks the permission "
                            + accepted.replace(";", " or")
                            + " needed for "
                            + action
                            + " (403 "
                            + message
                            + "); grant it in the workflow's"
                            + " permissions:";
                }
                return "403 "
                        + message
                        + " while "
                        + action
                        + "; the token lacks a permission (for pull requests: contents: write,"
                        + " pull-requests: write)";
            }
            if (status == 404) {
                return "404 Not Found while "
                        + action
                        + " ("
                        + path(http.getUrl())
                        + "); check GITHUB_REPOSITORY and that the token can see the repository";
            }
            if (status == 422) {
                return "422 " + message + " while " + action;
            }
            if (status >= 500) {
                return "GitHub at "
                        + apiUrl
                        + " is unavailable (HTTP "
                        + status
                        + ") while "
                        + action
                        + "; re-run later";
            }
            if (status > 0) {
                return "HTTP " + status + " " + message + " while " + action;
            }
        }
        if (e instanceof FileNotFoundException) {
            return "404 Not Found while "
                    + action
                    + "; check GITHUB_REPOSITORY and that the token can see the repository";
        }
        Throwable network = networkCause(e);
        if (network != null) {
            return "cannot reach "
                    + apiUrl
                    + " while "
                    + action
                    + " ("
                    + NetworkFailureReason.of(network, hostOf(apiUrl))
                    + "); check the network and GITHUB_API_URL";
        }
        return oneLine(e.getMessage()) + " while " + action;
    }

    private static String hostOf(String url) {
        try {
            return String.valueOf(URI.create(url).getHost());
        } catch (IllegalArgumentException notAUri) {
            return url;
        }
    }

    private static GitHubLimitException findLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof GitHubLimitException limit) {
                return limit;
            }
        }
        return null;
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
                    || t instanceof HttpTimeoutException
                    || t instanceof java.net.SocketTimeoutException) {
                return t;
            }
        }
        return null;
    }

    private static String header(GHIOException e, String name) {
        Map<String, List<String>> headers = e.getResponseHeaderFields();
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey() != null
                    && header.getKey().equalsIgnoreCase(name)
                    && !header.getValue().isEmpty()) {
                return header.getValue().get(0).strip();
            }
        }
        return null;
    }

    /** GitHub error bodies are JSON with a "message"; fall back to the first line of the text. */
    private static String gitHubMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(no message)";
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return oneLine(node.get("message").asText());
            }
        } catch (IOException notJson) {
            // Not JSON: GitHub or a proxy answered with text or HTML.
        }
        return oneLine(body);
    }

    private static String path(String url) {
        if (url == null) {
            return "unknown URL";
        }
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        return slash < 0 ? url : url.substring(slash);
    }

    static String oneLine(String text) {
        if (text == null) {
            return "(no message)";
        }
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
