package io.nixship.freeze;

import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link FileTree} over a directory of the host treated as {@code /}: symlinks are followed by
 * hand so that an absolute target such as {@code /nix/store/...-flask/lib} resolves inside the root
 * (an unpacked image rootfs), never on the host. {@code new RootedFileTree(Path.of("/"))} reads the
 * host itself.
 */
public final class RootedFileTree implements FileTree {
    /** Linux's own limit on symlinks followed while resolving one path. */
    private static final int MAX_SYMLINKS = 40;

    private final Path root;

    public RootedFileTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public List<String> list(String dir) {
        Optional<Path> resolved = resolve(dir);
        if (resolved.isEmpty() || !Files.isDirectory(resolved.get(), LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(resolved.get())) {
            return children.map(p -> p.getFileName().toString())
                    .sorted(Freeze::compareCodePoints)
                    .toList();
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot list " + describe(dir) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isDirectory(String path) {
        return resolve(path)
                .map(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                .orElse(false);
    }

    @Override
    public Optional<String> readText(String path) {
        Optional<Path> resolved = resolve(path);
        if (resolved.isEmpty() || !Files.isRegularFile(resolved.get(), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(resolved.get());
            // Python reads metadata with errors="strict"; undecodable bytes make pip skip the file.
            return Optional.of(
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read " + describe(path) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The host path of {@code path} with every symlink on the way resolved inside the root, or
     * empty when some component does not exist or the links loop.
     */
    Optional<Path> resolve(String path) {
        Deque<String> pending = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path candidate = hostPath(done).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_SYMLINKS) {
                    return Optional.empty();
                }
                String target;
                try {
                    target = Files.readSymbolicLink(candidate).toString();
                } catch (IOException e) {
                    return Optional.empty();
                }
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> targetParts = components(target);
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    pending.addFirst(targetParts.get(i));
                }
                continue;
            }
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            done.add(part);
        }
        return Optional.of(hostPath(done));
    }

    private Path hostPath(List<String> parts) {
        Path p = root;
        for (String part : parts) {
            p = p.resolve(part);
        }
        return p;
    }

    private static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    private String describe(String path) {
        return root.toString().equals("/") ? path : path + " (under " + root + ")";
    }
}
