/usr/bin/mkdir -p "$out"
/usr/bin/cp "$setup" "$out/setup"
