#!/usr/bin/env python3
"""PySAL esda peer of `benches/permutation.rs`: the same synthetic data, the same work.

Data (bit-identical to the Rust bench, splitmix64 stream, uniform = (z >> 11) * 2**-53):
  * 7,687 points in a 700 km x 500 km box, kNN-8, value 2*ux + uy + noise;
  * 224 points, kNN-5.
Work timed (9,999 permutations, seed 12345):
  * esda.Moran_Local (row-standardised), esda.G_Local (binary, star=True),
    esda.Moran (global, row-standardised), libpysal KNN construction.

Run (numba makes esda's permutation engine much faster; time both with and without it):

    python3 -m venv /tmp/esda-venv
    /tmp/esda-venv/bin/pip install esda libpysal numba
    /tmp/esda-venv/bin/python crates/riskmap-score/bench/esda_peer.py [--n-jobs 1] [--repeat 3]

Then compare with `cargo bench -p riskmap-score --bench permutation`
(`RAYON_NUM_THREADS=1` for single-thread figures). The first esda call of each kind
includes numba's JIT compilation; it is reported separately and excluded from the best time.
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

PERMUTATIONS = 9_999
SEED = 12345
MASK = (1 << 64) - 1


def splitmix64(seed: int):
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def synthetic(n: int, seed: int):
    g = splitmix64(seed)
    uniform = lambda: (next(g) >> 11) * (1.0 / 9007199254740992.0)  # noqa: E731
    points = np.empty((n, 2))
    values = np.empty(n)
    for i in range(n):
        ux, uy, noise = uniform(), uniform(), uniform()
        points[i] = (700_000.0 * ux, 500_000.0 * uy)
        values[i] = 2.0 * ux + uy + noise
    return points, values


def timed(label: str, fn, repeat: int):
    times = []
    result = None
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    print(f"{label:<45} first {times[0]:8.3f} s   best of {repeat} {min(times[1:]):8.3f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-jobs", type=int, default=-1, help="esda n_jobs (-1 = all cores)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    import esda
    import libpysal
    from esda.getisord import G_Local
    from esda.moran import Moran, Moran_Local
    from libpysal.weights import KNN

    try:
        import numba  # noqa: F401

        engine = "numba"
    except ImportError:
        engine = "pure numpy (no numba)"
    print(f"esda {esda.__version__}, libpysal {libpysal.__version__}, numpy {np.__version__}, {engine}, n_jobs={args.n_jobs}")

    for n, k, seed in ((7_687, 8, 1), (224, 5, 2)):
        points, y = synthetic(n, seed)
        print(f"\n{n} points, kNN-{k}, {PERMUTATIONS} permutations")
        w = timed(f"knn{k} weights", lambda: KNN.from_array(points, k=k), args.repeat)

        def lisa():
            wr = KNN.from_array(points, k=k)
            return Moran_Local(y, wr, transformation="r", permutations=PERMUTATIONS, seed=SEED, n_jobs=args.n_jobs, keep_simulations=False)

        lm = timed("Moran_Local (r) incl. weights copy", lisa, args.repeat)
        print(f"  mean p_sim {np.mean(lm.p_sim):.4f}, #p_sim<=0.05 {(lm.p_sim <= 0.05).sum()}")
        if n < 1000:
            continue

        def gstar():
            wb = KNN.from_array(points, k=k)
            return G_Local(y, wb, transform="B", star=True, permutations=PERMUTATIONS, seed=SEED, n_jobs=args.n_jobs, keep_simulations=False)

        timed("G_Local (B, star) incl. weights copy", gstar, args.repeat)

        def moran():
            np.random.seed(SEED)
            return Moran(y, KNN.from_array(points, k=k), transformation="r", permutations=PERMUTATIONS)

        m = timed("Moran global (r) incl. weights copy", moran, args.repeat)
        print(f"  I = {m.I:.6f}, p_sim = {m.p_sim}")
        del w


if __name__ == "__main__":
    main()
