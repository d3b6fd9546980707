# Shared by the demo scripts (sourced, not run): the working folder, the erfurt command,
# the archive ($DEMO_ARCHIVE), a scratch folder removed on exit, step headings and
# expected failures.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
erfurt=(.venv/bin/erfurt)
archive=${DEMO_ARCHIVE:-demo-archive}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Create the archive with the given log origin unless the demo runs on an existing one.
ensure_archive() {
  if [ ! -f "$archive/erfurt.toml" ]; then
    "${erfurt[@]}" init --archive "$archive" --origin "$1" --who demo
  fi
}

step() { printf '\n== %s\n' "$*"; }

# Run a command that must fail (a forged package, an altered receipt, a tampered tally, a
# bad row) and show what erfurt said, marked as the expected outcome rather than an error
# of the demo. Stops the demo if the command did not fail.
expect_failure() {
  local what=$1 said
  shift
  if said=$("$@" 2>&1); then
    printf '%s\n' "$said"
    echo "$what was not caught: this is a bug" >&2
    exit 1
  fi
  echo "Caught, as intended: $what. Erfurt says (and exits with status 1):"
  printf '%s\n' "$said" | sed 's/^/  | /'
}
