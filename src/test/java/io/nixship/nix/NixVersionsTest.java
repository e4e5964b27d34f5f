package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Orders versions exactly as this machine's Nix's {@code builtins.compareVersions} does. */
@Tag("nix")
class NixVersionsTest {
    private static final List<List<String>> PAIRS =
            List.of(
                    List.of("2.18", "2.8.0"),
                    List.of("2.3", "2.8.0"),
                    List.of("2.8", "2.8.0"),
                    List.of("2.8.0", "2.8.0"),
                    List.of("2.18pre20230901", "2.18"),
                    List.of("2.18.1", "2.18"),
                    List.of("99.0", "2.8.0"),
                    List.of("2.3.17", "2.3.9"),
                    List.of("2.24.0-rc1", "2.24.0"),
                    List.of("1.0a", "1.0"));

    @Test
    void agreesWithBuiltinsCompareVersionsBothWays() {
        NixCommands nix =
                new NixCommands(new SystemProcessRunner(), new NixTestSettings().settings);
        for (List<String> pair : PAIRS) {
            for (List<String> ordered : List.of(pair, List.of(pair.get(1), pair.get(0)))) {
                ProcessResult result =
                        nix.runChecked(
                                "nix-instantiate",
                                List.of(
                                        "--eval",
                                        "--expr",
                                        "builtins.compareVersions \""
                                                + ordered.get(0)
                                                + "\" \""
                                                + ordered.get(1)
                                                + "\""));
                assertThat(Integer.signum(NixVersions.compare(ordered.get(0), ordered.get(1))))
                        .as(ordered.toString())
                        .isEqualTo(Integer.parseInt(result.stdout().strip()));
            }
        }
    }
}
