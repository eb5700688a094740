"""The time budget: ``check(..., timeout=)``, ``escalate(..., timeout=)`` and ``--timeout``.

durable_rules holds the GIL in its C calls, so a timer thread cannot stop it: with a
timeout the evaluation runs in a forked child, which is killed when the time is up.
"""

from __future__ import annotations

import io
import json
import math
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import yaml

import mandaat
from mandaat.cli import main
from mandaat.errors import CheckTimeoutError, Problem, RulePackError, SchoolFileError
from mandaat.rules._engine import EngineError, run_forked
from tests.conftest import BASE, school_data
from tests.strategies_packs import a_pack, a_rule, write_pack

#: Work no machine finishes within the timeouts below: sixty rules of three person patterns
#: each, narrowed to the interim ib'ers only the slow school has. On its 34 of them every
#: rule matches 39,304 combinations (under the join limit of 50,000), which take more than a
#: second to evaluate and render on a 2-core AMD EPYC VM, so more than a minute in all; a
#: school without interim ib'ers is checked at once (35 ms there, fork included). A timeout test waits for
#: TIMEOUT, ample for the quick school on a slow or busy machine and far short of the work.
RUNAWAY = a_pack([a_rule(f"RUNAWAY_{i:02d}", [
    {"fact": "person", "as": "p", "where": {"interim_intern_begeleider": True}},
    {"fact": "person", "as": "q", "where": {"interim_intern_begeleider": True}},
    {"fact": "person", "as": "r", "where": {"interim_intern_begeleider": True}}])
    for i in range(60)])
TIMEOUT = 2.0


