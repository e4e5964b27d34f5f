package io.nixship.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reader against fixtures whose expected freezes were printed by real pip (see the .txt files).
 */
class FreezeReaderTest {
    private static final String SITE = "/env/lib/python3.12/site-packages";

    @ParameterizedTest(name = "pip {0} on Python {1}")
    @CsvSource({"23.0.1, 3.11", "23.2.1, 3.12", "24.2, 3.13"})
    void printsWhatThatPipPrintedForTheHandMadeSite(String pip, String python) {
        Path site = FreezeFixtures.resource("freeze/mixed-site");
        String expected =
                FreezeFixtures.text("freeze/mixed-site.pip-" + pip + "-py" + python + ".txt");

        Freeze freeze =
                new FreezeReader(new RootedFileTree(Path.of("/")))
                        .read(List.of(site.toString()), new FreezeRules(pip, python));

        assertThat(freeze.render()).isEqualTo(expected);
    }

    @Test
    void takesPythonVersionFromLibDirectoryAndRulesFromTheInstalledPip(@TempDir Path tmp)
            throws Exception {
        FreezeFixtures.copyTree(
                FreezeFixtures.resource("freeze/mixed-site"),
                tmp.resolve("env/lib/python3.11/site-packages"));
        FreezeReader reader = new FreezeReader(new RootedFileTree(tmp));

        assertThat(reader.pythonVersion("/env")).contains("3.11");
        assertThat(reader.siteDirectories("/env"))
                .containsExactly("/env/lib/python3.11/site-packages");
        assertThat(reader.read("/env").render())
                .isEqualTo(FreezeFixtures.text("freeze/mixed-site.pip-23.0.1-py3.11.txt"));
    }

    @Test
    void withoutPipUsesCurrentPipRulesWhichShowSetuptoolsFromPython312() {
        FileTree tree =
                new MapFileTree(
                        Map.of(
                                SITE + "/setuptools-69.0.0.dist-info/METADATA",
                                        "Name: setuptools\nVersion: 69.0.0\n",
                                SITE + "/wheel-0.42.0.dist-info/METADATA",
                                        "Name: wheel\nVersion: 0.42.0\n",
                                SITE + "/Flask-3.0.0.dist-info/METADATA",
                                        "Name: Flask\nVersion: 3.0.0\n"));
        FreezeReader reader = new FreezeReader(tree);

        assertThat(reader.rulesFor(reader.siteDirectories("/env"), "3.12"))
                .isEqualTo(FreezeRules.currentPip("3.12"));
        assertThat(reader.read("/env").render())
                .isEqualTo("Flask==3.0.0\nsetuptools==69.0.0\nwheel==0.42.0\n");
    }

    @Test
    void readsEggInfoFilesAndDirectoriesAndFallsBackFromEmptyMetadataToPkgInfo() {
        FileTree tree =
                new MapFileTree(
                        Map.of(
                                SITE + "/six-1.16.0-py3.12.egg-info",
                                        "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n",
                                SITE + "/lazr.uri-1.0.6.egg-info/PKG-INFO",
                                        "Name: lazr.uri\nVersion: 1.0.6\n",
                                SITE + "/zope.interface-6.0.dist-info/METADATA", "",
                                SITE + "/zope.interface-6.0.dist-info/PKG-INFO",
                                        "Name: zope.interface\nVersion: 6.0\n",
                                SITE + "/Pillow-10.0.dist-info/METADATA",
                                        "Metadata-Version: 2.1\nname:   Pillow\nVersion: 10.0\n\nName: body-not-header\n"));

        Freeze freeze =
                new FreezeReader(tree).read(List.of(SITE), new FreezeRules("23.0.1", "3.12"));

        assertThat(freeze.render())
                .isEqualTo("lazr.uri==1.0.6\nPillow==10.0\nsix==1.16.0\nzope.interface==6.0\n");
    }

    @Test
    void skipsSuppressedPackagesPerPipAndPythonVersion() {
        assertThat(new FreezeRules("23.0.1", "3.12").skipped())
                .containsExactlyInAnyOrder(
                        "pip",
                        "setuptools",
                        "distribute",
                        "wheel",
                        "pkg-resources",
                        "python",
                        "wsgiref",
                        "argparse");
        assertThat(new FreezeRules("23.2", "3.11").skipped())
                .containsExactlyInAnyOrder(
                        "pip",
                        "setuptools",
                        "distribute",
                        "wheel",
                        "python",
                        "wsgiref",
                        "argparse");
        assertThat(new FreezeRules("24.2", "3.12").skipped())
                .containsExactlyInAnyOrder("pip", "python", "wsgiref", "argparse");
        assertThat(new FreezeRules("24.0", "3.13").namesFromInfoDirectory()).isFalse();
        assertThat(new FreezeRules("24.1", "3.13").namesFromInfoDirectory()).isTrue();
    }

    @Test
    void refusesADirectoryThatIsNoPythonEnvironment(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("env/lib/perl5"));

        assertThatThrownBy(() -> new FreezeReader(new RootedFileTree(tmp)).read("/env"))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("/env has no lib/python3.X directory")
                .extracting(e -> ((NixshipException) e).exitCode())
                .isEqualTo(NixshipException.USAGE);
    }

    @Test
    void refusesAPythonDirectoryWithoutPackages(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("env/lib/python3.12/lib-dynload"));

        assertThatThrownBy(() -> new FreezeReader(new RootedFileTree(tmp)).read("/env"))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "/env has no lib/python3.X/site-packages or dist-packages: point at a Python environment");
    }

    @Test
    void resolvesLinksInsideTheRootAndStopsAtLoops(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("nix/store/x-pkg"));
        Files.writeString(root.resolve("nix/store/x-pkg/file"), "inside");
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/nix/store/x-pkg"));
        Files.createSymbolicLink(root.resolve("escape"), Path.of("../../../../../nix/store/x-pkg"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        RootedFileTree tree = new RootedFileTree(root);

        assertThat(tree.readText("/abs/file")).contains("inside");
        assertThat(tree.readText("/escape/file")).contains("inside");
        assertThat(tree.readText("/abs/../x-pkg/file")).contains("inside");
        assertThat(tree.list("/abs")).containsExactly("file");
        assertThat(tree.isDirectory("/loop")).isFalse();
        assertThat(tree.readText("/loop/file")).isEmpty();
    }
}
