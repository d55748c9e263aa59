#!/bin/sh
# Install the differential tester's reference gateways (tests/difftest/oracle: Hive Gateway
# with Hive Router's Rust query planner, Apollo Gateway) with `npm ci` from the committed
# package-lock.json. `make test` runs this before pytest.
#
# Idempotent and quick when installed (the lock file's hash is kept next to node_modules).
# It never fails the build: where Node/npm are missing or npm ci fails (no network), it says
# why, and the Node-marked difftest sample skips with that reason.
# FEDGATE_SKIP_ORACLE_INSTALL=1 skips the installation.
set -u

oracle="tests/difftest/oracle"
reason_file="${FEDGATE_ORACLE_REASON_FILE:-.venv/oracle-install-reason.txt}"
stamp="$oracle/node_modules/.lock-hash"

give_up() {
    echo "install-oracle: $1; the difftest sample will be skipped" >&2
    mkdir -p "$(dirname "$reason_file")" 2>/dev/null && printf '%s\n' "$1" >"$reason_file"
    exit 0
}

if [ "${FEDGATE_SKIP_ORACLE_INSTALL:-}" = 1 ]; then
    give_up "FEDGATE_SKIP_ORACLE_INSTALL=1 is set, so the reference gateways were not installed"
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    give_up "node and npm are needed for the reference gateways"
fi
want="$(sha256sum "$oracle/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    rm -f "$reason_file"
    exit 0
fi
echo "install-oracle: npm ci in $oracle" >&2
if ! (cd "$oracle" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
    give_up "npm ci failed in $oracle"
fi
printf '%s\n' "$want" >"$stamp"
rm -f "$reason_file"
echo "install-oracle: installed" >&2
