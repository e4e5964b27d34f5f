package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.config.NixHash;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code nixship build}: each case ends with exactly one {@code nixship: error: ...}
 * line naming the file and the problem, exit code 2 (the project is wrong) or 1 (the work failed),
 * nothing on stdout, and nothing written where {@code --to oci:DIR} pointed, not even a temp
 * sibling.
 */
@Tag("nix")
class BuildErrorsTest {
    private static final String HEADER = "{ pkgs ? import <nixpkgs> { } }:\n";

    @TempDir Path dir;

    private ExampleProject project;
    private Path outputParent;

    @BeforeEach
    void createTheExampleAndAnEmptyOutputDirectory() throws IOException {
        project = ExampleProject.create(dir.resolve("project"), Revision.REV1);
        outputParent = Files.createDirectories(dir.resolve("out"));
    }

    @Test
    void noDefaultNixAtTheCommit() throws GitAPIException {
        project.git().rm().addFilepattern("default.nix").call();
        String commit = project.commitAll("drop default.nix");

        String error = failedBuild(cli(), 2);

        assertThat(error)
                .isEqualTo(
                        "default.nix not found at commit "
                                + commit.substring(0, 7)
                                + " (commit it, or set nix.file in .nixship.yaml)");
    }

    @Test
    void aNixSyntaxErrorNamesTheFileAndLine() {
        project.write(
                "default.nix",
                HEADER
                        + "let env = pkgs.python312;\nin env ) ;\n# the stray parenthesis is on line 3\n");
        project.commitAll("break the syntax");

        String error = failedBuild(cli(), 2);

        assertThat(error).startsWith("default.nix:3:").contains("syntax error");
    }

    @Test
    void buildOneEvaluatingToAStringIsNotADerivation() {
        project.write(
                "default.nix",
                HEADER
                        + "if builtins.getEnv \"BUILD\" == \"1\" then \"a string, not a derivation\" else pkgs.mkShell { }\n");
        project.commitAll("return a string");

        String error = failedBuild(cli(), 2);

        assertThat(error)
                .startsWith("default.nix: ")
                .contains("does not evaluate to exactly one derivation");
    }

    @Test
    void aFailingBuilderIsABuildFailureOfTheFile() {
        project.write(
                "default.nix",
                HEADER
                        + "derivation {\n"
                        + "  name = \"fails-on-purpose\";\n"
                        + "  system = builtins.currentSystem;\n"
                        + "  __noChroot = true;\n"
                        + "  builder = \"/bin/sh\";\n"
                        + "  args = [ \"-c\" \"echo this builder fails on purpose >&2; exit 1\" ];\n"
                        + "}\n");
        project.commitAll("a builder that fails");

        String error = failedBuild(cli(), 1);

        assertThat(error)
                .startsWith("default.nix: the build failed")
                .contains("fails-on-purpose.drv")
                .contains("exit code 1");
    }

    @Test
    void nixNotInstalledSaysWhereItLookedAndWhatToDo() throws IOException {
        Path emptyBin = Files.createDirectories(dir.resolve("no-nix-here"));

        String error = failedBuild(cli().env("NIXSHIP_NIX_BIN", emptyBin.toString()), 1);

        assertThat(error)
                .matches(
                        "nix-[a-z-]+ not found in "
                                + emptyBin
                                + " \\(NIXSHIP_NIX_BIN\\): point"
                                + " NIXSHIP_NIX_BIN at the directory holding Nix's programs, or unset it to use PATH");
    }

    @Test
    void nixNotOnPathSaysSoAndWhatToDo() throws IOException {
        Path withoutNix = Files.createDirectories(dir.resolve("bin-without-nix"));

        // A blank NIXSHIP_NIX_BIN is unset: nixship looks on PATH (whatever Nix CI is testing).
        String error =
                failedBuild(cli().env("PATH", withoutNix.toString()).env("NIXSHIP_NIX_BIN", ""), 1);

        assertThat(error)
                .matches(
                        "nix-[a-z-]+ not found on PATH: install Nix \\(Debian and Ubuntu: apt-get install"
                                + " nix-bin; elsewhere https://nixos.org/download\\) and put its bin directory on PATH");
    }

