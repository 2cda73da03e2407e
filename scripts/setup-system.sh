#!/usr/bin/env bash
# Install what Hearken needs to build, run and test on Debian 12. Idempotent:
# apt-get runs only when a package is missing.
#
#   scripts/setup-system.sh          build + run needs (Debian packages, checks
#                                    for node, npm, cargo)
#   scripts/setup-system.sh --test   also what the tests need: rustfmt, clippy,
#                                    tauri-driver (cargo install, if missing)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test | --e2e) want_test=1 ;;
    -h | --help)
      sed -n '2,9p' "$0"
      exit 0
      ;;
    *) die "unknown option: $arg (try --help)" ;;
  esac
done

PACKAGES=(
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev
  librsvg2-dev libayatana-appindicator3-dev libssl-dev pkg-config build-essential
  xvfb xauth webkit2gtk-driver gnome-keyring dbus-x11 dbus-bin libsecret-tools curl sqlite3
)

# ---- Debian packages --------------------------------------------------------
command -v dpkg-query >/dev/null 2>&1 ||
  die "this script is for Debian 12 (dpkg-query not found); install the equivalents of: ${PACKAGES[*]}"

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)"
  # "ii " = installed and configured
  if [ "${status:0:2}" != "ii" ]; then missing+=("$pkg"); fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all ${#PACKAGES[@]} present"
else
  echo "system packages: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    die "not root and sudo is not installed: as root, run: apt-get install ${missing[*]}"
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q "${missing[@]}"
fi

# ---- toolchains (cannot be downloaded by this script) -----------------------
problems=()
if ! command -v node >/dev/null 2>&1; then
  problems+=("Node.js is not installed. Install Node 20 or newer (for example from your
    distribution or nodejs.org), then run this script again.")
else
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$node_major" -lt 20 ]; then
    problems+=("Node.js $(node --version) is too old: the UI build and the end-to-end tests
    need Node 20 or newer. Install a newer Node and run this script again.")
  fi
fi
if ! command -v npm >/dev/null 2>&1; then
  problems+=("npm is not installed. It normally comes with Node.js; on Debian
    install it with your Node (or 'apt-get install npm').")
fi
if ! command -v cargo >/dev/null 2>&1; then
  problems+=("Rust (cargo) is not installed. Install it with rustup (https://rustup.rs),
    open a new terminal so ~/.cargo/bin is on PATH, and run this script again.")
elif [ "$want_test" -eq 1 ]; then
  for comp in fmt clippy; do
    if ! cargo "$comp" --version >/dev/null 2>&1; then
      problems+=("cargo $comp is missing. Add it with: rustup component add ${comp/fmt/rustfmt}")
    fi
  done
fi
if [ "${#problems[@]}" -gt 0 ]; then
  printf '\nSome tools are missing and this script cannot download them:\n' >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "toolchains: node $(node --version), npm $(npm --version), $(cargo --version)"

# ---- test tools --------------------------------------------------------------
if [ "$want_test" -eq 1 ]; then
  if command -v tauri-driver >/dev/null 2>&1; then
    echo "tauri-driver: $(command -v tauri-driver)"
  else
    echo "tauri-driver: installing with cargo install (takes a few minutes)"
    cargo install tauri-driver --locked
    command -v tauri-driver >/dev/null 2>&1 ||
      die "tauri-driver was installed but is not on PATH; add $CARGO_BIN_DIR to PATH"
  fi
  command -v WebKitWebDriver >/dev/null 2>&1 ||
    die "WebKitWebDriver is not on PATH (it comes with the webkit2gtk-driver package)"
fi
