# A nixpkgs revision whose Python does not build: the test nixpkgs with python312.withPackages
# replaced by a derivation whose builder fails, as a broken channel bump would.
{ ... }:
let
  real = import ./packages.nix { revision = import ./revision.nix; };
  broken = derivation {
    name = "python3-3.12.4-env";
    system = builtins.currentSystem;
    __noChroot = true; # runs host tools: impure by design (sandbox = relaxed)
    builder = "/bin/sh";
    args = [ "-c" "echo 'test_ssl: FAILED (errors=3)' >&2; echo 'python3 check phase failed' >&2; exit 1" ];
  };
in
real // { python312 = real.python312 // { withPackages = f: broken; }; }
