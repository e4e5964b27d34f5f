# A virtual-environment-shaped directory: pyvenv.cfg makes the interpreter use this
# directory's site-packages and nothing else; packages are linked in, one link per entry.
sp="$out/lib/python$pythonVersion/site-packages"
/usr/bin/mkdir -p "$out/bin" "$sp"
printf 'home = %s/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n' "$python" > "$out/pyvenv.cfg"
for name in python python3 "python$pythonVersion"; do
  /usr/bin/ln -s "$python/bin/python$pythonVersion" "$out/bin/$name"
done
for package in $packages; do
  for entry in "$package/lib/python$pythonVersion/site-packages"/*; do
    if [ "${entry##*/}" = __pycache__ ]; then
      # Bytecode of top-level modules (six.py) is looked up next to the link, so merge it here.
      /usr/bin/mkdir -p "$sp/__pycache__"
      /usr/bin/ln -s "$entry"/* "$sp/__pycache__/"
    else
      /usr/bin/ln -s "$entry" "$sp/"
    fi
  done
  while IFS='=' read -r script target; do
    [ -n "$script" ] || continue
    printf '#!%s/bin/python3\nimport sys\nfrom %s import %s\nsys.exit(%s())\n' \
      "$out" "${target%%:*}" "${target#*:}" "${target#*:}" > "$out/bin/$script"
    /usr/bin/chmod 555 "$out/bin/$script"
  done < "$package/nix-support/console-scripts"
done
