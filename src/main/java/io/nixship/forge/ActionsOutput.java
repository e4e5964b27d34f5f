package io.nixship.forge;

import io.nixship.NixshipException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Everything nixship tells GitHub Actions: step outputs, the job summary, log groups, annotations
 * and masks. Workflow commands are written only by the methods named for them and only when running
 * in Actions; {@link #log} prints any other text so that it can never become a command. All text
 * goes through the {@link SecretMasker} first.
 */
public final class ActionsOutput {
    private static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    /**
     * Where a reader of the log could start a new line: the runner splits on CR and LF; NEL and the
     * Unicode line and paragraph separators are counted too, so a line is never judged longer than
     * the runner might see it.
     */
    private static final Pattern ANY_LINE_BREAK = Pattern.compile("\r\n|[\r\n\u0085\u2028\u2029]");

    private final boolean inActions;
    private final Path outputFile;
    private final Path summaryFile;
    private final PrintWriter log;
    private final SecretMasker masker;
    private final Supplier<String> randomTokens;

    /** For the given environment; registers (and masks) the environment's token right away. */
    public static ActionsOutput forEnvironment(
            GitHubEnvironment env, PrintWriter log, SecretMasker masker) {
        ActionsOutput output =
                new ActionsOutput(
                        env.inActions(),
                        env.outputFile(),
                        env.stepSummaryFile(),
                        log,
                        masker,
                        () -> UUID.randomUUID().toString());
        env.optionalToken().ifPresent(output::addMask);
        return output;
    }

    /**
     * @param randomTokens unguessable strings for output delimiters and stop-commands tokens
     */
    public ActionsOutput(
            boolean inActions,
            Path outputFile,
            Path summaryFile,
            PrintWriter log,
            SecretMasker masker,
            Supplier<String> randomTokens) {
        this.inActions = inActions;
        this.outputFile = outputFile;
        this.summaryFile = summaryFile;
        this.log = log;
        this.masker = masker;
        this.randomTokens = randomTokens;
    }

    public SecretMasker masker() {
        return masker;
    }

    /**
     * Registers a secret so that nothing printed or written afterwards shows it, and in Actions
     * tells the runner to mask it (each line separately, as the runner masks line by line).
     */
    public void addMask(String secret) {
        if (!masker.register(secret) || !inActions) {
            return;
        }
        for (String line : LINE_BREAK.split(secret)) {
            if (!line.isBlank()) {
                log.println("::add-mask::" + escapeData(line));
            }
        }
        log.flush();
    }

    /**
     * Prints text to the log. Lines that the runner would read as workflow commands are printed
     * between {@code ::stop-commands::} markers with a random token, so untrusted text (branch
     * names, PR titles, package names, Nix output) stays data.
     */
    public void log(String text) {
        log.print(asData(text.endsWith("\n") ? text : text + "\n"));
        log.flush();
    }

    /**
     * {@code text}, masked, as it may be written to a stream the runner reads (the log, or stdout,
     * which it reads too): in Actions, text holding a line the runner would take for a workflow
     * command comes between {@code ::stop-commands::} markers whose token it does not contain. Ends
     * with a line break when fenced.
     */
    public String asData(String text) {
        String masked = masker.mask(text);
        if (!inActions || !looksLikeCommand(masked)) {
            return masked;
        }
        String token = freshToken(masked);
        return "::stop-commands::"
                + token
                + "\n"
                + masked
                + (masked.endsWith("\n") ? "" : "\n")
                + "::"
                + token
                + "::\n";
    }

    /** Starts a collapsible log group; plain text outside Actions. */
    public void startGroup(String title) {
        String masked = oneLine(masker.mask(title));
        log.println(inActions ? "::group::" + escapeData(masked) : "== " + masked);
        log.flush();
    }

    public void endGroup() {
        if (inActions) {
            log.println("::endgroup::");
            log.flush();
        }
    }

    /** Runs {@code work} inside a log group that is closed even when the work fails. */
    public <T> T group(String title, Supplier<T> work) {
        startGroup(title);
        try {
            return work.get();
        } finally {
            endGroup();
        }
    }

    /** A warning annotation (the run goes on); {@code warning: message} outside Actions. */
    public void warning(String message) {
        String masked = oneLine(masker.mask(message));
        log.println(inActions ? "::warning::" + escapeData(masked) : "warning: " + masked);
        log.flush();
    }

    /** An error annotation on a file and line (either may be null); plain text outside Actions. */
    public void error(String message, String file, Integer line) {
        String maskedMessage = masker.mask(message);
        if (!inActions) {
            String where =
                    file == null ? "" : masker.mask(file) + (line == null ? "" : ":" + line) + ": ";
            log.println("error: " + where + maskedMessage);
        } else {
            StringBuilder command = new StringBuilder("::error");
            String separator = " ";
            if (file != null) {
                command.append(separator).append("file=").append(escapeProperty(masker.mask(file)));
                separator = ",";
            }
            if (line != null) {
                command.append(separator).append("line=").append(line);
            }
            log.println(command.append("::").append(escapeData(maskedMessage)));
        }
        log.flush();
    }

    /**
     * Sets a step output in the {@code GITHUB_OUTPUT} file using the heredoc form with a random
     * delimiter, so a value can hold newlines and cannot end the block early or add other outputs.
     * Does nothing when the file is not configured.
     */
    public void setOutput(String name, String value) {
        if (!OUTPUT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid output name: " + name);
        }
        if (outputFile == null) {
            return;
        }
        String masked = masker.mask(value);
        String delimiter = "ghadelimiter_" + freshToken(name + "\n" + masked);
        append(
                outputFile,
                "GITHUB_OUTPUT",
                name + "<<" + delimiter + "\n" + masked + "\n" + delimiter + "\n");
    }

    /** Appends markdown to the job summary, when {@code GITHUB_STEP_SUMMARY} is configured. */
    public void appendSummary(String markdown) {
        if (summaryFile == null) {
            return;
        }
        String masked = masker.mask(markdown);
        append(summaryFile, "GITHUB_STEP_SUMMARY", masked.endsWith("\n") ? masked : masked + "\n");
    }

    /** Workflow command data escaping ({@code %}, CR, LF), as the runner unescapes it. */
    static String escapeData(String value) {
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** Workflow command property escaping: data escaping plus {@code :} and {@code ,}. */
    static String escapeProperty(String value) {
        return escapeData(value).replace(":", "%3A").replace(",", "%2C");
    }

    /**
     * Whether any line could be a workflow command under the runner's rules (actions/runner,
     * src/Runner.Common/ActionCommand.cs): {@code TryParse} finds {@code ##[} anywhere in a line;
     * {@code TryParseV2} looks for {@code ::} after .NET's {@code TrimStart()}, which removes every
     * Unicode white space, not only ASCII spaces.
     */
    static boolean looksLikeCommand(String text) {
        for (String line : ANY_LINE_BREAK.split(text, -1)) {
            if (line.contains("##[") || trimStartAsDotNet(line).startsWith("::")) {
                return true;
            }
        }
        return false;
    }

    /** .NET's {@code String.TrimStart()}: drops leading {@code Char.IsWhiteSpace} characters. */
    static String trimStartAsDotNet(String line) {
        int start = 0;
        while (start < line.length() && isDotNetWhiteSpace(line.charAt(start))) {
            start++;
        }
        return line.substring(start);
    }

    /**
     * .NET's {@code Char.IsWhiteSpace}: the space, line and paragraph separators, TAB to CR, and
     * NEL; unlike Java's {@code Character.isWhitespace} it counts no-break spaces and not U+001C to
     * U+001F.
     */
    static boolean isDotNetWhiteSpace(char c) {
        int type = Character.getType(c);
        return (c >= '\t' && c <= '\r')
                || c == '\u0085'
                || type == Character.SPACE_SEPARATOR
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static String oneLine(String text) {
        return LINE_BREAK.matcher(text).replaceAll(" ");
    }

    /**
     * A random token that does not occur in {@code text}, in any letter case (the runner matches
     * the resume command ignoring case), so the text cannot contain the end marker.
     */
    private String freshToken(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String token = randomTokens.get();
        while (lower.contains(token.toLowerCase(Locale.ROOT))) {
            token = randomTokens.get();
        }
        return token;
    }

    private static void append(Path file, String variable, String content) {
        try {
            Files.writeString(
                    file,
                    content,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot write the " + variable + " file " + file + ": " + e.getMessage(), e);
        }
    }
}
