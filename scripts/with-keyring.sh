#!/usr/bin/env bash
# Run a command inside a fresh D-Bus session with a fresh, unlocked
# gnome-keyring (Secret Service), as the tests and benchmarks need:
#
#   scripts/with-keyring.sh cargo test --all-targets
#
# Each call gets new, empty XDG_DATA_HOME and XDG_RUNTIME_DIR folders, so no
# stale login.keyring can trigger an unlock prompt; they are removed afterwards.
set -euo pipefail

if [ "${1:-}" = "--inside" ]; then
  shift
  # We are inside dbus-run-session: start the keyring daemon, unlocked with a
  # throw-away password, and export what it prints (GNOME_KEYRING_CONTROL=...,
  # sometimes SSH_AUTH_SOCK=...).
  out="$(printf 'pw' | gnome-keyring-daemon --components=secrets --unlock --daemonize)"
  while IFS= read -r line; do
    case "$line" in
      [A-Za-z_]*=*) export "${line?}" ;;
    esac
  done <<<"$out"
  # Wait (bounded) until the Secret Service answers on the bus.
  if command -v dbus-send >/dev/null 2>&1; then
    for _ in $(seq 1 50); do
      if dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true'; then
        break
      fi
      sleep 0.2
    done
  fi
  exec "$@"
fi

[ "$#" -gt 0 ] || {
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
}
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "error: $tool not found (run scripts/setup-system.sh)" >&2
    exit 1
  }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hearken-keyring.XXXXXX")"
# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
  # The keyring daemon usually leaves with the session bus, but not always (for
  # example when the command ended before the daemon had joined the bus). End
  # the one started for this session: the one whose environment names our
  # runtime folder.
  local pid
  for pid in $(pgrep -x gnome-keyring-d 2>/dev/null || true); do
    if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "XDG_RUNTIME_DIR=$tmp/run"; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$tmp" 2>/dev/null || { sleep 1; rm -rf "$tmp" 2>/dev/null || true; }
}
trap cleanup EXIT
mkdir -m 700 "$tmp/data" "$tmp/run"
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run"
unset GNOME_KEYRING_CONTROL SSH_AUTH_SOCK DBUS_SESSION_BUS_ADDRESS

status=0
dbus-run-session -- bash "$0" --inside "$@" || status=$?
exit "$status"
