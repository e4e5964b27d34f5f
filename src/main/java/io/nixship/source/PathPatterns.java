package io.nixship.source;

import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code app.copy}/{@code manifests} entries: a file, a directory (everything below it) or a glob
 * where {@code *} and {@code ?} stay within one path segment and {@code **} spans any number of
 * them.
 */
public final class PathPatterns {
    private final List<Pattern> patterns;

    public PathPatterns(List<String> entries) {
        this.patterns = entries.stream().map(PathPatterns::compile).toList();
    }

    /** True when an entry names this path or one of its parent directories. */
    public boolean includes(String path) {
        String probe = path;
        while (true) {
            if (matchesExactly(probe)) {
                return true;
            }
            int slash = probe.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            probe = probe.substring(0, slash);
        }
    }

    private boolean matchesExactly(String path) {
        return patterns.stream().anyMatch(p -> p.matcher(path).matches());
    }

    static Pattern compile(String glob) {
        String trimmed = glob.startsWith("./") ? glob.substring(2) : glob;
        while (trimmed.endsWith("/") && trimmed.length() > 1) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < trimmed.length()) {
            char c = trimmed.charAt(i);
            if (c == '*' && i + 1 < trimmed.length() && trimmed.charAt(i + 1) == '*') {
                boolean slashAfter = i + 2 < trimmed.length() && trimmed.charAt(i + 2) == '/';
                // "**/" may match no directory at all, so "src/**/x.py" also matches "src/x.py".
                regex.append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 3 : 2;
            } else if (c == '*') {
                regex.append("[^/]*");
                i++;
            } else if (c == '?') {
                regex.append("[^/]");
                i++;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return Pattern.compile(regex.toString());
    }
}
