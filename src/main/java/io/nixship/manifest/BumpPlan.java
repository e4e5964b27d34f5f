package io.nixship.manifest;

import io.nixship.NixshipException;
import java.util.List;

/**
 * What a bump found and would write: every reference to the image (moved or already current), the
 * edits of the files that change, the files skipped as not YAML, the manifests entries that hold no
 * reference to the image at all, and the strings that name the image where nixship reads none.
 */
public record BumpPlan(
        List<FoundReference> references,
        List<FileEdit> edits,
        List<SkippedFile> skipped,
        List<String> entriesWithoutReference,
        List<UnreadMention> unreadMentions) {
    public BumpPlan {
        references = List.copyOf(references);
        edits = List.copyOf(edits);
        skipped = List.copyOf(skipped);
        entriesWithoutReference = List.copyOf(entriesWithoutReference);
        unreadMentions = List.copyOf(unreadMentions);
    }

    /** A line of {@code file} naming the image in a string no bump moves. */
    public record UnreadMention(String file, int line) {}

    /**
     * Refuses a plan that would leave a stale reference behind (a form nixship cannot edit in
     * place): a bump that moves only some references deploys two images, so nothing is written.
     */
    public void requireEveryReferenceMovable() {
        List<FoundReference> stale =
                references.stream().filter(found -> found.notMoved() != null).toList();
        if (!stale.isEmpty()) {
            FoundReference first = stale.get(0);
            throw NixshipException.usage(
                    first.file()
                            + ":"
                            + first.line()
                            + ": "
                            + first.before()
                            + " cannot be moved in place: "
                            + first.notMoved()
                            + (stale.size() > 1 ? " (and " + (stale.size() - 1) + " more)" : "")
                            + "; rewrite it by hand once, then run again; nothing was written");
        }
    }

    /** True when applying the plan would change a file: the {@code --check} answer. */
    public boolean wouldChange() {
        return ManifestBumper.wouldChange(edits);
    }
}
