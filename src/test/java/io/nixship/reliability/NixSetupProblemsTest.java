package io.nixship.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine whose Nix cannot build (missing build users, a sandbox that cannot run the builder, a
 * store the user cannot write) fails with exit 1 and one line naming the setting or path to change,
 * never "Nix evaluation failed" or "the build failed" blaming the project. Each case is real Nix
 * with a broken set-up: a temporary {@code nix.conf} through {@code NIX_CONF_DIR}, or Nix run as
 * {@code nobody} through {@code NIXSHIP_NIX_BIN}.
 */
@Tag("nix")
class NixSetupProblemsTest {
    private static final List<String> NIX_PROGRAMS =
            List.of("nix-build", "nix-store", "nix-instantiate", "nix-prefetch-url");

    @TempDir Path tmp;

    @Test
    void aMissingBuildUsersGroupNamesTheGroupAndHowToFixIt() throws IOException {
        Path conf = nixConf("build-users-group = nixship-no-such-group\nsandbox = relaxed\n");
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        String error = failedBuild(cli(project).env("NIX_CONF_DIR", conf.toString()));

        assertThat(error)
                .isEqualTo(
                        "Nix set-up: the build-users-group 'nixship-no-such-group' does not exist on"
                                + " this machine: create it and its build users (scripts/setup-debian-host does) or set"
                                + " build-users-group = in "
                                + conf
                                + "/nix.conf");
    }

    @Test
    void aSandboxWithoutTheBuildersShellSaysToRelaxTheSandbox() throws Exception {
        Path conf = nixConf("build-users-group = nixbld\nsandbox = true\n");
        // Debian 13's Nix and later put a static shell at /bin/sh in every sandbox: there, this
        // set-up
        // problem cannot happen.
        assumeThat(sandboxPaths(conf))
                .as("sandbox-paths of the Nix under test")
                .doesNotContain("/bin/sh");
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        project.write("default.nix", TinyProject.DEFAULT_NIX.replace("__noChroot = true;\n", ""));
        project.commitAll("a builder that needs the host's /bin/sh");

        String error = failedBuild(cli(project).env("NIX_CONF_DIR", conf.toString()));

        assertThat(error)
                .isEqualTo(
                        "Nix set-up: builders cannot run /bin/sh (No such file or directory): with"
                                + " sandbox = true they see only the Nix store and sandbox-paths; set sandbox = relaxed in "
                                + conf
                                + "/nix.conf (derivations marked __noChroot then see the host) or add /bin/sh to sandbox-paths");
    }

    /** The sandbox-paths setting as the Nix under test reads it with the given configuration. */
    private static String sandboxPaths(Path conf) throws IOException, InterruptedException {
        ProcessBuilder show =
                new ProcessBuilder(
                        TestNix.program("nix"),
                        "--extra-experimental-features",
                        "nix-command",
                        "show-config");
        show.environment().put("NIX_CONF_DIR", conf.toString());
        show.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = show.start();
        String config = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("nix show-config").isZero();
        return config.lines()
                .filter(line -> line.startsWith("sandbox-paths ="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nix show-config printed no sandbox-paths"));
    }

    @Test
    void aStrictSandboxRefusingNoChrootSaysToRelaxIt() throws IOException {
        Path conf = nixConf("build-users-group = nixbld\nsandbox = true\n");
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        String error = failedBuild(cli(project).env("NIX_CONF_DIR", conf.toString()));

        assertThat(error)
                .isEqualTo(
                        "Nix set-up: sandbox = true in "
                                + conf
                                + "/nix.conf refuses derivations"
                                + " marked __noChroot (the builds copy from the host): set sandbox = relaxed there");
    }

    @Test
    void aStoreTheUserCannotWriteNamesThePathAndWhoMayWriteIt() throws IOException {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        String error = failedBuild(cli(project).env("NIXSHIP_NIX_BIN", nixAsNobody().toString()));

        assertThat(error)
                .startsWith("Nix set-up: cannot write /nix/")
                .endsWith(
                        ": run nixship as the user that owns the Nix store (root for a single-user install, as"
                                + " scripts/setup-debian-host sets up), or go through a nix-daemon (NIX_REMOTE=daemon)");
    }

    @Test
    void noNixDaemonListeningSaysToStartItOrUseTheStoreDirectly() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        Path socket = tmp.resolve("no-daemon/socket");

        String error = failedBuild(cli(project).env("NIX_REMOTE", "unix://" + socket));

        assertThat(error)
                .startsWith("Nix set-up: no nix-daemon answers at " + socket + " (")
                .endsWith(
                        "): start nix-daemon, or unset NIX_REMOTE to use the store directly as its owner");
    }

    private CliRun cli(ExampleProject project) {
        return TinyProject.cli(project, tmp.resolve("home"));
    }

    /**
     * Builds, expects exit 1 with one error line that blames neither the project nor the build;
     * returns it.
     */
    private String failedBuild(CliRun cli) {
        CliRun.Result result = cli.run("build", "--to", "oci:" + tmp.resolve("out"));

        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        List<String> errors =
                result.err().lines().filter(line -> line.startsWith("nixship: error: ")).toList();
        assertThat(errors).as(result.err()).hasSize(1);
        assertThat(errors.get(0))
                .doesNotContain("evaluation failed")
                .doesNotContain("the build failed")
                .doesNotContain("default.nix");
        assertThat(tmp.resolve("out")).doesNotExist();
        return errors.get(0).substring("nixship: error: ".length());
    }

    private Path nixConf(String content) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("nix-conf"));
        Files.writeString(dir.resolve("nix.conf"), content);
        return dir;
    }

    /**
     * A NIXSHIP_NIX_BIN whose programs run this machine's Nix as user nobody, who cannot write
     * /nix; with nobody's own HOME, as a user's shell would have it.
     */
    private Path nixAsNobody() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("nix-as-nobody"));
        for (String program : NIX_PROGRAMS) {
            Path wrapper = bin.resolve(program);
            Files.writeString(
                    wrapper,
                    "#!/bin/sh\nexec /usr/bin/setpriv --reuid=nobody --regid=nogroup --clear-groups"
                            + " /usr/bin/env HOME=/nonexistent XDG_CACHE_HOME=/nonexistent/.cache "
                            + onPath(program)
                            + " \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    /** The Nix under test ({@code NIXSHIP_NIX_BIN}, see {@link TestNix}), else the one on PATH. */
    private static String onPath(String program) {
        if (TestNix.binDirectory().isPresent()) {
            return TestNix.program(program);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(program + " is not on PATH");
    }
}
