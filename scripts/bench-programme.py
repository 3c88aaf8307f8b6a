#!/usr/bin/env python3
"""Programme benchmark (issue #15): what an akimat waits for on a large programme.

Starts the release binary on a fresh SQLite store filled with the demo (`serve --demo`), issues
an akimat token for the region with the most schools, builds one programme of up to 300
problems (every listed school of the region, then its districts) and 1,000 actions through the
API, then times, over HTTP on one connection at a time: opening the programme (GET), one edit
(PATCH with If-Match), the programme's PDF and XLSX (when the document route exists) and the
Ministry's half-year summary over the 20 regions (JSON, XLSX, PDF). Prints p50/p95/max in ms
next to the issue's goals (SAVE=DIR keeps the programme's PDF and XLSX there). Not CI. Usage: python3 scripts/bench-programme.py [runs]
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("RISKMAP_BIN", os.path.join(ROOT, "target", "release", "riskmap"))
GEOGRAPHY = os.environ.get("RISKMAP_GEOGRAPHY", os.path.join(ROOT, "..", "shared", "data", "kz"))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
PROBLEMS, ACTIONS = 300, 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base, token):
        self.base, self.token = base, token

    def call(self, method, path, body=None, etag=None):
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json" if method != "PATCH" else "application/merge-patch+json"
        if etag:
            headers["If-Match"] = etag
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                payload = response.read()
                status, answer_etag = response.status, response.headers.get("ETag")
        except urllib.error.HTTPError as error:
            payload, status, answer_etag = error.read(), error.code, None
        return status, payload, answer_etag, (time.perf_counter() - started) * 1000


def wait_ready(base):
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.5)
    sys.exit("the server did not become ready")


def biggest_region():
    import csv
    with open(os.path.join(GEOGRAPHY, "schools-2022-23.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    key = next(k for k in rows[0] if "school" in k.lower() and k != "region")
    kato = next(k for k in rows[0] if "kato" in k.lower())
    regions = [r for r in rows if r[kato].endswith("0000000") and r[kato] != "000000000"]
    best = max(regions, key=lambda r: float(r[key] or 0))
    return best[kato]


def build(api, region):
    status, body, etag, _ = api.call("POST", "/api/v1/programmes", {"region": region, "period": "2025", "title": "Бенчмарк"})
    assert status == 201, (status, body)
    programme = json.loads(body)
    pid = programme["id"]
    listed = json.loads(api.call("GET", f"/api/v1/priority?parent={region}")[1])["rows"]
    units = [{"school": r["nobd_org_id"]} for r in listed]
    districts = sorted({r["district_kato"] for r in listed})
    units += [{"unit": d} for d in districts]
    problem_ids = []
    for unit in units[:PROBLEMS]:
        status, body, new_etag, _ = api.call("POST", f"/api/v1/programmes/{pid}/problems", unit, etag)
        if status == 201:
            etag = new_etag
            problem_ids.append(json.loads(body)["problems"][-1]["id"])
    for n in range(ACTIONS):
        action = {
            "action_type": "referral_111", "problems": [problem_ids[n % len(problem_ids)]],
            "organisation": "Білім басқармасы", "responsible": "Әсел Нұрланқызы", "contact": "+7 727 000 00 00",
            "start": "2025-01-01", "due": "2025-12-31", "budget_tenge": 100000 + n, "funding_source": "местный бюджет",
            "indicator": "viol_rate", "expected_change_percent": -5.0,
        }
        status, body, new_etag, _ = api.call("POST", f"/api/v1/programmes/{pid}/actions", action, etag)
        assert status == 201, (status, body[:300])
        etag = new_etag
    return pid, etag, len(problem_ids)


def timed(api, method, path, runs, body_of=None, etag_box=None):
    times = []
    for i in range(runs):
        body = body_of(i) if body_of else None
        status, payload, etag, ms = api.call(method, path, body, etag_box[0] if etag_box else None)
        if status >= 400:
            return None, f"{status} {payload[:120]!r}"
        if etag_box is not None:
            etag_box[0] = etag
        times.append(ms)
    return times, None


def line(name, times, goal, note=""):
    if times is None:
        print(f"{name:<44} {'not measured':>10}  {note}")
        return
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"{name:<44} {statistics.median(times):>8.1f} {p95:>8.1f} {times[-1]:>8.1f}   {goal}")


def main():
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found: cargo build --release -p riskmap-cli")
    work = tempfile.mkdtemp(prefix="riskmap-bench-programme-")
    database = f"sqlite://{work}/bench.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RISKMAP_GEOGRAPHY=GEOGRAPHY)
    server = subprocess.Popen([BIN, "serve", "--demo", "--database", database, "--addr", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(base)
        region = os.environ.get("REGION") or biggest_region()
        token = subprocess.run([BIN, "token", "create", "--role", "akimat", "--region", region, "--database", database],
                               env=env, capture_output=True, text=True, check=True).stdout.strip().split()[-1]
        ministry = subprocess.run([BIN, "token", "create", "--role", "ministry", "--database", database],
                                  env=env, capture_output=True, text=True, check=True).stdout.strip().split()[-1]
        api, national = Api(base, token), Api(base, ministry)
        started = time.perf_counter()
        pid, etag, problems = build(api, region)
        print(f"region {region}: programme {pid} with {problems} problems and {ACTIONS} actions, built in {time.perf_counter() - started:.1f} s; {RUNS} runs each")
        print(f"{'':<44} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}   goal")
        line("open the programme (GET)", timed(api, "GET", f"/api/v1/programmes/{pid}", RUNS)[0], "p50 < 50 ms")
        first_action = json.loads(api.call("GET", f"/api/v1/programmes/{pid}")[1])["actions"][0]["id"]
        box = [etag]
        edits, why = timed(api, "PATCH", f"/api/v1/programmes/{pid}/actions/{first_action}", RUNS,
                           lambda i: {"budget_tenge": 200000 + i}, box)
        line("edit one action (PATCH, If-Match)", edits, "< 20 ms", why or "")
        for fmt in ["pdf", "xlsx"]:
            times, why = timed(api, "GET", f"/api/v1/programmes/{pid}/document?format={fmt}&lang=kk", max(3, RUNS // 5))
            line(f"programme document ({fmt}, kk)", times, "< 1 s" if fmt == "pdf" else "", why or "")
            if os.environ.get("SAVE"):  # keep one document to look at
                with open(os.path.join(os.environ["SAVE"], f"programme.{fmt}"), "wb") as out:
                    out.write(api.call("GET", f"/api/v1/programmes/{pid}/document?format={fmt}&lang=kk")[1])
        for fmt in ["json", "xlsx", "pdf"]:
            times, why = timed(national, "GET", f"/api/v1/programmes/summary?half=2025-H1&format={fmt}", max(3, RUNS // 5))
            line(f"ministry half-year summary ({fmt})", times, "< 500 ms", why or "")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
