# The Debian interpreter and its standard library, self-contained in one store path.
stdlib="$out/lib/python$pythonVersion"
/usr/bin/mkdir -p "$out/bin" "$stdlib"
/usr/bin/cp -L "/usr/bin/python$pythonVersion" "$out/bin/python$pythonVersion"
/usr/bin/chmod u+w "$out/bin/python$pythonVersion"
/usr/bin/patchelf --set-interpreter "$interpreter" --set-rpath "$runpath" "$out/bin/python$pythonVersion"
/usr/bin/ln -s "python$pythonVersion" "$out/bin/python3"
/usr/bin/ln -s "python$pythonVersion" "$out/bin/python"

# Left out: Debian's links into /etc, the pip guard, the static library and the test suite.
for entry in /usr/lib/python$pythonVersion/*; do
  case "${entry##*/}" in
    sitecustomize.py|EXTERNALLY-MANAGED|config-*|test|__pycache__|dist-packages|site-packages) continue ;;
  esac
  /usr/bin/cp -rL "$entry" "$stdlib/"
done
/usr/bin/chmod -R u+w "$out"
/usr/bin/find "$stdlib" -name __pycache__ -prune -exec /usr/bin/rm -rf {} +
for prefix in $skippedDynload; do
  /usr/bin/rm -f "$stdlib/lib-dynload/$prefix"*
done
for so in "$stdlib"/lib-dynload/*.so; do
  /usr/bin/patchelf --set-rpath "$runpath" "$so"
done

# site.py is frozen into the interpreter and finds pyvenv.cfg only next to the unresolved
# executable path; this hook also finds it through a symlinked directory such as /bin -> <env>/bin.
/usr/bin/cp "$sitecustomize" "$stdlib/sitecustomize.py"

# Bytecode that is never re-validated, so running Python never writes into the store.
/usr/bin/python$pythonVersion -I -m compileall -q -j 2 --invalidation-mode unchecked-hash \
  -x '/lib2to3/tests/' "$stdlib" >/dev/null
