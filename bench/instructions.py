"""Instructions of one check, counted by callgrind: a figure that repeats on a noisy machine.

The times of ``make bench`` vary with whatever else the machine is doing; the number of
instructions a check executes does not. This module counts them with
``valgrind --tool=callgrind`` for a school generated as ``bench/bench.py`` generates it
(``generate(staff, tasks, signals, seed=7)`` with the sizes of ``SIZES``).

A count taken under callgrind covers the whole process: the interpreter's start-up, the
imports, loading the school and the first check, which compiles the rule pack. None of that
is the check, so each figure is a difference of two runs of the same child Python:

- run A: set up (import, load the school, check it once, write the report's JSON once);
- run B: the same set-up, then ``checks`` more of the stage measured.

and the stage's instructions are ``(I_B - I_A) / checks``. Three stages are measured, each
against the same run A: ``check`` (``mandaat.check(school)``), ``load``
(``mandaat.load_school(text)``) and ``end_to_end`` (load, check and ``report.to_json()``).

With ``--parts``, three parts of a check are measured too, against a run A of their own
that also prepares what they need (this checkout's internals, so not with ``--pythonpath``
of an older one): ``facts`` (building the facts), ``prefilter`` (the pre-filter alone) and
``evaluate`` (the pre-filter, the batch, durable_rules' run and decoding the matches). What
a check spends besides facts and evaluate is grouping the matches, rendering the findings
and building the report.

The school's YAML text is generated here, once, and handed to the children in a file, so
every version of mandaat measured sees the same bytes. The children run with a fixed
environment (``PYTHONHASHSEED=0``, nothing inherited but ``PATH``) so that a count repeats;
``pythonpath`` (``--pythonpath``, by default the inherited ``PYTHONPATH``) makes them import
another checkout's code, e.g. ``--pythonpath ../base/src``. Before the counted runs the
child is run once without valgrind, which writes any missing bytecode caches: the counted
runs then read the same ones. Each run imports the code afresh, so the code measured must
not change while it is measured (a snapshot, e.g. ``git archive``, keeps it still).

    python bench/instructions.py [--staff 60] [--checks 10] [--pythonpath DIR]
                                 [--check-only] [--parts] [--jobs 2] [--json]

prints, e.g., ``60 staff: check 124 M instructions (load 89.3 M, load+check+json 239 M)``;
with ``--json`` it prints the figures as JSON instead. Without valgrind on ``PATH`` it says
so and exits with status 3, for a caller to skip the measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import SIZES, generate  # noqa: E402

#: The stages measured, each as the statement that the counted runs repeat.
STAGES = {
    "check": "mandaat.check(school)",
    "load": "mandaat.load_school(text)",
    "end_to_end": "mandaat.check(mandaat.load_school(text)).to_json()",
}
#: The parts of a check measured with ``--parts``, each as the statement repeated.
PARTS = {
    "facts": "build_facts()",
    "prefilter": "[keep.keep(facts, sent) for keep in compiled._prefilters]",
    "evaluate": "compiled.evaluate(facts, params)",
}

#: Exit status of ``main`` when valgrind cannot be run.
NO_VALGRIND = 3

#: The child's program: set up, then ``repeat`` times the stage named in its arguments. A
#: part of a check also prepares what the parts read: the compiled rules, the params, the
#: facts and the values of the params as durable_rules is sent them.
_CHILD = f"""
import sys
from pathlib import Path
import mandaat
path, stage, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = Path(path).read_text(encoding="utf-8")
school = mandaat.load_school(text)
mandaat.check(school).to_json()
if stage in {tuple(PARTS)!r}:
    import importlib
    from mandaat.rules import _engine
    checking = importlib.import_module("mandaat.evaluation")
    packs = checking._packs(None, False)
    compiled = checking._compiled(packs)
    params = checking._params(school, packs)

    def build_facts():
        return checking.check_facts(school, packs, compiled, params)

    facts = build_facts().facts
    sent = {{p: _engine._durable_number(params[p]) for p in compiled.params_used}}
statement = compile({{**{STAGES!r}, **{PARTS!r}}}[stage], "<stage>", "eval")
for _ in range(repeat):
    eval(statement)
"""

_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


class ValgrindUnavailable(RuntimeError):
    """valgrind is not installed, or cannot run the child Python."""


def child_environment(pythonpath: str | None = None) -> dict[str, str]:
    """The children's whole environment: fixed, so that their counts repeat."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONHASHSEED": "0",
           "LC_ALL": "C.UTF-8"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def school_text(staff: int) -> str:
    """The YAML text of the generated school of ``staff`` staff, as ``bench.py`` makes it."""
    if staff not in SIZES:
        raise ValueError(f"no generated school of {staff} staff; sizes: {sorted(SIZES)}")
    tasks, signals = SIZES[staff]
    return yaml.safe_dump(generate(staff, tasks, signals), allow_unicode=True,
                          sort_keys=False)


def _child_command(python: str, path: Path, stage: str, repeat: int) -> list[str]:
    return [python, "-c", _CHILD, str(path), stage, str(repeat)]


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"the child Python failed (status {done.returncode}):\n{tail}")
    return done


