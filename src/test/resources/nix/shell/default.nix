# The seed's shape: BUILD=1 returns the environment, otherwise a shell whose buildInputs hold it.
{ }:
let
  pkgs = import <nixpkgs> { };
  mk = name: script: attrs: derivation ({
    inherit name;
    system = builtins.currentSystem;
    __noChroot = true; # runs host tools: impure by design (sandbox = relaxed)
    builder = "/bin/sh";
    args = [ "-c" script ];
  } // attrs);
  tool = mk "nixship-test-tool" "/bin/mkdir -p $out/bin; echo tool > $out/bin/tool" { };
  python = mk "nixship-test-python"
    "/bin/mkdir -p $out/bin $out/lib/python3.12/site-packages; printf '#!/bin/sh\\n' > $out/bin/python3; /bin/chmod +x $out/bin/python3"
    { };
  env = mk "nixship-test-python-env" ''
    /bin/mkdir -p $out/bin $out/lib/python3.12/site-packages/flask-3.0.0.dist-info
    /bin/mkdir -p $out/lib/python3.12/site-packages/waitress-3.0.0.dist-info
    printf '#!/bin/sh\n# ${pkgs.greeting}\n' > $out/bin/python3
    /bin/chmod +x $out/bin/python3
  '' { };
  shell = mk "nixship-test-shell" "echo shell > $out" { buildInputs = [ tool python env ]; };
in
if builtins.getEnv "BUILD" == "1" then env else shell
