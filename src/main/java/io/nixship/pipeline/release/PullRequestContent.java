package io.nixship.pipeline.release;

import io.nixship.forge.MarkdownLimit;

/**
 * The title and body of a nixship pull request.
 *
 * @param oldReference the image reference the manifests held (null when unknown)
 * @param sourceCommitUrl the commit's web page (null when the repository is not known: a dry run)
 * @param freezeMarkdown the freeze diff (or the new freeze) as markdown, rendered elsewhere
 * @param nixpkgsRevision the nixpkgs commit the image was built with (null when unknown)
 * @param note a paragraph of markdown after the source commit, e.g. a link to the pull request that
 *     moves the lock (null for none)
 */
public record PullRequestContent(
        String imageName,
        String oldReference,
        String newReference,
        String sourceCommit,
        String sourceCommitUrl,
        String nixpkgsRevision,
        String freezeMarkdown,
        String note) {

    /** The same content with {@code paragraph} as its note. */
    public PullRequestContent withNote(String paragraph) {
        return new PullRequestContent(
                imageName,
                oldReference,
                newReference,
                sourceCommit,
                sourceCommitUrl,
                nixpkgsRevision,
                freezeMarkdown,
                paragraph);
    }

    public String title() {
        return "nixship: update " + imageName + " to " + shortReference(newReference);
    }

    public String body() {
        return body(MarkdownLimit.GITHUB_MAX_CHARS);
    }

    /** The body, cut in the freeze section when it would exceed {@code maxChars}. */
    public String body(int maxChars) {
        StringBuilder head = new StringBuilder();
        head.append("Updates the image reference in the Kubernetes manifests.\n\n");
        head.append("| | Image |\n|---|---|\n");
        head.append("| Before | ")
                .append(code(oldReference == null ? "(none)" : oldReference))
                .append(" |\n");
        head.append("| After | ").append(code(newReference)).append(" |\n\n");
        if (sourceCommitUrl == null) {
            head.append("Built from commit `").append(abbreviate(sourceCommit)).append("`");
        } else {
            head.append("Built from commit [")
                    .append(abbreviate(sourceCommit))
                    .append("](")
                    .append(sourceCommitUrl)
                    .append(")");
        }
        if (nixpkgsRevision != null) {
            head.append(" with nixpkgs [")
                    .append(abbreviate(nixpkgsRevision))
                    .append("](https://github.com/NixOS/nixpkgs/commit/")
                    .append(nixpkgsRevision)
                    .append(")");
        }
        head.append(".\n\n");
        if (note != null) {
            head.append(note).append("\n\n");
        }
        String tail =
                "\n\n---\n_Opened by nixship. It updates this branch on every build of the"
                        + " default branch; commits pushed here by others stop it._\n";
        String freeze =
                freezeMarkdown == null || freezeMarkdown.isBlank()
                        ? "No Python package changes.\n"
                        : freezeMarkdown;
        int room = maxChars - head.length() - tail.length();
        return head
                + MarkdownLimit.fit(freeze, room, "see the job summary for the full diff")
                + tail;
    }

    private static String shortReference(String reference) {
        int slash = reference.lastIndexOf('/');
        String last = reference.substring(slash + 1);
        int at = last.indexOf('@');
        return at > 0 && last.indexOf(':') > 0 ? last.substring(0, at) : last;
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    /** Inline code that stays inline code whatever the text holds. */
    private static String code(String text) {
        return "`" + text.replace("`", "'").replace("|", "\\|").replaceAll("[\r\n]", " ") + "`";
    }
}
