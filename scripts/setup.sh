#!/usr/bin/env bash
# Installs what riskmap needs on a fresh machine of this kind (Debian, Rust toolchain present):
# Debian packages (chromium for the browser tests), npm packages for web/ and tests/browser,
# and makes sure the local PostgreSQL server is running. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)  # PDF text in the document tests
if [ "${#need_apt[@]}" -gt 0 ] && [ "${RISKMAP_SKIP_APT:-0}" != "1" ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
fi

echo "setup: npm packages (web/: MapLibre GL JS; tests/browser/: Playwright core)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

# PostgreSQL is started fresh for every session and CI run on this machine kind; start it if
# it is installed but stopped, so the PostgreSQL tests can run.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  done
fi
