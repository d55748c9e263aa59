#!/bin/sh
# Install the real servers some tests start themselves: Debian's `redis-server`,
# `nats-server` and `prometheus`. `make test` runs this before pytest, like install-browser.sh.
#
# Usage: sh scripts/install-services.sh [package ...]   (default: every package below)
#
# Idempotent and quick when installed. It never fails the build: where a package cannot be
# installed (no apt-get, not root and no password-less sudo, no network) it writes why to
# .venv/service-install-reason-<package>.txt and the tests that need it skip with that reason
# (tests/services.py reads it). FEDGATE_SKIP_SERVICE_INSTALL=1 skips every installation.
set -u

packages="${*:-redis-server nats-server prometheus}"
reason_dir="${FEDGATE_SERVICE_REASON_DIR:-.venv}"
mkdir -p "$reason_dir" 2>/dev/null

command_of() {
    case "$1" in
        redis-server) echo redis-server ;;
        nats-server) echo nats-server ;;
        prometheus) echo prometheus ;;
        *) echo "$1" ;;
    esac
}

note() { printf '%s\n' "$2" >"$reason_dir/service-install-reason-$1.txt"; echo "install-services: $1: $2" >&2; }

missing=""
for pkg in $packages; do
    if command -v "$(command_of "$pkg")" >/dev/null 2>&1; then
        rm -f "$reason_dir/service-install-reason-$pkg.txt"
    else
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0

give_up_all() {
    for pkg in $missing; do note "$pkg" "$1; the tests that need $pkg will be skipped"; done
    exit 0
}

[ "${FEDGATE_SKIP_SERVICE_INSTALL:-}" = 1 ] && give_up_all "FEDGATE_SKIP_SERVICE_INSTALL=1 is set"
command -v apt-get >/dev/null 2>&1 || give_up_all "apt-get is not available"
if [ "$(id -u)" = 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    give_up_all "installing Debian packages needs root (or password-less sudo)"
fi

export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq >/dev/null 2>&1 || give_up_all "apt-get update failed"
for pkg in $missing; do
    # one at a time, so one package that cannot install does not cost the others
    if ! $as_root apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1; then
        note "$pkg" "apt-get install $pkg failed; the tests that need it will be skipped"
        continue
    fi
    # Debian starts some of them as system services; the tests start their own on free ports
    if command -v "$(command_of "$pkg")" >/dev/null 2>&1; then
        rm -f "$reason_dir/service-install-reason-$pkg.txt"
        echo "install-services: installed $pkg" >&2
    else
        note "$pkg" "$(command_of "$pkg") is still not on PATH after apt-get install $pkg"
    fi
done
exit 0
