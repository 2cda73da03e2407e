#!/usr/bin/env bash
# Build and run Hearken from this checkout (release build).
#
#   scripts/run-app.sh                 open the window
#   scripts/run-app.sh --data-dir D    open it on another data folder
#   scripts/run-app.sh source list     any CLI subcommand (same binary)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

header "System setup"
bash "$ROOT/scripts/setup-system.sh"

header "UI: dependencies"
ui_deps --if-changed

header "UI: build"
(cd "$ROOT/ui" && npm run build)

header "App: cargo run --release"
cd "$ROOT"
exec cargo run --release -- "$@"
