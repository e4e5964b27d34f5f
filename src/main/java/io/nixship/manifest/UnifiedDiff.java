package io.nixship.manifest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/**
 * Renders file edits as a unified diff ({@code --- a/path}, {@code +++ b/path}, 3 lines of
 * context).
 */
public final class UnifiedDiff {
    private static final int CONTEXT_LINES = 3;

    private UnifiedDiff() {}

    public static String render(List<FileEdit> edits) {
        StringBuilder diff = new StringBuilder();
        edits.forEach(edit -> diff.append(render(edit)));
        return diff.toString();
    }

    /** The diff of one file; empty when it did not change. */
    public static String render(FileEdit edit) {
        if (!edit.changed()) {
            return "";
        }
        RawText before = new RawText(edit.oldBytes());
        RawText after = new RawText(edit.newBytes());
        EditList edits =
                DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                        .diff(RawTextComparator.DEFAULT, before, after);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String name = edit.path().toString().replace('\\', '/');
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            out.writeBytes(
                    ("--- a/" + name + "\n+++ b/" + name + "\n").getBytes(StandardCharsets.UTF_8));
            formatter.setContext(CONTEXT_LINES);
            formatter.format(edits, before, after);
            formatter.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
