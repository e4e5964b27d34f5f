package io.nixship.manifest;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A YAML document held in a string scalar of the file, as Argo CD's {@code helm.values} holds a
 * values file and a kustomization's {@code patches[].patch} a patch: parsed on its own (its lines
 * counted as the file's), with each of its byte offsets mapped back to the file so an edit inside
 * it is spliced into the file's bytes.
 *
 * <p>A literal block ({@code |}, {@code |-}, {@code |+}) maps line by line (the block's indentation
 * added back), a one-line quoted or plain string byte by byte. A folded block, or a quoted string
 * with escapes or line breaks, is not mapped: YAML rewrites its text, so it cannot be edited in
 * place and {@link #problem()} says so.
 */
final class EmbeddedYaml {
    private final ScalarNode node;
    private final YamlDocument document;
    private final int[] offsets;
    private final String lineBreak;
    private final String forbidden;
    private final String problem;

    private EmbeddedYaml(
            ScalarNode node,
            YamlDocument document,
            int[] offsets,
            String lineBreak,
            String forbidden,
            String problem) {
        this.node = node;
        this.document = document;
        this.offsets = offsets;
        this.lineBreak = lineBreak;
        this.forbidden = forbidden;
        this.problem = problem;
    }

    /**
     * The document in {@code node} of {@code outer}; null when it is not YAML because it is a
     * template ({@code {{ }}}, as ApplicationSets write), which Argo CD renders first.
     */
    static EmbeddedYaml of(YamlDocument outer, ScalarNode node, String what) {
        String value = node.getValue();
        DumperOptions.ScalarStyle style = node.getScalarStyle();
        boolean block =
                style == DumperOptions.ScalarStyle.LITERAL
                        || style == DumperOptions.ScalarStyle.FOLDED;
        int firstLine = node.getStartMark().getLine() + (block ? 1 : 0);
        byte[] inner = value.getBytes(StandardCharsets.UTF_8);
        YamlDocument document;
        try {
            document = YamlDocument.parse(outer.file(), inner, firstLine);
        } catch (NixshipException notYaml) {
            if (value.contains("{{")) {
                return null;
            }
            throw NixshipException.usage(notYaml.getMessage() + " (in " + what + ")");
        }
        int start = outer.byteOffset(node.getStartMark());
        int end = outer.byteOffset(node.getEndMark());
        int[] offsets = null;
        String forbidden = "";
        String problem = null;
        int indent = 0;
        switch (style) {
            case LITERAL -> {
                LineMap lines = literal(outer.bytes(), start, inner);
                offsets = lines == null ? null : lines.offsets();
                indent = lines == null ? 0 : lines.indent();
                problem =
                        lines == null
                                ? what
                                        + " is a literal block whose lines nixship cannot map back to the file (tabs or mixed indentation); indent it with spaces alike"
                                : null;
            }
            case FOLDED ->
                    problem =
                            what
                                    + " is a folded block (>), whose line breaks YAML rewrites; write it as a literal block (|) to let nixship bump it";
            default -> {
                String quote =
                        switch (style) {
                            case SINGLE_QUOTED -> "'";
                            case DOUBLE_QUOTED -> "\"";
                            default -> "";
                        };
                String raw = outer.text(outer.scalarStart(node), end);
                if (raw.equals(quote + value + quote) && value.indexOf('\n') < 0) {
                    int first = end - quote.length() - inner.length;
                    offsets = new int[inner.length + 1];
                    for (int k = 0; k <= inner.length; k++) {
                        offsets[k] = first + k;
                    }
                    forbidden = quote.isEmpty() ? "#'\"" : quote + "\\";
                } else {
                    problem =
                            what
                                    + " is a string with escapes or line breaks, which YAML rewrites; write it as a literal block (|) to let nixship bump it";
                }
            }
        }
        return new EmbeddedYaml(
                node,
                document,
                offsets,
                outer.lineBreak() + " ".repeat(indent),
                forbidden,
                problem);
    }

    ScalarNode node() {
        return node;
    }

    YamlDocument document() {
        return document;
    }

    /** Why the string cannot be edited in place; null when it can. */
    String problem() {
        return problem;
    }

    /** The file's byte offset for the document's byte offset {@code inner}. */
    int fileOffset(int inner) {
        return offsets[inner];
    }

    /**
     * {@code text} (to be written into the document) as the file must hold it, each line break
     * followed by the block's indentation; null when the string's form cannot hold it verbatim.
     */
    String fileText(String text) {
        if (text.chars().anyMatch(c -> forbidden.indexOf(c) >= 0)) {
            return null;
        }
        if (forbidden.isEmpty()) {
            return text.replace("\n", lineBreak);
        }
        return text.indexOf('\n') >= 0 ? null : text;
    }

    /** Why {@code fileText} refused: the edit needs characters the string cannot hold plainly. */
    String unfit() {
        return "the edit needs quotes or line breaks that this one-line string cannot hold without escapes; write it as a literal block (|) to let nixship bump it";
    }

    /** The string's value once the document's bytes are {@code bytes}. */
    String value(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private record LineMap(int[] offsets, int indent) {}

    /**
     * Maps a literal block's value ({@code inner}) to the file, line by line after the header line
     * at {@code start}: each non-empty line must be the file's line with the block's indentation
     * removed, each empty one a line of spaces. Null when a line is not.
     */
    private static LineMap literal(byte[] bytes, int start, byte[] inner) {
        int[] offsets = new int[inner.length + 1];
        Arrays.fill(offsets, -1);
        int pos = start;
        while (pos < bytes.length && bytes[pos] != '\n') {
            pos++;
        }
        pos++;
        int indent = -1;
        int i = 0;
        while (true) {
            int lineEnd = indexOf(inner, (byte) '\n', i);
            int innerEnd = lineEnd < 0 ? inner.length : lineEnd;
            int length = innerEnd - i;
            if (lineEnd < 0 && length == 0) {
                // The end of a clipped or kept block: the start of the line after it.
                offsets[i] = Math.min(pos, bytes.length);
                return new LineMap(offsets, Math.max(indent, 0));
            }
            if (pos > bytes.length) {
                return null;
            }
            int outerEnd = pos;
            while (outerEnd < bytes.length && bytes[outerEnd] != '\n' && bytes[outerEnd] != '\r') {
                outerEnd++;
            }
            int spaces = outerEnd - pos - length;
            if (length > 0) {
                if (indent < 0) {
                    indent = spaces;
                }
                if (spaces != indent
                        || !blank(bytes, pos, pos + spaces)
                        || !Arrays.equals(bytes, pos + spaces, outerEnd, inner, i, innerEnd)) {
                    return null;
                }
                for (int k = 0; k < length; k++) {
                    offsets[i + k] = pos + spaces + k;
                }
            } else if (!blank(bytes, pos, outerEnd)) {
                return null;
            }
            offsets[innerEnd] = outerEnd;
            if (lineEnd < 0) {
                return new LineMap(offsets, Math.max(indent, 0));
            }
            pos = outerEnd;
            if (pos < bytes.length && bytes[pos] == '\r') {
                pos++;
            }
            pos++;
            i = lineEnd + 1;
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean blank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ') {
                return false;
            }
        }
        return true;
    }
}
