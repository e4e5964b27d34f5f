package io.nixship.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.NixshipException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
    private static final String A =
            "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-python3.11-requests-2.28.1";
    private static final String B =
            "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-python3.11-requests-2.31.0";
    private static final String C = "/nix/store/cccccccccccccccccccccccccccccccc-glibc-2.38";

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void anImageGivesItsFreezeClosureAndNixpkgsRevisionFromLabelsAndAnnotations() throws Exception {
        JsonNode manifest =
                json(
                        "{\"layers\": [{\"annotations\": {\"io.nixship.store-paths\": \""
                                + C
                                + ","
                                + A
                                + "\"}},"
                                + " {\"annotations\": {}}]}");
        JsonNode config =
                json(
                        "{\"config\": {\"Labels\": {\"io.nixship.freeze\": \"requests==2.28.1\\n\","
                                + " \"io.nixship.closure.nar-size\": \"3000\", \"io.nixship.nixpkgs.revision\": \""
                                + "1".repeat(40)
                                + "\"}}}");

        Environment environment = Environment.fromImage("img", manifest, config);

        assertThat(environment.freeze().find("requests"))
                .map(FreezeEntry::version)
                .contains("2.28.1");
        assertThat(environment.nixpkgsRevision()).contains("1".repeat(40));
        assertThat(environment.closure())
                .contains(
                        new ClosureSummary(
                                List.of(
                                        new ClosureDiff.StorePathSize(C, ClosureDiff.UNKNOWN_SIZE),
                                        new ClosureDiff.StorePathSize(A, ClosureDiff.UNKNOWN_SIZE)),
                                3000));
    }

    @Test
    void anImageWithoutNixshipLabelsHasNoClosureAndNoFreeze() throws Exception {
        JsonNode manifest = json("{\"layers\": [{\"digest\": \"sha256:00\"}]}");
        JsonNode config = json("{\"config\": {\"Labels\": {\"io.nixship.freeze\": \"\"}}}");

        assertThat(Environment.fromImage("img", manifest, config).closure()).isEmpty();
        assertThatThrownBy(() -> Environment.fromImage("img", manifest, json("{\"config\": {}}")))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("img has no io.nixship.freeze label");
    }

    @Test
    void comparingAddsTheClosureAndNixpkgsOnlyWhenBothSidesKnowThem() {
        Environment image =
                new Environment(
                        "image",
                        Freeze.parse("requests==2.28.1\n"),
                        Optional.of(
                                new ClosureSummary(
                                        List.of(
                                                new ClosureDiff.StorePathSize(
                                                        A, ClosureDiff.UNKNOWN_SIZE),
                                                new ClosureDiff.StorePathSize(
                                                        C, ClosureDiff.UNKNOWN_SIZE)),
                                        3000)),
                        Optional.of("1".repeat(40)));
        Environment build =
                new Environment(
                        "build",
                        Freeze.parse("requests==2.31.0\n"),
                        Optional.of(
                                new ClosureSummary(
                                        List.of(
                                                new ClosureDiff.StorePathSize(B, 1200),
                                                new ClosureDiff.StorePathSize(C, 2000)),
                                        3200)),
                        Optional.of("2".repeat(40)));
        Environment shell =
                new Environment(
                        "shell",
                        Freeze.parse("requests==2.28.1\n"),
                        Optional.empty(),
                        Optional.empty());

        FreezeDiff diff = Environment.compare(image, build);

        assertThat(diff.closure())
                .contains(
                        new ClosureDiff(
                                2,
                                2,
                                3000,
                                3200,
                                List.of(new ClosureDiff.StorePathSize(B, 1200)),
                                List.of(
                                        new ClosureDiff.StorePathSize(
                                                A, ClosureDiff.UNKNOWN_SIZE))));
        assertThat(diff.nixpkgs()).contains(new NixpkgsChange("1".repeat(40), "2".repeat(40)));
        String markdown = FreezeDiffMarkdown.render(diff);
        assertThat(markdown).contains("- " + A + "\n").contains("+ " + B + "  (1.2 KiB)\n");
        assertThat(FreezeDiffJson.render(diff))
                .contains("\"narSize\" : null")
                .contains("\"narSize\" : 1200");
        FreezeDiff noClosure = Environment.compare(shell, image);
        assertThat(noClosure.closure()).isEmpty();
        assertThat(noClosure.nixpkgs()).isEmpty();
        assertThat(noClosure.hasChanges()).isFalse();
    }
}
