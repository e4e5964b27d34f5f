#!/usr/bin/env bash
# The action's entrypoint: runs the nixship command named by the `command` input (INPUT_COMMAND).
# The command is checked against a fixed list and passed as one argv word: never eval'd, never part
# of a shell string. Every other input reaches the CLI as an INPUT_* variable, read by the CLI itself
# (option defaults, secrets from the environment), so no input or event field is interpolated here.
set -euo pipefail

if [ "$#" -ne 0 ]; then
  echo "nixship: the action takes no arguments; choose what to run with the command input" >&2
  exit 2
fi

command="${INPUT_COMMAND:-release}"
case "$command" in
  release | build | comment | update-channel | diff | verify) ;;
  *)
    # The value is not echoed: it may come from an event field and could hold workflow commands.
    echo "nixship: the command input must be one of: release, build, comment, update-channel, diff, verify" >&2
    exit 2
    ;;
esac

# Nix evaluates and builds code from the repository (a pull request's): it runs as the unprivileged
# NIXSHIP_NIX_USER (the image sets it) through a nix-daemon started here as root, whose builds run
# as the nixbld users, so neither can read this process's or the JVM's environment or memory
# (/proc/<pid>/environ and /proc/<pid>/mem need the same user). NIXSHIP_NIX_SANDBOX (true, the
# default; relaxed; false) sets the daemon's sandbox; where the kernel refuses the namespaces the
# sandbox needs (most container runtimes), Nix builds without it (sandbox-fallback), still as nixbld.
# An empty NIXSHIP_NIX_USER runs Nix as root in single-user mode instead.
if [ -n "${NIXSHIP_NIX_USER:-}" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "nixship: the action image runs as root (GitHub's default); to run Nix as this user instead set NIXSHIP_NIX_USER to empty" >&2
    exit 2
  fi
  case "${NIXSHIP_NIX_SANDBOX:-true}" in
    true | relaxed | false) ;;
    *)
      echo "nixship: NIXSHIP_NIX_SANDBOX must be true, relaxed or false" >&2
      exit 2
      ;;
  esac
  printf 'sandbox = %s\n' "${NIXSHIP_NIX_SANDBOX:-true}" >> /etc/nix/nix.conf
  daemon_log=/var/log/nixship-nix-daemon.log
  # No secret reaches the daemon: it and its builders start from an empty environment but for the
  # step's NIX_CONFIG (e.g. substituters =), which the daemon, not its untrusted client, must apply.
  ( umask 077; exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ${NIX_CONFIG:+"NIX_CONFIG=$NIX_CONFIG"} nix-daemon >"$daemon_log" 2>&1 ) &
  socket=/nix/var/nix/daemon-socket/socket
  for _ in $(seq 100); do
    [ -S "$socket" ] && break
    sleep 0.1
  done
  if [ ! -S "$socket" ]; then
    tail -n 5 "$daemon_log" >&2 || true
    echo "nixship: nix-daemon did not open $socket within 10s (its log is above)" >&2
    exit 1
  fi
  export NIX_REMOTE=daemon
fi

# Secrets leave the environment before the JVM starts: the ones nixship reads go through a pipe on
# descriptor 3, which the JVM drains once at start (NIXSHIP_SECRETS_FILE=/dev/fd/3), so afterwards
# neither an environment nor /proc/<pid>/fd/3 holds them; the runner's own tokens, which nixship
# never uses, are dropped. Names with hyphens are no shell variables, hence printenv and env -u.
handed_secrets=(INPUT_GITHUB-TOKEN INPUT_REGISTRY-PASSWORD INPUT_MANIFESTS-TOKEN INPUT_GITHUB-APP-PRIVATE-KEY GITHUB_TOKEN)
scrub=(-u NIXSHIP_SECRETS_FILE -u ACTIONS_RUNTIME_TOKEN -u ACTIONS_ID_TOKEN_REQUEST_TOKEN)
for name in "${handed_secrets[@]}"; do
  scrub+=(-u "$name")
done
hand_secrets() {
  for name in "${handed_secrets[@]}"; do
    if printenv -- "$name" >/dev/null; then
      printf '%s=' "$name"
      printenv -0 -- "$name"
    fi
  done
}
exec 3< <(hand_secrets)

jar="${NIXSHIP_JAR:-/opt/nixship/nixship.jar}"
# JVM warnings go to stderr: stdout is the result; no hsperfdata file is made, so "Cannot use file
# .../hsperfdata_root/..." cannot appear at all. The same JVM options as the ./nixship launcher and
# scripts/aot-train, which trained the ahead-of-time cache (see there for why).
java_options=(-Xlog:disable -Xlog:all=warning:stderr -XX:-UsePerfData -XX:+UseSerialGC -XX:CompileThresholdScaling=10)
if [ -f "${NIXSHIP_AOT_CACHE:-}" ]; then
  # A cache that does not fit this JVM or jar is skipped, its messages silenced like the launcher's.
  java_options+=("-XX:AOTCache=$NIXSHIP_AOT_CACHE" "-Xlog:aot*=off:stderr" "-Xlog:cds*=off:stderr")
fi
exec env "${scrub[@]}" NIXSHIP_SECRETS_FILE=/dev/fd/3 java "${java_options[@]}" -jar "$jar" "$command"
