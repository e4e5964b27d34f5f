# Writes what evaluation sees of a host variable; nixship must not pass it through.
{ }:
let pkgs = import <nixpkgs> { }; in
derivation {
  name = "nixship-test-env-probe";
  system = builtins.currentSystem;
  __noChroot = true; # runs host tools: impure by design (sandbox = relaxed)
  builder = "/bin/sh";
  args = [ "-c" "echo 'secret=${builtins.getEnv "NIXSHIP_TEST_SECRET"} build=${builtins.getEnv "BUILD"} ${pkgs.greeting}' > $out" ];
}
