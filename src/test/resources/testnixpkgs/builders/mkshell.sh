# A shell derivation is for nix-shell; building it only records its inputs.
/usr/bin/mkdir -p "$out"
echo "$buildInputs $nativeBuildInputs" > "$out/inputs"
