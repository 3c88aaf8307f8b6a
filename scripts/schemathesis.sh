#!/usr/bin/env bash
# Schemathesis (PyPI) against a running `riskmap serve --demo`, from its own OpenAPI document,
# once with each role's demo token: no answer may be a 5xx, and every answer must conform to
# its documented status, content type and schema. Bounded examples so the run stays short.
# Installs schemathesis into target/schemathesis-venv on first use. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

version="4.32.5"
venv="target/schemathesis-venv"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  echo "schemathesis: installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

binary="${RISKMAP_BIN:-target/debug/riskmap}"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$binary" serve --demo --addr 127.0.0.1:0 --database "sqlite://$work/riskmap.sqlite3" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  grep -q "riskmap is serving on" "$work/serve.log" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; echo "schemathesis: the server did not start"; exit 1; }
  sleep 0.5
done
url="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" | head -1)"
[ -n "$url" ] || { cat "$work/serve.log"; echo "schemathesis: no URL"; exit 1; }
for _ in $(seq 1 120); do
  curl -fsS "$url/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done

status=0
for role in public akimat crisis ministry steward; do
  token="$(awk -v role="$role" '$1 == "demo" && $2 == "token" && $3 == role { print $4 }' "$work/serve.log")"
  [ -n "$token" ] || { echo "schemathesis: no demo token for $role"; exit 1; }
  echo "== schemathesis as $role"
  # One worker: CPython 3.11's ast.parse is not thread-safe ("AST constructor recursion depth
  # mismatch" in hypothesis's lambda descriptions with two workers).
  if ! "$venv/bin/schemathesis" run "$url/api/v1/openapi.json" \
      --header "Authorization: Bearer $token" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --max-examples "${SCHEMATHESIS_EXAMPLES:-8}" --workers 1 \
      --phases examples,coverage,fuzzing --seed 748 \
      --warnings off >"$work/$role.log" 2>&1; then
    status=1
    if grep -q FAILURES "$work/$role.log"; then
      sed -n '/FAILURES/,$p' "$work/$role.log" | head -200
    else
      tail -40 "$work/$role.log"
    fi
  else
    grep -E "passed|generated" "$work/$role.log" | tail -2
  fi
done
if grep -q "panicked" "$work/serve.log"; then
  echo "schemathesis: the server panicked"; grep -n "panicked" "$work/serve.log" | head; status=1
fi
exit "$status"
