package io.nixship.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the reader with the real pip of this machine (Debian's python3-pip), skipped without it.
 */
class FreezeReaderAgainstPipTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path DEBIAN_SITE = Path.of("/usr/lib/python3/dist-packages");

    @Test
    void matchesPipFreezeOfDebianDistPackages() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && Files.isDirectory(DEBIAN_SITE.resolve("pip")));
        String expected = pipFreeze("--path", DEBIAN_SITE.toString());
        FreezeReader reader = new FreezeReader(new RootedFileTree(Path.of("/")));
        List<String> sites = List.of(DEBIAN_SITE.toString());
        FreezeRules rules = reader.rulesFor(sites, "3.11");

        assertThat(rules.pipVersion()).isEqualTo(pipVersion());
        assertThat(reader.read(sites, rules).render()).isEqualTo(expected);
    }

    @Test
    void matchesPipFreezeOfHandMadeSiteSeenThroughRelativeSymlinkFarm(@TempDir Path tmp)
            throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && Files.isDirectory(DEBIAN_SITE.resolve("pip")));
        Path packages = tmp.resolve("store/pkgs/lib/python3.11/site-packages");
        FreezeFixtures.copyTree(FreezeFixtures.resource("freeze/mixed-site"), packages);
        Path env = tmp.resolve("store/env");
        FreezeFixtures.symlinkFarm(
                packages,
                env.resolve("lib/python3.11/site-packages"),
                "../../../../pkgs/lib/python3.11/site-packages/");
        String expected =
                pipFreeze("--path", env.resolve("lib/python3.11/site-packages").toString());

        String ours =
                new FreezeReader(new RootedFileTree(Path.of("/"))).read(env.toString()).render();

        assertThat(ours).isEqualTo(expected).contains("Flask==2.2.2\n");
    }

    @Test
    void readsAbsoluteStoreLinksInsideAnUnpackedRootfsNotOnTheHost(@TempDir Path tmp)
            throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && Files.isDirectory(DEBIAN_SITE.resolve("pip")));
        Path rootfs = tmp.resolve("rootfs");
        Path packages = rootfs.resolve("nix/store/aaaa-pkgs/lib/python3.11/site-packages");
        FreezeFixtures.copyTree(FreezeFixtures.resource("freeze/mixed-site"), packages);
        FreezeFixtures.symlinkFarm(
                packages,
                rootfs.resolve("nix/store/bbbb-python3-env/lib/python3.11/site-packages"),
                "/nix/store/aaaa-pkgs/lib/python3.11/site-packages/");
        String expected = pipFreeze("--path", packages.toString());

        String ours =
                new FreezeReader(new RootedFileTree(rootfs))
                        .read("/nix/store/bbbb-python3-env")
                        .render();

        assertThat(ours).isEqualTo(expected).contains("Flask==2.2.2\n");
    }

    /**
     * Each pip found on this machine, run on its own Python: Debian's pip 23.0.1 and, where pyenv
     * has them, pip 23.2 on Python 3.12 (setuptools and wheel no longer hidden) and pip 24.2 on
     * Python 3.13 (names and versions from the dist-info directory name).
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/usr/bin/python3",
                "/root/.pyenv/versions/3.12.1/bin/python3",
                "/root/.pyenv/versions/3.13.0/bin/python3"
            })
    void matchesEachAvailablePipOnTheHandMadeSite(String python) throws Exception {
        Path interpreter = Path.of(python);
        assumeTrue(Files.isExecutable(interpreter));
        // "pip 24.2 from /.../pip (python 3.13)"
        String[] version = run(python, "-m", "pip", "--version").strip().split(" ");
        String pythonVersion = version[version.length - 1].replace(")", "");
        Path site = FreezeFixtures.resource("freeze/mixed-site");
        String expected = run(python, "-m", "pip", "freeze", "--path", site.toString());

        String ours =
                new FreezeReader(new RootedFileTree(Path.of("/")))
                        .read(List.of(site.toString()), new FreezeRules(version[1], pythonVersion))
                        .render();

        assertThat(ours).isEqualTo(expected);
    }

    @Test
    void firstDistributionOfANameOnThePathWinsLikePip() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && Files.isDirectory(DEBIAN_SITE.resolve("pip")));
        String first = FreezeFixtures.resource("freeze/second-site").toString();
        String second = FreezeFixtures.resource("freeze/mixed-site").toString();
        FreezeReader reader = new FreezeReader(new RootedFileTree(Path.of("/")));
        FreezeRules rules = new FreezeRules(pipVersion(), "3.11");

        String ours = reader.read(List.of(first, second), rules).render();

        assertThat(ours)
                .isEqualTo(pipFreeze("--path", first, "--path", second))
                .contains("flask==3.0.0\n");
        assertThat(reader.read(List.of(second, first), rules).render())
                .isEqualTo(pipFreeze("--path", second, "--path", first))
                .contains("Flask==2.2.2\n");
    }

    private static String pipVersion() throws IOException, InterruptedException {
        // "pip 23.0.1 from ... (python 3.11)"
        return run(PYTHON.toString(), "-m", "pip", "--version").split(" ")[1];
    }

    private static String pipFreeze(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-m", "pip", "freeze"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out;
    }
}
