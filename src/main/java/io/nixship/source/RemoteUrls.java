package io.nixship.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a git remote URL into a public web URL for {@code org.opencontainers.image.source}. */
final class RemoteUrls {
    private static final Pattern SCP_LIKE = Pattern.compile("(?:[^@/]+@)?([^:/]+):(?!//)(.+)");

    private RemoteUrls() {}

    /**
     * {@code https://user:token@github.com/o/r.git} and {@code git@github.com:o/r.git} both become
     * {@code https://github.com/o/r}: credentials are dropped, never carried into an image label.
     * Local paths and unparseable URLs give empty.
     */
    static Optional<String> publicUrl(String remote) {
        String value = remote.trim();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.contains("://")) {
            Matcher scp = SCP_LIKE.matcher(value);
            if (!scp.matches() || value.startsWith("/") || value.startsWith(".")) {
                return Optional.empty();
            }
            return Optional.of("https://" + scp.group(1) + "/" + stripGit(scp.group(2)));
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || scheme == null || scheme.equals("file")) {
                return Optional.empty();
            }
            String web = scheme.equals("http") ? "http" : "https";
            String port = web.equals(scheme) && uri.getPort() > 0 ? ":" + uri.getPort() : "";
            String path = uri.getRawPath() == null ? "" : stripGit(uri.getRawPath());
            return Optional.of(web + "://" + uri.getHost() + port + path);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String stripGit(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return trimmed.endsWith(".git") ? trimmed.substring(0, trimmed.length() - 4) : trimmed;
    }
}
