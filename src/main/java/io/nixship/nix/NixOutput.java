package io.nixship.nix;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Nix's error output: the error message and the source location it points at. */
final class NixOutput {
    private static final Pattern ERROR = Pattern.compile("^\\s*error:\\s*(.*)$");
    private static final Pattern LOCATION = Pattern.compile("\\bat (/[^:\\s]+):(\\d+):(\\d+)");
    // Nix 2.8 to 2.2x: "builder for '<drv>' failed with exit code 1"; Nix 2.3x: "Cannot build
    // '<drv>'."
    // with the reason on the next line, "Reason: builder failed with exit code 1.".
    private static final Pattern FAILED_BUILDER =
            Pattern.compile(
                    "builder for '([^']+)' failed|build of '([^']+)' failed|dependencies of derivation '[^']+' failed to build"
                            + "|Cannot build '[^']+'");
    private static final Pattern CANNOT_BUILD = Pattern.compile("^Cannot build '([^']+)'\\.?$");
    private static final Pattern REASON = Pattern.compile("^\\s*Reason: (.*?)\\.?$");

    /** Long enough for nixpkgs' too-old-Nix abort up to its advice, short enough for one line. */
    private static final int MAX_MESSAGE = 400;

    private NixOutput() {}

    /**
     * A Nix evaluation error: the message and, when Nix gave one, the location in a source file.
     */
    record EvaluationError(String message, Optional<String> location) {}

    static boolean isBuildFailure(List<String> lines) {
        return lines.stream()
                .anyMatch(
                        line ->
                                ERROR.matcher(line).matches()
                                        && FAILED_BUILDER.matcher(line).find());
    }

    static boolean isNotADerivation(List<String> lines) {
        return lines.stream().anyMatch(line -> line.contains("does not evaluate to a derivation"));
    }

    /** The last non-empty {@code error:} message, for a one-line failure reason. */
    static Optional<String> lastError(List<String> lines) {
        return lines.stream()
                .map(ERROR::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1).trim())
                .filter(text -> !text.isEmpty())
                .reduce((first, second) -> second);
    }

    /**
     * The first failing builder's {@code error:} line, without the prefix. Newer Nix's two lines
     * ("Cannot build '<drv>'." and "Reason: builder failed with exit code 1.") read as the older
     * one line, "builder for '<drv>' failed with exit code 1", so the message is the same on every
     * Nix.
     */
    static Optional<String> firstBuildError(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher error = ERROR.matcher(lines.get(i));
            if (!error.matches() || !FAILED_BUILDER.matcher(error.group(1)).find()) {
                continue;
            }
            Matcher cannot = CANNOT_BUILD.matcher(error.group(1).trim());
            Matcher reason = i + 1 < lines.size() ? REASON.matcher(lines.get(i + 1)) : null;
            if (cannot.matches() && reason != null && reason.matches()) {
                String why = reason.group(1);
                return Optional.of(
                        why.startsWith("builder ")
                                ? "builder for '"
                                        + cannot.group(1)
                                        + "'"
                                        + why.substring("builder".length())
                                : error.group(1).trim() + " " + why);
            }
            return Optional.of(error.group(1));
        }
        return Optional.empty();
    }

    /**
     * An error message that goes on past its {@code error:} line: an {@code abort}'s quoted message
     * runs to the line that closes the quote (nixpkgs' too-old-Nix message starts on the line after
     * {@code '}); a {@code throw}'s continues on the indented lines before the first blank one.
     * Joined into one line of at most {@link #MAX_MESSAGE} characters.
     */
    private static String withContinuation(List<String> lines, int errorLine, String first) {
        boolean quoted = first.chars().filter(c -> c == '\'').count() % 2 == 1;
        StringBuilder message = new StringBuilder(first);
        // Right after an opening quote the message text follows without a space.
        int openQuoteEnd = quoted && first.endsWith("'") ? first.length() : -1;
        for (int i = errorLine + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String text = line.strip();
            if (quoted) {
                boolean closes = text.endsWith("'");
                append(
                        message,
                        closes ? text.substring(0, text.length() - 1).strip() : text,
                        openQuoteEnd);
                if (closes) {
                    message.append('\'');
                    break;
                }
            } else if (text.isEmpty()
                    || !Character.isWhitespace(line.charAt(0))
                    || text.startsWith("…")
                    || text.startsWith("at ")
                    || ERROR.matcher(line).matches()) {
                break;
            } else {
                append(message, text, openQuoteEnd);
            }
        }
        return message.length() > MAX_MESSAGE
                ? message.substring(0, MAX_MESSAGE) + "..."
                : message.toString();
    }

    private static void append(StringBuilder message, String text, int openQuoteEnd) {
        if (text.isEmpty()) {
            return;
        }
        if (message.length() != openQuoteEnd) {
            message.append(' ');
        }
        message.append(text);
    }

    /**
     * The innermost error (new Nix prints a bare {@code error:} then a trace then the real message;
     * old Nix prints the message at once) and the first location after it inside {@code
     * sourceDirectory}, shown relative to {@code displayDirectory}.
     */
    static EvaluationError evaluationError(
            List<String> lines, Path sourceDirectory, String displayDirectory) {
        int errorLine = -1;
        String message = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = ERROR.matcher(lines.get(i));
            if (m.matches() && !m.group(1).isBlank()) {
                errorLine = i;
                message = m.group(1).trim();
            }
        }
        if (message != null) {
            message = withContinuation(lines, errorLine, message);
        }
        if (message == null) {
            message =
                    lines.stream()
                            .filter(l -> !l.isBlank())
                            .reduce((a, b) -> b)
                            .orElse("Nix reported no error text")
                            .trim();
        }
        Optional<String> location = Optional.empty();
        String root = sourceDirectory.toAbsolutePath().normalize().toString() + "/";
        for (int pass = 0; pass < 2 && location.isEmpty(); pass++) {
            // First look after the message, then anywhere: an error may point into nixpkgs, not the
            // project.
            for (int i = pass == 0 ? Math.max(errorLine, 0) : 0;
                    i < lines.size() && location.isEmpty();
                    i++) {
                Matcher at = LOCATION.matcher(lines.get(i));
                while (at.find()) {
                    String file = at.group(1);
                    if (file.startsWith(root)) {
                        String relative = file.substring(root.length());
                        String shown =
                                displayDirectory.isEmpty()
                                        ? relative
                                        : displayDirectory + "/" + relative;
                        location = Optional.of(shown + ":" + at.group(2) + ":" + at.group(3));
                        break;
                    }
                }
            }
        }
        return new EvaluationError(message, location);
    }
}
