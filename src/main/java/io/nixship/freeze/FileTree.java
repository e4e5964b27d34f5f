package io.nixship.freeze;

import java.util.List;
import java.util.Optional;

/**
 * Read-only access to a file system by absolute POSIX path, following symlinks. Lets the freeze
 * reader work on the host, on an unpacked image rootfs (where {@code /nix/store/...} links point
 * inside the rootfs), or on an in-memory tree in tests.
 */
public interface FileTree {
    /** Names of the entries of a directory, sorted; empty when the path is not a directory. */
    List<String> list(String dir);

    /** Whether the path (after following symlinks) is a directory. */
    boolean isDirectory(String path);

    /**
     * The content of a regular file as UTF-8, or empty when it is missing or not a regular file.
     */
    Optional<String> readText(String path);
}
