{ }:
let pkgs = import <nixpkgs> { }; in
derivation {
  name = "nixship-test-failing";
  system = builtins.currentSystem;
  __noChroot = true; # runs host tools: impure by design (sandbox = relaxed)
  builder = "/bin/sh";
  # The greeting makes each test run a fresh derivation, so a cached result never hides the failure.
  args = [ "-c" "echo 'compiling ${pkgs.greeting}'; echo 'fatal: missing wheel for pillow' >&2; exit 3" ];
}
