package io.nixship.freeze;

import io.nixship.NixshipException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The output formats of a freeze diff ({@code --format text|markdown|json}). */
public enum DiffFormat {
    TEXT,
    MARKDOWN,
    JSON;

    public String render(FreezeDiff diff) {
        return switch (this) {
            case TEXT -> FreezeDiffText.render(diff);
            case MARKDOWN -> FreezeDiffMarkdown.render(diff);
            case JSON -> FreezeDiffJson.render(diff);
        };
    }

    /**
     * The format named {@code name}, any case.
     *
     * @throws NixshipException (usage) naming the value and the accepted ones
     */
    public static DiffFormat parse(String name) {
        for (DiffFormat format : values()) {
            if (format.name().equalsIgnoreCase(name)) {
                return format;
            }
        }
        throw NixshipException.usage(
                "--format '"
                        + name
                        + "' is not one of "
                        + Arrays.stream(values())
                                .map(f -> f.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", ")));
    }
}
