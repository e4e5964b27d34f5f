package io.nixship.forge;

/**
 * Keeps markdown under GitHub's 65,536-character limit for pull request bodies and comments by
 * cutting whole lines and saying so, and closing a code fence or {@code <details>} block the cut
 * left open so the rest still renders.
 */
public final class MarkdownLimit {
    /** GitHub's limit, with room for the note and closing tags. */
    public static final int GITHUB_MAX_CHARS = 65_536;

    private static final int RESERVED = 400;

    private MarkdownLimit() {}

    public static String fit(String markdown, int maxChars, String whereToFindTheRest) {
        if (markdown.length() <= maxChars) {
            return markdown;
        }
        int budget = Math.max(0, maxChars - RESERVED);
        int cut = markdown.lastIndexOf('\n', budget);
        String kept = markdown.substring(0, cut < 0 ? budget : cut + 1);
        long droppedLines = markdown.substring(kept.length()).lines().count();
        StringBuilder result = new StringBuilder(kept);
        if (!kept.endsWith("\n")) {
            result.append('\n');
        }
        if (count(kept, "```") % 2 == 1) {
            result.append("```\n");
        }
        long openDetails = count(kept, "<details") - count(kept, "</details>");
        for (long i = 0; i < openDetails; i++) {
            result.append("</details>\n");
        }
        result.append("\n_… ")
                .append(droppedLines)
                .append(" more lines left out to stay within")
                .append(" GitHub's size limit; ")
                .append(whereToFindTheRest)
                .append("._\n");
        return result.toString();
    }

    private static long count(String text, String needle) {
        long n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
