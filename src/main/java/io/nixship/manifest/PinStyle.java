package io.nixship.manifest;

import io.nixship.NixshipException;

/** How a bumped manifest names the image: by tag, by digest, or by both ({@code tag@digest}). */
public enum PinStyle {
    TAG("tag"),
    DIGEST("digest"),
    TAG_AT_DIGEST("tag@digest");

    private final String option;

    PinStyle(String option) {
        this.option = option;
    }

    /** The spelling used in options and configuration. */
    public String option() {
        return option;
    }

    public static PinStyle parse(String option) {
        for (PinStyle style : values()) {
            if (style.option.equals(option)) {
                return style;
            }
        }
        throw NixshipException.usage(
                "unknown pin style '" + option + "'; use tag, digest or tag@digest");
    }

    /** The {@code :tag}, {@code @digest} or {@code :tag@digest} to write after an image name. */
    String suffix(ImageReference target) {
        return switch (this) {
            case TAG -> ":" + target.tag();
            case DIGEST -> "@" + target.digest();
            case TAG_AT_DIGEST -> ":" + target.tag() + "@" + target.digest();
        };
    }

    /** Checks that {@code target} carries what this style writes. */
    void requireParts(ImageReference target) {
        if (this != DIGEST && target.tag() == null) {
            throw NixshipException.usage(
                    "image '"
                            + target
                            + "' has no tag; pin style "
                            + option
                            + " needs one (or use --pin digest)");
        }
        if (this != TAG && target.digest() == null) {
            throw NixshipException.usage(
                    "image '"
                            + target
                            + "' has no digest; pin style "
                            + option
                            + " needs one (or use --pin tag)");
        }
    }
}
