package io.nixship.freeze;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory {@link FileTree}: files by absolute path; directories are the prefixes of those
 * paths.
 */
final class MapFileTree implements FileTree {
    private final TreeMap<String, String> files;

    MapFileTree(Map<String, String> files) {
        this.files = new TreeMap<>(files);
    }

    @Override
    public List<String> list(String dir) {
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        return files.tailMap(prefix).keySet().stream()
                .takeWhile(path -> path.startsWith(prefix))
                .map(path -> path.substring(prefix.length()).split("/")[0])
                .distinct()
                .sorted(Freeze::compareCodePoints)
                .toList();
    }

    @Override
    public boolean isDirectory(String path) {
        return !files.containsKey(path) && !list(path).isEmpty();
    }

    @Override
    public Optional<String> readText(String path) {
        return Optional.ofNullable(files.get(path));
    }
}
