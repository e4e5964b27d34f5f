package io.nixship.testsupport;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The Nix the tests run, the same one nixship runs: the programs in {@code NIXSHIP_NIX_BIN} when it
 * is set (CI runs the Nix tests once per supported Debian Nix that way, see {@code
 * .ci/nix-versions}), else those on {@code PATH}. Tests call Nix only through here, so one run
 * never mixes two versions.
 */
public final class TestNix {
    /** The variable nixship itself reads (see {@code cli.HostEnvironment}). */
    public static final String BIN_VARIABLE = "NIXSHIP_NIX_BIN";

    private TestNix() {}

    /** The directory of the Nix under test, if the environment names one. */
    public static Optional<String> binDirectory() {
        return Optional.ofNullable(System.getenv(BIN_VARIABLE)).filter(value -> !value.isBlank());
    }

    /**
     * {@code nix-build} and friends: a path inside {@link #binDirectory()}, else the bare name for
     * PATH.
     */
    public static String program(String name) {
        return binDirectory().map(dir -> Path.of(dir, name).toString()).orElse(name);
    }
}
