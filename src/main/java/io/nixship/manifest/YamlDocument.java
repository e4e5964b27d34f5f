package io.nixship.manifest;

import io.nixship.NixshipException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The bytes of one YAML file and its composed node trees, loaded safely: only standard tags, few
 * aliases, bounded depth and size, no duplicate keys. Nodes are composed, never constructed into
 * objects, so no type from the file is ever instantiated. Parser marks count code points; this
 * class maps them back to byte offsets in the original UTF-8 so edits can splice bytes.
 */
final class YamlDocument {
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 64;
    static final int MAX_CODE_POINTS = 4 * 1024 * 1024;
    private static final Set<Tag> STANDARD_TAGS =
            Set.of(
                    Tag.STR,
                    Tag.INT,
                    Tag.FLOAT,
                    Tag.BOOL,
                    Tag.NULL,
                    Tag.MAP,
                    Tag.SEQ,
                    Tag.TIMESTAMP,
                    Tag.BINARY,
                    Tag.MERGE,
                    Tag.SET,
                    Tag.OMAP,
                    Tag.PAIRS);

    private final String file;
    private final byte[] bytes;
    private final int[] byteOffsets;
    private final List<Node> documents;
    // Lines above the text in its file: a document held in a string starts below line 1.
    private final int firstLine;

    private YamlDocument(
            String file, byte[] bytes, int[] byteOffsets, List<Node> documents, int firstLine) {
        this.firstLine = firstLine;
        this.file = file;
        this.bytes = bytes;
        this.byteOffsets = byteOffsets;
        this.documents = documents;
    }

    /** A whole file; a parse error says how to go on (a repository's other YAML, e.g. CI's). */
    static YamlDocument parse(String file, byte[] bytes) {
        return parse(file, bytes, 0, "; fix it, or leave the file out of the manifests paths");
    }

    /** Bytes of {@code file} that start on 0-based line {@code firstLine}, parsed on their own. */
    static YamlDocument parse(String file, byte[] bytes, int firstLine) {
        return parse(file, bytes, firstLine, "");
    }

    private static YamlDocument parse(String file, byte[] bytes, int firstLine, String remedy) {
        // A UTF-8 code point takes at most 4 bytes: refuse what is surely too large before decoding
        // it.
        if (bytes.length > 4L * MAX_CODE_POINTS) {
            throw tooLarge(file);
        }
        String text = decodeUtf8(file, bytes);
        int[] offsets = codePointByteOffsets(text);
        if (offsets.length - 1 > MAX_CODE_POINTS) {
            throw tooLarge(file);
        }
        List<Node> documents;
        try {
            documents = composeReadingSeparatingTabsAsSpaces(text);
        } catch (MarkedYAMLException e) {
            throw NixshipException.usage(
                    file
                            + ":"
                            + (firstLine + line(e))
                            + ": invalid YAML: "
                            + oneLine(e.getProblem())
                            + remedy);
        } catch (YAMLException e) {
            throw NixshipException.usage(
                    file + ": invalid YAML: " + oneLine(e.getMessage()) + remedy);
        }
        YamlDocument document = new YamlDocument(file, bytes, offsets, documents, firstLine);
        document.rejectUnsafeContent(remedy);
        return document;
    }

    private static List<Node> composeReadingSeparatingTabsAsSpaces(String text) {
        try {
            return compose(text);
        } catch (MarkedYAMLException e) {
            List<Node> documents = TabsAsSpaces.compose(text);
            if (documents == null) {
                throw e;
            }
            return documents;
        }
    }

    /** The documents of {@code text}, composed into nodes (never constructed into objects). */
    static List<Node> compose(String text) {
        List<Node> documents = new ArrayList<>();
        for (Node document : new Yaml(loaderOptions()).composeAll(new StringReader(text))) {
            if (document != null) {
                documents.add(document);
            }
        }
        return List.copyOf(documents);
    }

    String file() {
        return file;
    }

    byte[] bytes() {
        return bytes;
    }

    List<Node> documents() {
        return documents;
    }

    int byteOffset(Mark mark) {
        return byteOffsets[mark.getIndex()];
    }

    /** {@code bytes} (this document edited) parsed as this document was. */
    YamlDocument reparse(byte[] edited) {
        return parse(file, edited, firstLine);
    }

    /** 1-based line of a mark in the file. */
    int line(Mark mark) {
        return firstLine + mark.getLine() + 1;
    }

    /** The file's line break: CRLF when its first line ends so, LF otherwise. */
    String lineBreak() {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i > 0 && bytes[i - 1] == '\r' ? "\r\n" : "\n";
            }
        }
        return "\n";
    }

    /** Byte offset of a scalar's text, after any {@code &anchor} or {@code !tag} in front of it. */
    int scalarStart(Node scalar) {
        int end = byteOffset(scalar.getEndMark());
        int position = byteOffset(scalar.getStartMark());
        while (position < end && (bytes[position] == '&' || bytes[position] == '!')) {
            while (position < end && !blank(bytes[position])) {
                position++;
            }
            while (position < end && blank(bytes[position])) {
                position++;
            }
        }
        return position;
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    String text(int fromByte, int toByte) {
        return new String(bytes, fromByte, toByte - fromByte, StandardCharsets.UTF_8);
    }

    static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setTagInspector(tag -> false);
        return options;
    }

    /**
     * Composing neither checks duplicate keys nor local tags (those are checked when constructing
     * objects, which this never does), so walk every node once and check them here.
     */
    private void rejectUnsafeContent(String remedy) {
        for (Node node : YamlTrees.everyNode(documents)) {
            if (!STANDARD_TAGS.contains(node.getTag())) {
                throw NixshipException.usage(
                        file
                                + ":"
                                + line(node.getStartMark())
                                + ": YAML tag '"
                                + node.getTag().getValue()
                                + "' is not allowed; only standard YAML types are"
                                + remedy);
            }
            if (node instanceof MappingNode mapping) {
                Set<String> keys = new HashSet<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode key
                            && !key.getTag().equals(Tag.MERGE)
                            && !keys.add(key.getValue())) {
                        throw NixshipException.usage(
                                file
                                        + ":"
                                        + line(key.getStartMark())
                                        + ": duplicate key '"
                                        + key.getValue()
                                        + "'");
                    }
                }
            }
        }
    }

    private static NixshipException tooLarge(String file) {
        return NixshipException.usage(
                file + ": YAML file is larger than " + MAX_CODE_POINTS + " characters");
    }

    private static String decodeUtf8(String file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw NixshipException.usage(
                    file + ": not valid UTF-8; manifests must be UTF-8 encoded");
        }
    }

    /** offsets[i] is the byte offset of code point i; the last entry is the total length. */
    private static int[] codePointByteOffsets(String text) {
        int count = text.codePointCount(0, text.length());
        int[] offsets = new int[count + 1];
        int bytePosition = 0;
        int index = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            offsets[index++] = bytePosition;
            bytePosition +=
                    codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            i += Character.charCount(codePoint);
        }
        offsets[index] = bytePosition;
        return offsets;
    }

    private static int line(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        return mark == null ? 1 : mark.getLine() + 1;
    }

    private static String oneLine(String message) {
        return message == null ? "unknown problem" : message.replaceAll("\\s+", " ").trim();
    }
}
