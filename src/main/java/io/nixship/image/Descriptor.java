package io.nixship.image;

import java.util.Map;

/** An OCI content descriptor: what a manifest says about one blob. */
public record Descriptor(
        String mediaType, String digest, long size, Map<String, String> annotations) {
    public Descriptor {
        annotations = Map.copyOf(annotations);
    }

    public Descriptor(String mediaType, String digest, long size) {
        this(mediaType, digest, size, Map.of());
    }
}
