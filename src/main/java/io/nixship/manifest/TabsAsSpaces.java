package io.nixship.manifest;

import java.util.BitSet;
import java.util.List;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A tab ending a line or before a comment is white space to YAML and to the parser kubectl,
 * kustomize and Argo CD use, but SnakeYAML refuses one after a key's colon, a quoted string, a flow
 * collection or an anchor ("found character '\t(TAB)' that cannot start any token"). Read as spaces
 * such tabs parse; tab and space are one code point and one byte each, so every mark and byte
 * offset stays that of the original text. A tab inside a scalar's text (a block's line, a quoted
 * string) is part of the value and is kept.
 */
final class TabsAsSpaces {
    private TabsAsSpaces() {}

    /**
     * The documents of {@code text} with those tabs read as spaces, or null when it has none.
     *
     * @throws YAMLException when it is invalid for another reason too
     */
    static List<Node> compose(String text) {
        int[] codePoints = text.codePoints().toArray();
        BitSet replaced = replaceSeparatingTabs(codePoints);
        if (replaced.isEmpty()) {
            return null;
        }
        List<Node> documents = YamlDocument.compose(new String(codePoints, 0, codePoints.length));
        BitSet inScalars = scalarText(documents);
        inScalars.and(replaced);
        if (inScalars.isEmpty()) {
            return documents;
        }
        inScalars.stream().forEach(index -> codePoints[index] = '\t');
        return YamlDocument.compose(new String(codePoints, 0, codePoints.length));
    }

    /**
     * Turns into spaces the tabs of each run of blanks that ends a line or precedes a {@code #}.
     */
    private static BitSet replaceSeparatingTabs(int[] codePoints) {
        BitSet replaced = new BitSet();
        int position = 0;
        while (position < codePoints.length) {
            if (codePoints[position] != '\t') {
                position++;
                continue;
            }
            int start = position;
            while (start > 0 && blank(codePoints[start - 1])) {
                start--;
            }
            int end = position;
            while (end < codePoints.length && blank(codePoints[end])) {
                end++;
            }
            if (end == codePoints.length
                    || codePoints[end] == '\n'
                    || codePoints[end] == '\r'
                    || codePoints[end] == '#') {
                for (int i = start; i < end; i++) {
                    if (codePoints[i] == '\t') {
                        codePoints[i] = ' ';
                        replaced.set(i);
                    }
                }
            }
            position = end;
        }
        return replaced;
    }

    private static boolean blank(int codePoint) {
        return codePoint == ' ' || codePoint == '\t';
    }

    /** Indexes of the code points inside any scalar's text, where a tab belongs to the value. */
    private static BitSet scalarText(List<Node> documents) {
        BitSet text = new BitSet();
        for (Node node : YamlTrees.everyNode(documents)) {
            if (node instanceof ScalarNode scalar) {
                text.set(scalar.getStartMark().getIndex(), scalar.getEndMark().getIndex());
            }
        }
        return text;
    }
}
