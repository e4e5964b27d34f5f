package io.nixship.nix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the Nix a nixpkgs tree needs ({@code lib/minver.nix}, which its {@code default.nix}
 * checks with an {@code abort}) with this machine's ({@code nix-build --version}), so a too-old Nix
 * is named before anything is evaluated rather than reported as the project's evaluation error.
 */
public final class NixVersionCheck {
    private static final Pattern MINVER = Pattern.compile("^\\s*\"([0-9][0-9A-Za-z.+-]*)\"\\s*$");
    private static final Pattern NIX_VERSION = Pattern.compile("\\(Nix\\)\\s+([0-9][^\\s]*)");

    private final NixCommands nix;

    public NixVersionCheck(ProcessRunner runner, NixSettings settings) {
        this.nix = new NixCommands(runner, settings);
    }

    /**
     * Why this machine's Nix cannot evaluate the nixpkgs tree at {@code nixpkgsPath}, named {@code
     * release} in the message; empty when it can or the tree states no minimum.
     */
    public Optional<String> problem(String nixpkgsPath, String release) {
        Optional<String> required = required(Path.of(nixpkgsPath));
        if (required.isEmpty()) {
            return Optional.empty();
        }
        String local = localVersion();
        if (NixVersions.compare(required.get(), local) <= 0) {
            return Optional.empty();
        }
        return Optional.of(
                "nixpkgs "
                        + release
                        + " needs Nix >= "
                        + required.get()
                        + "; this machine has Nix "
                        + local
                        + ": upgrade Nix to "
                        + required.get()
                        + " or later (Debian 13's nix-bin; in GitHub Actions, a nixship action whose image has it), or pin a"
                        + " release this Nix can evaluate with 'nixship lock --channel NAME'");
    }

    /** Fails with {@link NixFailureKind#NIX_TOO_OLD} when {@link #problem} finds one. */
    public void require(String nixpkgsPath, String release) {
        problem(nixpkgsPath, release)
                .ifPresent(
                        message -> {
                            throw new NixException(NixFailureKind.NIX_TOO_OLD, message, List.of());
                        });
    }

    /**
     * The version string of {@code lib/minver.nix} (a Nix string literal such as {@code "2.18"}).
     */
    private static Optional<String> required(Path nixpkgs) {
        Path file = nixpkgs.resolve("lib/minver.nix");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String text =
                    Files.readString(file, StandardCharsets.UTF_8)
                            .lines()
                            .filter(line -> !line.isBlank() && !line.strip().startsWith("#"))
                            .findFirst()
                            .orElse("");
            Matcher matcher = MINVER.matcher(text);
            return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
        } catch (IOException e) {
            throw new NixException(
                    NixFailureKind.OTHER, "cannot read " + file + ": " + e.getMessage(), List.of());
        }
    }

    /** {@code nix-build --version} prints e.g. {@code nix-build (Nix) 2.8.0}. */
    private String localVersion() {
        ProcessResult result = nix.runChecked("nix-build", List.of("--version"));
        Matcher matcher = NIX_VERSION.matcher(result.stdout());
        if (!matcher.find()) {
            throw new NixException(
                    NixFailureKind.OTHER,
                    "nix-build --version printed '"
                            + result.stdout().strip()
                            + "', not 'nix-build (Nix) VERSION'",
                    List.of());
        }
        return matcher.group(1);
    }
}
