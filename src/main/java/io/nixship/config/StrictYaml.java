package io.nixship.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one way nixship reads YAML it did not write itself: safe (no type tags, no anchors or
 * aliases), bounded (size, depth), strict (unknown fields, duplicate keys and wrong types are
 * errors), and every error is one line {@code file:line: what is wrong}.
 */
public final class StrictYaml {
    /** Configuration files are small; anything larger is a mistake or an attack. */
    public static final int MAX_BYTES = 1 << 20;

    static final int MAX_DEPTH = 32;

    private StrictYaml() {}

    /** A fresh mapper configured for strict, safe loading; share it within one run. */
    public static YAMLMapper mapper() {
        return Json.strictYaml(MAX_BYTES, MAX_DEPTH);
    }

    /**
     * A value read from a YAML file plus the line of each field, for errors found after binding.
     */
    public record Parsed<T>(T value, String fileName, Map<String, Integer> lines) {
        public Parsed {
            lines = Map.copyOf(lines);
        }

        /**
         * {@code file:line} of the field at a dotted path ({@code app.ports[1]}), or of its nearest
         * parent.
         */
        public String where(String path) {
            String probe = path;
            while (!probe.isEmpty()) {
                Integer line = lines.get(probe);
                if (line != null) {
                    return fileName + ":" + line;
                }
                int cut = Math.max(probe.lastIndexOf('.'), probe.lastIndexOf('['));
                probe = cut < 0 ? "" : probe.substring(0, cut);
            }
            return fileName;
        }

        /** A usage error located at a field. */
        public NixshipException error(String path, String message) {
            return NixshipException.usage(where(path) + ": " + message);
        }
    }

    /**
     * Reads {@code content} (named {@code fileName} in errors) into {@code type}. An empty document
     * binds to {@code null}.
     */
    public static <T> Parsed<T> read(
            YAMLMapper mapper, byte[] content, String fileName, Class<T> type) {
        if (content.length > MAX_BYTES) {
            throw NixshipException.usage(
                    fileName
                            + ": file is "
                            + content.length
                            + " bytes, larger than the "
                            + MAX_BYTES
                            + " allowed");
        }
        String text = decode(content, fileName);
        Map<String, Integer> lines = scan(mapper, text, fileName);
        try {
            T value = text.isBlank() ? null : mapper.readValue(text, type);
            return new Parsed<>(value, fileName, lines);
        } catch (UnrecognizedPropertyException e) {
            String field = path(e.getPath());
            throw NixshipException.usage(
                    fileName
                            + ":"
                            + line(lines, field, e)
                            + ": unknown field '"
                            + field
                            + "' (known: "
                            + known(e.getKnownPropertyIds())
                            + ")");
        } catch (InvalidFormatException e) {
            String field = path(e.getPath());
            throw NixshipException.usage(
                    fileName
                            + ":"
                            + line(lines, field, e)
                            + ": field '"
                            + field
                            + "' has value '"
                            + e.getValue()
                            + "', expected "
                            + typeName(e.getTargetType()));
        } catch (MismatchedInputException e) {
            String field = path(e.getPath());
            if (field.isEmpty()) {
                throw NixshipException.usage(
                        fileName
                                + ":"
                                + line(e.getLocation())
                                + ": the file must be a mapping of fields");
            }
            throw NixshipException.usage(
                    fileName
                            + ":"
                            + line(lines, field, e)
                            + ": field '"
                            + field
                            + "' must be "
                            + typeName(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw syntax(fileName, e);
        }
    }

    /**
     * Walks the token stream once before binding: rejects tags, anchors and aliases (safe loading),
     * and records each field's line.
     */
    private static Map<String, Integer> scan(YAMLMapper mapper, String text, String fileName) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            YAMLParser yaml = (YAMLParser) parser;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = line(parser.currentTokenLocation());
                if (yaml.isCurrentAlias() || yaml.getObjectId() != null) {
                    throw NixshipException.usage(
                            fileName + ":" + line + ": YAML anchors and aliases are not allowed");
                }
                String tag = yaml.getTypeId();
                if (tag != null) {
                    throw NixshipException.usage(
                            fileName + ":" + line + ": YAML tag '" + tag + "' is not allowed");
                }
                if (token == JsonToken.FIELD_NAME
                        || token.isScalarValue()
                        || token.isStructStart()) {
                    String pointer = dotted(parser);
                    if (!pointer.isEmpty()) {
                        lines.putIfAbsent(pointer, line);
                    }
                }
            }
        } catch (StreamConstraintsException e) {
            throw NixshipException.usage(
                    fileName + ": nested deeper than " + MAX_DEPTH + " levels");
        } catch (JsonProcessingException e) {
            throw syntax(fileName, e);
        } catch (IOException e) {
            throw NixshipException.usage(fileName + ": cannot read: " + e.getMessage());
        }
        return lines;
    }

    private static String dotted(JsonParser parser) {
        List<String> parts = new ArrayList<>();
        var context = parser.getParsingContext();
        while (context != null && !context.inRoot()) {
            if (context.inObject() && context.getCurrentName() != null) {
                parts.add(0, "." + context.getCurrentName());
            } else if (context.inArray() && context.getCurrentIndex() >= 0) {
                parts.add(0, "[" + context.getCurrentIndex() + "]");
            }
            context = context.getParent();
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    private static NixshipException syntax(String fileName, JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (e instanceof JsonParseException && message.startsWith("Duplicate field")) {
            message = "duplicate key " + message.substring("Duplicate field ".length());
        }
        String firstLine = message.lines().findFirst().orElse("invalid YAML").trim();
        return NixshipException.usage(fileName + ":" + line(e.getLocation()) + ": " + firstLine);
    }

    private static String decode(byte[] content, String fileName) {
        try {
            String text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(content))
                            .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw NixshipException.usage(fileName + ": not valid UTF-8");
        }
    }

    /** Jackson reports the position after its lookahead; the scan knows where the field starts. */
    private static int line(Map<String, Integer> lines, String field, JsonProcessingException e) {
        Integer line = lines.get(field);
        return line != null ? line : line(e.getLocation());
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String known(Collection<Object> ids) {
        if (ids == null) {
            return "";
        }
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "a different type";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return "a " + type.getSimpleName();
    }
}