    @Test
    void anUnknownConfigFieldNamesTheFileLineAndField() throws IOException {
        String config = Files.readString(project.dir().resolve(".nixship.yaml"));
        String withTypo = config + "registry-mirror: mirror.example.com\n";
        project.write(".nixship.yaml", withTypo);
        project.commitAll("a field nixship does not know");
        long line = withTypo.lines().count();

        String error = failedBuild(cli(), 2);

        assertThat(error).startsWith(".nixship.yaml:" + line + ": unknown field 'registry-mirror'");
    }

    @Test
    void aLockWhoseHashDoesNotMatchNamesTheLockAndBothHashes() throws IOException {
        String wrongHash = new NixHash(sha256("not the test nixpkgs")).base32();
        String actualHash = TestNixpkgs.get().sha256(Revision.REV1);
        String lock = Files.readString(project.dir().resolve("nixship.lock"));
        project.write(
                "nixship.lock", lock.replace("sha256: " + actualHash, "sha256: " + wrongHash));
        project.commitAll("a lock with another hash");

        String error = failedBuild(cli(), 1);

        assertThat(error).startsWith("nixship.lock: ").contains(wrongHash).contains(actualHash);
    }

    @Test
    void aFailedBuildLeavesAnEarlierLayoutAtTheTargetAsItWas() throws IOException {
        Path target = outputParent.resolve("image");
        CliRun.Result first =
                cli().run("build", "--dir", project.dir().toString(), "--to", "oci:" + target);
        assertThat(first.exitCode()).as(first.err()).isZero();
        byte[] index = Files.readAllBytes(target.resolve("index.json"));
        List<String> blobs = entries(target.resolve("blobs/sha256"));
        project.write(
                "default.nix",
                HEADER + "pkgs.python312.withPackages (ps: [ ps.no-such-package ])\n");
        project.commitAll("depend on a package that does not exist");

        CliRun.Result second =
                cli().run("build", "--dir", project.dir().toString(), "--to", "oci:" + target);

        assertThat(second.exitCode()).as(second.err()).isEqualTo(2);
        assertThat(second.err().lines().filter(line -> line.startsWith("nixship:")))
                .singleElement()
                .asString()
                .startsWith("nixship: error: default.nix:2")
                .contains("no-such-package");
        assertThat(entries(outputParent)).containsExactly("image");
        assertThat(target.resolve("index.json")).hasBinaryContent(index);
        assertThat(entries(target.resolve("blobs/sha256")))
                .containsExactlyInAnyOrderElementsOf(blobs);
    }

    private CliRun cli() {
        return CliRun.offline(dir, dir.resolve("home"));
    }

    /**
     * Builds HEAD into {@code out/image}, checks the run failed with {@code exitCode}, printed
     * nothing on stdout and exactly one error line (stderr's last), and left {@code out/} empty;
     * returns the message.
     */
    private String failedBuild(CliRun cli, int exitCode) {
        CliRun.Result result =
                cli.run(
                        "build",
                        "--dir",
                        project.dir().toString(),
                        "--to",
                        "oci:" + outputParent.resolve("image"));

        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        assertThat(result.out()).isEmpty();
        List<String> lines = result.err().lines().toList();
        assertThat(lines.stream().filter(line -> line.startsWith("nixship:")))
                .as(result.err())
                .singleElement()
                .isEqualTo(lines.get(lines.size() - 1))
                .asString()
                .startsWith("nixship: error: ");
        assertThat(entries(outputParent)).as("left in %s", outputParent).isEmpty();
        return lines.get(lines.size() - 1).substring("nixship: error: ".length());
    }

    private static List<String> entries(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
