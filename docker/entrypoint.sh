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

jar="${NIXSHIP_JAR:-/opt/nixship/nixship.jar}"
# JVM warnings (e.g. a class-data archive that no longer matches) go to stderr: stdout is the result;
# no hsperfdata file is made, so "Cannot use file .../hsperfdata_root/..." cannot appear at all.
# The same JVM options as the ./nixship launcher (see there for why).
java_options=(-Xlog:disable -Xlog:all=warning:stderr -XX:-UsePerfData -Xshare:auto -XX:+UseSerialGC -XX:CompileThresholdScaling=10)
if [ -f "${NIXSHIP_CDS_ARCHIVE:-}" ]; then
  java_options+=("-XX:SharedArchiveFile=$NIXSHIP_CDS_ARCHIVE")
fi
exec java "${java_options[@]}" -jar "$jar" "$command"
