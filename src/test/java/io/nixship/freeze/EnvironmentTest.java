package io.nixship.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.NixshipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {
    private static final Path HERE = Path.of("/work/project");
    private static final String A =
            "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-python3.11-requests-2.28.1";
    private static final String B =
            "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-python3.11-requests-2.31.0";
    private static final String C = "/nix/store/cccccccccccccccccccccccccccccccc-glibc-2.38";

    @TempDir Path temp;

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void sidesAreReadByPrefixThenByShape() {
        assertThat(EnvironmentSide.parse("docker://ghcr.io/acme/app:v1", HERE))
                .isInstanceOfSatisfying(
                        EnvironmentSide.RegistryImage.class,
                        side ->
                                assertThat(side.reference().canonical())
                                        .isEqualTo("ghcr.io/acme/app:v1"));
        assertThat(EnvironmentSide.parse("localhost:5000/app@sha256:" + "0".repeat(64), HERE))
                .isInstanceOf(EnvironmentSide.RegistryImage.class);
        assertThat(EnvironmentSide.parse("ghcr.io/acme/app", HERE))
                .isInstanceOfSatisfying(
                        EnvironmentSide.RegistryImage.class,
                        side -> assertThat(side.reference().tag()).isEqualTo("latest"));
        assertThat(EnvironmentSide.parse("oci:build/image:v1", HERE))
                .isInstanceOfSatisfying(
                        EnvironmentSide.Layout.class,
                        side -> {
                            assertThat(side.reference().directory())
                                    .isEqualTo(HERE.resolve("build/image"));
                            assertThat(side.reference().tag()).contains("v1");
                        });
        assertThat(EnvironmentSide.parse("lock:../next.lock", HERE))
                .isEqualTo(new EnvironmentSide.Lock(Path.of("/work/next.lock")));
        assertThat(EnvironmentSide.parse("sub/nixship.lock", HERE))
                .isEqualTo(new EnvironmentSide.Lock(HERE.resolve("sub/nixship.lock")));
        assertThat(EnvironmentSide.parse("git:main", HERE))
                .isEqualTo(new EnvironmentSide.Commit("main"));
        assertThat(EnvironmentSide.parse("origin/main", HERE))
                .isEqualTo(new EnvironmentSide.Commit("origin/main"));
        assertThat(EnvironmentSide.parse("HEAD~1", HERE))
                .isEqualTo(new EnvironmentSide.Commit("HEAD~1"));
    }

    @Test
    void badSidesAreUsageErrors() {
        assertThatThrownBy(() -> EnvironmentSide.parse("  ", HERE))
                .isInstanceOf(NixshipException.class);
        assertThatThrownBy(() -> EnvironmentSide.parse("docker://ghcr.io/Acme/app:v1", HERE))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("lowercase");
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

    @Test
    void aPullRequestEventGivesNumberCommitsAndTheBaseRepository() throws Exception {
        Path event = temp.resolve("event.json");
        Files.writeString(
                event,
                "{\"number\": 7, \"pull_request\": {\"number\": 7,"
                        + " \"head\": {\"sha\": \"abc\", \"repo\": {\"full_name\": \"fork/shop\"}},"
                        + " \"base\": {\"sha\": \"def\", \"repo\": {\"full_name\": \"acme/shop\"}}}}");

        assertThat(PullRequestEvent.read(event))
                .isEqualTo(new PullRequestEvent(7, "abc", "def", "acme/shop"));
    }

    @Test
    void aPushEventIsNotAPullRequest() throws Exception {
        Path event = temp.resolve("push.json");
        Files.writeString(event, "{\"ref\": \"refs/heads/main\", \"after\": \"abc\"}");

        assertThatThrownBy(() -> PullRequestEvent.read(event))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("has no pull_request");
    }
}