@pytest.fixture
def runaway_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit on a whole check's matches (50,000) raised, so that RUNAWAY runs: the time
    budget is for a check slow within the limits, on a slow or busy machine."""
    monkeypatch.setattr("mandaat.rules._engine.MAX_CHECK_JOIN_SIZE", 10**9)


def _slow_school() -> dict:
    people = [{"id": f"p{i:02d}", "roles": ["interim_intern_begeleider"]} for i in range(34)]
    return school_data(people=BASE["people"][:2] + people, teams=[], tasks=[])


def test_a_timeout_gives_the_same_report_and_answer(example):
    from mandaat.report import render_text
    signal_id = example.signals[0].id
    forked, here = mandaat.check(example, timeout=30), mandaat.check(example)
    assert forked.to_json() == here.to_json()
    assert render_text(forked, "nl", explain=True) == render_text(here, "nl", explain=True)
    assert (mandaat.escalate(example, signal_id, lang="en", timeout=30).to_json()
            == mandaat.escalate(example, signal_id, lang="en").to_json())


def test_a_runaway_evaluation_is_stopped_and_leaves_nothing_behind(tmp_path: Path, example,
                                                                   runaway_allowed):
    expected = mandaat.check(example).to_json()
    school = mandaat.load_school(_slow_school())
    pack = mandaat.load_rules(write_pack(tmp_path, RUNAWAY))
    start = time.monotonic()
    with pytest.raises(CheckTimeoutError) as info:
        mandaat.check(school, rules=[pack], rules_only=True, timeout=TIMEOUT)
    assert time.monotonic() - start < TIMEOUT + 8  # stopped on time, not when done
    (problem,) = info.value.problems
    where = school._source.name if school._source is not None else "<school>"
    assert (problem.type, problem.file, problem.loc) == ("timeout", where, ())
    assert isinstance(info.value, mandaat.MandaatInputError)
    assert "2 s" in problem.msg
    assert "tijdslimiet van 2 s" in info.value.render("nl")
    # the next checks in this process are right, with and without a timeout
    assert mandaat.check(example).to_json() == expected
    assert mandaat.check(example, timeout=30).to_json() == expected
    with pytest.raises(CheckTimeoutError):
        mandaat.escalate(mandaat.load_school(_slow_school() | {"signals": [
            {"id": "s1", "type": "eigen_koers", "about": "p00"}]}), "s1",
            rules=[pack, mandaat.default_pack()], rules_only=True, timeout=TIMEOUT)


@pytest.mark.parametrize("timeout", [0, -1, math.nan, math.inf, True, "5"])
def test_a_timeout_is_a_positive_number_of_seconds(example, timeout):
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        mandaat.check(example, timeout=timeout)


def test_input_errors_are_still_raised_before_any_child(example):
    with pytest.raises(SchoolFileError):
        mandaat.check(mandaat.load_school(school_data(params={"no_such": 1})), timeout=5)


def test_what_the_child_raises_arrives_as_itself():
    problem = Problem("pack.yaml", 3, ("rules", 0), "join_too_large", "too many")

    def refuse():
        raise RulePackError([problem])

    with pytest.raises(RulePackError) as info:
        run_forked(refuse, 10)
    assert info.value.problems == (problem,)
    with pytest.raises(ZeroDivisionError):
        run_forked(lambda: 1 / 0, 10)
    assert run_forked(lambda: {"answer": [42]}, 10) == {"answer": [42]}


@pytest.mark.parametrize("timeout", [1e10, 1e300, 10**400])
def test_any_finite_timeout_waits_for_the_answer(example, timeout):
    """A wait longer than the clock can hold (select's limit is about 292 years) is a
    wait without end, not an OverflowError."""
    assert run_forked(lambda: 42, timeout) == 42
    assert mandaat.check(example, timeout=timeout).to_json() == mandaat.check(example).to_json()


def test_a_huge_timeout_option_checks_the_school(capsys):
    assert main(["check", "--format", "json", "--timeout", "1e10"]) == 1
    assert json.loads(capsys.readouterr().out)["format"] == "mandaat-report/1"


def test_a_child_that_dies_is_an_engine_error():
    with pytest.raises(EngineError, match="signal 9"):
        run_forked(lambda: os.kill(os.getpid(), signal.SIGKILL), 10)


def test_a_child_that_never_answers_is_killed_on_time():
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        run_forked(lambda: time.sleep(60), 0.2)
    assert time.monotonic() - start < 2


def test_checks_with_and_without_a_timeout_in_threads(example):
    """The child is forked under the engine's lock: no other thread's evaluation is half-way
    in it."""
    base = mandaat.load_school(BASE)
    serial = [mandaat.check(s).to_json() for s in (example, base)]
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            timeout = 30 if i % 2 else None
            results[i] = [mandaat.check(s, timeout=timeout).to_json()
                          for s in (example, base) * 3]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(got == serial * 3 for got in results.values())


# --- the command line --------------------------------------------------------------------------


def _board(tmp_path: Path) -> tuple[Path, Path]:
    board = tmp_path / "scholen"
    board.mkdir()
    (board / "a-groot.yaml").write_text(yaml.safe_dump(_slow_school()), encoding="utf-8")
    (board / "b-voorbeeld.yaml").write_text(
        mandaat.example_school_path().read_text(encoding="utf-8"), encoding="utf-8")
    return board, write_pack(tmp_path, RUNAWAY)


def test_folder_mode_reports_a_school_that_ran_out_of_time_and_goes_on(tmp_path: Path,
                                                                      runaway_allowed):
    board, pack = _board(tmp_path)
    out = io.StringIO()
    status = main(["check", str(board), "--rules", str(pack), "--timeout", str(TIMEOUT),
                   "--format", "json"], stdout=out, stderr=io.StringIO())
    assert status == 2
    slow, example = (json.loads(line) for line in out.getvalue().splitlines())
    assert slow["file"].endswith("a-groot.yaml")
    assert [e["type"] for e in slow["errors"]] == ["timeout"]
    assert example["file"].endswith("b-voorbeeld.yaml") and example["findings"]


def test_one_school_that_ran_out_of_time_exits_2_without_a_traceback(tmp_path: Path,
                                                                     runaway_allowed):
    board, pack = _board(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", str(board / "a-groot.yaml"), "--rules", str(pack),
                   "--rules-only", "--timeout", str(TIMEOUT)], stdout=out, stderr=err)
    assert status == 2
    assert err.getvalue().startswith(f"{board / 'a-groot.yaml'}: (bestand): de controle "
                                     "duurde langer dan de tijdslimiet van 2 s")
    assert "Traceback" not in err.getvalue()
    # JSON (stdout is no terminal): the same problem on stdout, as apps read it
    problem = json.loads(out.getvalue())
    assert (problem["type"], problem["status"]) == ("urn:mandaat:problem:timeout", 503)
    assert [(p["type"], p["message"][:55]) for p in problem["problems"]] == [
        ("timeout", "de controle duurde langer dan de tijdslimiet van 2 s en")]


@pytest.mark.parametrize("value", ["0", "-2", "nan", "inf", "soon"])
def test_a_bad_timeout_option_is_refused(value: str, capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--timeout", value])
    assert info.value.code == 2
    assert "expected a positive number of seconds" in capsys.readouterr().err


def test_a_reading_that_takes_too_long_is_stopped_too(tmp_path: Path, monkeypatch):
    from mandaat import workbook

    def slow(path, name=None):
        time.sleep(60)

    monkeypatch.setattr(workbook, "load_workbook_path", slow)  # a reading that never ends
    path = tmp_path / "school.xlsx"
    path.write_bytes(b"")
    start = time.monotonic()
    with pytest.raises(CheckTimeoutError) as info:
        mandaat.load_school(path, timeout=0.5)
    assert time.monotonic() - start < 5
    (problem,) = info.value.problems
    assert (problem.file, problem.type) == (str(path), "timeout")
    err = io.StringIO()
    code = main(["check", str(path), "--timeout", "0.5", "--format", "json"],
                stdout=io.StringIO(), stderr=err)
    assert code == 2 and err.getvalue().startswith(f"{path}: (bestand): de controle duurde "
                                                   "langer dan de tijdslimiet van 0.5 s")
