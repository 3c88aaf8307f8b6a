#!/usr/bin/env python3
"""PySAL esda peer of `benches/permutation.rs`: the same synthetic data, the same work.

Workloads (data bit-identical to the Rust bench: splitmix64 stream, uniform = (z >> 11) * 2**-53):
  (a) 224 districts: 16 x 14 lattice of unit squares, queen contiguity (lat2W, rook=False);
  (b) 7,687 schools: points in a 700 km x 500 km box, kNN-8.
Work timed per workload (9,999 permutations, seed 12345), weights built once outside the timer
on both sides:
  * EB: esda.smoothing.Empirical_Bayes on synthetic counts;
  * global Moran: esda.Moran (row-standardised, moments + permutations);
  * LISA: esda.Moran_Local (row-standardised, keep_simulations=False);
  * Gi*: esda.G_Local (binary, star=True, keep_simulations=False), with permutations on both
    sides ("gistar");
  * Gi* analytic: esda.G_Local with permutations=0 (z-scores and normal p-values only) against
    riskmap's getis_ord_local alone ("gistar analytic"; what the server's hotspot overlay runs).
Like is compared with like: every row names the work both sides did, and the WHOLE line sums the
permutation rows only (EB, Moran, LISA, Gi* with permutations).
plus libpysal KNN construction for (b), reported apart.

Run (numba makes esda's conditional-permutation engine much faster):

    python3 -m venv /tmp/esda-venv
    /tmp/esda-venv/bin/pip install esda libpysal numba
    cargo bench -p riskmap-score --bench permutation
    /tmp/esda-venv/bin/python crates/riskmap-score/bench/esda_peer.py --compare

`--compare` reads the Rust times from criterion's files (target/criterion, or
$CARGO_TARGET_DIR/criterion) and prints both sides with the ratios. Times are the best of
`--repeat` runs on the esda side and the best criterion sample on the riskmap side (both are
then least disturbed by other load; criterion's mean is printed too). For single-thread
figures run both with one thread: `RAYON_NUM_THREADS=1 cargo bench ...` and `--n-jobs 1`
(esda's global Moran is single-threaded either way). The first esda call of each kind
includes numba's JIT compilation; it is reported separately and excluded from the best time.

On a machine shared with other work, wall-clock times swing with the load. `--cpu` compares
CPU time instead: esda's process CPU (`time.process_time`; use `--n-jobs 1`, since worker
processes escape that clock) against `BENCH_CPU_TIME=1 cargo bench ...` (riskmap's process
CPU over all its threads, criterion groups ending in " cpu").
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
import warnings
from pathlib import Path

import numpy as np

PERMUTATIONS = 9_999
SEED = 12345
MASK = (1 << 64) - 1
STATISTICS = ("eb", "moran global", "lisa", "gistar")
ANALYTIC = ("gistar analytic",)


def splitmix64(seed: int):
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def uniforms(seed: int):
    g = splitmix64(seed)
    while True:
        yield (next(g) >> 11) * (1.0 / 9007199254740992.0)


def synthetic_points(n: int, seed: int):
    u = uniforms(seed)
    points = np.empty((n, 2))
    values = np.empty(n)
    for i in range(n):
        ux, uy, noise = next(u), next(u), next(u)
        points[i] = (700_000.0 * ux, 500_000.0 * uy)
        values[i] = 2.0 * ux + uy + noise
    return points, values


def synthetic_lattice(rows: int, cols: int, seed: int):
    u = uniforms(seed)
    values = np.empty(rows * cols)
    for r in range(rows):
        for c in range(cols):
            x, y = float(c), float(r)
            values[r * cols + c] = 2.0 * ((x + 0.5) / cols) + (y + 0.5) / rows + next(u)
    return values


def synthetic_counts(n: int, seed: int):
    u = uniforms(seed)
    events = np.empty(n)
    population = np.empty(n)
    for i in range(n):
        b = 200.0 + math.floor(1_800.0 * next(u))
        events[i] = math.floor(0.02 * b * next(u))
        population[i] = b
    return events, population


def timed(label: str, fn, repeat: int, cpu: bool):
    """Runs fn repeat + 1 times; returns its result and the best wall (or CPU) time after the first."""
    times = []
    cpu_times = []
    result = None
    for _ in range(repeat + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    best, best_cpu = min(times[1:]), min(cpu_times[1:])
    print(f"{label:<32} first {times[0]:8.3f} s   best of {repeat} {best:8.3f} s   (CPU {best_cpu:8.3f} s)", flush=True)
    return result, best_cpu if cpu else best


def criterion_times(root: Path, group: str, name: str):
    """(best sample, mean) in seconds from criterion's files under the target dir `root`, or None."""
    d = root / "criterion" / group / name / "new"
    try:
        sample = json.loads((d / "sample.json").read_text())
        estimates = json.loads((d / "estimates.json").read_text())
    except (OSError, ValueError):
        return None
    best = min(t / i for t, i in zip(sample["times"], sample["iters"]))
    return best * 1e-9, estimates["mean"]["point_estimate"] * 1e-9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-jobs", type=int, default=-1, help="esda n_jobs (-1 = all cores)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="print riskmap's criterion times and the ratios")
    parser.add_argument("--cpu", action="store_true", help="compare CPU times (see above)")
    parser.add_argument("--baseline", type=Path, action="append", default=[], metavar="TARGET_DIR",
                        help="also compare with the criterion results of another build (e.g. an older commit's target dir)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    import esda
    import libpysal
    from esda.getisord import G_Local
    from esda.moran import Moran, Moran_Local
    from esda.smoothing import Empirical_Bayes
    from libpysal.weights import KNN, lat2W

    try:
        import numba  # noqa: F401

        engine = "numba"
    except ImportError:
        engine = "pure numpy (no numba)"
    print(f"esda {esda.__version__}, libpysal {libpysal.__version__}, numpy {np.__version__}, {engine}, n_jobs={args.n_jobs}")

    points_b, y_b = synthetic_points(7_687, 1)
    workloads = [
        ("a 224 cells queen", synthetic_lattice(16, 14, 2), lambda: lat2W(16, 14, rook=False), 102),
        ("b 7687 points knn8", y_b, lambda: KNN.from_array(points_b, k=8), 101),
    ]
    esda_times: dict[tuple[str, str], float] = {}
    for group, y, make_w, counts_seed in workloads:
        print(f"\n{group}: n = {len(y)}, {PERMUTATIONS} permutations")
        if group.startswith("b"):
            _, esda_times[(group, "knn8 weights")] = timed("knn8 weights", make_w, args.repeat, args.cpu)
        events, population = synthetic_counts(len(y), counts_seed)
        w_r = make_w()
        w_r.transform = "r"
        w_b = make_w()

        _, esda_times[(group, "eb")] = timed("eb", lambda: Empirical_Bayes(events, population), args.repeat, args.cpu)

        def moran():
            np.random.seed(SEED)
            return Moran(y, w_r, transformation="r", permutations=PERMUTATIONS)

        m, esda_times[(group, "moran global")] = timed("moran global", moran, args.repeat, args.cpu)
        print(f"  I = {m.I:.6f}, p_sim = {m.p_sim}")

        def lisa():
            return Moran_Local(y, w_r, transformation="r", permutations=PERMUTATIONS, seed=SEED, n_jobs=args.n_jobs, keep_simulations=False)

        lm, esda_times[(group, "lisa")] = timed("lisa", lisa, args.repeat, args.cpu)
        print(f"  mean p_sim {np.mean(lm.p_sim):.4f}, #p_sim<=0.05 {(lm.p_sim <= 0.05).sum()}")

        def gstar():
            return G_Local(y, w_b, transform="B", star=True, permutations=PERMUTATIONS, seed=SEED, n_jobs=args.n_jobs, keep_simulations=False)

        _, esda_times[(group, "gistar")] = timed("gistar", gstar, args.repeat, args.cpu)

        def gstar_analytic():
            return G_Local(y, w_b, transform="B", star=True, permutations=0, keep_simulations=False)

        _, esda_times[(group, "gistar analytic")] = timed("gistar analytic", gstar_analytic, args.repeat, args.cpu)

    if not args.compare:
        return
    clock = "CPU" if args.cpu else "wall-clock"
    default_root = Path(os.environ.get("CARGO_TARGET_DIR", Path(__file__).resolve().parents[3] / "target"))
    for root in [default_root, *args.baseline]:
        print(f"\n{clock} seconds, riskmap from {root} (esda: best of --repeat; riskmap: best criterion sample, mean in brackets)")
        print(f"{'workload':<20} {'statistic':<14} {'esda':>9} {'riskmap':>9} {'(mean)':>10} {'ratio':>8}")
        for group, *_ in workloads:
            total_esda = total_ours = total_mean = 0.0
            names = (("knn8 weights",) if group.startswith("b") else ()) + STATISTICS + ANALYTIC
            for name in names:
                ours = criterion_times(root, group + (" cpu" if args.cpu else ""), name)
                theirs = esda_times[(group, name)]
                if ours is None:
                    print(f"{group:<20} {name:<14} {theirs:9.4f}   (no criterion result: run the cargo bench first)")
                    continue
                best, mean = ours
                print(f"{group:<20} {name:<14} {theirs:9.4f} {best:9.4f} {f'({mean:.4f})':>10} {theirs / best:7.1f}x")
                if name in STATISTICS:
                    total_esda += theirs
                    total_ours += best
                    total_mean += mean
            if total_ours > 0:
                print(f"{group:<20} {'WHOLE (perm.)':<14} {total_esda:9.4f} {total_ours:9.4f} {f'({total_mean:.4f})':>10} {total_esda / total_ours:7.1f}x")


if __name__ == "__main__":
    main()
