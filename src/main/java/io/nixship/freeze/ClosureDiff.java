package io.nixship.freeze;

import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the runtime closure changed: store paths only in the newer closure ({@code added}), only in
 * the older one ({@code removed}), each sorted by name after the hash, and the total NAR sizes.
 */
public record ClosureDiff(
        int pathsBefore,
        int pathsAfter,
        long sizeBefore,
        long sizeAfter,
        List<StorePathSize> added,
        List<StorePathSize> removed) {
    /**
     * A store path and its NAR size in bytes ({@link #UNKNOWN_SIZE} when the source does not say).
     */
    public record StorePathSize(String path, long narSize) {
        public boolean sizeKnown() {
            return narSize != UNKNOWN_SIZE;
        }
    }

    /** The size of a store path read from an image, whose layers are annotated with paths only. */
    public static final long UNKNOWN_SIZE = -1;

    public ClosureDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    public static ClosureDiff of(Closure before, Closure after) {
        return new ClosureDiff(
                before.paths().size(),
                after.paths().size(),
                before.totalNarSize(),
                after.totalNarSize(),
                onlyIn(after, before),
                onlyIn(before, after));
    }

    /** The diff of two closures known as store paths and a total size (e.g. read from images). */
    public static ClosureDiff of(ClosureSummary before, ClosureSummary after) {
        return new ClosureDiff(
                before.paths().size(),
                after.paths().size(),
                before.totalNarSize(),
                after.totalNarSize(),
                onlyIn(after.paths(), before.paths()),
                onlyIn(before.paths(), after.paths()));
    }

    private static List<StorePathSize> onlyIn(
            List<StorePathSize> paths, List<StorePathSize> other) {
        Set<String> otherPaths =
                other.stream().map(StorePathSize::path).collect(Collectors.toSet());
        return paths.stream()
                .filter(p -> !otherPaths.contains(p.path()))
                .sorted(
                        Comparator.comparing(
                                        (StorePathSize p) ->
                                                new StorePathInfo(p.path(), 0, List.of()).name())
                                .thenComparing(StorePathSize::path))
                .toList();
    }

    private static List<StorePathSize> onlyIn(Closure closure, Closure other) {
        Set<String> otherPaths =
                other.paths().stream().map(StorePathInfo::path).collect(Collectors.toSet());
        return closure.paths().stream()
                .filter(p -> !otherPaths.contains(p.path()))
                .sorted(
                        Comparator.comparing(StorePathInfo::name)
                                .thenComparing(StorePathInfo::path))
                .map(p -> new StorePathSize(p.path(), p.narSize()))
                .toList();
    }

    public long sizeDelta() {
        return sizeAfter - sizeBefore;
    }

    /** Whether any store path was added or removed. */
    public boolean changed() {
        return !added.isEmpty() || !removed.isEmpty();
    }
}
