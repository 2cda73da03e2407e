# shellcheck shell=bash
# Shared helpers for the scripts in this folder. Source it; do not run it.
#
#   ROOT               the repository root (absolute)
#   CARGO_TARGET_DIR   defaults to ~/.cache/hearken/target (outside the clone, so
#                      later builds on the same machine are incremental; nothing
#                      depends on it existing)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hearken/target}"

# cargo install puts tools (tauri-driver) here; a login shell usually has it on
# PATH already, a CI shell may not.
CARGO_BIN_DIR="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$CARGO_BIN_DIR:"*) ;;
  *) if [ -d "$CARGO_BIN_DIR" ]; then export PATH="$CARGO_BIN_DIR:$PATH"; fi ;;
esac

# Print a section header that stands out in a long CI log.
header() {
  printf '\n==== %s ====\n' "$*"
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Install the UI's npm dependencies with `npm ci`, unless node_modules was
# installed by `npm ci` from exactly this package.json + package-lock.json with
# this Node version (a stamp file inside node_modules records that).
#   ui_deps --if-changed   skip npm ci when node_modules is current
#   ui_deps --force        always run npm ci
ui_deps() {
  local stamp="$ROOT/ui/node_modules/.hearken-npm-ci-stamp" want
  want="$(cd "$ROOT/ui" && { node --version; sha256sum package.json package-lock.json; } | sha256sum | cut -d' ' -f1)"
  if [ "${1:?ui_deps needs --if-changed or --force}" = "--if-changed" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "ui/node_modules is up to date with package-lock.json (skipping npm ci)"
    return 0
  fi
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
  printf '%s\n' "$want" >"$stamp"
}
