package io.nixship.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The workflow commands the GitHub Actions runner would process in a log, found by the runner's own
 * rules, ported from actions/runner: {@code ActionCommand.TryParseV2} and {@code
 * ActionCommand.TryParse} (src/Runner.Common/ActionCommand.cs) and the {@code stop-commands}
 * handling of {@code ActionCommandManager.TryProcessCommand}
 * (src/Runner.Worker/ActionCommandManager.cs). Lines are split as the runner's process reader
 * splits them (CR, LF, CRLF); command names match ignoring case; {@code TryParseV2} trims leading
 * white space as .NET's {@code String.TrimStart()} does (every {@code Char.IsWhiteSpace}), and
 * {@code TryParse} finds {@code ##[} anywhere in a line.
 */
public final class RunnerCommands {
    /** A command the runner processed: its name (as written), properties and data, and the line. */
    public record Command(String name, Map<String, String> properties, String data, String line) {}

    /** The commands the runner registers (its action command extensions). */
    private static final Set<String> RUNNER_COMMANDS =
            Set.of(
                    "add-mask",
                    "add-path",
                    "set-env",
                    "set-output",
                    "save-state",
                    "debug",
                    "warning",
                    "error",
                    "notice",
                    "group",
                    "endgroup",
                    "echo",
                    "add-matcher",
                    "remove-matcher");

    private static final String STOP = "stop-commands";

    private RunnerCommands() {}

    /**
     * Every command the runner would process in {@code log}, in order, including {@code
     * stop-commands} and the resume that ends it; lines while commands are stopped run nothing.
     */
    public static List<Command> processed(String log) {
        Set<String> registered = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        registered.addAll(RUNNER_COMMANDS);
        registered.add(STOP);
        String stopToken = null;
        List<Command> found = new ArrayList<>();
        for (String line : log.split("\r\n|\r|\n", -1)) {
            Command command = parseV2(line, registered);
            if (command == null) {
                command = parse(line, registered);
            }
            if (command == null) {
                continue;
            }
            if (stopToken != null) {
                if (command.name().equalsIgnoreCase(stopToken)) {
                    registered.remove(stopToken);
                    stopToken = null;
                    found.add(command);
                }
                continue;
            }
            if (command.name().equalsIgnoreCase(STOP)) {
                stopToken = command.data();
                registered.add(stopToken);
            }
            found.add(command);
        }
        return found;
    }

    /** {@code ::name prop=value,...::data} after .NET's TrimStart. */
    private static Command parseV2(String message, Set<String> registered) {
        String trimmed = trimStart(message);
        if (!trimmed.startsWith("::")) {
            return null;
        }
        int end = trimmed.indexOf("::", 2);
        if (end < 0) {
            return null;
        }
        String info = trimmed.substring(2, end);
        int space = info.indexOf(' ');
        String name = space < 0 ? info : info.substring(0, space);
        if (!registered.contains(name)) {
            return null;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (space > 0) {
            for (String property : info.substring(space + 1).strip().split(",")) {
                String[] pair = property.split("=", 2);
                if (pair.length == 2 && !pair[0].isEmpty() && !pair[1].isEmpty()) {
                    properties.put(pair[0].toLowerCase(Locale.ROOT), unescapeProperty(pair[1]));
                }
            }
        }
        return new Command(name, properties, unescapeData(trimmed.substring(end + 2)), message);
    }

    /** {@code ##[name prop=value;...]data}, anywhere in the line. */
    private static Command parse(String message, Set<String> registered) {
        int prefix = message.indexOf("##[");
        if (prefix < 0) {
            return null;
        }
        int bracket = message.indexOf(']', prefix);
        if (bracket < 0) {
            return null;
        }
        String info = message.substring(prefix + 3, bracket);
        int space = info.indexOf(' ');
        String name = space < 0 ? info : info.substring(0, space);
        if (!registered.contains(name)) {
            return null;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (space > 0) {
            for (String property : info.substring(space + 1).split(";")) {
                String[] pair = property.split("=", 2);
                if (pair.length == 2 && !pair[0].isEmpty() && !pair[1].isEmpty()) {
                    properties.put(pair[0].toLowerCase(Locale.ROOT), unescape(pair[1]));
                }
            }
        }
        return new Command(name, properties, unescape(message.substring(bracket + 1)), message);
    }

    /** .NET's {@code String.TrimStart()}: every leading {@code Char.IsWhiteSpace} character. */
    static String trimStart(String text) {
        int start = 0;
        while (start < text.length() && isWhiteSpace(text.charAt(start))) {
            start++;
        }
        return text.substring(start);
    }

    /** .NET's {@code Char.IsWhiteSpace}: categories Zs, Zl, Zp, plus U+0009-U+000D and U+0085. */
    static boolean isWhiteSpace(char c) {
        int type = Character.getType(c);
        return (c >= 0x09 && c <= 0x0D)
                || c == 0x85
                || type == Character.SPACE_SEPARATOR
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static String unescape(String text) {
        return text.replace("%3B", ";")
                .replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%5D", "]")
                .replace("%25", "%");
    }

    private static String unescapeData(String text) {
        return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
    }

    private static String unescapeProperty(String text) {
        return text.replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%25", "%");
    }
}
