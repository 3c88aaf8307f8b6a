#!/usr/bin/env bash
# Runs the whole test suite: formatting and lints, every Rust test (the PostgreSQL tests run
# against the local server on 127.0.0.1:5432), and the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test (Rust, SQLite and PostgreSQL)"
cargo test --workspace --locked
echo "== browser tests (headless Chromium, WebGL2 via SwiftShader)"
cargo build --locked -p riskmap-cli
(cd tests/browser && node --test --test-concurrency=1)
echo "== schemathesis (every route, every role, against the OpenAPI document)"
bash scripts/schemathesis.sh
echo "all tests passed; screenshots in tests/artifacts/"
