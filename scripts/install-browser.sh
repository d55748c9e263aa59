#!/bin/sh
# Install headless Chromium and its WebDriver (Debian's `chromium` and `chromium-driver`)
# for the GraphiQL browser test (tests/e2e/test_graphiql_browser.py). `make test` runs this
# before pytest.
#
# Idempotent and quick when both are already installed. It never fails the build: where
# they cannot be installed (no apt-get, not root and no password-less sudo, no network) it
# says why, and the browser test skips with that reason (set FEDGATE_REQUIRE_BROWSER=1 to
# make the test fail instead). FEDGATE_SKIP_BROWSER_INSTALL=1 skips the installation.
set -u

reason_file="${FEDGATE_BROWSER_REASON_FILE:-.venv/browser-install-reason.txt}"

give_up() {
    echo "install-browser: $1; the browser test will be skipped" >&2
    mkdir -p "$(dirname "$reason_file")" 2>/dev/null && printf '%s\n' "$1" >"$reason_file"
    exit 0
}

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    rm -f "$reason_file"
    exit 0
fi
if [ "${FEDGATE_SKIP_BROWSER_INSTALL:-}" = 1 ]; then
    give_up "FEDGATE_SKIP_BROWSER_INSTALL=1 is set, so chromium was not installed"
fi
if ! command -v apt-get >/dev/null 2>&1; then
    give_up "apt-get is not available to install chromium and chromium-driver"
fi
if [ "$(id -u)" = 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    give_up "installing chromium and chromium-driver needs root (or password-less sudo)"
fi

echo "install-browser: installing chromium and chromium-driver with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $as_root apt-get update -qq >/dev/null; then
    give_up "apt-get update failed"
fi
if ! $as_root apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; then
    give_up "apt-get install chromium chromium-driver failed"
fi
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    give_up "chromium or chromedriver is still not on PATH after apt-get install"
fi
rm -f "$reason_file"
echo "install-browser: installed $(chromium --version 2>/dev/null)" >&2
