package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.freeze.Sizes;
import io.nixship.image.ImageConfigFactory;
import io.nixship.image.OciLayoutReader;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNix;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nixship diff} between the example built at the two test-nixpkgs revisions. */
@Tag("nix")
class DiffLayoutsTest {
    static final Path GOLDEN = Path.of("src/test/resources/e2e/diff/rev1-to-rev2.md");

    @TempDir static Path temp;
    static ExampleProject project;
    static String rev1Commit;
    static String rev2Commit;

    @BeforeAll
    static void buildBothRevisions() {
        project = ExampleProject.create(temp.resolve("project"), Revision.REV1);
        rev1Commit = project.head();
        build(rev1Commit, "rev1");
        project.pin(Revision.REV2);
        rev2Commit = project.commitAll("move to rev2");
        build(rev2Commit, "rev2");
    }

    static void build(String commit, String layout) {
        CliRun.Result built =
                cli().run("build", "--commit", commit, "--to", "oci:" + temp.resolve(layout));
        assertThat(built.exitCode()).as(built.err()).isZero();
    }

    static CliRun cli() {
        return CliRun.offline(project.dir(), temp.resolve("home"));
    }

    static String layout(String name) {
        return "oci:" + temp.resolve(name);
    }

    /** Store hashes differ with the Nix that evaluates; names, versions and sizes do not. */
    static String withoutStoreHashes(String text) {
        return text.replaceAll("/nix/store/[0-9a-z]{32}-", "/nix/store/HASH-");
    }

    @Test
    void markdownListsExactlyThePackagesThatDifferBetweenTheRevisions() throws IOException {
        CliRun.Result result =
                cli().run("diff", layout("rev1"), layout("rev2"), "--format", "markdown");

        assertThat(result.exitCode()).as(result.err()).isZero();
        String markdown = result.out();
        List<String> rows =
                markdown.lines()
                        .filter(
                                line ->
                                        line.startsWith("| ")
                                                && !line.startsWith("| Package")
                                                && !line.startsWith("| ---"))
                        .toList();
        assertThat(rows)
                .extracting(row -> row.split(" \\| ")[0].substring(2).replace("`", ""))
                .containsExactlyInAnyOrder(
                        "certifi", "olefile", "python-dotenv", "requests", "Werkzeug");
        assertThat(markdown)
                .contains("| `requests` | `2.28.1` | `2.31.0` | ⬆️ upgraded |")
                .contains("| `Werkzeug` | `2.2.2` | `2.3.8` |")
                .contains("| `olefile` | `0.46` | — | ➖ removed |")
                .contains("| `python-dotenv` | — |")
                .contains("<details>")
                .contains("<summary>Full freeze after")
                .contains("**Closure:**")
                .contains(
                        "https://github.com/NixOS/nixpkgs/compare/"
                                + Revision.REV1.gitRevision()
                                + "..."
                                + Revision.REV2.gitRevision());
        assertThat(withoutStoreHashes(markdown)).isEqualTo(withoutStoreHashes(golden()));
    }

    /**
     * The golden diff with its closure sizes filled in: the test nixpkgs copies the host's Debian
     * files, so the sizes are the host's, not constants. They are computed here from what Nix
     * itself reports for the store paths each image's layers carry, not from nixship's labels.
     */
    static String golden() throws IOException {
        long rev1 = closureSize("rev1");
        long rev2 = closureSize("rev2");
        return Files.readString(GOLDEN, StandardCharsets.UTF_8)
                .replace("{rev1 size}", Sizes.format(rev1))
                .replace("{rev2 size}", Sizes.format(rev2))
                .replace("{size change}", Sizes.delta(rev2 - rev1));
    }

    /** The sum of {@code nix-store --query --size} over the store paths of the image's layers. */
    static long closureSize(String layout) throws IOException {
        JsonNode manifest =
                new OciLayoutReader().read(temp.resolve(layout), Optional.empty()).manifest();
        List<String> command =
                new ArrayList<>(List.of(TestNix.program("nix-store"), "--query", "--size"));
        for (JsonNode layer : manifest.path("layers")) {
            String paths =
                    layer.path("annotations")
                            .path(ImageConfigFactory.STORE_PATHS_ANNOTATION)
                            .asText("");
            if (!paths.isEmpty()) {
                command.addAll(List.of(paths.split(",")));
            }
        }
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String sizes = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertThat(command).hasSizeGreaterThan(3);
        return sizes.lines().mapToLong(Long::parseLong).sum();
    }

    @Test
    void textIsTheDefaultAndExitCodeMakesADifferenceFail() {
        CliRun.Result result = cli().run("diff", layout("rev1"), layout("rev2"), "--exit-code");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out())
                .contains("-requests==2.28.1")
                .contains("+requests==2.31.0")
                .contains("+python-dotenv==")
                .contains("-olefile==");
    }

    @Test
    void theSameImageTwiceIsNoChangeAndExitsZeroEvenWithExitCode() {
        CliRun.Result result =
                cli().run(
                                "diff",
                                layout("rev2"),
                                layout("rev2"),
                                "--exit-code",
                                "--format",
                                "markdown");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().strip())
                .startsWith("**No Python package changes**")
                .doesNotContain("\n");
    }

    @Test
    void jsonNamesEachChange() throws IOException {
        CliRun.Result result =
                cli().run("diff", layout("rev1"), layout("rev2"), "--format", "json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.toString()).contains("python-dotenv").contains("olefile");
    }

    @Test
    void commitsAreBuiltAndGiveTheSameDiffAsTheirImages() {
        CliRun.Result fromCommits =
                cli().run("diff", "git:" + rev1Commit, rev2Commit, "--format", "markdown");
        CliRun.Result fromLayouts =
                cli().run("diff", layout("rev1"), layout("rev2"), "--format", "markdown");

        assertThat(fromCommits.exitCode()).as(fromCommits.err()).isZero();
        // A build knows each store path's size; an image's annotations name the paths only.
        assertThat(fromCommits.out()).contains("python3.11-requests-2.31.0  (");
        assertThat(fromCommits.out().replaceAll("(?m)  \\([0-9.]+ [KMGT]?i?B\\)$", ""))
                .isEqualTo(fromLayouts.out());
    }

    @Test
    void aLockSideBuildsTheWorkingTreeWithThatLock() throws IOException {
        Path candidate = temp.resolve("candidate");
        Files.createDirectories(candidate);
        Files.writeString(
                candidate.resolve("nixship.lock"),
                io.nixship.testsupport.TestNixpkgs.get().lockYaml(Revision.REV1));

        CliRun.Result result =
                cli().run(
                                "diff",
                                "nixship.lock",
                                "lock:" + candidate.resolve("nixship.lock"),
                                "--format",
                                "markdown");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("| `requests` | `2.31.0` | `2.28.1` |")
                .contains("| `olefile` | — |");
    }
}
