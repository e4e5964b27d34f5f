# A small stand-in for nixpkgs, built from the Debian 12 host's own packages, for tests.
# It offers just enough of the nixpkgs interface for a seed-style default.nix:
# python312, python312.withPackages, python312Packages.<name>, mkShell, bashInteractive, stdenv.
# Builds copy files from the host (sandbox off, offline) and make every ELF file self-contained.
# A revision tarball carries its own revision.nix; the source tree falls back to revisions/rev1.nix.
{ ... }:
let
  revision =
    if builtins.pathExists ./revision.nix
    then import ./revision.nix
    else import ./revisions/rev1.nix;
in
import ./packages.nix { inherit revision; }
