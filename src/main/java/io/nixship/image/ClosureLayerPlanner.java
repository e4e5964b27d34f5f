package io.nixship.image;

import io.nixship.NixshipException;
import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Groups a closure's store paths into layers, in the spirit of nixpkgs' layered images: one layer
 * per store path while they fit; past the cap the most shared and biggest paths keep a layer of
 * their own and the rest share a few merged layers.
 *
 * <p>Popularity is how many other paths of the closure depend on a path, directly or not. A
 * dependency is always more popular than what depends on it, so ranking by popularity puts glibc
 * and python before the packages that use them. Ties are broken by size, then by name without the
 * store hash, so a rebuilt package keeps its place. Merged paths are spread over the merged layers
 * by their package name without version, so a one-package change touches one merged layer, not all
 * of them.
 */
public final class ClosureLayerPlanner {
    public static final int DEFAULT_MAX_LAYERS = 100;

    /** One layer of the cap is kept for the app layer. */
    public static final int APP_LAYERS = 1;

    private static final Pattern VERSION_START = Pattern.compile("-[0-9]");

    private final int maxLayers;

    public ClosureLayerPlanner() {
        this(DEFAULT_MAX_LAYERS);
    }

    /** {@code maxLayers} counts every layer of the image, the app layer included. */
    public ClosureLayerPlanner(int maxLayers) {
        if (maxLayers < APP_LAYERS + 1) {
            throw NixshipException.usage(
                    "--max-layers: "
                            + maxLayers
                            + " is too small; an image needs at least "
                            + (APP_LAYERS + 1)
                            + " layers");
        }
        this.maxLayers = maxLayers;
    }

    /** The store-path groups, most shared first; each group's paths are sorted. */
    public List<List<String>> plan(Closure closure) {
        return plan(closure, List.of());
    }

    /**
     * Like {@link #plan(Closure)}, but past the cap every group of a previous image whose paths are
     * all still in the closure is kept as it is, so its layer is reused unchanged; only the other
     * paths are grouped afresh, within what is left of the cap. After a one-package change this
     * changes one group, even when the package's new size would have moved it across the merge
     * threshold.
     */
    public List<List<String>> plan(Closure closure, List<List<String>> previousGroups) {
        List<StorePathInfo> ranked = rank(closure.paths());
        int budget = maxLayers - APP_LAYERS;
        if (ranked.size() <= budget) {
            return group(ranked, budget);
        }
        Set<String> available = new HashSet<>();
        ranked.forEach(p -> available.add(p.path()));
        List<List<String>> kept = new ArrayList<>();
        for (List<String> previous : previousGroups) {
            if (!previous.isEmpty() && available.containsAll(previous)) {
                available.removeAll(previous);
                kept.add(previous.stream().sorted().toList());
            }
        }
        List<StorePathInfo> rest =
                ranked.stream().filter(p -> available.contains(p.path())).toList();
        if (kept.size() + (rest.isEmpty() ? 0 : 1) > budget) {
            return group(ranked, budget);
        }
        List<List<String>> groups = new ArrayList<>(kept);
        groups.addAll(group(rest, budget - kept.size()));
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < ranked.size(); i++) {
            position.put(ranked.get(i).path(), i);
        }
        groups.sort(
                Comparator.comparingInt(
                        g -> g.stream().mapToInt(position::get).min().orElseThrow()));
        return groups;
    }

    /**
     * One group per path while they fit the budget; past it the top-ranked stay alone and the rest
     * share merged groups.
     */
    private static List<List<String>> group(List<StorePathInfo> ranked, int budget) {
        List<List<String>> groups = new ArrayList<>();
        if (ranked.size() <= budget) {
            ranked.forEach(p -> groups.add(List.of(p.path())));
            return groups;
        }
        int merged = mergedLayerCount(budget);
        int alone = budget - merged;
        for (StorePathInfo path : ranked.subList(0, alone)) {
            groups.add(List.of(path.path()));
        }
        Map<Integer, List<String>> buckets = new TreeMap<>();
        for (StorePathInfo path : ranked.subList(alone, ranked.size())) {
            int bucket = Math.floorMod(packageName(path).hashCode(), merged);
            buckets.computeIfAbsent(bucket, b -> new ArrayList<>()).add(path.path());
        }
        for (List<String> bucket : buckets.values()) {
            bucket.sort(Comparator.naturalOrder());
            groups.add(List.copyOf(bucket));
        }
        return groups;
    }

    /**
     * A tenth of the budget for merged layers (at least one): enough to localise a change, few
     * enough to keep most paths alone.
     */
    private static int mergedLayerCount(int budget) {
        return Math.max(1, budget / 10);
    }

    private static List<StorePathInfo> rank(List<StorePathInfo> paths) {
        Map<String, Integer> popularity = popularity(paths);
        List<StorePathInfo> ranked = new ArrayList<>(paths);
        ranked.sort(
                Comparator.<StorePathInfo>comparingInt(p -> popularity.get(p.path()))
                        .reversed()
                        .thenComparing(Comparator.comparingLong(StorePathInfo::narSize).reversed())
                        .thenComparing(StorePathInfo::name)
                        .thenComparing(StorePathInfo::path));
        return ranked;
    }

    /** For each path, the number of other closure paths that reach it through references. */
    private static Map<String, Integer> popularity(List<StorePathInfo> paths) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            index.put(paths.get(i).path(), i);
        }
        int[] counts = new int[paths.size()];
        for (int start = 0; start < paths.size(); start++) {
            BitSet seen = new BitSet(paths.size());
            seen.set(start);
            Deque<Integer> todo = new ArrayDeque<>();
            todo.push(start);
            while (!todo.isEmpty()) {
                for (String reference : paths.get(todo.pop()).references()) {
                    Integer next = index.get(reference);
                    if (next != null && !seen.get(next)) {
                        seen.set(next);
                        counts[next]++;
                        todo.push(next);
                    }
                }
            }
        }
        Map<String, Integer> popularity = new HashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            popularity.put(paths.get(i).path(), counts[i]);
        }
        return popularity;
    }

    /**
     * The name without hash and version, e.g. {@code python3.12-flask} for {@code
     * ...-python3.12-flask-3.0.3}.
     */
    static String packageName(StorePathInfo path) {
        String name = path.name();
        var matcher = VERSION_START.matcher(name);
        return matcher.find() ? name.substring(0, matcher.start()) : name;
    }
}
