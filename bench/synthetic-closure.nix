# A synthetic closure shaped like a Python service's environment, for bench/run: about 80 store
# paths, ~350 MB, 15,000+ files; a few large incompressible .so files, many small text modules.
# Everything comes from bench/generate.py with fixed seeds: no nixpkgs, no network, and the same
# store paths on every build. `variant` changes exactly one package (and so the env that links it);
# `hugeBytes` > 0 gives instead a two-package closure with one package of that many incompressible
# bytes (the memory check: peak heap must not grow with layer size).
{ variant ? 0, hugeBytes ? 0 }:

let
  generator = ./generate.py;
  mk = { name, seed, files, text, binary ? 0 }: derivation {
    inherit name;
    system = builtins.currentSystem;
    # Runs the host's python3: impure by design (nix.conf: sandbox = relaxed).
    __noChroot = true;
    builder = "/bin/sh";
    args = [ "-c" "exec /usr/bin/python3 ${generator} package ${name} ${toString seed} ${toString files} ${toString text} ${toString binary}" ];
  };
  MB = 1024 * 1024;

  # Big native libraries (numpy/scipy/torch-like wheels): mostly incompressible.
  big = [
    (mk { name = "python3.12-bigml-2.3.0"; seed = 1; files = 400; text = 6 * MB; binary = 48 * MB; })
    (mk { name = "python3.12-linalg-1.26.4"; seed = 2; files = 300; text = 4 * MB; binary = 32 * MB; })
    (mk { name = "python3.12-imaging-10.3.0"; seed = 3; files = 120; text = 2 * MB; binary = 20 * MB; })
    (mk { name = "python3.12-crypto-42.0.5"; seed = 4; files = 150; text = 2 * MB; binary = 12 * MB; })
  ];

  # The interpreter and its standard library.
  python = mk { name = "python3-3.12.4"; seed = 5; files = 2200; text = 50 * MB; binary = 8 * MB; };

  # Native dependencies (openssl, libffi, zlib, ...): a few small .so files each.
  natives = builtins.genList (i: mk {
    name = "native-lib${toString i}-1.${toString i}";
    seed = 100 + i;
    files = 20;
    text = 200 * 1024;
    binary = (1 + (i - (i / 4) * 4)) * MB;
  }) 15;

  # Pure-Python packages: the long tail of many small text files. Package 7 is the one `variant` changes.
  packages = builtins.genList (i: mk {
    name = "python3.12-pkg${toString i}-${if i == 7 then "3.${toString variant}" else "1.0"}";
    seed = 1000 + i + (if i == 7 then 7919 * variant else 0);
    files = 120 + (i * 37 - (i * 37 / 200) * 200);
    text = (1 + (i - (i / 4) * 4)) * 800 * 1024;
  }) 59;

  huge = mk { name = "python3.12-huge-1.0"; seed = 9; files = 10; text = MB; binary = hugeBytes; };

  paths = if hugeBytes > 0 then [ python huge ] else big ++ [ python ] ++ natives ++ packages;
in
derivation {
  name = "python3-3.12.4-env";
  system = builtins.currentSystem;
  __noChroot = true;
  builder = "/bin/sh";
  args = [ "-c" "exec /usr/bin/python3 ${generator} env" ];
  inherit paths;
}
