{ }:
let pkgs = import <nixpkgs> { }; in
derivation {
  name = "nixship-test-slow";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" "echo 'waiting ${pkgs.greeting}'; exec /bin/sleep 600" ];
}
