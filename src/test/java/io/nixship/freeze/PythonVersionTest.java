package io.nixship.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PythonVersionTest {
    /**
     * Rows of freeze/pep440-pairs.tsv: left, op, right, str(left), str(right) as packaging gives
     * them.
     */
    static Stream<Arguments> pep440Pairs() {
        return rows().stream().map(r -> Arguments.of(r[0], r[1], r[2], r[3], r[4]));
    }

    private static List<String[]> rows() {
        return FreezeFixtures.lines(FreezeFixtures.text("freeze/pep440-pairs.tsv")).stream()
                .filter(line -> !line.startsWith("#"))
                .map(line -> line.split("\t"))
                .toList();
    }

    @Test
    void tableHasAtLeastThirtyCases() {
        assertThat(rows()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("pep440Pairs")
    void ordersAndNormalisesLikePackaging(
            String left, String op, String right, String leftStr, String rightStr) {
        PythonVersion a = PythonVersion.parse(left);
        PythonVersion b = PythonVersion.parse(right);

        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(sign(op));
        assertThat(Integer.signum(b.compareTo(a))).isEqualTo(-sign(op));
        assertThat(a.equals(b)).isEqualTo(op.equals("=="));
        if (op.equals("==")) {
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
        }
        assertThat(a.toString()).isEqualTo(leftStr);
        assertThat(b.toString()).isEqualTo(rightStr);
        assertThat(a.isLegacy()).isFalse();
    }

    /**
     * The table is re-derived from pip's own vendored packaging (or packaging) whenever a python3
     * has it.
     */
    @Test
    void tableIsWhatPipsPackagingSays() throws Exception {
        String python = "/usr/bin/python3";
        assumeTrue(Files.isExecutable(Path.of(python)));
        String script =
                String.join(
                        "\n",
                        "import sys",
                        "try:",
                        "    from pip._vendor.packaging.version import Version",
                        "except ImportError:",
                        "    from packaging.version import Version",
                        "for line in sys.stdin.read().splitlines():",
                        "    if line.startswith('#'): continue",
                        "    a, _, b, _, _ = line.split('\\t')",
                        "    va, vb = Version(a), Version(b)",
                        "    op = '<' if va < vb else ('==' if va == vb else '>')",
                        "    print('\\t'.join([a, op, b, str(va), str(vb)]))");
        Process process =
                new ProcessBuilder(python, "-c", script)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try (var in = process.getOutputStream()) {
            in.write(
                    FreezeFixtures.text("freeze/pep440-pairs.tsv")
                            .getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeTrue(process.exitValue() == 0, "python3 has neither pip nor packaging");

        List<String> expected = rows().stream().map(r -> String.join("\t", r)).toList();
        assertThat(out.lines().toList()).isEqualTo(expected);
    }

    @Test
    void sortsAShuffledReleaseHistoryIntoPep440Order() {
        List<String> ordered =
                List.of(
                        "0.9",
                        "1.0.dev0",
                        "1.0a1.dev1",
                        "1.0a1",
                        "1.0a2",
                        "1.0b1",
                        "1.0rc1",
                        "1.0",
                        "1.0+local",
                        "1.0.post1.dev1",
                        "1.0.post1",
                        "1.0.1",
                        "1.1",
                        "1.10",
                        "2.0",
                        "1!0.1");
        List<PythonVersion> shuffled =
                new ArrayList<>(ordered.stream().map(PythonVersion::parse).toList());
        Collections.shuffle(shuffled, new Random(7));

        Collections.sort(shuffled);

        assertThat(shuffled).extracting(PythonVersion::toString).containsExactlyElementsOf(ordered);
    }

    @Test
    void keepsNonPep440VersionsAsLegacySortedBeforeValidOnes() {
        PythonVersion legacy = PythonVersion.parse("2013b.weird");
        PythonVersion other = PythonVersion.parse("french toast");

        assertThat(legacy.isLegacy()).isTrue();
        assertThat(legacy.toString()).isEqualTo("2013b.weird");
        assertThat(legacy).isLessThan(PythonVersion.parse("0.0.1.dev0"));
        assertThat(PythonVersion.parse("0!0")).isGreaterThan(other);
        assertThat(legacy).isLessThan(other);
        assertThat(legacy).isEqualTo(PythonVersion.parse("2013b.weird"));
    }

    @Test
    void marksPreAndDevReleases() {
        assertThat(PythonVersion.parse("1.0rc1").isPrerelease()).isTrue();
        assertThat(PythonVersion.parse("1.0.dev2").isPrerelease()).isTrue();
        assertThat(PythonVersion.parse("1.0.post1").isPrerelease()).isFalse();
        assertThat(PythonVersion.parse("1.0").raw()).isEqualTo("1.0");
    }

    @Test
    void handlesNumbersBeyondLong() {
        assertThat(PythonVersion.parse("99999999999999999999999.1"))
                .isGreaterThan(PythonVersion.parse("99999999999999999999998.9"));
    }

    private static int sign(String op) {
        return switch (op) {
            case "<" -> -1;
            case "==" -> 0;
            case ">" -> 1;
            default -> throw new IllegalArgumentException(op);
        };
    }
}
