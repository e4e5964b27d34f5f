package io.nixship.freeze;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers for freeze fixtures under {@code src/test/resources/freeze}. */
final class FreezeFixtures {
    private FreezeFixtures() {}

    static Path resource(String name) {
        URL url = FreezeFixtures.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String text(String name) {
        try {
            return Files.readString(resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    /**
     * A Nix-style env: one symlink per entry of {@code site}, each pointing at {@code linkPrefix +
     * name}.
     */
    static void symlinkFarm(Path site, Path farm, String linkPrefix) throws IOException {
        Files.createDirectories(farm);
        try (Stream<Path> entries = Files.list(site)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                Files.createSymbolicLink(farm.resolve(name), Path.of(linkPrefix + name));
            }
        }
    }

    static List<String> lines(String text) {
        return text.lines().toList();
    }
}
