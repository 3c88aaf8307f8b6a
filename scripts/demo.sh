#!/usr/bin/env bash
# Runs riskmap on the embedded default: a SQLite file (riskmap.sqlite3), synthetic demo data,
# boundaries read from ../shared/data/kz. Prints the URL. Extra arguments go to `riskmap serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
RISKMAP_SKIP_APT="${RISKMAP_SKIP_APT:-1}" bash scripts/setup.sh
cargo build --release --locked -p riskmap-cli
exec target/release/riskmap serve --demo "$@"
