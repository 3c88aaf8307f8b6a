#!/usr/bin/env bash
# hhh4 benchmark, side by side in one run (issue #17): R `surveillance::hhh4` and
# `riskmap forecast` fit the same three standard models (NegBin1, Poisson, NegBinM; S = 1) to
# the same data, and the script prints R's seconds, riskmap's seconds and their ratio.
# Both sides time the fit alone with the data in memory, best of 3: R `system.time(hhh4(...))`,
# riskmap `forecast::fit` in the release example `forecast_bench` (crates/riskmap-score/examples).
# The whole `riskmap forecast` process (CSV reading and writing included) is timed too.
# Data sets: the measles oracle (17 units × 104 weeks) and fluBYBW (140 units × 416 weeks,
# generated here from the R package by shared/oracle/hhh4/make_hhh4_oracle.R).
# Also reports the largest coefficient difference between R and riskmap on each fit.
# Needs R (Debian: apt-get install r-base-core r-cran-surveillance r-cran-jsonlite). Not CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ORACLE=${ORACLE:-../shared/oracle/hhh4}
WORK=${WORK:-/tmp/riskmap-bench-forecast}
mkdir -p "$WORK"
command -v Rscript >/dev/null || { echo "Rscript not found: apt-get install r-base-core r-cran-surveillance r-cran-jsonlite" >&2; exit 2; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p riskmap-score --example forecast_bench
BENCH="$CARGO_TARGET_DIR/release/examples/forecast_bench"
BIN="${RISKMAP_BIN:-$CARGO_TARGET_DIR/release/riskmap}"  # optional: whole-process timing

[ -f "$WORK/flu/counts.csv" ] || Rscript "$ORACLE/make_hhh4_oracle.R" "$WORK/flu" flu
mkdir -p "$WORK/measles"; cp "$ORACLE"/measles/*.csv "$WORK/measles/"

cat > "$WORK/time_hhh4.R" <<'RS'
# Times hhh4 on the CSV files riskmap reads; prints family, seconds and coefficients as JSON.
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE); dir <- args[1]; freq <- as.numeric(args[2])
counts <- read.csv(file.path(dir, "counts.csv"), check.names = FALSE, colClasses = "character")
units <- colnames(counts)[-1]
y <- sapply(units, function(u) as.numeric(counts[[u]]))
pop <- read.csv(file.path(dir, "population.csv"), colClasses = c("character", "numeric"))
nb <- as.matrix(read.csv(file.path(dir, "neighbours.csv"), check.names = FALSE, row.names = 1, colClasses = c("character", rep("numeric", length(units)))))
nb <- nb[units, units]
popm <- matrix(pop$population[match(units, pop$unit)], nrow = nrow(y), ncol = length(units), byrow = TRUE)
s <- sts(observed = y, neighbourhood = nb, population = popm, frequency = freq)
out <- list()
for (family in c("NegBin1", "Poisson", "NegBinM")) {
  ctl <- list(end = list(f = addSeason2formula(~1, period = freq, S = 1), offset = popm),
              ar = list(f = ~1), ne = list(f = ~1, weights = nb == 1), family = family)
  best <- Inf
  for (k in 1:3) best <- min(best, system.time(fit <- hhh4(s, control = ctl))[["elapsed"]])
  out[[family]] <- list(seconds = best, coefficients = as.list(coef(fit)))
}
cat(jsonlite::toJSON(out, auto_unbox = TRUE, digits = I(15)))
RS

best_of_3() { # prints the best wall time of 3 runs of "$@" in seconds
  local best=999999 t0 t1 dt
  for _ in 1 2 3; do
    t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
    dt=$(echo "$t1 - $t0" | bc -l); best=$(echo "if ($dt < $best) $dt else $best" | bc -l)
  done
  printf '%.4f' "$best"
}

printf 'load average at start: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-8s %10s %12s %8s %14s %14s\n' data family R_fit_s riskmap_fit_s ratio process_s max_coef_diff
for data in measles flu; do
  dir="$WORK/$data"; freq=52
  Rscript "$WORK/time_hhh4.R" "$dir" "$freq" > "$WORK/$data-r.json"
  "$BENCH" "$dir" "$freq" > "$WORK/$data-riskmap.json"
  for family in NegBin1 Poisson NegBinM; do
    process=-
    if [ -x "$BIN" ]; then
      flag=$(echo "$family" | sed 's/NegBin1/negbin1/;s/Poisson/poisson/')
      process=$(best_of_3 "$BIN" forecast --counts "$dir/counts.csv" --population "$dir/population.csv" \
        --neighbours "$dir/neighbours.csv" --frequency "$freq" --family "$flag" --params "$WORK/p.json")
    fi
    python3 - "$WORK/$data-r.json" "$WORK/$data-riskmap.json" "$family" "$data" "$process" <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1]))[sys.argv[3]]; us = json.load(open(sys.argv[2]))[sys.argv[3]]
def internal(name, v):  # overdispersion on R's internal -log scale; the boundary is skipped
    return -math.log(v) if name.startswith("overdisp") else v
diffs = [abs(internal(k, us["coefficients"][k]) - internal(k, v)) for k, v in r["coefficients"].items()
         if not (k.startswith("overdisp") and v > 1e6)]
print(f"{sys.argv[4]:<8} {sys.argv[3]:<8} {r['seconds']:10.3f} {us['seconds']:12.4f} "
      f"{r['seconds']/us['seconds']:8.1f} {sys.argv[5]:>14} {max(diffs):14.2e}")
PY
  done
done
printf 'load average at end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
