# nixship's own GitHub Action image, built by nixship itself: run `nixship build --to
# ghcr.io/nixship/nixship:TAG` on this repository (BUILD=1 selects the image's environment; without it
# this file is a development shell). The result matches the Dockerfile's image: a Java runtime, Nix,
# git, CA certificates and nixship.jar, nothing else, with every byte fixed by nixship.lock.
#
# nixship reads the committed tree, so the jar is built here from source: mvnHash pins Maven's
# dependency download, and Nix prints the value to put there when it does not match (after a pom.xml
# change). `nix-build --arg jar ./target/nixship.jar` ships a jar built outside Nix instead.
{ pkgs ? import <nixpkgs> { }, jar ? null }:

let
  inherit (pkgs) lib;

  nixshipJar =
    if jar != null then
      pkgs.runCommand "nixship-jar" { } ''
        install -Dm444 ${jar} $out/share/nixship/nixship.jar
      ''
    else
      pkgs.maven.buildMavenPackage {
        pname = "nixship";
        version = "0";
        src = lib.fileset.toSource {
          root = ./.;
          fileset = lib.fileset.unions [ ./pom.xml ./src/main ./src/test/java ];
        };
        mvnHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        mvnParameters = "-DskipTests";
        doCheck = false;
        installPhase = ''
          install -Dm444 target/nixship.jar $out/share/nixship/nixship.jar
        '';
      };

  # docker/entrypoint.sh with its shebang patched to the store's bash and the jar's store path.
  entrypoint = pkgs.runCommand "nixship-entrypoint" { nativeBuildInputs = [ pkgs.bash ]; } ''
    install -Dm755 ${./docker/entrypoint.sh} $out/bin/nixship-entrypoint
    substituteInPlace $out/bin/nixship-entrypoint \
      --replace-fail /opt/nixship/nixship.jar ${nixshipJar}/share/nixship/nixship.jar
    patchShebangs $out/bin
  '';

  tools = pkgs.buildEnv {
    name = "nixship-action-tools";
    paths = [ pkgs.jre_headless pkgs.nix pkgs.git pkgs.cacert pkgs.bashInteractive pkgs.coreutils entrypoint ];
  };

  # An image made from a closure has the store paths but not Nix's database of them; Nix inside the
  # container must be told they are valid before its first build, or it would try to rebuild them.
  registration = pkgs.closureInfo { rootPaths = [ tools ]; };

  actionEntrypoint = pkgs.writeShellScriptBin "nixship-action" ''
    set -euo pipefail
    export NIX_CONFIG="sandbox = false
    build-users-group ="
    export SSL_CERT_FILE=${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt
    export PATH=${tools}/bin
    mkdir -p /tmp /root "''${XDG_CACHE_HOME:-/var/cache/nixship}"
    if [ ! -e /nix/var/nix/db/db.sqlite ]; then
      ${pkgs.nix}/bin/nix-store --load-db < ${registration}/registration
    fi
    exec ${tools}/bin/nixship-entrypoint "$@"
  '';

  actionImage = pkgs.symlinkJoin {
    name = "nixship-action";
    paths = [ tools actionEntrypoint ];
  };
in

if builtins.getEnv "BUILD" == "1"
then actionImage
else pkgs.mkShell {
  name = "nixship-dev";
  buildInputs = [ pkgs.jdk17_headless pkgs.maven pkgs.nix pkgs.git ];
}
