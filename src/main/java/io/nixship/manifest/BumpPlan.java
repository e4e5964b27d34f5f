package io.nixship.manifest;

import java.util.List;

/**
 * What a bump found and would write: every reference to the image (moved or already current), the
 * edits of the files that change, the files skipped as not YAML, and the manifests entries that
 * hold no reference to the image at all.
 */
public record BumpPlan(
        List<FoundReference> references,
        List<FileEdit> edits,
        List<SkippedFile> skipped,
        List<String> entriesWithoutReference) {
    public BumpPlan {
        references = List.copyOf(references);
        edits = List.copyOf(edits);
        skipped = List.copyOf(skipped);
        entriesWithoutReference = List.copyOf(entriesWithoutReference);
    }

    /** True when applying the plan would change a file: the {@code --check} answer. */
    public boolean wouldChange() {
        return ManifestBumper.wouldChange(edits);
    }
}
