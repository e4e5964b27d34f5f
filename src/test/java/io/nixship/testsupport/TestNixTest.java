package io.nixship.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Nix the tests run is the one CI meant: {@code .ci/nix-versions} passes the version it set up
 * as {@code -Dnixship.expectNixVersion}, so a run that silently fell back to the host's Nix fails.
 */
@Tag("nix")
class TestNixTest {
    /** Set by {@code .ci/nix-versions}; absent in a plain {@code mvn test}. */
    static final String EXPECTED_VERSION_PROPERTY = "nixship.expectNixVersion";

    private static final Pattern VERSION = Pattern.compile("^(nix-[a-z-]+) \\(Nix\\) (\\S+)$");

    @Test
    void everyNixProgramTheTestsRunIsTheExpectedVersion() throws Exception {
        Optional<String> expected =
                Optional.ofNullable(System.getProperty(EXPECTED_VERSION_PROPERTY))
                        .filter(v -> !v.isBlank());
        String build = version("nix-build");

        // Without an expectation, the programs must at least come from one Nix.
        assertThat(build).isEqualTo(expected.orElse(build));
        for (String program :
                List.of(
                        "nix-store",
                        "nix-instantiate",
                        "nix-shell",
                        "nix-prefetch-url",
                        "nix-hash")) {
            assertThat(version(program)).as(TestNix.program(program)).isEqualTo(build);
        }
    }

    private static String version(String program) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(TestNix.program(program), "--version")
                        .redirectErrorStream(true)
                        .start();
        process.getOutputStream().close();
        String out =
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).as(out).isZero();
        Matcher matcher = VERSION.matcher(out);
        assertThat(matcher.matches()).as(out).isTrue();
        assertThat(matcher.group(1)).isEqualTo(program);
        return matcher.group(2);
    }
}
