"""Benchmark of ``mandaat serve``: throughput, latency, memory and a burst, over loopback.

Run with ``make bench-serve``. It starts ``mandaat serve --workers 2`` on a free port of
127.0.0.1, sends it the benchmark's 60-staff schools (``bench/bench.py``, several seeds, as
JSON bodies) from 1, 8 and 32 concurrent clients (each a thread with a kept-alive
connection), and reports per level the checks per second, the median and 99th percentile
latency and the errors (any answer but 200, or a failed connection). The same run measures
the serial in-process rate of load + check + JSON (``load_school(text=...)``,
``check``, ``Report.to_json``) to compare with. The resident memory of the server (its
processes together: uvicorn's, the workers', their evaluators') is read before the
requests and after 10,000 of them. Last, 200 clients send one request each at the same
moment, each on a connection of its own: every answer must be 200 or 503 (busy), none a
reset connection or another status.

    python bench/serve.py [--requests 10000] [--workers 2] [--out PATH]

Nothing leaves the machine: the server listens on 127.0.0.1 only. The run is bounded: each
level stops after its requests or after ``--seconds`` seconds, whichever comes first, and
the server is stopped at the end (or when the run fails).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import mandaat  # noqa: E402
from bench import SIZES, generate  # noqa: E402

LEVELS = (1, 8, 32)
SEEDS = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bodies() -> list[bytes]:
    return [json.dumps(generate(60, *SIZES[60], seed=s)).encode("utf-8") for s in range(SEEDS)]


def serial_rate(texts: list[bytes], seconds: float = 8.0) -> dict[str, float]:
    """Load + check + JSON of the same schools in this process, one after the other, as an
    app that imports mandaat does it."""
    for body in texts:  # warm: the packs compiled, the caches filled
        mandaat.check(mandaat.load_school(text=body.decode(), name="request.json")).to_json()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        body = texts[n % len(texts)]
        mandaat.check(mandaat.load_school(text=body.decode(), name="request.json")).to_json()
        n += 1
    elapsed = time.perf_counter() - start
    return {"checks": n, "seconds": round(elapsed, 2), "per_second": round(n / elapsed, 1),
            "ms_per_check": round(elapsed / n * 1000, 2)}


def serial_rate_frozen(texts: list[bytes], seconds: float = 8.0) -> dict[str, float]:
    """The same with the cycle collector frozen and its thresholds raised, as a worker of
    the server (and ``mandaat check DIR``) runs: the best one process does serially."""
    import gc

    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        return serial_rate(texts, seconds)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return found


def rss_mb(pid: int) -> float:
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """The processor time ``pid`` and every process below it used so far (user and
    system), in seconds: what a request costs, however busy the machine is."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def post(conn: http.client.HTTPConnection, body: bytes) -> int:
    conn.request("POST", "/v1/check", body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status


def level(port: int, texts: list[bytes], clients: int, requests: int,
          seconds: float) -> dict[str, Any]:
    """``requests`` checks from ``clients`` threads at once, each on its own connection."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                start = time.perf_counter()
                try:
                    status = str(post(conn, texts[i % len(texts)]))
                except (OSError, http.client.HTTPException) as exc:
                    status = type(exc).__name__
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                took = time.perf_counter() - start
                with lock:
                    latencies.append(took)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    done = len(ordered)
    return {
        "clients": clients, "requests": done, "seconds": round(elapsed, 2),
        "per_second": round(statuses.get("200", 0) / elapsed, 1),
        "p50_ms": round(ordered[done // 2] * 1000, 1) if done else None,
        "p99_ms": round(ordered[min(done - 1, int(done * 0.99))] * 1000, 1) if done else None,
        "errors": done - statuses.get("200", 0), "statuses": statuses,
    }


def burst(port: int, body: bytes, clients: int = 200) -> dict[str, int]:
    """``clients`` requests sent at one moment, each on a connection of its own."""
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    ready = threading.Barrier(clients)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.connect()
            ready.wait()
            status = str(post(conn, body))
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as exc:
            status = type(exc).__name__
        finally:
            conn.close()
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return dict(sorted(statuses.items()))


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "mandaat", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                # every worker up: ask until the answers came from as many processes
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000,
                        help="requests in all before the memory is read again")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=180.0,
                        help="the most one level may take")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results-serve.json"))
    args = parser.parse_args()

    texts = bodies()
    print(f"Python {platform.python_version()} ({sys.executable}), {os.cpu_count()} cores, "
          f"{platform.platform()}")
    load_before = os.getloadavg()
    print("load average before: " + " ".join(f"{x:.2f}" for x in load_before)
          + " (other work on the machine takes its share of the cores)")
    print(f"school: 60 staff ({len(texts)} seeds), JSON body of {len(texts[0]):,} bytes")
    serial = serial_rate(texts)
    print(f"serial in-process load + check + JSON: {serial['per_second']} per second "
          f"({serial['ms_per_check']} ms each)")
    frozen = serial_rate_frozen(texts)
    print(f"the same with the collector frozen, as a worker runs: {frozen['per_second']} per "
          f"second ({frozen['ms_per_check']} ms each)")

    port = free_port()
    server = start_server(port, args.workers)
    results: dict[str, Any] = {"python": platform.python_version(), "cores": os.cpu_count(),
                               "workers": args.workers, "serial": serial,
                               "serial_collector_frozen": frozen}
    try:
        warm = level(port, texts, 8, 200, args.seconds)  # every worker at work once
        sent = warm["requests"]
        rss_before = rss_mb(server.pid)
        workers_before = sorted(tree(server.pid))
        rows = []
        for clients in LEVELS:
            n = 1_000 if clients == 1 else 2_000
            cpu = cpu_seconds(server.pid)
            row = level(port, texts, clients, n, args.seconds)
            row["server_cpu_ms_per_request"] = round(
                (cpu_seconds(server.pid) - cpu) * 1000 / max(1, row["requests"]), 2)
            sent += row["requests"]
            rows.append(row)
            print(f"{clients:>3} clients: {row['per_second']:>6} checks/s, "
                  f"p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, errors {row['errors']} "
                  f"({row['requests']} requests; server CPU "
                  f"{row['server_cpu_ms_per_request']} ms each)")
        rest = max(0, args.requests - (sent - warm["requests"]))
        soak = level(port, texts, 8, rest, 2 * args.seconds) if rest else None
        if soak:
            rows_errors = soak["errors"]
            print(f"then {soak['requests']} more with 8 clients: {soak['per_second']} checks/s, "
                  f"errors {rows_errors}")
        rss_after = rss_mb(server.pid)
        same_workers = sorted(tree(server.pid)) == workers_before
        total = sent - warm["requests"] + (soak["requests"] if soak else 0)
        growth = (rss_after - rss_before) / rss_before * 100
        print(f"server memory (RSS, all its processes): {rss_before} MB before, {rss_after} MB "
              f"after {total:,} requests ({growth:+.1f}%; "
              f"{'the same' if same_workers else 'not the same'} worker processes)")
        burst_statuses = burst(port, texts[0])
        print(f"burst of 200 at once: {burst_statuses}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    load_after = os.getloadavg()
    print("load average after: " + " ".join(f"{x:.2f}" for x in load_after))
    best = max(r["per_second"] for r in rows)
    at8 = next(r for r in rows if r["clients"] == 8)
    errors = sum(r["errors"] for r in rows) + (soak["errors"] if soak else 0)
    targets = [
        ("at least 100 checks/s", f"{best}", best >= 100),
        ("at least 1.5x the serial in-process rate",
         f"{best / serial['per_second']:.2f}x of {serial['per_second']} "
         f"({best / frozen['per_second']:.2f}x of {frozen['per_second']} with the collector "
         "frozen)", best >= 1.5 * serial["per_second"]),
        ("p99 at 8 clients under 100 ms", f"{at8['p99_ms']} ms", at8["p99_ms"] < 100),
        ("0 errors", str(errors), errors == 0),
        ("RSS growth under 10% over 10,000 requests", f"{growth:+.1f}%", growth < 10),
        ("a burst of 200 gets only 200 and 503", json.dumps(burst_statuses),
         set(burst_statuses) <= {"200", "503"}),
    ]
    print("\ntargets:")
    for what, got, ok in targets:
        print(f"  {'met ' if ok else 'MISS'}  {what}: {got}")
    results.update(same_worker_processes=same_workers, load_average={"before": load_before, "after": load_after}, levels=rows, soak=soak, rss_mb={"before": rss_before, "after": rss_after,
                                                   "requests": total},
                   burst=burst_statuses,
                   targets=[{"target": w, "measured": g, "met": ok} for w, g, ok in targets])
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(ok for _, _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
