#!/usr/bin/env bash
# Build a Debian package of Hearken with the Tauri CLI (the @tauri-apps/cli npm
# package, a devDependency of ui/). Works offline: only the deb bundler is used.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

header "System setup"
bash "$ROOT/scripts/setup-system.sh"

header "UI: npm ci"
ui_deps --force

header "UI: build"
(cd "$ROOT/ui" && npm run build)

header "Package: tauri build --bundles deb"
cd "$ROOT"
tauri="$ROOT/ui/node_modules/.bin/tauri"
[ -x "$tauri" ] || die "$tauri not found: is @tauri-apps/cli a devDependency of ui/?"
# tauri.conf.json is at the root and the front end lives in ui/
# (TAURI_FRONTEND_PATH tells the CLI, which otherwise guesses a folder). The UI
# was just built above, so the config's beforeBuildCommand is switched off
# (null removes it), whichever folder it expects to run in.
export TAURI_FRONTEND_PATH="${TAURI_FRONTEND_PATH:-ui}"
"$tauri" build --bundles deb --config '{"build":{"beforeBuildCommand":null}}'

bundle_dir="$CARGO_TARGET_DIR/release/bundle/deb"
shopt -s nullglob
debs=("$bundle_dir"/*.deb)
[ "${#debs[@]}" -gt 0 ] || die "no .deb was produced in $bundle_dir"
header "Done"
for deb in "${debs[@]}"; do
  echo "package: $deb ($(du -h "$deb" | cut -f1))"
done
echo "install it with: sudo apt-get install ./$(basename "${debs[-1]}") (from that folder)"
