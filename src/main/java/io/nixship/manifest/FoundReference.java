package io.nixship.manifest;

/**
 * One reference to the image found in a manifest: where, in which form, as written ({@code before})
 * and as the bump writes it ({@code after}); equal when it already names the image.
 */
public record FoundReference(
        String file, int line, ImageSite.Form form, String before, String after) {
    public boolean moved() {
        return !before.equals(after);
    }
}
