package io.nixship.image;

/**
 * An assembled image and how it was made: {@code layersFromCache} store-path layers were served
 * from the blob store untouched, {@code layersReused} were taken as they are from the previous
 * image in the registry (no local bytes at all), {@code layersCompressed} were tarred and
 * compressed (the app layer included).
 */
public record AssembledImage(
        OciImage image, int layersFromCache, int layersReused, int layersCompressed) {
    public AssembledImage(OciImage image, int layersFromCache, int layersCompressed) {
        this(image, layersFromCache, 0, layersCompressed);
    }
}
