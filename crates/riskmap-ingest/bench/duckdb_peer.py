"""DuckDB peer of benches/ingest_1m.rs: read the same school_quarter CSV and compute the same
district x quarter sums, to compare wall time and peak memory with riskmap-ingest.

District = the first four KATO digits of the school's `kato` column (both sides group by
(substr(kato, 1, 4), period)); the real district polygon of a unit is not always the
`ABCD00000` code (geokz uses deeper codes for post-2022 units), so neither side maps to it.

DuckDB only parses and sums here; riskmap-ingest also validates every cell and rule of
contract v1 (types, ranges, sums, stock and flow, KATO, privacy, duplicates, outliers).

    python3 -m venv /tmp/duckdb-venv && /tmp/duckdb-venv/bin/pip install duckdb
    /usr/bin/time -v /tmp/duckdb-venv/bin/python bench/duckdb_peer.py /tmp/riskmap_school_quarter_1m.csv
"""

import csv
import resource
import sys
import time

import duckdb

SUMS = ["pupils_total", "viol_total", "isu_opened", "isu_open_end", "bullying_cases", "offences_against_pupils"]


def main(path: str) -> None:
    started = time.perf_counter()
    con = duckdb.connect()
    sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in SUMS)
    rows = con.execute(
        f"""
        SELECT substr(kato, 1, 4) AS district4, period, {sums}
        FROM read_csv(?, header = true, types = {{'kato': 'VARCHAR', 'nobd_org_id': 'VARCHAR', 'notes': 'VARCHAR'}})
        GROUP BY ALL ORDER BY district4, period
        """,
        [path],
    ).fetchall()
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"duckdb {duckdb.__version__}: {len(rows)} groups in {elapsed:.3f} s; peak RSS {peak_kb} kB")
    out = path.rsplit(".", 1)[0] + ".duckdb_agg.csv"
    with open(out, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["district4", "period", *SUMS])
        writer.writerows(rows)
    rust = path.rsplit(".", 1)[0] + ".rust_agg.csv"
    try:
        with open(rust) as a, open(out) as b:
            same = a.read() == b.read()
        print(f"aggregates identical to {rust}: {same}")
    except FileNotFoundError:
        print(f"no {rust} to compare with (run the Rust bench first)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/riskmap_school_quarter_1m.csv")
