package io.nixship.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * Builds store-like trees ({@code <root>/nix/store/<hash>-<name>/...}) in a temp dir, with
 * store-like modes.
 */
final class FakeStore {
    private final Path root;
    private final Instant mtime;

    FakeStore(Path root, Instant mtime) throws IOException {
        this.root = root;
        this.mtime = mtime;
        Files.createDirectories(root.resolve("nix/store"));
    }

    Path root() {
        return root;
    }

    /** A store path name with a 32-character hash made from {@code seed}. */
    static String storePath(char seed, String name) {
        return "/nix/store/" + String.valueOf(seed).repeat(32) + "-" + name;
    }

    Path location(String storePath) {
        return root.resolve(storePath.substring(1));
    }

    Path file(String storePath, String relative, String content, boolean executable)
            throws IOException {
        Path file = location(storePath).resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(
                file, PosixFilePermissions.fromString(executable ? "r-xr-xr-x" : "r--r--r--"));
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        return file;
    }

    Path symlink(String storePath, String relative, String target) throws IOException {
        Path link = location(storePath).resolve(relative);
        Files.createDirectories(link.getParent());
        return Files.createSymbolicLink(link, Path.of(target));
    }

    Path hardLink(String storePath, String relative, Path existing) throws IOException {
        Path link = location(storePath).resolve(relative);
        Files.createDirectories(link.getParent());
        return Files.createLink(link, existing);
    }
}
