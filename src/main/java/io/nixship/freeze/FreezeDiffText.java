package io.nixship.freeze;

/**
 * The plain-text diff, like a unified diff of two {@code pip freeze} outputs: {@code -old} and
 * {@code +new} lines per changed package in name order, then a summary and, when known, the closure
 * and nixpkgs lines.
 */
public final class FreezeDiffText {
    private FreezeDiffText() {}

    public static String render(FreezeDiff diff) {
        StringBuilder out = new StringBuilder();
        for (PackageChange change : diff.changes()) {
            if (change.before() != null) {
                prefixLines(out, "-", change.before().requirement());
            }
            if (change.after() != null) {
                prefixLines(out, "+", change.after().requirement());
            }
        }
        if (diff.packagesChanged()) {
            out.append('\n').append(diff.summary()).append('\n');
        } else {
            out.append("No Python package changes (")
                    .append(diff.after().entries().size())
                    .append(" packages).\n");
        }
        diff.closure().ifPresent(closure -> out.append(closureLine(closure)).append('\n'));
        diff.nixpkgs().ifPresent(nixpkgs -> out.append(nixpkgsLine(nixpkgs)).append('\n'));
        return out.toString();
    }

    private static void prefixLines(StringBuilder out, String prefix, String text) {
        text.lines().forEach(line -> out.append(prefix).append(line).append('\n'));
    }

    static String closureLine(ClosureDiff closure) {
        return "closure: "
                + closure.pathsBefore()
                + " -> "
                + closure.pathsAfter()
                + " store paths (+"
                + closure.added().size()
                + " -"
                + closure.removed().size()
                + "), "
                + Sizes.format(closure.sizeBefore())
                + " -> "
                + Sizes.format(closure.sizeAfter())
                + " ("
                + Sizes.delta(closure.sizeDelta())
                + ")";
    }

    private static String nixpkgsLine(NixpkgsChange nixpkgs) {
        return nixpkgs.changed()
                ? "nixpkgs: "
                        + nixpkgs.before()
                        + " -> "
                        + nixpkgs.after()
                        + " "
                        + nixpkgs.compareUrl()
                : "nixpkgs: " + nixpkgs.after() + " (unchanged)";
    }
}
