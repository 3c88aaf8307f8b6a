#!/usr/bin/env bash
# Tile benchmark, side by side (docs/tiles.md §8): Martin 1.14.0 on PostGIS (table source) and
# riskmap, the same real districts (../shared/data/kz/kz-adm2.geojson), the same tile lists and
# the same client (wrk + curl through crates/riskmap-tiles/bench/http_compare.sh), cache off
# (cold) and warm. Writes target/tile-bench/results/<date>-<sha>.csv. Not part of CI.
#
# Installs what it needs: Debian postgresql-15-postgis-3, gdal-bin, wrk; Martin with cargo into
# target/tile-bench/martin (8–30 minutes the first time; announced before it starts; never
# committed). Safe on a shared machine: it takes free ports, a database of its own unique name
# (created and dropped; no other database is touched) and a private temporary folder, and
# removes all three on exit, Ctrl-C or error.
set -euo pipefail
cd "$(dirname "$0")/.."
GEO=${RISKMAP_GEOGRAPHY:-../shared/data/kz}
MARTIN=${MARTIN:-$PWD/target/tile-bench/martin/bin/martin}
OUT=${OUT:-target/tile-bench/results/$(date +%Y-%m-%d)-$(git rev-parse --short HEAD).csv}
PATHS_DIR="$PWD/target/tile-bench/paths"
export OUT PATHS_DIR
mkdir -p "$(dirname "$OUT")"
WORK=$(mktemp -d -t riskmap-tile-bench.XXXXXX)
BENCH_DB="riskmap_tile_bench_$$_$(date +%s)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MARTIN_PORT=$(free_port)
RISKMAP_PORT=$(free_port)

need=()
for pkg in postgresql-15-postgis-3 gdal-bin wrk; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
[ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
if [ ! -x "$MARTIN" ]; then
  echo "bench-tiles: building Martin 1.14.0 with cargo into $(dirname "$(dirname "$MARTIN")")"
  echo "bench-tiles: this takes 8–30 minutes the first time (set MARTIN=/path/to/martin to skip)"
  cargo install martin --version 1.14.0 --locked --no-default-features \
    --features postgres,mbtiles,pmtiles,geojson,metrics --root "$(dirname "$(dirname "$MARTIN")")"
fi

# PostGIS with the real districts.
pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect 15 main start
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $BENCH_DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "bench-tiles: database $BENCH_DB, ports martin $MARTIN_PORT and riskmap $RISKMAP_PORT, scratch $WORK"
psql -h 127.0.0.1 -U postgres -d postgres -qc "create database $BENCH_DB"
psql -h 127.0.0.1 -U postgres -d "$BENCH_DB" -qc "create extension postgis"
ogr2ogr -f PostgreSQL PG:"host=127.0.0.1 dbname=$BENCH_DB user=postgres" "$GEO/kz-adm2.geojson" \
  -nln adm2 -nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom -lco FID=gid -t_srs EPSG:3857
psql -h 127.0.0.1 -U postgres -d "$BENCH_DB" -qc "alter table adm2 add column kato_id bigint" \
  -c "update adm2 set kato_id = kato::bigint" -c "create index on adm2 using gist (geom)" -c "vacuum analyze adm2"

martin_config() {
  cat <<YAML
listen_addresses: '127.0.0.1:$MARTIN_PORT'
worker_processes: 2
cache:
  size_mb: $1
postgres:
  connection_string: 'postgres://postgres@127.0.0.1/$BENCH_DB'
  pool_size: 8
  auto_publish: false
  tables:
    adm2:
      schema: public
      table: adm2
      srid: 3857
      geometry_column: geom
      id_column: kato_id
      geometry_type: MULTIPOLYGON
      properties:
        kato: varchar
        name_ru: varchar
YAML
}

wait_for() { for _ in $(seq 1 1200); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "timeout waiting for $1" >&2; return 1; }
prime() { for z in 3 4 5 6 10; do while read -r p; do curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$1$p$2"; done < "$PATHS_DIR/paths_z$z.txt"; done; }

cargo build --release -p riskmap-cli
RISKMAP_BENCH_PATHS="$PATHS_DIR" RISKMAP_BENCH_PASSES=1 cargo bench -p riskmap-tiles --bench tiles -- --test >/dev/null
DB=$WORK/bench.sqlite3

SYSTEMS=${SYSTEMS:-martin riskmap}
for config in cold warm; do
  size=0; mb=0; [ "$config" = warm ] && size=512 && mb=512
  if [[ " $SYSTEMS " == *" martin "* ]]; then
  martin_config "$size" > "$WORK/martin.yaml"
  "$MARTIN" --config "$WORK/martin.yaml" > "$WORK/martin.log" 2>&1 & pid=$!; pids+=("$pid")
  wait_for http://127.0.0.1:$MARTIN_PORT/health
  [ "$config" = warm ] && prime http://127.0.0.1:$MARTIN_PORT/adm2/ ""
  CONFIG=$config crates/riskmap-tiles/bench/http_compare.sh martin-pg=http://127.0.0.1:$MARTIN_PORT/adm2/
  kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  fi
  [[ " $SYSTEMS " == *" riskmap "* ]] || continue

  # The cold run starts on an empty database (demo data generated and stored first); the warm
  # run restarts on that database (`--demo` then finds it filled: a production restart).
  what="first start, demo data generated and stored"
  [ "$config" = warm ] && what="restart on the stored database"
  started=$(date +%s.%N)
  target/release/riskmap serve --demo --addr 127.0.0.1:$RISKMAP_PORT --database "sqlite://$DB" --geography "$GEO" --tile-cache-mb $mb > "$WORK/riskmap.log" 2>&1 & pid=$!; pids+=("$pid")
  wait_for http://127.0.0.1:$RISKMAP_PORT/tiles/districts/3/5/2.mvt
  echo "riskmap startup to first tile ($what): $(echo "$(date +%s.%N) - $started" | bc) s" | tee -a "$OUT.notes"
  [ "$config" = warm ] && prime http://127.0.0.1:$RISKMAP_PORT/tiles/districts/ .mvt
  CONFIG=$config SUFFIX=.mvt crates/riskmap-tiles/bench/http_compare.sh riskmap=http://127.0.0.1:$RISKMAP_PORT/tiles/districts/
  echo "riskmap RSS after $config run: $(ps -o rss= -p $pid) KB" | tee -a "$OUT.notes"
  kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
done
echo "results: $OUT"
