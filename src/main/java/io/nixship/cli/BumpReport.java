package io.nixship.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import io.nixship.manifest.BumpPlan;
import io.nixship.manifest.FoundReference;
import io.nixship.manifest.ImageReference;
import io.nixship.manifest.SkippedFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code bump} tells about a plan: one line per reference found (moved or already current),
 * per skipped file and per manifests entry without the image, for people on stderr; the same as
 * JSON for {@code --json}.
 */
final class BumpReport {
    private final ImageReference target;
    private final BumpPlan plan;
    private final boolean check;

    BumpReport(ImageReference target, BumpPlan plan, boolean check) {
        this.target = target;
        this.plan = plan;
        this.check = check;
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
                            + (found.moved()
                                    ? (check ? " would move to " : " -> ") + found.after()
                                    : " (already current)"));
        }
        for (SkippedFile skipped : plan.skipped()) {
            lines.add("skipped " + path(skipped) + ": " + skipped.reason());
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
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("image", target.toString());
        root.put("changed", plan.wouldChange());
        ArrayNode references = root.putArray("references");
        for (FoundReference found : plan.references()) {
            ObjectNode node = references.addObject();
            node.put("file", found.file());
            node.put("line", found.line());
            node.put("form", found.form().name().toLowerCase(Locale.ROOT));
            node.put("before", found.before());
            node.put("after", found.after());
            node.put("moved", found.moved());
        }
        ArrayNode skipped = root.putArray("skipped");
        plan.skipped()
                .forEach(
                        file ->
                                skipped.addObject()
                                        .put("file", path(file))
                                        .put("reason", file.reason()));
        ArrayNode empty = root.putArray("withoutReference");
        plan.entriesWithoutReference().forEach(empty::add);
        root.put("diff", diff);
        return root.toString();
    }

    private static String path(SkippedFile skipped) {
        return skipped.file().toString().replace('\\', '/');
    }
}
