package io.nixship.registry;

import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blob locations kept in the nixship cache: one file per registry host under {@code registry/}, a
 * line {@code DIGEST<TAB>REPOSITORY} per pushed blob, appended as pushes happen (the last line
 * wins).
 */
public final class FileBlobLocations implements BlobLocations {
    private final Path directory;
    private final Map<String, Map<String, String>> byHost = new ConcurrentHashMap<>();

    public FileBlobLocations(Path cacheDirectory) {
        this.directory = cacheDirectory.resolve("registry");
    }

    @Override
    public Optional<String> repositoryHolding(String host, String digest) {
        return Optional.ofNullable(known(host).get(digest));
    }

    @Override
    public void remember(String host, String repository, String digest) {
        Map<String, String> known = known(host);
        if (repository.equals(known.put(digest, repository))) {
            return;
        }
        synchronized (this) {
            try {
                Files.createDirectories(directory);
                Files.writeString(
                        file(host),
                        digest + "\t" + repository + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw NixshipException.failure(
                        "cannot write the blob cache " + file(host) + ": " + e.getMessage(), e);
            }
        }
    }

    private Map<String, String> known(String host) {
        return byHost.computeIfAbsent(host, this::load);
    }

    private Map<String, String> load(String host) {
        Map<String, String> known = new ConcurrentHashMap<>();
        Path file = file(host);
        if (!Files.exists(file)) {
            return known;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab > 0 && tab < line.length() - 1) {
                    known.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read the blob cache "
                            + file
                            + ": "
                            + e.getMessage()
                            + "; delete it to start afresh",
                    e);
        }
        return known;
    }

    private Path file(String host) {
        return directory.resolve(host.replaceAll("[^A-Za-z0-9.-]", "_") + ".tsv");
    }
}
