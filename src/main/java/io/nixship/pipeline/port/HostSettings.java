package io.nixship.pipeline.port;

import io.nixship.nix.NixSettings;
import java.util.Optional;

/**
 * What the use cases take from the machine they run on, read once by the CLI: how to run Nix, and
 * the GitHub repository ({@code owner/name}, from the Actions context) whose ghcr.io image a
 * project without an {@code image} gets.
 */
public record HostSettings(NixSettings nix, Optional<String> githubRepository) {}
