package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.json;
import static io.nixship.e2e.PushFixtures.push;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a push shows on stderr: progress drawn in place on a terminal, one summary line otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("nix")
class PushProgressTest {
    private static final Pattern FRAME =
            Pattern.compile("\rpushing: (\\d+)/(\\d+) layers, ([0-9.]+) MB / ([0-9.]+) MB");

    private Path root;
    private ExampleProject project;

    @BeforeAll
    void createProject(@TempDir Path dir) {
        root = dir;
        project = ExampleProject.create(root.resolve("project"), Revision.REV1);
    }

    @Test
    void onATerminalLayersAndBytesAreRedrawnInPlaceUpToTheTotal() {
        try (RegistryServer registry = RegistryServer.start()) {
            CliRun cli =
                    CliRun.offline(root, root.resolve("home-" + registry.port())).interactive(true);

            CliRun.Result result =
                    push(cli, project, registry.host() + "/acme/imgproxy-lite", "--json");

            int total = json(result.out()).path("layers").path("total").asInt();
            List<MatchResult> frames = FRAME.matcher(result.err()).results().toList();
            assertThat(frames).hasSizeGreaterThan(total);
            MatchResult first = frames.get(0);
            MatchResult last = frames.get(frames.size() - 1);
            assertThat(first.group(1)).isEqualTo("0");
            assertThat(first.group(3)).isEqualTo("0.0");
            assertThat(last.group(1)).isEqualTo(String.valueOf(total));
            assertThat(last.group(2)).isEqualTo(String.valueOf(total));
            assertThat(last.group(3)).isEqualTo(last.group(4));
            assertThat(Double.parseDouble(last.group(4))).isGreaterThan(1.0);
            // Layers stream while they are compressed, so the total grows with them: bytes pass
            // through values
            // between nothing and the final total.
            assertThat(frames)
                    .anySatisfy(
                            frame -> {
                                assertThat(Double.parseDouble(frame.group(3)))
                                        .isGreaterThan(0.0)
                                        .isLessThan(Double.parseDouble(last.group(4)));
                            });
            // The push overlaps the build: its log lines and group headers start lines of their
            // own, never
            // the end of a progress frame.
            assertThat(result.err())
                    .doesNotContainPattern("MB *== ")
                    .doesNotContainPattern("MB *building ");
            assertThat(result.err())
                    .contains(last.group() + "\n")
                    .containsOnlyOnce("\npushed " + registry.host() + "/acme/imgproxy-lite:");
        }
    }

    @Test
    void withoutATerminalStderrHasOneSummaryLineThatAgreesWithJson() {
        try (RegistryServer registry = RegistryServer.start()) {
            CliRun cli =
                    CliRun.offline(root, root.resolve("home-" + registry.port()))
                            .interactive(false);

            CliRun.Result result =
                    push(cli, project, registry.host() + "/acme/imgproxy-lite", "--json");

            JsonNode pushed = json(result.out());
            JsonNode layers = pushed.path("layers");
            assertThat(result.err()).doesNotContain("\r").doesNotContain("pushing:");
            assertThat(result.err().lines().filter(line -> line.contains("pushed")).toList())
                    .containsExactly(
                            "pushed "
                                    + pushed.path("reference").asText()
                                    + " ("
                                    + layers.path("total").asInt()
                                    + " layers: "
                                    + layers.path("uploaded").asInt()
                                    + " uploaded, 0 mounted, 0 already there; "
                                    + pushed.path("bytesUploaded").asLong()
                                    + " bytes uploaded)");
        }
    }
}
