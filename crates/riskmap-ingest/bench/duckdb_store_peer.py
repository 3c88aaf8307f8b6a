"""DuckDB peer of the user's path in `cargo xtask bench-ingest`: load school_reference.csv and
school_quarter.csv into tables of a persistent DuckDB file, then sum the six measures by
district (first four KATO digits) x quarter into a third table, and close the file
(checkpointed) before the clock stops. riskmap's side is `riskmap ingest` of the same two files
into its store, with every check of contract v1.

    python3 duckdb_store_peer.py school_reference.csv school_quarter.csv peer.duckdb
"""

import os
import resource
import sys
import time

import duckdb

SUMS = ["pupils_total", "viol_total", "isu_opened", "isu_open_end", "bullying_cases", "offences_against_pupils"]
TEXT = "{'kato': 'VARCHAR', 'nobd_org_id': 'VARCHAR', 'notes': 'VARCHAR'}"


def main(reference: str, quarter: str, database: str) -> None:
    started = time.perf_counter()
    if os.path.exists(database):
        os.remove(database)
    con = duckdb.connect(database)
    con.execute(f"CREATE TABLE school_reference AS SELECT * FROM read_csv(?, header = true, all_varchar = true)", [reference])
    con.execute(f"CREATE TABLE school_quarter AS SELECT * FROM read_csv(?, header = true, types = {TEXT})", [quarter])
    sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in SUMS)
    con.execute(f"CREATE TABLE district_quarter AS SELECT substr(kato, 1, 4) AS district4, period, {sums} FROM school_quarter GROUP BY ALL")
    rows = con.execute("SELECT count(*) FROM school_quarter").fetchone()[0]
    groups = con.execute("SELECT count(*) FROM district_quarter").fetchone()[0]
    con.close()
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"duckdb {duckdb.__version__} store: {rows} rows, {groups} groups in {elapsed:.3f} s; peak RSS {peak_kb} kB")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
