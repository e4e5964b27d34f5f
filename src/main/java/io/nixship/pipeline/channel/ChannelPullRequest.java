package io.nixship.pipeline.channel;

import io.nixship.config.NixpkgsLock;
import io.nixship.forge.MarkdownLimit;
import io.nixship.freeze.NixpkgsChange;
import io.nixship.freeze.Sizes;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The title and body of a channel update's pull request: which nixpkgs the lock moves from and to,
 * the image before and after, the closure size change, the nixpkgs compare link and the freeze
 * diff; or, when the image does not build on the new nixpkgs, the end of the build log.
 *
 * @param before the lock the base commit holds (empty when it has none)
 * @param after the lock proposed
 * @param oldReference the image the manifests name now (null when unknown)
 * @param newReference the image built with {@code after} (null when the build failed)
 * @param closureBefore the old image's closure size in bytes, when its label says
 * @param closureAfter the new image's closure size in bytes (empty when the build failed)
 * @param freezeMarkdown the freeze diff as markdown (null when the build failed)
 * @param buildLog the last lines of the failed build's log (empty when it built)
 * @param manifestsElsewhere what happens to the manifests in a GitOps repository, as a markdown
 *     paragraph; null when they are bumped on this branch
 */
public record ChannelPullRequest(
        Optional<NixpkgsLock> before,
        NixpkgsLock after,
        String oldReference,
        String newReference,
        OptionalLong closureBefore,
        OptionalLong closureAfter,
        String freezeMarkdown,
        List<String> buildLog,
        String manifestsElsewhere) {
    public static final String FAILING_MARK = "[build failing] ";

    public ChannelPullRequest {
        buildLog = List.copyOf(buildLog);
    }

    public boolean buildFails() {
        return newReference == null;
    }

    /** {@code nixpkgs nixos-24.05: b134951 -> 1e3deb3}, naming both channels when it switches. */
    public String title() {
        String channelBefore = before.flatMap(NixpkgsLock::channel).orElse(null);
        String channelAfter = after.channel().orElse("nixpkgs");
        String channels =
                channelBefore == null || channelBefore.equals(channelAfter)
                        ? channelAfter
                        : channelBefore + " -> " + channelAfter;
        return (buildFails() ? FAILING_MARK : "")
                + "nixpkgs "
                + channels
                + ": "
                + before.map(ChannelPullRequest::shortPin).orElse("(none)")
                + " -> "
                + shortPin(after);
    }

    public String body() {
        return body(MarkdownLimit.GITHUB_MAX_CHARS);
    }

    /** The body, cut in the freeze section or the log when it would exceed {@code maxChars}. */
    public String body(int maxChars) {
        StringBuilder head = new StringBuilder();
        head.append("Moves the nixpkgs pin in `")
                .append(NixpkgsLock.FILE_NAME)
                .append("` to the newest release of ")
                .append(code(after.channel().orElse(after.url())))
                .append(
                        buildFails() || manifestsElsewhere != null
                                ? "."
                                : " and points the manifests at the image built with it.")
                .append("\n\n| | nixpkgs | Image |\n|---|---|---|\n");
        head.append("| Before | ")
                .append(before.map(ChannelPullRequest::pinCell).orElse("(none)"))
                .append(" | ")
                .append(
                        oldReference == null
                                ? (buildFails() ? "(unchanged)" : "(unknown)")
                                : code(oldReference))
                .append(" |\n");
        head.append("| After | ")
                .append(pinCell(after))
                .append(" | ")
                .append(buildFails() ? "(does not build)" : code(newReference))
                .append(" |\n\n");
        if (manifestsElsewhere != null) {
            head.append(manifestsElsewhere).append("\n\n");
        }
        compare()
                .ifPresent(
                        change ->
                                head.append("**nixpkgs changes:** ")
                                        .append(change.compareUrl())
                                        .append("\n\n"));
        if (closureAfter.isPresent()) {
            head.append("**Closure size:** ");
            if (closureBefore.isPresent()) {
                head.append(Sizes.format(closureBefore.getAsLong()))
                        .append(" → ")
                        .append(Sizes.format(closureAfter.getAsLong()))
                        .append(" (")
                        .append(Sizes.delta(closureAfter.getAsLong() - closureBefore.getAsLong()))
                        .append(")\n\n");
            } else {
                head.append(Sizes.format(closureAfter.getAsLong())).append("\n\n");
            }
        }
        String tail =
                "\n\n---\n_Opened by `nixship update-channel`. A newer release of the channel updates this"
                        + " branch; commits pushed here by others stop it._\n";
        int room = maxChars - head.length() - tail.length();
        if (buildFails()) {
            head.append(
                    "> [!WARNING]\n> **The image does not build on the new nixpkgs**, so the manifests are not bumped:"
                            + " this pull request only moves the lock, to show the failure. Last lines of the build log:\n\n");
            String log = String.join("\n", buildLog).replace("```", "'''");
            String block =
                    "```text\n" + log + (log.isEmpty() || log.endsWith("\n") ? "" : "\n") + "```\n";
            return head + MarkdownLimit.fit(block, room, "see the job's log") + tail;
        }
        String freeze =
                freezeMarkdown == null || freezeMarkdown.isBlank()
                        ? "No Python package changes.\n"
                        : freezeMarkdown;
        return head
                + MarkdownLimit.fit(freeze, room, "see the job summary for the full diff")
                + tail;
    }

    private Optional<NixpkgsChange> compare() {
        return before.flatMap(NixpkgsLock::revision)
                .flatMap(old -> after.revision().map(now -> new NixpkgsChange(old, now)))
                .filter(NixpkgsChange::changed);
    }

    /** The first 7 characters of the revision, else the release name, else the URL. */
    static String shortPin(NixpkgsLock lock) {
        return lock.revision()
                .map(revision -> revision.substring(0, 7))
                .or(lock::release)
                .orElse(lock.url());
    }

    private static String pinCell(NixpkgsLock lock) {
        String release = lock.release().map(name -> " " + code(name)).orElse("");
        return lock.revision()
                .map(
                        revision ->
                                "[`"
                                        + revision.substring(0, 7)
                                        + "`](https://github.com/NixOS/nixpkgs/commit/"
                                        + revision
                                        + ")"
                                        + release)
                .orElse(code(lock.url()) + release);
    }

    /** Inline code that stays inline code whatever the text holds. */
    private static String code(String text) {
        return "`" + text.replace("`", "'").replace("|", "\\|").replaceAll("[\r\n]", " ") + "`";
    }
}
