# One Python package copied from the host's dist-packages (or unpacked from a wheel),
# its metadata rewritten when the revision gives it another version.
sp="$out/lib/python$pythonVersion/site-packages"
/usr/bin/mkdir -p "$sp" "$out/nix-support"
if [ -n "$wheel" ]; then
  /usr/bin/python$pythonVersion -I -m zipfile -e "$wheel" "$sp"
fi
for entry in $entries $metadata; do
  if [ -z "$wheel" ] || [ "$entry" != "$metadata" ]; then
    /usr/bin/cp -rL "$source/$entry" "$sp/"
  fi
done
/usr/bin/chmod -R u+w "$out"
/usr/bin/find "$sp" -name __pycache__ -prune -exec /usr/bin/rm -rf {} +

if [ "$newVersion" != "$version" ]; then
  renamed="${metadata%-$version.*}-$newVersion.${metadata##*.}"
  [ "$renamed" != "$metadata" ]
  /usr/bin/mv "$sp/$metadata" "$sp/$renamed"
  for file in METADATA PKG-INFO; do
    if [ -f "$sp/$renamed/$file" ]; then
      /usr/bin/sed -i "s|^Version: $version\$|Version: $newVersion|" "$sp/$renamed/$file"
      /usr/bin/grep -q "^Version: $newVersion\$" "$sp/$renamed/$file"
    fi
  done
fi

if [ -n "$caBundle" ]; then
  /usr/bin/sed -i "s|^DEBIAN_CA_CERTS_PATH = .*\$|DEBIAN_CA_CERTS_PATH = '$caBundle'|" "$sp/certifi/core.py"
  /usr/bin/grep -q "$caBundle" "$sp/certifi/core.py"
fi

if [ -n "$runpath" ]; then
  for so in $(/usr/bin/find "$sp" -name '*.so' | /usr/bin/sort); do
    /usr/bin/patchelf --set-rpath "$runpath" "$so"
  done
fi

/usr/bin/python$pythonVersion -I -m compileall -q --invalidation-mode unchecked-hash "$sp" >/dev/null

echo "$propagatedBuildInputs" > "$out/nix-support/propagated-build-inputs"
: > "$out/nix-support/console-scripts"
for script in $consoleScripts; do
  echo "$script" >> "$out/nix-support/console-scripts"
done
