# A small stand-in for nixpkgs, built from the Debian 12 host's own packages, for tests.
# It offers just enough of the nixpkgs interface for a seed-style default.nix:
# python312, python312.withPackages, python312Packages.<name>, mkShell, bashInteractive, stdenv.
# Builds copy files from the host (sandbox off, offline) and make every ELF file self-contained.
# A revision tarball carries its own revision.nix; the source tree falls back to revisions/rev1.nix.
# Like nixpkgs, it refuses a Nix older than lib/minver.nix with an abort.
{ ... }:
let
  requiredVersion = import ./lib/minver.nix;
  revision =
    if builtins.pathExists ./revision.nix
    then import ./revision.nix
    else import ./revisions/rev1.nix;
in
if builtins.compareVersions requiredVersion builtins.nixVersion == 1 then
  abort ''

    This version of Nixpkgs requires Nix >= ${requiredVersion}, please upgrade:

    - If you are using Nix from Debian, install nix-bin from a newer release.
  ''
else
  import ./packages.nix { inherit revision; }
