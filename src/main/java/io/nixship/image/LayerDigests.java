package io.nixship.image;

/**
 * What one streaming pass over a layer yields: the tar's digest (diff-id) and the compressed blob's
 * digest and size.
 */
public record LayerDigests(String diffId, String digest, long size) {}
