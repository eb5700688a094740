"""Benchmark: load, check and JSON output for generated schools of several sizes.

Run with ``make bench``. Prints a table and writes ``bench/results.json``. The schools are
generated deterministically (same seed, same school), so runs are comparable.

    python bench/bench.py [--repeat N] [--sizes 10,60,300] [--soak N] [--no-worst]
                          [--out PATH]

The worst cases (an alias bomb, 5,000 unknown ids, a 1 MB school, /dev/zero) are each
measured in a process of their own, for the time and the peak memory (ru_maxrss) it takes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

import mandaat
from mandaat import vocabulary as V

SIZES = {10: (25, 5), 60: (150, 20), 300: (750, 60)}  # staff: (tasks, signals)


def generate(staff: int, tasks: int, signals: int, seed: int = 7) -> dict[str, Any]:
    """A plausible school: one leader, an ib'er per ~30 staff, teachers, a few others."""
    rnd = random.Random(seed)
    people: list[dict[str, Any]] = [{"id": "p000", "name": "Schoolleider", "roles": ["schoolleider"]}]
    n_ib = max(1, staff // 30)
    for i in range(1, staff):
        if i <= n_ib:
            roles = ["intern_begeleider"]
        elif i % 15 == 0:
            roles = ["leraar", "bouwcoordinator"]
        elif i % 11 == 0:
            roles = ["onderwijsassistent"]
        elif i % 13 == 0:
            roles = ["leraar", "expert_leraar"]
        else:
            roles = ["leraar"]
        people.append({"id": f"p{i:03d}", "name": f"Medewerker {i}", "roles": roles,
                       "hours_per_week": rnd.choice([16, 24, 32, 36])})
    ids = [p["id"] for p in people]
    ibs = [p["id"] for p in people if "intern_begeleider" in p["roles"]]
    teachers = [p["id"] for p in people if "leraar" in p["roles"]]
    teams = [{"id": f"lt{j}", "kind": "leerteam", "members": teachers[j::max(1, staff // 6)]}
             for j in range(max(1, staff // 6))]
    team_ids = [t["id"] for t in teams]
    task_types = [t for t in V.TASK_TYPES]
    task_list = []
    for k in range(tasks):
        kind = task_types[k % len(task_types)]
        accountable = "p000" if k % 7 else rnd.choice(ibs)
        task: dict[str, Any] = {
            "id": f"t{k:04d}", "type": kind, "title": f"Taak {k}",
            "accountable": accountable,
            "responsible": rnd.sample(ids[1:], 1) + rnd.sample(team_ids, 1 if k % 3 else 0),
            "consulted": rnd.sample(ibs, 1) if k % 4 == 0 else [],
            "informed": ["team"] if k % 5 == 0 else [],
        }
        if kind in ("zorgcasus", "oudergesprek_zorg"):
            task["case_holder"] = rnd.choice(teachers)
        if k % 2 == 0:
            task["hours"] = {rnd.choice(ibs): rnd.choice([4, 8, 12, 20, 40])}
        task_list.append(task)
    mandates = [{"id": f"m{j}", "from": "p000", "to": ib, "scope": [V.DOMAINS[j % 3]],
                 "communicated_to_team": j % 2 == 0} for j, ib in enumerate(ibs)]
    signal_list = []
    for s in range(signals):
        kind = V.SIGNAL_TYPES[s % len(V.SIGNAL_TYPES)]
        about = {"person": rnd.choice(teachers), "team": rnd.choice(team_ids),
                 "pupil": f"lln-{s:03d}"}[V.SIGNAL_ABOUT[kind]]
        signal: dict[str, Any] = {"id": f"s{s:03d}", "type": kind, "about": about,
                                  "handled_by": rnd.choice(ibs),
                                  "since": f"2026-{rnd.randint(1, 10):02d}-{rnd.randint(1, 28):02d}"}
        if kind == "afspraak_niet_nagekomen":
            signal.update(count=rnd.randint(1, 4), conversation_held=rnd.random() < 0.5)
        signal_list.append(signal)
    return {"format": "mandaat/1", "school": {"name": f"Benchmarkschool {staff}"},
            "as_of": "2026-11-22", "people": people, "teams": teams, "tasks": task_list,
            "mandates": mandates, "signals": signal_list}


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(staff: int, repeat: int) -> dict[str, Any]:
    tasks, signals = SIZES[staff]
    text = yaml.safe_dump(generate(staff, tasks, signals), allow_unicode=True, sort_keys=False)
    school = mandaat.load_school(text)
    report = mandaat.check(school)  # compiles the pack once, outside the timings
    row = {
        "school": f"{staff} staff", "staff": staff, "tasks": tasks, "signals": signals,
        "findings": len(report.findings),
        "yaml_parse_ms": median_ms(lambda: yaml.load(text, Loader=yaml.CSafeLoader)
                                   if hasattr(yaml, "CSafeLoader") else yaml.safe_load(text),
                                   repeat),
        "safe_load_ms": median_ms(lambda: yaml.safe_load(text), repeat),
        "load_ms": median_ms(lambda: mandaat.load_school(text), repeat),
        "check_ms": median_ms(lambda: mandaat.check(school), repeat),
        "json_ms": median_ms(lambda: report.to_json(), repeat),
    }
    row["total_ms"] = row["load_ms"] + row["check_ms"] + row["json_ms"]
    row["checks_per_s"] = 1000 / row["check_ms"]
    return row


def board(repeat: int, schools: int = 50) -> dict[str, Any]:
    """A board of ``schools`` schools of 60 staff, each loaded, checked and written."""
    texts = [yaml.safe_dump(generate(60, *SIZES[60], seed=s), sort_keys=False)
             for s in range(schools)]

    def run() -> None:
        for t in texts:
            mandaat.check(mandaat.load_school(t)).to_json()

    total = median_ms(run, max(1, repeat // 10))
    return {"school": f"board of {schools} x 60 staff", "total_ms": total,
            "schools_per_s": schools / (total / 1000)}


def _rss_mb() -> float:
    """Resident memory of this process now, from /proc (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def soak(checks: int) -> dict[str, Any]:
    """``checks`` checks in one process: does memory or the number of threads grow?"""
    schools = [mandaat.load_school(generate(10, *SIZES[10], seed=s)) for s in range(50)]
    for school in schools:
        mandaat.check(school)  # warm: the pack is compiled, every school seen once
    samples = []
    start = time.perf_counter()
    for n in range(1, checks + 1):
        mandaat.check(schools[n % len(schools)])
        if n % max(1, checks // 10) == 0:
            samples.append({"checks": n, "rss_mb": round(_rss_mb(), 1),
                            "threads": threading.active_count()})
    return {"checks": checks, "seconds": round(time.perf_counter() - start, 1),
            "samples": samples,
            "rss_growth_mb": round(samples[-1]["rss_mb"] - samples[0]["rss_mb"], 1),
            "threads": sorted({s["threads"] for s in samples})}


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A school of a few hundred bytes whose aliases expand to ``width ** levels`` values."""
    lines = ["format: mandaat/1", "school: {name: X}", "bomb:",
             "  l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    lines.append(f"people: [{{id: p, roles: [leraar], name: *l{levels - 1}}}]")
    return "\n".join(lines) + "\n"


def unknown_ids(n: int) -> str:
    """One task that informs ``n`` ids nobody has."""
    ids = ", ".join(f"x{i}" for i in range(n))
    return ("format: mandaat/1\nschool: {name: X}\npeople: [{id: a, roles: [schoolleider]}]\n"
            f"tasks:\n  - id: t\n    type: studiedag\n    accountable: a\n    informed: [{ids}]\n")


#: Run in a process of its own: load (and check) one file; print time, peak memory, outcome.
_CHILD = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
import mandaat
path, mode, traced = sys.argv[1], sys.argv[2], sys.argv[3] == "traced"
if traced:
    tracemalloc.start()
start = time.perf_counter()
outcome = "loaded"
if mode != "import":
    try:
        school = mandaat.load_school(Path(path))
        if mode == "check":
            outcome = f"checked: {len(mandaat.check(school).findings)} findings"
    except mandaat.SchoolFileError as exc:
        outcome = f"{len(exc.problems)} problem(s), {exc.problems[-1].type}"
print(json.dumps({"seconds": time.perf_counter() - start, "outcome": outcome,
                  "traced_mb": tracemalloc.get_traced_memory()[1] / 2**20 if traced else None,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def worst_cases() -> list[dict[str, Any]]:
    """The inputs that once took minutes or gigabytes, each in a fresh process: the time,
    the process's peak resident memory (``peak_mb``, with the ~100 MB of importing mandaat)
    and the peak of what the work itself allocated (``traced_mb``, tracemalloc)."""
    school = yaml.safe_dump(generate(1000, 5000, 400), allow_unicode=True, sort_keys=False)
    cases = [("import mandaat only", "import", ""), ("alias bomb", "load", alias_bomb()),
             ("5,000 unknown ids", "load", unknown_ids(5000)),
             ("1 MB school, load", "load", school), ("1 MB school, load + check", "check", school)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, mode, text in [*cases, ("/dev/zero", "load", None)]:
            if text is None:
                if not Path("/dev/zero").exists():
                    continue
                path, size = "/dev/zero", "endless"
            else:
                path = str(Path(tmp) / "school.yaml")
                Path(path).write_text(text, encoding="utf-8")
                size = f"{len(text.encode()):,} B"
            row = {"input": label, "size": size}
            for how in ("timed", "traced"):  # tracemalloc slows the work: time it without
                done = subprocess.run([sys.executable, "-c", _CHILD, path, mode, how],
                                      check=True, capture_output=True, text=True, timeout=600)
                found = json.loads(done.stdout)
                if how == "timed":
                    row.update(found)
                else:
                    row["traced_mb"] = found["traced_mb"]
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sizes", default="10,60,300")
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.json")))
    parser.add_argument("--soak", type=int, default=10_000,
                        help="checks in the memory soak (0 to skip)")
    parser.add_argument("--no-worst", dest="worst", action="store_false",
                        help="leave out the worst-case inputs")
    args = parser.parse_args(argv)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"measuring {size} staff ...", file=sys.stderr, flush=True)
        rows.append(measure(size, args.repeat))
    print("measuring a board of 50 schools ...", file=sys.stderr, flush=True)
    board_row = board(args.repeat)
    header = (f"{'school':<12} {'tasks':>5} {'signals':>7} {'findings':>8} {'safe_load':>9} "
              f"{'load':>7} {'check':>7} {'json':>6} {'total':>7} {'checks/s':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['school']:<12} {r['tasks']:>5} {r['signals']:>7} {r['findings']:>8} "
              f"{r['safe_load_ms']:>7.2f}ms {r['load_ms']:>5.2f}ms {r['check_ms']:>5.2f}ms "
              f"{r['json_ms']:>4.2f}ms {r['total_ms']:>5.2f}ms {r['checks_per_s']:>8.0f}")
    print(f"{board_row['school']}: {board_row['total_ms']:.0f} ms, "
          f"{board_row['schools_per_s']:.1f} schools/s (load + check + JSON)")
    soak_row = None
    if args.soak:
        print(f"soak: {args.soak} checks in one process ...", file=sys.stderr, flush=True)
        soak_row = soak(args.soak)
        print(f"soak: {soak_row['checks']} checks in {soak_row['seconds']} s; resident memory "
              f"{soak_row['samples'][0]['rss_mb']} -> {soak_row['samples'][-1]['rss_mb']} MB "
              f"(growth {soak_row['rss_growth_mb']} MB after the first "
              f"{soak_row['samples'][0]['checks']}); threads {soak_row['threads']}")
    worst = None
    if args.worst:
        print("worst cases, each in a process of its own ...", file=sys.stderr, flush=True)
        worst = worst_cases()
        print(f"{'worst case':<26} {'size':>11} {'time':>8} {'process':>9} {'work':>8}  "
              "outcome")
        for w in worst:
            print(f"{w['input']:<26} {w['size']:>11} {w['seconds']:>7.2f}s "
                  f"{w['peak_mb']:>6.0f} MB {w['traced_mb']:>5.0f} MB  {w['outcome']}")
    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "processor": platform.processor() or platform.machine(),
               "system": platform.platform()}
    Path(args.out).write_text(json.dumps({"machine": machine, "schools": rows,
                                          "board": board_row, "soak": soak_row,
                                          "worst": worst},
                                         indent=2) + "\n",
                              encoding="utf-8")
    print(f"(median of {args.repeat} runs; written to {args.out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
