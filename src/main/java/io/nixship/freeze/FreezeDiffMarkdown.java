package io.nixship.freeze;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The diff as GitHub-flavoured markdown for pull-request comments and job summaries: a table of the
 * changed packages (package, before, after, change), the closure and nixpkgs lines, and collapsed
 * {@code <details>} blocks with the full new freeze and the store-path changes. Long lists are
 * folded ({@code … and N more}) so the whole text stays under a character budget, by default well
 * under GitHub's 65,536-character limit for a comment. With nothing changed it is one line.
 */
public final class FreezeDiffMarkdown {
    /** Room left below GitHub's 65,536 for the caller's marker and heading. */
    public static final int DEFAULT_MAX_CHARS = 60_000;

    /** Row caps tried in turn, largest first, until the text fits. */
    private static final int[] CAPS = {Integer.MAX_VALUE, 1000, 300, 100, 30, 10, 0};

    private static final Pattern BACKTICK_RUN = Pattern.compile("`+");
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n\\u0085\\u2028\\u2029]+");
    private static final Pattern REVISION = Pattern.compile("[0-9a-f]{7,40}");

    private FreezeDiffMarkdown() {}

    public static String render(FreezeDiff diff) {
        return render(diff, DEFAULT_MAX_CHARS);
    }

    /**
     * Renders within {@code maxChars}: the store-path list folds first, then the full freeze, then
     * the package table.
     */
    public static String render(FreezeDiff diff, int maxChars) {
        String text = null;
        for (int paths : CAPS) {
            text = render(diff, Integer.MAX_VALUE, Integer.MAX_VALUE, paths);
            if (text.length() <= maxChars) {
                return text;
            }
        }
        for (int freeze : CAPS) {
            text = render(diff, Integer.MAX_VALUE, freeze, 0);
            if (text.length() <= maxChars) {
                return text;
            }
        }
        for (int rows : CAPS) {
            text = render(diff, rows, 0, 0);
            if (text.length() <= maxChars) {
                return text;
            }
        }
        return text;
    }

    private static String render(FreezeDiff diff, int rowCap, int freezeCap, int pathCap) {
        int total = diff.after().entries().size();
        if (!diff.hasChanges()) {
            return "**No Python package changes** (" + total + " packages, same closure).\n";
        }
        StringBuilder out = new StringBuilder();
        List<PackageChange> changes = diff.changes();
        if (changes.isEmpty()) {
            out.append("**No Python package changes** (").append(total).append(" packages).\n");
        } else {
            out.append("### Python packages: ").append(diff.summary()).append("\n\n");
            out.append("| Package | Before | After | Change |\n");
            out.append("| --- | --- | --- | --- |\n");
            int shown = Math.min(rowCap, changes.size());
            for (PackageChange change : changes.subList(0, shown)) {
                out.append("| ")
                        .append(cell(change.name()))
                        .append(" | ")
                        .append(side(change.before()))
                        .append(" | ")
                        .append(side(change.after()))
                        .append(" | ")
                        .append(change.change().symbol())
                        .append(' ')
                        .append(change.change().word())
                        .append(" |\n");
            }
            if (shown < changes.size()) {
                out.append("| … and ").append(changes.size() - shown).append(" more | | | |\n");
            }
        }
        diff.closure()
                .ifPresent(closure -> out.append('\n').append(closureLine(closure)).append('\n'));
        diff.nixpkgs()
                .ifPresent(nixpkgs -> out.append('\n').append(nixpkgsLine(nixpkgs)).append('\n'));
        appendFreeze(out, diff.after(), freezeCap);
        diff.closure()
                .filter(ClosureDiff::changed)
                .ifPresent(closure -> appendStorePaths(out, closure, pathCap));
        return out.toString();
    }

    private static String side(FreezeEntry entry) {
        return entry == null ? "—" : cell(PackageChange.display(entry));
    }

    private static String closureLine(ClosureDiff closure) {
        return "**Closure:** "
                + closure.pathsBefore()
                + " → "
                + closure.pathsAfter()
                + " store paths, "
                + Sizes.format(closure.sizeBefore())
                + " → "
                + Sizes.format(closure.sizeAfter())
                + " ("
                + Sizes.delta(closure.sizeDelta())
                + ")";
    }

    private static String nixpkgsLine(NixpkgsChange nixpkgs) {
        if (!nixpkgs.changed()) {
            return "**nixpkgs:** " + cell(shortRevision(nixpkgs.after())) + " (unchanged)";
        }
        String change =
                cell(shortRevision(nixpkgs.before()))
                        + " → "
                        + cell(shortRevision(nixpkgs.after()));
        // Revisions can come from an image's labels: linked only when both are commit hashes.
        boolean commits =
                REVISION.matcher(nixpkgs.before()).matches()
                        && REVISION.matcher(nixpkgs.after()).matches();
        return "**nixpkgs:** "
                + (commits ? "[" + change + "](" + nixpkgs.compareUrl() + ")" : change);
    }

    private static String shortRevision(String revision) {
        return revision.length() > 12 ? revision.substring(0, 12) : revision;
    }

    private static void appendFreeze(StringBuilder out, Freeze freeze, int cap) {
        List<FreezeEntry> entries = freeze.entries();
        out.append("\n<details>\n<summary>Full freeze after (")
                .append(entries.size())
                .append(" packages)</summary>\n\n");
        if (cap == 0 && !entries.isEmpty()) {
            out.append("Omitted to keep this comment within GitHub's size limit.\n");
        } else {
            int shown = Math.min(cap, entries.size());
            String text = new Freeze(entries.subList(0, shown)).render();
            if (shown < entries.size()) {
                text += "# … and " + (entries.size() - shown) + " more\n";
            }
            appendCodeBlock(out, "text", text);
        }
        out.append("\n</details>\n");
    }

    private static void appendStorePaths(StringBuilder out, ClosureDiff closure, int cap) {
        out.append("\n<details>\n<summary>Store paths: ")
                .append(closure.added().size())
                .append(" added, ")
                .append(closure.removed().size())
                .append(" removed</summary>\n\n");
        int total = closure.added().size() + closure.removed().size();
        if (cap == 0) {
            out.append("Omitted to keep this comment within GitHub's size limit.\n");
        } else {
            StringBuilder lines = new StringBuilder();
            int shown = 0;
            for (ClosureDiff.StorePathSize path : closure.removed()) {
                if (shown++ < cap) {
                    lines.append("- ").append(path.path()).append(size(path)).append('\n');
                }
            }
            for (ClosureDiff.StorePathSize path : closure.added()) {
                if (shown++ < cap) {
                    lines.append("+ ").append(path.path()).append(size(path)).append('\n');
                }
            }
            if (cap < total) {
                lines.append("# … and ").append(total - cap).append(" more\n");
            }
            appendCodeBlock(out, "diff", lines.toString());
        }
        out.append("\n</details>\n");
    }

    private static String size(ClosureDiff.StorePathSize path) {
        return path.sizeKnown() ? "  (" + Sizes.format(path.narSize()) + ")" : "";
    }

    /**
     * A fenced block whose fence is longer than any backtick run inside, so nothing can close it
     * early.
     */
    private static void appendCodeBlock(StringBuilder out, String language, String text) {
        int longest = 0;
        Matcher m = BACKTICK_RUN.matcher(text);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        out.append(fence).append(language).append('\n').append(text).append(fence).append('\n');
    }

    /**
     * Table cells hold names and versions from package metadata, hostile text: each is one code
     * span, where neither markdown (links, images, emphasis, HTML, headings) nor GitHub (mentions,
     * issue references, autolinks) renders anything. The span's backtick fence is longer than any
     * run inside; a pipe is escaped because the table splits cells before inline parsing.
     */
    static String cell(String text) {
        String oneLine = LINE_BREAKS.matcher(text).replaceAll(" ");
        int longest = 0;
        Matcher m = BACKTICK_RUN.matcher(oneLine);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        String fence = "`".repeat(longest + 1);
        // A span's content keeps a space next to its fence when the text starts or ends with a
        // backtick (the space pair is stripped again when rendered).
        boolean pad = oneLine.startsWith("`") || oneLine.endsWith("`") || oneLine.isBlank();
        String inner = pad ? " " + oneLine + " " : oneLine;
        return fence + inner.replace("\\", "\\\\").replace("|", "\\|") + fence;
    }
}
