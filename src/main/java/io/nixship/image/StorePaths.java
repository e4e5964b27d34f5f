package io.nixship.image;

import io.nixship.NixshipException;
import java.util.regex.Pattern;

/** Checks on store path strings before they name files or tar entries. */
final class StorePaths {
    static final String STORE_DIR = "/nix/store/";
    private static final Pattern NAME = Pattern.compile("[0-9a-z]{32}-[A-Za-z0-9+\\-._?=]+");

    private StorePaths() {}

    /** The {@code <hash>-<name>} part of a store path, after checking it is one. */
    static String requireStorePath(String path) {
        String base = path.startsWith(STORE_DIR) ? path.substring(STORE_DIR.length()) : "";
        if (!NAME.matcher(base).matches()) {
            throw NixshipException.failure(
                    "not a Nix store path: '" + path + "' (expected /nix/store/<hash>-<name>)");
        }
        return base;
    }
}
