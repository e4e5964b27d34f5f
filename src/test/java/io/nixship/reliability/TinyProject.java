package io.nixship.reliability;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNixpkgs;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A project whose {@code default.nix} is one raw derivation run by {@code /bin/sh build.sh}: it
 * builds in well under a second, so each test can make Nix (and what it prints) do exactly what the
 * test needs. The script starts with a fresh nonce so that no two tests share a store path.
 */
final class TinyProject {
    static final String DEFAULT_NIX =
            """
      { pkgs ? import <nixpkgs> { } }:
      derivation {
        name = "tiny-env";
        system = builtins.currentSystem;
        __noChroot = true;
        builder = "/bin/sh";
        args = [ ./build.sh ];
      }
      """;

    /** Makes {@code $out} look like a Python environment, the least a freeze needs. */
    static final String PYTHON_ENV = "/bin/mkdir -p \"$out/lib/python3.12/site-packages\"\n";

    static final String CONFIG = "image: 127.0.0.1/tiny\ntag: v1\n";

    private TinyProject() {}

    /** A committed project whose build runs {@code script} (after making a Python environment). */
    static ExampleProject create(Path dir, String script) {
        ExampleProject project = ExampleProject.create(dir, TestNixpkgs.Revision.REV1);
        project.write("default.nix", DEFAULT_NIX);
        project.write(".nixship.yaml", CONFIG);
        project.write("build.sh", "# " + UUID.randomUUID() + "\n" + PYTHON_ENV + script);
        project.commitAll("tiny build");
        return project;
    }

    static CliRun cli(ExampleProject project, Path home) {
        return CliRun.offline(project.dir(), home);
    }

    static CliRun actions(ExampleProject project, Path home) {
        return CliRun.offline(project.dir(), home).env("GITHUB_ACTIONS", "true");
    }
}