def count_instructions(python: str, path: Path, stage: str, repeat: int,
                       env: dict[str, str], out_dir: Path) -> int:
    """Instructions of one child run under callgrind: set-up, then ``repeat`` x ``stage``."""
    out_file = out_dir / f"callgrind.{stage}.{repeat}.out"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}",
               *_child_command(python, path, stage, repeat)]
    try:
        _run(command, env)
    except FileNotFoundError as exc:
        raise ValgrindUnavailable("valgrind is not installed (it counts the instructions); "
                                  "on Debian: apt-get install valgrind") from exc
    found = _TOTAL.search(out_file.read_text(encoding="utf-8", errors="replace"))
    if found is None:
        raise RuntimeError(f"no instruction total in callgrind's output {out_file.name}")
    return int(found.group(1))


def check_instructions(staff: int = 60, checks: int = 10, python: str = sys.executable, *,
                       pythonpath: str | None = None, check_only: bool = False,
                       parts: bool = False, jobs: int = 2) -> dict[str, Any]:
    """Instructions of one ``mandaat.check(school)`` on the generated school of ``staff``.

    Each stage is counted as ``(I_B - I_A) / checks`` (see the module's docstring), so the
    interpreter's start-up, the imports, the load and the first check are left out. Unless
    ``check_only``, the load alone and load + check + JSON are measured the same way; with
    ``parts``, the parts of a check in :data:`PARTS` too, against a run A of their own.
    ``jobs`` callgrind runs go at once; the counts do not depend on it. Raises
    :class:`ValgrindUnavailable` without valgrind, ``RuntimeError`` when a child fails.
    """
    if checks < 1:
        raise ValueError("checks must be at least 1")
    if shutil.which("valgrind", path=child_environment()["PATH"]) is None:
        raise ValgrindUnavailable("valgrind is not installed (it counts the instructions); "
                                  "on Debian: apt-get install valgrind")
    stages = ["check"] if check_only else list(STAGES)
    env = child_environment(pythonpath)
    text = school_text(staff)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mandaat-instructions-") as tmp:
        path = Path(tmp) / "school.yaml"
        path.write_text(text, encoding="utf-8")
        _run(_child_command(python, path, "check", 1), env)
        runs = [("check", 0)] + [(stage, checks) for stage in stages]
        if parts:
            runs += [("facts", 0)] + [(part, checks) for part in PARTS]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            totals = dict(zip(runs, pool.map(
                lambda run: count_instructions(python, path, *run, env, Path(tmp)), runs)))
    setup = totals["check", 0]
    result: dict[str, Any] = {
        "staff": staff, "tasks": SIZES[staff][0], "signals": SIZES[staff][1],
        "checks": checks, "python": python, "pythonpath": pythonpath,
        "setup_instructions": setup,
    }
    for (stage, repeat), total in totals.items():
        if repeat:
            base = totals["facts", 0] if stage in PARTS else setup
            result[f"{stage}_instructions"] = round((total - base) / checks)
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    return result


def _mega(count: int) -> str:
    millions = count / 1e6
    return f"{millions:.0f} M" if millions >= 100 else f"{millions:.1f} M"


def describe(result: dict[str, Any]) -> str:
    """One line for a person: the check's instructions, then the other stages'."""
    line = f"{result['staff']} staff: check {_mega(result['check_instructions'])} instructions"
    if "load_instructions" in result:
        line += (f" (load {_mega(result['load_instructions'])}, load+check+json "
                 f"{_mega(result['end_to_end_instructions'])})")
    if "facts_instructions" in result:
        rest = (result["check_instructions"] - result["facts_instructions"]
                - result["evaluate_instructions"])
        line += (f"\n  of a check: facts {_mega(result['facts_instructions'])}, pre-filter, "
                 f"batch, durable_rules and decoding {_mega(result['evaluate_instructions'])} "
                 f"(the pre-filter alone {_mega(result['prefilter_instructions'])}), "
                 f"grouping, rendering and the report {_mega(rest)}")
    return line


def main(argv: list[str] | None = None) -> int:
    """Measure one size and print the figures (as JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=60, choices=sorted(SIZES))
    parser.add_argument("--checks", type=int, default=10,
                        help="repetitions counted in run B (default 10)")
    parser.add_argument("--python", default=sys.executable,
                        help="the Python the children run (default: this one)")
    parser.add_argument("--pythonpath", default=os.environ.get("PYTHONPATH"),
                        help="PYTHONPATH of the children, e.g. another checkout's src "
                             "(default: the inherited PYTHONPATH)")
    parser.add_argument("--check-only", action="store_true",
                        help="measure the check only, not the load and load+check+json")
    parser.add_argument("--parts", action="store_true",
                        help="also measure the parts of a check: facts, pre-filter, evaluation "
                             "(this checkout's internals only)")
    parser.add_argument("--jobs", type=int, default=2, help="callgrind runs at once")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    try:
        result = check_instructions(args.staff, args.checks, args.python,
                                    pythonpath=args.pythonpath, check_only=args.check_only,
                                    parts=args.parts, jobs=args.jobs)
    except ValgrindUnavailable as exc:
        print(f"instructions: {exc}", file=sys.stderr)
        return NO_VALGRIND
    except (RuntimeError, ValueError) as exc:
        print(f"instructions: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2) if args.json else describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
