package io.nixship.pipeline.port;

import java.util.Locale;
import org.eclipse.jgit.lib.Repository;

/**
 * The branch nixship uses for an image: {@code nixship/<repository path>}, made a valid ref name.
 */
public final class BranchNames {
    public static final String PREFIX = "nixship/";

    private BranchNames() {}

    /**
     * {@code ghcr.io/acme/shop-api:1.2} gives {@code nixship/acme/shop-api}: the registry host, tag
     * and digest are dropped so that every build of one image lands on the same branch.
     */
    public static String forImage(String imageReference) {
        String name = imageReference.strip();
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int lastSlash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > lastSlash) {
            name = name.substring(0, colon);
        }
        int firstSlash = name.indexOf('/');
        if (firstSlash > 0) {
            String first = name.substring(0, firstSlash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                name = name.substring(firstSlash + 1);
            }
        }
        String branch = PREFIX + sanitise(name);
        if (!Repository.isValidRefName("refs/heads/" + branch)) {
            throw new IllegalArgumentException(
                    "cannot make a branch name from image " + imageReference);
        }
        return branch;
    }

    /**
     * Keeps {@code [a-z0-9._-/]}, replaces anything else with {@code -}, and removes ref-name
     * traps.
     */
    static String sanitise(String name) {
        String cleaned =
                name.toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9._/-]", "-")
                        .replaceAll("\\.{2,}", ".")
                        .replaceAll("/{2,}", "/")
                        .replaceAll("(^|/)[.-]+", "$1")
                        .replaceAll("(\\.lock)?[./-]*$", "")
                        .replaceAll("\\.lock/", "/");
        if (cleaned.isEmpty()) {
            throw new IllegalArgumentException(
                    "image name '" + name + "' has no usable characters");
        }
        return cleaned;
    }
}
