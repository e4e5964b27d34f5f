package io.nixship.freeze;

import io.nixship.NixshipException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code pip freeze} prints for an environment: its packages in pip's order. */
public record Freeze(List<FreezeEntry> entries) {
    private static final Pattern PIN =
            Pattern.compile(
                    "([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(?:\\[[^\\]]*\\])?\\s*(===?)\\s*(\\S+)");
    private static final Pattern DIRECT =
            Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(?:\\[[^\\]]*\\])?\\s*@\\s*(\\S+)");

    /**
     * pip's comment above an editable install it cannot trace to a VCS remote, e.g. {@code
     * (foo==1.0)}.
     */
    private static final Pattern EDITABLE_COMMENT =
            Pattern.compile("^# Editable .*\\(([A-Za-z0-9][A-Za-z0-9._-]*)(===?)([^)\\s]+)\\).*$");

    private static final Pattern INLINE_COMMENT = Pattern.compile("(^|\\s+)#.*$");
    private static final Pattern EGG_FRAGMENT =
            Pattern.compile("[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)");

    /** Requirement-file options pip freeze copies through; they name no package. */
    private static final Pattern OPTION =
            Pattern.compile(
                    "^(-r|--requirement|-f|--find-links|-i|--index-url|--extra-index-url|--pre|"
                            + "--trusted-host|--use-feature|--process-dependency-links|-c|--constraint)\\b.*");

    public Freeze {
        entries = List.copyOf(entries);
    }

    public static Freeze empty() {
        return new Freeze(List.of());
    }

    /** Sorts entries the way pip freeze does: by {@code name.lower()}, code point order. */
    public static Freeze sorted(List<FreezeEntry> entries) {
        List<FreezeEntry> copy = new ArrayList<>(entries);
        copy.sort(
                Comparator.comparing(
                        e -> e.name().toLowerCase(Locale.ROOT), Freeze::compareCodePoints));
        return new Freeze(copy);
    }

    static int compareCodePoints(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /** Exactly the text {@code pip freeze} prints: each entry's requirement on its own line(s). */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (FreezeEntry entry : entries) {
            out.append(entry.requirement()).append('\n');
        }
        return out.toString();
    }

    /** The entry for a project, by PEP 503 name ({@code jinja2} finds {@code Jinja2}). */
    public Optional<FreezeEntry> find(String name) {
        String key = PackageName.normalize(name);
        return entries.stream().filter(e -> e.canonicalName().equals(key)).findFirst();
    }

    /**
     * Entries keyed by PEP 503 name, in freeze order; a later duplicate replaces an earlier one.
     */
    public Map<String, FreezeEntry> byCanonicalName() {
        Map<String, FreezeEntry> map = new LinkedHashMap<>();
        for (FreezeEntry entry : entries) {
            map.put(entry.canonicalName(), entry);
        }
        return map;
    }

    /**
     * Reads {@code pip freeze} output (or a pinned requirements file). Blank lines, comments and
     * requirement-file options are skipped; {@code name @ url} lines keep their URL; {@code -e}
     * lines take their name (and version) from pip's comment above them, else the URL's {@code
     * #egg=} fragment, else the location's last path segment. Entry order is kept as written.
     *
     * @throws NixshipException (usage) naming the line when a line pins nothing
     */
    public static Freeze parse(String text) {
        List<FreezeEntry> entries = new ArrayList<>();
        List<String> pendingComments = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                pendingComments.clear();
                continue;
            }
            if (line.startsWith("#")) {
                pendingComments.add(line);
                continue;
            }
            if (line.startsWith("-e ") || line.startsWith("--editable")) {
                entries.add(editable(line, pendingComments));
                pendingComments.clear();
                continue;
            }
            pendingComments.clear();
            if (OPTION.matcher(line).matches()) {
                continue;
            }
            String requirement = stripInlineComment(line);
            Matcher pin = PIN.matcher(requirement);
            if (pin.matches()) {
                entries.add(new FreezeEntry(pin.group(1), pin.group(3), requirement));
                continue;
            }
            Matcher direct = DIRECT.matcher(requirement);
            if (direct.matches()) {
                entries.add(new FreezeEntry(direct.group(1), null, requirement));
                continue;
            }
            throw NixshipException.usage(
                    "freeze line "
                            + (i + 1)
                            + " '"
                            + line
                            + "' is not 'name==version', 'name @ url' or '-e ...'");
        }
        return new Freeze(entries);
    }

    private static FreezeEntry editable(String line, List<String> comments) {
        String location =
                line.startsWith("-e ")
                        ? line.substring(3).strip()
                        : line.substring("--editable".length())
                                .strip()
                                .replaceFirst("^=", "")
                                .strip();
        String requirement =
                String.join("\n", comments) + (comments.isEmpty() ? "" : "\n") + "-e " + location;
        for (String comment : comments) {
            Matcher m = EDITABLE_COMMENT.matcher(comment);
            if (m.matches()) {
                return new FreezeEntry(m.group(1), m.group(3), requirement);
            }
        }
        Matcher egg = EGG_FRAGMENT.matcher(location);
        if (egg.find()) {
            return new FreezeEntry(egg.group(1), null, requirement);
        }
        // pip prints a bare location when it cannot trace the checkout; its directory names the
        // project.
        String trimmed = location.replaceAll("/+$", "");
        return new FreezeEntry(trimmed.substring(trimmed.lastIndexOf('/') + 1), null, requirement);
    }

    /** pip treats {@code #} after whitespace as the start of a comment. */
    private static String stripInlineComment(String line) {
        Matcher m = INLINE_COMMENT.matcher(line);
        return m.find() ? line.substring(0, m.start()).strip() : line;
    }
}
