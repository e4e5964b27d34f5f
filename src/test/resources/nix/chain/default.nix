# Three store paths, each referring to the previous one, so the closure has references.
# The last one also records a value from <nixpkgs>, proving which nixpkgs the build saw.
{ }:
let
  pkgs = import <nixpkgs> { };
  mk = name: script: derivation {
    inherit name;
    system = builtins.currentSystem;
    __noChroot = true; # runs host tools: impure by design (sandbox = relaxed)
    builder = "/bin/sh";
    args = [ "-c" script ];
  };
  base = mk "nixship-test-base" "echo base > $out";
  lib = mk "nixship-test-lib" "/bin/mkdir $out; echo ${base} > $out/base-ref";
  env = mk "nixship-test-env"
    "/bin/mkdir $out; echo ${lib} > $out/lib-ref; echo ${pkgs.greeting} > $out/greeting";
in
if builtins.getEnv "BUILD" == "1" then env else { shell = "not built"; }
