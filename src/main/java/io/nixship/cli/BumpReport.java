package io.nixship.cli;

import io.nixship.Json;
import io.nixship.manifest.BumpPlan;
import io.nixship.manifest.FoundReference;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.SkippedFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bump} tells about a plan: one line per reference found (moved or already current),
 * per skipped file and per manifests entry without the image, for people on stderr; the same as
 * JSON for {@code --json}.
 */
final class BumpReport {
    private static final int SKIPPED_LISTED_ONE_BY_ONE = 3;

    private final ImageReference target;
    private final BumpPlan plan;
    private final boolean check;

    /** {@code check}: nothing is written, so the lines say what would move. */
    BumpReport(ImageReference target, BumpPlan plan, boolean check) {
        this.target = target;
        this.plan = plan;
        // A reference that cannot move stops the bump before anything is written.
        this.check =
                check || plan.references().stream().anyMatch(found -> found.notMoved() != null);
    }

    List<String> notes() {
        List<String> lines = new ArrayList<>();
        for (FoundReference found : plan.references()) {
            lines.add(
                    found.file()
                            + ":"
                            + found.line()
                            + ": "
                            + found.before()
                            + (found.notMoved() != null
                                    ? " not moved to " + found.after() + ": " + found.notMoved()
                                    : found.moved()
                                            ? (check ? " would move to " : " -> ") + found.after()
                                            : " (already current)"));
        }
        // A chart holds dozens of templates: more than a few skipped for one reason in one
        // directory make one line (--json lists each).
        Map<String, List<SkippedFile>> byDirectoryAndReason = new LinkedHashMap<>();
        for (SkippedFile skipped : plan.skipped()) {
            byDirectoryAndReason
                    .computeIfAbsent(
                            directory(skipped) + "\0" + skipped.reason(), key -> new ArrayList<>())
                    .add(skipped);
        }
        for (List<SkippedFile> group : byDirectoryAndReason.values()) {
            if (group.size() > SKIPPED_LISTED_ONE_BY_ONE) {
                lines.add(
                        "skipped "
                                + group.size()
                                + " files in "
                                + directory(group.get(0))
                                + ": "
                                + group.get(0).reason());
            } else {
                group.forEach(
                        skipped -> lines.add("skipped " + path(skipped) + ": " + skipped.reason()));
            }
        }
        for (BumpPlan.UnreadMention mention : plan.unreadMentions()) {
            lines.add(
                    "warning: "
                            + mention.file().replace('\\', '/')
                            + ":"
                            + mention.line()
                            + ": names "
                            + target.familiarName()
                            + " in a string nixship does not read as an image (YAML or text in a"
                            + " value, or a key that is not image-like); no bump moves it, so"
                            + " check it by hand or mark the value # nixship:image");
        }
        for (String entry : plan.entriesWithoutReference()) {
            lines.add(
                    "warning: "
                            + entry
                            + " holds no reference to "
                            + target.familiarName()
                            + "; check the --image name and the --manifests paths");
        }
        long moved = plan.references().stream().filter(FoundReference::moved).count();
        lines.add(
                moved
                        + " of "
                        + plan.references().size()
                        + " reference(s) to "
                        + target.familiarName()
                        + (check ? " would move" : " moved")
                        + " in "
                        + plan.edits().size()
                        + " file(s)");
        return lines;
    }

    String json(String diff) {
        return Json.compact(
                new Report(
                        target.toString(),
                        plan.wouldChange(),
                        plan.references().stream().map(Reference::of).toList(),
                        plan.skipped().stream()
                                .map(file -> new Skipped(path(file), file.reason()))
                                .toList(),
                        plan.entriesWithoutReference(),
                        plan.unreadMentions().stream()
                                .map(
                                        mention ->
                                                new BumpPlan.UnreadMention(
                                                        mention.file().replace('\\', '/'),
                                                        mention.line()))
                                .toList(),
                        diff));
    }

    /** The {@code --json} report; its fields in this order. */
    record Report(
            String image,
            boolean changed,
            List<Reference> references,
            List<Skipped> skipped,
            List<String> withoutReference,
            List<BumpPlan.UnreadMention> unreadMentions,
            String diff) {}

    /** {@code notMoved}: why a stale reference stays as it is; null when it moved or is current. */
    record Reference(
            String file,
            int line,
            String form,
            String before,
            String after,
            boolean moved,
            String notMoved) {
        static Reference of(FoundReference found) {
            return new Reference(
                    found.file(),
                    found.line(),
                    found.form().name().toLowerCase(Locale.ROOT),
                    found.before(),
                    found.after(),
                    found.moved(),
                    found.notMoved());
        }
    }

    record Skipped(String file, String reason) {}

    private static String directory(SkippedFile skipped) {
        String path = path(skipped);
        return path.substring(0, path.lastIndexOf('/') + 1);
    }

    private static String path(SkippedFile skipped) {
        return skipped.file().toString().replace('\\', '/');
    }
}
