package io.nixship.nix;

/**
 * The locked nixpkgs in the Nix store: its store path (what {@code <nixpkgs>} resolves to) and
 * whether this run had to download it.
 */
public record NixpkgsSource(String storePath, boolean downloaded) {}
