#!/usr/bin/env bash
# Reproducible start-up measurement: Hearken against a hello-world Tauri app.
# Not a test: it prints numbers and writes them to bench-results/startup.txt.
#
#   benches/startup/measure.sh               build both apps (release), measure both
#   benches/startup/measure.sh --hello-only  build and measure the hello app alone
#   benches/startup/measure.sh --no-build    measure the binaries already built
#
# Environment: BENCH_RUNS (default 3 per app), BENCH_IDLE_SECS (default 30),
# BENCH_DATA_FROM (start Hearken on a copy of this data folder, e.g. a
# million mentions built by `cargo bench --bench search`, instead of the
# sample workspace; results then go to bench-results/startup-data.txt),
# CARGO_TARGET_DIR (default ~/.cache/hearken/target; the hello app builds into
# $CARGO_TARGET_DIR/startup-hello).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib.sh
. "$HERE/../../scripts/lib.sh"
cd "$ROOT"

hello_only=0
build=1
for arg in "$@"; do
  case "$arg" in
    --hello-only) hello_only=1 ;;
    --no-build) build=0 ;;
    -h | --help)
      sed -n '2,14p' "$0"
      exit 0
      ;;
    *) die "unknown option: $arg (try --help)" ;;
  esac
done

RUNS="${BENCH_RUNS:-3}"
IDLE="${BENCH_IDLE_SECS:-30}"
HELLO_TARGET="$CARGO_TARGET_DIR/startup-hello"
HELLO_BIN="$HELLO_TARGET/release/startup-hello"
HEARKEN_BIN="$CARGO_TARGET_DIR/release/hearken"

header "Same release profile, Tauri version and CSP for both apps?"
python3 - "$ROOT" "$HERE/hello" <<'EOF'
import sys, tomllib
root, hello = sys.argv[1], sys.argv[2]
def load(p):
    with open(p, "rb") as f:
        return tomllib.load(f)
a = load(f"{root}/Cargo.toml").get("profile", {}).get("release", {})
b = load(f"{hello}/Cargo.toml").get("profile", {}).get("release", {})
print(f"[profile.release]: Hearken {a}, hello {b}")
if a != b:
    print("WARNING: the two release profiles differ; copy the root's into benches/startup/hello/Cargo.toml")
def versions(p):
    try:
        pkgs = load(p).get("package", [])
    except FileNotFoundError:
        return {}
    return {x["name"]: x["version"] for x in pkgs if x["name"] in ("tauri", "wry", "tao", "webkit2gtk")}
va, vb = versions(f"{root}/Cargo.lock"), versions(f"{hello}/Cargo.lock")
print(f"Hearken: {va}\nhello:   {vb}")
if va and vb and va != vb:
    print("WARNING: the apps use different tauri/wry/tao/webkit2gtk versions; "
          "update benches/startup/hello/Cargo.lock (cargo update -p tauri --precise ...)")
import json
def security(p):
    with open(p) as f:
        return json.load(f).get("app", {}).get("security", {})
if security(f"{root}/tauri.conf.json") != security(f"{hello}/tauri.conf.json"):
    print("WARNING: app.security (CSP) differs between tauri.conf.json and "
          "benches/startup/hello/tauri.conf.json; copy the app's")
else:
    print("app.security (CSP): same")
EOF

if [ "$build" -eq 1 ]; then
  header "System setup"
  bash "$ROOT/scripts/setup-system.sh"

  header "Build the hello app (release)"
  CARGO_TARGET_DIR="$HELLO_TARGET" cargo build --release --locked \
    --manifest-path "$HERE/hello/Cargo.toml"

  if [ "$hello_only" -eq 0 ]; then
    header "Build Hearken (UI, then cargo build --release)"
    ui_deps --if-changed
    (cd "$ROOT/ui" && npm run build)
    cargo build --release
  fi
fi

out="$ROOT/bench-results/startup.txt"
args=(--hello "$HELLO_BIN" --runs "$RUNS" --idle "$IDLE")
if [ -n "${BENCH_DATA_FROM:-}" ]; then
  [ -f "$BENCH_DATA_FROM/hearken.sqlite3" ] || die "BENCH_DATA_FROM=$BENCH_DATA_FROM holds no hearken.sqlite3"
  args+=(--data-from "$BENCH_DATA_FROM")
  out="$ROOT/bench-results/startup-data.txt"
fi
args+=(--out "$out")
if [ "$hello_only" -eq 0 ]; then
  [ -x "$HEARKEN_BIN" ] || die "$HEARKEN_BIN is missing (run without --no-build, or use --hello-only)"
  args+=(--hearken "$HEARKEN_BIN")
fi
[ -x "$HELLO_BIN" ] || die "$HELLO_BIN is missing (run without --no-build)"

header "Measure ($RUNS runs per app, ${IDLE}s idle each; under Xvfb with a D-Bus session + keyring)"
bash "$ROOT/scripts/with-keyring.sh" \
  xvfb-run -a -s "-screen 0 1280x900x24" \
  python3 "$HERE/measure.py" "${args[@]}"
