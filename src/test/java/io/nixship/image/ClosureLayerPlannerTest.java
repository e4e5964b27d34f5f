package io.nixship.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClosureLayerPlannerTest {
    private static final String GLIBC = path("g", "glibc-2.39");
    private static final String ZLIB = path("z", "zlib-1.3");
    private static final String PYTHON = path("p", "python3-3.12.4");
    private static final String FLASK = path("f", "python3.12-flask-3.0.3");
    private static final String ENV = path("e", "python3-3.12.4-env");

    private static String path(String seed, String name) {
        return "/nix/store/" + seed.repeat(32).substring(0, 32) + "-" + name;
    }

    private static StorePathInfo info(String path, long size, String... references) {
        return new StorePathInfo(path, size, List.of(references));
    }

    private static Closure small() {
        return new Closure(
                ENV,
                List.of(
                        info(ENV, 10, PYTHON, FLASK, GLIBC),
                        info(FLASK, 500, PYTHON),
                        info(GLIBC, 30_000),
                        info(PYTHON, 90_000, GLIBC, ZLIB),
                        info(ZLIB, 100, GLIBC)));
    }

    @Test
    void givesEachStorePathItsOwnLayerMostSharedFirstWhenUnderTheCap() {
        List<List<String>> plan = new ClosureLayerPlanner().plan(small());

        // zlib is below python (python references it), so it is more shared than python.
        assertThat(plan)
                .containsExactly(
                        List.of(GLIBC),
                        List.of(ZLIB),
                        List.of(PYTHON),
                        List.of(FLASK),
                        List.of(ENV));
    }

    /** A python-service-like closure: glibc and python under everything, many small leaves. */
    private static Closure service(int leaves, boolean bumpLeaf7) {
        return service(leaves, bumpLeaf7, 3);
    }

    private static Closure service(int leaves, boolean bumpLeaf7, long bumpedGrowth) {
        List<StorePathInfo> paths = new ArrayList<>();
        List<String> envRefs = new ArrayList<>(List.of(PYTHON, GLIBC));
        paths.add(info(GLIBC, 30_000_000));
        paths.add(info(ZLIB, 100_000, GLIBC));
        paths.add(info(PYTHON, 90_000_000, GLIBC, ZLIB));
        for (int i = 0; i < leaves; i++) {
            boolean bumped = bumpLeaf7 && i == 7;
            String hash = bumped ? "7".repeat(32) : String.format("%032d", i);
            String leaf =
                    "/nix/store/" + hash + "-python3.12-pkg" + i + (bumped ? "-2.0" : "-1." + i);
            paths.add(info(leaf, 1_000L + i * 10L + (bumped ? bumpedGrowth : 0), PYTHON));
            envRefs.add(leaf);
        }
        paths.add(info(ENV, 5_000, envRefs.toArray(String[]::new)));
        return new Closure(ENV, paths);
    }

    @Test
    void mergesTheLeastSharedPathsPastTheCapAndKeepsEveryPathOnce() {
        Closure closure = service(150, false);

        List<List<String>> plan = new ClosureLayerPlanner(50).plan(closure);

        assertThat(plan).hasSizeLessThanOrEqualTo(49);
        assertThat(plan.subList(0, 3))
                .containsExactly(List.of(GLIBC), List.of(ZLIB), List.of(PYTHON));
        List<String> all = plan.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(closure.paths().size()).doesNotHaveDuplicates();
        assertThat(plan.stream().filter(g -> g.size() > 1))
                .isNotEmpty()
                .allMatch(g -> !g.contains(GLIBC));
    }

    @Test
    void bumpingOneLeafPackageChangesOnlyTheGroupHoldingIt() {
        ClosureLayerPlanner planner = new ClosureLayerPlanner(50);
        List<List<String>> before = planner.plan(service(150, false));
        List<List<String>> after = planner.plan(service(150, true));

        assertThat(changedGroups(before, after)).isEqualTo(1);
        assertThat(after).hasSameSizeAs(before);
    }

    private static int changedGroups(List<List<String>> before, List<List<String>> after) {
        Set<List<String>> unchanged = new HashSet<>(before);
        unchanged.retainAll(new HashSet<>(after));
        return after.size() - unchanged.size();
    }

    @Test
    void keepsThePreviousGroupsSoAPackageThatGrewChangesOneGroupOnly() {
        ClosureLayerPlanner planner = new ClosureLayerPlanner(50);
        List<List<String>> before = planner.plan(service(150, false));
        Closure grown = service(150, true, 1_000_000_000L);

        List<List<String>> fresh = planner.plan(grown);
        List<List<String>> reusing = planner.plan(grown, before);

        assertThat(changedGroups(before, fresh)).isGreaterThan(1);
        assertThat(changedGroups(before, reusing)).isEqualTo(1);
        assertThat(reusing).hasSizeLessThanOrEqualTo(49);
        assertThat(reusing.stream().flatMap(List::stream).toList())
                .hasSize(grown.paths().size())
                .doesNotHaveDuplicates();
        assertThat(reusing.subList(0, 3))
                .containsExactly(List.of(GLIBC), List.of(ZLIB), List.of(PYTHON));
    }

    @Test
    void ignoresPreviousGroupsThatNoLongerFitTheCap() {
        List<List<String>> before = new ClosureLayerPlanner(100).plan(service(150, false));

        List<List<String>> plan = new ClosureLayerPlanner(20).plan(service(150, true), before);

        assertThat(plan).hasSizeLessThanOrEqualTo(19);
        assertThat(plan.stream().flatMap(List::stream).toList())
                .hasSize(154)
                .doesNotHaveDuplicates();
    }

    @Test
    void planIsTheSameWhateverOrderTheClosureListsPathsIn() {
        Closure closure = service(150, false);
        List<StorePathInfo> reversed = new ArrayList<>(closure.paths());
        Collections.reverse(reversed);

        ClosureLayerPlanner planner = new ClosureLayerPlanner(50);

        assertThat(planner.plan(new Closure(ENV, reversed))).isEqualTo(planner.plan(closure));
    }

    @Test
    void reservesOneLayerOfTheCapForTheApp() {
        Closure closure = service(10, false);

        List<List<String>> plan = new ClosureLayerPlanner(5).plan(closure);

        assertThat(plan).hasSizeLessThanOrEqualTo(4);
        assertThat(plan.stream().flatMap(List::stream).collect(Collectors.toSet()))
                .hasSize(closure.paths().size());
    }

    @Test
    void refusesACapWithNoRoomForStorePaths() {
        assertThatThrownBy(() -> new ClosureLayerPlanner(1))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("--max-layers: 1");
    }

    @Test
    void packageNameDropsHashAndVersion() {
        assertThat(ClosureLayerPlanner.packageName(info(FLASK, 1))).isEqualTo("python3.12-flask");
        assertThat(ClosureLayerPlanner.packageName(info(ENV, 1))).isEqualTo("python3");
    }
}
