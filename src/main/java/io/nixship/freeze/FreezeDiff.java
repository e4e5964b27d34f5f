package io.nixship.freeze;

import io.nixship.nix.Closure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What changed between two environments: every package (PEP 503 names matched, PEP 440 versions
 * compared), and optionally the runtime closure and the nixpkgs revision. Immutable; render it with
 * {@link DiffFormat}.
 */
public final class FreezeDiff {
    private final Freeze before;
    private final Freeze after;
    private final List<PackageChange> packages;
    private final ClosureDiff closure;
    private final NixpkgsChange nixpkgs;

    private FreezeDiff(
            Freeze before,
            Freeze after,
            List<PackageChange> packages,
            ClosureDiff closure,
            NixpkgsChange nixpkgs) {
        this.before = before;
        this.after = after;
        this.packages = packages;
        this.closure = closure;
        this.nixpkgs = nixpkgs;
    }

    public static FreezeDiff of(Freeze before, Freeze after) {
        Map<String, FreezeEntry> old = before.byCanonicalName();
        Map<String, FreezeEntry> now = after.byCanonicalName();
        Set<String> names = new LinkedHashSet<>(old.keySet());
        names.addAll(now.keySet());
        List<PackageChange> packages = new ArrayList<>();
        for (String name : names) {
            packages.add(PackageChange.of(old.get(name), now.get(name)));
        }
        packages.sort(
                Comparator.comparing(
                                (PackageChange c) -> c.name().toLowerCase(Locale.ROOT),
                                Freeze::compareCodePoints)
                        .thenComparing(c -> PackageName.normalize(c.name())));
        return new FreezeDiff(before, after, List.copyOf(packages), null, null);
    }

    /** This diff plus the closure's store-path and size changes. */
    public FreezeDiff withClosures(Closure closureBefore, Closure closureAfter) {
        return new FreezeDiff(
                before, after, packages, ClosureDiff.of(closureBefore, closureAfter), nixpkgs);
    }

    /** This diff plus a closure diff computed elsewhere (e.g. from image annotations). */
    public FreezeDiff withClosure(ClosureDiff closureDiff) {
        return new FreezeDiff(before, after, packages, closureDiff, nixpkgs);
    }

    /** This diff plus the nixpkgs revisions (git commit hashes) of both sides. */
    public FreezeDiff withNixpkgs(String revisionBefore, String revisionAfter) {
        return new FreezeDiff(
                before, after, packages, closure, new NixpkgsChange(revisionBefore, revisionAfter));
    }

    public Freeze before() {
        return before;
    }

    public Freeze after() {
        return after;
    }

    /** Every package of either side, unchanged ones included, in pip's name order. */
    public List<PackageChange> packages() {
        return packages;
    }

    /** The packages that are not {@link Change#UNCHANGED}, in pip's name order. */
    public List<PackageChange> changes() {
        return packages.stream().filter(p -> p.change() != Change.UNCHANGED).toList();
    }

    public Optional<ClosureDiff> closure() {
        return Optional.ofNullable(closure);
    }

    public Optional<NixpkgsChange> nixpkgs() {
        return Optional.ofNullable(nixpkgs);
    }

    /** How many packages fall in each kind of change, every kind present (zero when none). */
    public Map<Change, Integer> counts() {
        Map<Change, Integer> counts = new EnumMap<>(Change.class);
        for (Change change : Change.values()) {
            counts.put(change, 0);
        }
        packages.forEach(p -> counts.merge(p.change(), 1, Integer::sum));
        return counts;
    }

    /** Whether any package changed. */
    public boolean packagesChanged() {
        return packages.stream().anyMatch(p -> p.change() != Change.UNCHANGED);
    }

    /**
     * Whether anything differs: a package, a store path of the closure, or the nixpkgs revision.
     */
    public boolean hasChanges() {
        return packagesChanged()
                || closure().map(ClosureDiff::changed).orElse(false)
                || nixpkgs().map(NixpkgsChange::changed).orElse(false);
    }

    /**
     * The counts in words, changes first, zero counts left out: {@code 2 upgraded, 1 added, 40
     * unchanged}.
     */
    public String summary() {
        List<String> parts = new ArrayList<>();
        counts().forEach(
                        (change, count) -> {
                            if (count > 0) {
                                parts.add(count + " " + change.word());
                            }
                        });
        return parts.isEmpty() ? "no packages" : String.join(", ", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FreezeDiff other
                && before.equals(other.before)
                && after.equals(other.after)
                && Objects.equals(closure, other.closure)
                && Objects.equals(nixpkgs, other.nixpkgs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(before, after, closure, nixpkgs);
    }
}
