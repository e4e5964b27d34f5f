package io.nixship.image;

/** A blob that can be written to a layout or pushed to a registry: its descriptor and its bytes. */
public record Blob(Descriptor descriptor, BlobContent content) {}
