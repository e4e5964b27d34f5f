package io.nixship.manifest;

import io.nixship.NixshipException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Manifests on the local disk, with relative entries resolved against {@code root}. */
public final class LocalManifestFiles implements ManifestFiles {
    private final Path root;

    public LocalManifestFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public List<Path> expand(String pattern) {
        List<Path> files = new ArrayList<>();
        int firstGlob = ManifestFiles.firstGlobCharacter(pattern);
        if (firstGlob < 0) {
            Path path = root.resolve(pattern).normalize();
            if (Files.isRegularFile(path)) {
                files.add(path);
            } else if (Files.isDirectory(path)) {
                walk(path, file -> ManifestFiles.isYaml(file.getFileName().toString()))
                        .forEach(files::add);
            }
        } else {
            int lastSlash = pattern.lastIndexOf('/', firstGlob);
            Path base =
                    root.resolve(lastSlash < 0 ? "." : pattern.substring(0, Math.max(lastSlash, 1)))
                            .normalize();
            // Matched relative to the root, so glob characters in the root's own name do not count.
            String glob = pattern.startsWith("./") ? pattern.substring(2) : pattern;
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            if (Files.isDirectory(base)) {
                walk(base, file -> matcher.matches(root.relativize(file)) || matcher.matches(file))
                        .forEach(files::add);
            }
        }
        if (files.isEmpty()) {
            throw NixshipException.usage(
                    "manifests entry '"
                            + pattern
                            + "' matches no file under "
                            + root
                            + "; give an existing file, directory or glob");
        }
        return files.stream().map(this::relative).sorted().toList();
    }

    @Override
    public byte[] read(Path file) {
        try {
            return Files.readAllBytes(insideRoot(file));
        } catch (IOException e) {
            throw NixshipException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeAtomically(Path file, byte[] content) {
        Path temporary = null;
        try {
            Path target = insideRoot(file);
            temporary =
                    Files.createTempFile(target.toAbsolutePath().getParent(), ".nixship-", ".tmp");
            Files.write(temporary, content);
            copyPermissions(target, temporary);
            try {
                Files.move(
                        temporary,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw NixshipException.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The real file behind {@code file}: writes go to what a symlink points to (replacing the link
     * would turn it into a copy), but never outside the root, so a link in the repository cannot
     * make nixship read or overwrite files elsewhere.
     */
    private Path insideRoot(Path file) throws IOException {
        Path real = root.resolve(file).toRealPath();
        if (!real.startsWith(root.toRealPath())) {
            throw NixshipException.usage(
                    "refusing to use " + file + ": it resolves to " + real + ", outside " + root);
        }
        return real;
    }

    private Path relative(Path file) {
        return file.startsWith(root) ? root.relativize(file) : file;
    }

    private static List<Path> walk(Path base, PathMatcher accept) {
        try (Stream<Path> paths = Files.walk(base)) {
            return paths.filter(path -> !hiddenBelow(base, path))
                    .filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                    .filter(accept::matches)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw NixshipException.failure("cannot list " + base + ": " + e.getMessage(), e);
        }
    }

    /** Skips .git and other dot-directories inside a searched directory. */
    private static boolean hiddenBelow(Path base, Path path) {
        for (Path part : base.relativize(path)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(from);
            Files.setPosixFilePermissions(to, permissions);
        } catch (UnsupportedOperationException notPosix) {
            // The temporary file keeps default permissions where POSIX ones do not exist.
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // The write already failed; that error is the one reported.
            }
        }
    }
}
