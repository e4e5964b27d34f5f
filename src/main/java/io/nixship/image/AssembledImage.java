package io.nixship.image;

/**
 * An assembled image and how it was made: {@code layersFromCache} store-path layers were served from
 * the blob store untouched, {@code layersCompressed} were tarred and compressed (the app layer included).
 */
public record AssembledImage(OciImage image, int layersFromCache, int layersCompressed) {}
