# A self-contained stand-in for nixpkgs for the action image's scenarios (io.nixship.e2e.ActionImageIT).
# ../testnixpkgs copies the Debian 12 host's Python out of /usr, which a Debian 13 container does not
# have; this one builds the same shape from /bin/sh and coreutils alone, so the host's Nix and the
# image's Nix build identical store paths: python312.withPackages (an environment of *.dist-info
# metadata, what nixship reads, with a bin/python3 stub) and mkShell, for the example's default.nix.
# A revision tarball carries its own revision.nix; the source tree falls back to revisions/rev1.nix.
{ ... }:
let
  # Like nixpkgs, refuse a Nix older than lib/minver.nix.
  requiredVersion = import ./lib/minver.nix;
  revision =
    if builtins.pathExists ./revision.nix
    then import ./revision.nix
    else import ./revisions/rev1.nix;
  system = "x86_64-linux";
  pythonVersion = "3.12";
  sitePackages = "lib/python${pythonVersion}/site-packages";

  # Outside the sandbox on a host with sandbox = relaxed; containers run Nix with sandbox = false.
  run = name: script: attrs: derivation ({
    inherit name system;
    builder = "/bin/sh";
    args = [ "-e" "-c" script ];
    __noChroot = true;
  } // attrs);

  python = run "python3-${pythonVersion}.0" ''
    /usr/bin/mkdir -p "$out/bin" "$out/lib/python${pythonVersion}"
    printf '#!/bin/sh\necho "a stand-in for Python ${pythonVersion}" >&2\nexit 1\n' > "$out/bin/python${pythonVersion}"
    /usr/bin/chmod 555 "$out/bin/python${pythonVersion}"
    /usr/bin/ln -s "python${pythonVersion}" "$out/bin/python3"
  '' { } // {
    inherit pythonVersion sitePackages;
    pkgs = pythonPackages;
    withPackages = selector: environment (selector pythonPackages);
  };

  pythonPackage = pname: { version, dependencies ? [ ] }:
    run "python${pythonVersion}-${pname}-${version}" ''
      dist="$out/${sitePackages}/${builtins.replaceStrings [ "-" ] [ "_" ] pname}-${version}.dist-info"
      /usr/bin/mkdir -p "$dist"
      printf 'Metadata-Version: 2.1\nName: ${pname}\nVersion: ${version}\n' > "$dist/METADATA"
    '' { propagatedBuildInputs = map (name: pythonPackages.${name}) dependencies; };

  pythonPackages = builtins.mapAttrs pythonPackage revision.packages;

  # The packages asked for and everything they propagate, as nixpkgs' withPackages does.
  closure = packages: map (item: item.package) (builtins.genericClosure {
    startSet = map (p: { key = p.outPath; package = p; }) packages;
    operator = item: map (p: { key = p.outPath; package = p; }) item.package.propagatedBuildInputs;
  });

  environment = packages: run "python3-${pythonVersion}.0-env" ''
    /usr/bin/mkdir -p "$out/bin" "$out/${sitePackages}"
    /usr/bin/ln -s "$python/bin/python3" "$out/bin/python3"
    for package in $packages; do
      for entry in "$package/${sitePackages}"/*; do
        /usr/bin/ln -s "$entry" "$out/${sitePackages}/"
      done
    done
  '' { inherit python; packages = closure packages; };

  mkShell = { name ? "nix-shell", packages ? [ ], buildInputs ? [ ], nativeBuildInputs ? [ ], ... }@args:
    run name ''
      /usr/bin/mkdir -p "$out"
      echo "$buildInputs $nativeBuildInputs" > "$out/inputs"
    '' ((removeAttrs args [ "packages" "name" ]) // { nativeBuildInputs = packages ++ nativeBuildInputs; });
in
if builtins.compareVersions requiredVersion builtins.nixVersion == 1 then
  abort "This version of Nixpkgs requires Nix >= ${requiredVersion}, please upgrade"
else
{
  inherit mkShell python pythonPackages;
  python3 = python;
  python312 = python;
  python3Packages = pythonPackages;
  python312Packages = pythonPackages;
  lib = { version = revision.name; };
}
