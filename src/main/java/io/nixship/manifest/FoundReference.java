package io.nixship.manifest;

/**
 * One reference to the image found in a manifest: where, in which form, as written ({@code before})
 * and as the bump writes it ({@code after}); equal when it already names the image. {@code
 * notMoved} says why a stale reference is left as it is (a form nixship cannot edit in place), null
 * otherwise.
 */
public record FoundReference(
        String file, int line, ImageSite.Form form, String before, String after, String notMoved) {
    public FoundReference(String file, int line, ImageSite.Form form, String before, String after) {
        this(file, line, form, before, after, null);
    }

    public boolean moved() {
        return notMoved == null && !before.equals(after);
    }

    FoundReference leftStale(String reason) {
        return before.equals(after)
                ? this
                : new FoundReference(file, line, form, before, after, reason);
    }
}
