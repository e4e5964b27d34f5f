package io.nixship.nix;

import java.util.List;

/** The runtime closure of a built output, as {@code nix-store -qR} reports it, sorted by path. */
public record Closure(String outPath, List<StorePathInfo> paths) {
    public Closure {
        paths = List.copyOf(paths);
    }

    public long totalNarSize() {
        return paths.stream().mapToLong(StorePathInfo::narSize).sum();
    }
}
