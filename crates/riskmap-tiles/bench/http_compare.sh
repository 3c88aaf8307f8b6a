#!/usr/bin/env bash
# Side-by-side HTTP tile benchmark (tiles.md section 8): the same tile lists, the same client,
# the same Accept-Encoding, against every system given on the command line.
#
# usage: crates/riskmap-tiles/bench/http_compare.sh <label>=<url-prefix> [<label>=<url-prefix> ...]
#   e.g. http_compare.sh martin-pg=http://127.0.0.1:3000/adm2/ riskmap=http://127.0.0.1:8080/tiles/districts/
#   A tile URL is <url-prefix><z>/<x>/<y><SUFFIX>.
#
# Environment (defaults in brackets):
#   CONFIG           label of the server configuration in the results, e.g. cold, warm, warm-identity [cold]
#   ZOOMS            zooms to run [3 4 5 6 10]
#   PATHS_DIR        folder with paths_z{z}.txt; written by the cargo bench when missing [target/tile-bench/paths]
#   SUFFIX           appended to every tile path, e.g. .mvt [empty]
#   ACCEPT_ENCODING  request header value; empty sends none (identity) [gzip]
#   COLD_N           tiles per zoom fetched once, in sequence, with curl [30]
#   WRK_DURATION, WRK_THREADS, WRK_CONNS, RUNS   wrk load runs [10s, 2, 32, 3]; skipped without wrk
#   OUT              results CSV [target/tile-bench/results/<date>-<git-sha>.csv]
#
# Nothing is installed or started here: start each server alone on the machine first (Martin 1.14
# with PostGIS, or the riskmap server), with its cache set as CONFIG says. Run from the repo root.
set -euo pipefail

[ $# -ge 1 ] || { sed -n '2,22p' "$0"; exit 2; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }

CONFIG=${CONFIG:-cold}
ZOOMS=${ZOOMS:-3 4 5 6 10}
PATHS_DIR=${PATHS_DIR:-target/tile-bench/paths}
SUFFIX=${SUFFIX:-}
ACCEPT_ENCODING=${ACCEPT_ENCODING-gzip}
COLD_N=${COLD_N:-30}
WRK_DURATION=${WRK_DURATION:-10s}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNS=${WRK_CONNS:-32}
RUNS=${RUNS:-3}
SHA=$(git rev-parse --short HEAD 2>/dev/null || echo nogit)
OUT=${OUT:-target/tile-bench/results/$(date +%Y-%m-%d)-$SHA.csv}

for z in $ZOOMS; do
  if [ ! -s "$PATHS_DIR/paths_z$z.txt" ]; then
    echo "== writing tile lists to $PATHS_DIR (cargo bench, one pass)"
    RISKMAP_BENCH_PATHS="$PATHS_DIR" RISKMAP_BENCH_PASSES=1 cargo bench -p riskmap-tiles --bench tiles -- --test >/dev/null
    break
  fi
done

mkdir -p "$(dirname "$OUT")"
if [ ! -s "$OUT" ]; then
  {
    echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), cores: $(nproc), kernel: $(uname -r)"
    echo "# rustc: $(rustc --version 2>/dev/null || echo -), wrk: $( (command -v wrk >/dev/null && wrk --version 2>&1 | head -1) || echo -), curl: $(curl --version | head -1 | cut -d' ' -f1-2)"
    echo "# accept-encoding: ${ACCEPT_ENCODING:-identity}; tile lists: $PATHS_DIR"
    echo "system,config,zoom,tiles,run,rps,p50_ms,p90_ms,p99_ms,max_ms,errors,non2xx,mean_bytes"
  } >"$OUT"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/paths.lua" <<'LUA'
-- wrk -s paths.lua <host> -- <prefix> <pathsfile> <suffix> <accept-encoding>
local paths, prefix, suffix, headers, idx = {}, "/", "", {}, 0
function init(args)
  prefix, suffix = args[1] or "/", args[3] or ""
  if args[4] and args[4] ~= "" then headers["Accept-Encoding"] = args[4] end
  for line in io.lines(args[2]) do paths[#paths + 1] = line end
  idx = math.random(#paths)
end
function request()
  idx = idx % #paths + 1
  return wrk.format("GET", prefix .. paths[idx] .. suffix, headers)
end
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.3f %.3f %.3f %.3f %d %d %.0f\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status,
    summary.bytes / math.max(summary.requests, 1)))
end
LUA

header_args=()
[ -n "$ACCEPT_ENCODING" ] && header_args=(-H "Accept-Encoding: $ACCEPT_ENCODING")

for spec in "$@"; do
  system=${spec%%=*}
  base=${spec#*=}
  host=$(echo "$base" | sed -E 's#(https?://[^/]+).*#\1#')
  prefix=$(echo "$base" | sed -E 's#https?://[^/]+##')
  for z in $ZOOMS; do
    list="$PATHS_DIR/paths_z$z.txt"
    tiles=$(wc -l <"$list")
    # Cold latency: the first COLD_N tiles once each, in sequence (restart the server with its
    # cache off before CONFIG=cold, so no tile is served from memory).
    head -n "$COLD_N" "$list" | while read -r path; do
      curl -s -o /dev/null "${header_args[@]}" -w '%{time_total} %{size_download} %{http_code}\n' "$base$path$SUFFIX"
    done >"$TMP/cold.txt"
    sort -n "$TMP/cold.txt" | awk -v s="$system" -v c="$CONFIG" -v z="$z" -v t="$tiles" '
      { ms[NR] = $1 * 1000; sum += $1 * 1000; bytes += $2; if ($3 != 200 && $3 != 204) bad++ }
      END {
        n = NR; if (n == 0) exit
        i50 = int((n - 1) * 0.50 + 1.5); i90 = int((n - 1) * 0.90 + 1.5); i99 = int((n - 1) * 0.99 + 1.5)
        printf "%s,%s-curl,%s,%s,1,%.1f,%.3f,%.3f,%.3f,%.3f,0,%d,%.0f\n", s, c, z, n, n / (sum / 1000), ms[i50], ms[i90], ms[i99], ms[n], bad, bytes / n
      }' | tee -a "$OUT"
    if command -v wrk >/dev/null; then
      for run in $(seq 1 "$RUNS"); do
        r=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WRK_DURATION" -s "$TMP/paths.lua" "$host" -- "$prefix" "$list" "$SUFFIX" "$ACCEPT_ENCODING" | grep '^RESULT')
        read -r _ rps p50 p90 p99 max errors non2xx bytes <<<"$r"
        echo "$system,$CONFIG,$z,$tiles,$run,$rps,$p50,$p90,$p99,$max,$errors,$non2xx,$bytes" | tee -a "$OUT"
      done
    else
      echo "(wrk not installed: apt-get install -y wrk; throughput runs skipped)" >&2
    fi
  done
done
echo "results appended to $OUT"
