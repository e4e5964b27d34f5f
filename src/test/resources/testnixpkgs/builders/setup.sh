# Sourced by nix-shell: the inputs' bin directories become PATH (nix-shell appends the caller's).
PATH=
for input in $buildInputs $nativeBuildInputs $propagatedBuildInputs; do
  if [ -d "$input/bin" ]; then
    PATH="${PATH:+$PATH:}$input/bin"
  fi
done
export PATH
runHook() {
  eval "${!1:-}"
}
