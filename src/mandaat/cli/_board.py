"""A board's schools, checked on every core: what ``mandaat check DIR`` runs.

Each school is loaded, checked and rendered (its JSON Lines record, or its table row) in
a worker process; the answers come back in the order of the files, so the output is the
same, byte for byte, with one worker or many. Workers are forked from the process that
compiled and registered the rule packs, so they start with them and with everything
imported. The garbage collector is frozen for the run, so what was loaded before it is
never traversed again and pages shared with the workers stay shared, and it runs less
often (:data:`_THRESHOLDS`); both are undone when the run ends (a process that had frozen
its objects itself, as the console script does, keeps its own freeze). Ctrl-C stops the
run in the parent, which lets the workers finish the school at hand and exit.

Without ``os.fork`` (or with one worker, or one school), the schools are checked one by
one in this process, with the same results.
"""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import signal
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..errors import MandaatInputError
from ..evaluation import check, ignored_params, prepare
from ..loader import load_school
from ..problem_details import problem_entries
from ..report import json_line
from ..rules import RulePack

EXIT_OK, EXIT_BAD_INPUT = 0, 2


@dataclass(frozen=True)
class Settings:
    """How every school of the run is checked and shown."""

    packs: tuple[RulePack, ...]
    rules_only: bool
    lang: str
    timeout: float | None
    as_json: bool


@dataclass(frozen=True)
class Outcome:
    """One school's answer, rendered: what the run prints for it."""

    code: int
    #: lines for stderr: params the packs ignore, and (in a table) the school's problems
    notes: tuple[str, ...]
    #: the JSON Lines record (with ``as_json``), else ``None``
    line: str | None
    #: the table row: file, school, and (violations, warnings, advice), or, for bad input,
    #: the number of problems; ``None`` with ``as_json``
    row: tuple[str, str, tuple[int, int, int] | int] | None


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def error_line(file: str | None, error: MandaatInputError, lang: str) -> str:
    """The JSON Lines record of a file with bad input (``file`` ``None``: the packs), in
    the shape of a report's record (:func:`mandaat.report.json_line`): each problem as
    :func:`mandaat.problem_details.problem_entry` gives it, the message in ``lang``."""
    return valid_utf8(json.dumps({"file": file, "errors": problem_entries(error, lang)},
                                 ensure_ascii=False, separators=(",", ":")) + "\n")


def valid_utf8(text: str) -> str:
    """``text`` with the bytes of a file name that are not UTF-8 (which Python keeps as
    lone surrogates) as U+FFFD, so that what mandaat writes is UTF-8.

    >>> valid_utf8(os.fsdecode(b"caf\\xe9.yaml")), valid_utf8("café.yaml")
    ('caf\ufffd.yaml', 'café.yaml')
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            raw = os.fsencode(text)
        except UnicodeEncodeError:  # a lone surrogate that stands for no byte
            raw = text.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace")


def check_one(path: str, settings: Settings) -> Outcome:
    """Load, check and render one school of the board."""
    notes: list[str] = []
    try:
        school = load_school(Path(path), timeout=settings.timeout)
        ignored = ignored_params(school, settings.packs) if settings.rules_only else []
        if ignored:
            notes.append(ignored_note(path, ignored, settings.lang))
        report = check(school, rules=settings.packs, rules_only=settings.rules_only,
                       lang=settings.lang, timeout=settings.timeout)
    except MandaatInputError as exc:
        if settings.as_json:
            return Outcome(EXIT_BAD_INPUT, tuple(notes), error_line(path, exc, settings.lang),
                           None)
        notes.append(exc.render(settings.lang))
        return Outcome(EXIT_BAD_INPUT, tuple(notes), None,
                       (valid_utf8(path), "-", len(exc.problems)))
    if settings.as_json:
        return Outcome(report.exit_code, tuple(notes), valid_utf8(json_line(report, path)),
                       None)
    counts = report.summary
    return Outcome(report.exit_code, tuple(notes), None, (
        valid_utf8(path), report.school, (counts["violation"], counts["warning"], counts["advice"])))


def ignored_note(where: str, ignored: Sequence[str], lang: str) -> str:
    """The warning that ``--rules-only`` leaves out params of the bundled pack."""
    return (f"{where}: params {', '.join(ignored)}: "
            + ("horen bij het meegeleverde regelpakket, dat --rules-only weglaat; genegeerd"
               if lang == "nl" else
               "belong to the bundled rule pack, which --rules-only leaves out; ignored"))


def check_all(files: Sequence[Path], settings: Settings, jobs: int) -> Iterator[Outcome]:
    """Every school's outcome, in the order of ``files``, from up to ``jobs`` workers.

    Raises what checking a school raises beyond bad input (a bug), as one worker would.
    """
    paths = [str(f) for f in files]
    jobs = min(jobs, len(paths))
    with contextlib.suppress(MandaatInputError):  # each school's check reports it then
        prepare(settings.packs, settings.rules_only)
    # Without a collection first: one pass over the heap took 30 ms. A process that froze
    # its objects already (the console script, or an app) keeps its own freeze: unfreezing
    # at the end would undo it.
    frozen_before = gc.get_freeze_count() > 0
    if not frozen_before:
        gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(*_THRESHOLDS)
    try:
        if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            for path in paths:
                yield check_one(path, settings)
        else:
            yield from _in_workers(paths, settings, jobs)
    finally:
        gc.set_threshold(*thresholds)
        if not frozen_before:
            gc.unfreeze()


def _in_workers(paths: Sequence[str], settings: Settings, jobs: int) -> Iterator[Outcome]:
    with warnings.catch_warnings():
        # Python 3.12 warns that a forked child of a threaded process may deadlock on a
        # lock another thread held; mandaat starts no threads, and the only lock a
        # worker takes is the engine's, free in the parent between checks.
        warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks",
                                category=DeprecationWarning)
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(settings,))
        # one school at a time: a school takes milliseconds, its round trip a tenth of
        # one, and the last worker to finish waits for no more than one school
        answers = pool.map(_check_in_worker, paths)
    try:
        yield from answers
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


#: The cycle collector's thresholds for a run: loading a school makes tens of thousands of
#: short-lived objects that reference counting frees, and at the default 700 the collector
#: would start a pass every few hundred of them.
_THRESHOLDS = (50_000, 20, 20)

_WORKER: Settings | None = None  # a worker process's settings, set once as it starts


def _start_worker(settings: Settings) -> None:
    global _WORKER
    _WORKER = settings
    gc.freeze()
    # Ctrl-C reaches every process of the terminal's group: the parent alone stops the run
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_in_worker(path: str) -> Outcome:
    assert _WORKER is not None, "only in a worker process"
    return check_one(path, _WORKER)
