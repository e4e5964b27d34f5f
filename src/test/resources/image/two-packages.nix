# Two tiny store paths built with the host's /bin/sh and coreutils (sandbox off), no nixpkgs:
# "top" references "dep" through a symlink and holds an executable script and a long file name.
let
  sh = name: script: derivation {
    inherit name;
    system = builtins.currentSystem;
    __noChroot = true; # runs host tools: impure by design (sandbox = relaxed)
    builder = "/bin/sh";
    args = [ "-c" script ];
    PATH = "/usr/bin:/bin";
  };
  dep = sh "nixship-test-dep-1.0" ''
    mkdir -p $out/lib
    echo dep-data > $out/lib/data.txt
    ln -s data.txt $out/lib/relative-link
    ln -s /nix/store/00000000000000000000000000000000-missing/x $out/lib/dangling-link
  '';
in sh "nixship-test-top-2.0" ''
  mkdir -p $out/bin $out/share/${builtins.concatStringsSep "/" (builtins.genList (i: "level${toString i}") 20)}
  echo top > $out/share/${builtins.concatStringsSep "/" (builtins.genList (i: "level${toString i}") 20)}/file-at-depth.txt
  printf '#!/bin/sh\necho run\n' > $out/bin/run
  chmod +x $out/bin/run
  ln -s ${dep}/lib/data.txt $out/bin/dep-data
''
