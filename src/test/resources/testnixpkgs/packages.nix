{ revision }:
let
  system = "x86_64-linux";
  generated = import ./libs.nix;
  pythonVersion = "3.11";
  sitePackages = "lib/python${pythonVersion}/site-packages";
  debianSitePackages = "/usr/lib/python3/dist-packages";

  # Builders run host tools by absolute path; PATH is set only as a fallback.
  mkDerivation = { builder, ... }@args:
    derivation ((removeAttrs args [ "builder" ]) // {
      inherit system;
      # Builders copy from the host's /usr: impure by design, so they run outside the sandbox
      # (nix.conf: sandbox = relaxed; see scripts/setup-debian-host).
      __noChroot = true;
      builder = "/bin/sh";
      args = [ "-e" builder ];
      PATH = "/usr/bin:/bin";
    });

  libPath = libs: builtins.concatStringsSep ":" (map (l: "${l}/lib") libs);

  glibc = mkDerivation {
    name = "glibc-2.36";
    builder = ./builders/glibc.sh;
  };

  cacert = mkDerivation {
    name = "nss-cacert";
    builder = ./builders/cacert.sh;
  };

  debianLibs = builtins.mapAttrs (deb: spec: mkDebianLib deb spec) generated.libs;

  libByName = name: if name == "glibc" then glibc else debianLibs.${name};

  mkDebianLib = deb: spec: mkDerivation {
    name = deb;
    builder = ./builders/debian-lib.sh;
    libDir = spec.dir;
    sonames = spec.sonames;
    runpath = libPath (map libByName spec.deps);
  };

  consumerLibs = consumer: map libByName generated.consumers.${consumer};

  bashInteractive = mkDerivation {
    name = "bash-5.2";
    builder = ./builders/bash.sh;
    interpreter = "${glibc}/lib/ld-linux-x86-64.so.2";
    runpath = libPath (consumerLibs "bash");
  };

  python = mkDerivation {
    name = "python3-3.11.2";
    builder = ./builders/python.sh;
    inherit pythonVersion;
    interpreter = "${glibc}/lib/ld-linux-x86-64.so.2";
    runpath = libPath (consumerLibs "python");
    skippedDynload = generated.skippedDynload;
    sitecustomize = ./builders/sitecustomize.py;
  } // {
    inherit pythonVersion sitePackages;
    pkgs = pythonPackages;
    withPackages = selector: mkPythonEnv (selector pythonPackages);
  };

  # Every package lists the packages it propagates, as nixpkgs does, so an environment
  # gets the transitive dependencies of what it asks for.
  requiredPythonModules = packages: map (item: item.package) (builtins.genericClosure {
    startSet = map (p: { key = p.outPath; package = p; }) packages;
    operator = item: map (p: { key = p.outPath; package = p; }) item.package.propagatedBuildInputs;
  });

  mkPythonEnv = packages: mkDerivation {
    name = "python3-3.11.2-env";
    builder = ./builders/python-env.sh;
    inherit python pythonVersion;
    packages = requiredPythonModules packages;
  };

  dependenciesOf = attr: defaults:
    map (name: pythonPackages.${name}) (revision.dependencies.${attr} or defaults);

  # One Debian python3-* package's files, copied out of the host's dist-packages.
  # metadata: its *.dist-info / *.egg-info directory, renamed when the revision sets another version.
  mkPythonPackage = { attr, pname, version, entries, metadata, dependencies ? [ ],
                      libs ? [ ], consoleScripts ? [ ], wheel ? "", caBundle ? "" }:
    let
      newVersion = revision.versions.${attr} or version;
    in
    mkDerivation {
      name = "python3.11-${pname}-${newVersion}";
      builder = ./builders/python-package.sh;
      inherit pythonVersion entries metadata version newVersion consoleScripts wheel caBundle;
      source = debianSitePackages;
      runpath = libPath libs;
      propagatedBuildInputs = dependenciesOf attr dependencies;
    };

  package = attr: spec: mkPythonPackage ({ inherit attr; } // spec);

  pythonPackages = builtins.mapAttrs package {
    blinker = { pname = "blinker"; version = "1.5"; entries = [ "blinker" ]; metadata = "blinker-1.5.dist-info"; };
    # Debian's certifi points at /etc/ssl; here it points at the cacert store path.
    certifi = { pname = "certifi"; version = "2022.9.24"; entries = [ "certifi" ]; metadata = "certifi-2022.9.24.egg-info";
      caBundle = "${cacert}/etc/ssl/certs/ca-bundle.crt"; };
    chardet = { pname = "chardet"; version = "5.1.0"; entries = [ "chardet" ]; metadata = "chardet-5.1.0.dist-info";
      consoleScripts = [ "chardetect=chardet.cli.chardetect:main" ]; };
    charset-normalizer = { pname = "charset-normalizer"; version = "3.0.1"; entries = [ "charset_normalizer" ];
      metadata = "charset_normalizer-3.0.1.dist-info"; };
    click = { pname = "click"; version = "8.1.3"; entries = [ "click" ]; metadata = "click-8.1.3.egg-info"; };
    flask = { pname = "flask"; version = "2.2.2"; entries = [ "flask" ]; metadata = "Flask-2.2.2.egg-info";
      dependencies = [ "blinker" "click" "itsdangerous" "jinja2" "werkzeug" ];
      consoleScripts = [ "flask=flask.cli:main" ]; };
    idna = { pname = "idna"; version = "3.3"; entries = [ "idna" ]; metadata = "idna-3.3.egg-info"; };
    itsdangerous = { pname = "itsdangerous"; version = "2.1.2"; entries = [ "itsdangerous" ];
      metadata = "itsdangerous-2.1.2.egg-info"; };
    jinja2 = { pname = "jinja2"; version = "3.1.2"; entries = [ "jinja2" ]; metadata = "Jinja2-3.1.2.egg-info";
      dependencies = [ "markupsafe" ]; };
    markupsafe = { pname = "markupsafe"; version = "2.1.2"; entries = [ "markupsafe" ];
      metadata = "MarkupSafe-2.1.2.egg-info"; libs = consumerLibs "markupsafe"; };
    olefile = { pname = "olefile"; version = "0.46"; entries = [ "olefile" ]; metadata = "olefile-0.46.egg-info"; };
    pillow = { pname = "pillow"; version = "9.4.0"; entries = [ "PIL" ]; metadata = "Pillow-9.4.0.egg-info";
      dependencies = [ "olefile" ]; libs = consumerLibs "pillow"; };
    # Debian's own pip is de-vendored; its wheel (python3-pip-whl) is a complete pip.
    pip = { pname = "pip"; version = "23.0.1"; entries = [ ]; metadata = "pip-23.0.1.dist-info";
      wheel = "/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl";
      consoleScripts = [ "pip=pip._internal.cli.main:main" "pip3=pip._internal.cli.main:main" ]; };
    python-dotenv = { pname = "python-dotenv"; version = "0.21.0"; entries = [ "dotenv" ];
      metadata = "python_dotenv-0.21.0.egg-info"; dependencies = [ "click" ]; consoleScripts = [ "dotenv=dotenv.cli:cli" ]; };
    # As in Debian, requests propagates chardet: without it requests 2.28 warns about charset-normalizer 3.
    requests = { pname = "requests"; version = "2.28.1"; entries = [ "requests" ]; metadata = "requests-2.28.1.egg-info";
      dependencies = [ "certifi" "chardet" "charset-normalizer" "idna" "urllib3" ]; };
    six = { pname = "six"; version = "1.16.0"; entries = [ "six.py" ]; metadata = "six-1.16.0.egg-info"; };
    # Debian's urllib3 imports the system six instead of its vendored copy.
    urllib3 = { pname = "urllib3"; version = "1.26.12"; entries = [ "urllib3" ]; metadata = "urllib3-1.26.12.egg-info";
      dependencies = [ "six" ]; };
    waitress = { pname = "waitress"; version = "2.1.2"; entries = [ "waitress" ]; metadata = "waitress-2.1.2.dist-info";
      consoleScripts = [ "waitress-serve=waitress.runner:run" ]; };
    werkzeug = { pname = "werkzeug"; version = "2.2.2"; entries = [ "werkzeug" ]; metadata = "Werkzeug-2.2.2.egg-info";
      dependencies = [ "markupsafe" ]; };
  };

  # nix-shell sources $stdenv/setup: put the inputs' bin directories on PATH, offer runHook.
  stdenv = mkDerivation {
    name = "stdenv-testnixpkgs";
    builder = ./builders/stdenv.sh;
    setup = ./builders/setup.sh;
  };

  mkShell = { name ? "nix-shell", packages ? [ ], buildInputs ? [ ], nativeBuildInputs ? [ ], ... }@args:
    derivation ((removeAttrs args [ "packages" ]) // {
      inherit name system stdenv;
      __noChroot = true;
      builder = "/bin/sh";
      args = [ "-e" ./builders/mkshell.sh ];
      buildInputs = buildInputs;
      nativeBuildInputs = packages ++ nativeBuildInputs;
    });
in
{
  inherit cacert glibc bashInteractive stdenv mkShell python pythonPackages;
  bash = bashInteractive;
  python3 = python;
  python311 = python;
  python312 = python;
  python3Packages = pythonPackages;
  python311Packages = pythonPackages;
  python312Packages = pythonPackages;
  debianLibs = debianLibs;
  lib = { version = revision.name; };
  testNixpkgsRevision = revision.name;
}
