{ }:
let pkgs = import <nixpkgs> { }; in
derivation {
  name = "nixship-test-slow";
  system = builtins.currentSystem;
  __noChroot = true; # runs host tools: impure by design (sandbox = relaxed)
  builder = "/bin/sh";
  args = [ "-c" "echo 'waiting ${pkgs.greeting}'; exec /bin/sleep 600" ];
}
