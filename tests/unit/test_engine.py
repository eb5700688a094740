"""Regression tests for each durable_rules behaviour the engine wrapper designs around."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import mandaat
from mandaat import _engine
from tests.conftest import BASE, school_data, with_tasks


def test_no_background_threads_however_many_checks(example):
    mandaat.check(example)
    before = threading.active_count()
    for _ in range(50):
        mandaat.check(example)
    assert threading.active_count() == before


def test_more_checks_than_durable_rules_has_session_slots(example):
    """1,024 live sessions raise MemoryError: each check deletes its own."""
    expected = mandaat.check(example).to_json()
    school = mandaat.load_school(BASE)
    for _ in range(1100):
        mandaat.check(school)
    assert mandaat.check(example).to_json() == expected


def test_a_pack_is_registered_once_per_process(example):
    mandaat.check(example)
    count = _engine._ENGINE.live_rulesets()
    for _ in range(5):
        mandaat.check(example, lang="en")
        mandaat.check(mandaat.load_school(BASE))
    assert _engine._ENGINE.live_rulesets() == count


def test_a_rule_starting_with_absence_fires_and_sees_facts_asserted_late():
    """A rule that starts with a negation never fires in durable_rules; ``$not`` ignores
    facts asserted after it. The trigger fact makes both correct."""
    no_leader = school_data(people=[{"id": "ilse", "roles": ["intern_begeleider"]}],
                            tasks=[], teams=[])
    assert [f.rule for f in mandaat.check(mandaat.load_school(no_leader)).findings
            ].count("NO_SCHOOL_LEADER") == 1
    # 'zz-late' sorts after everything else, so its facts are asserted late in the batch
    late = with_tasks({"id": "zz-late", "type": "coaching", "accountable": "anna",
                       "responsible": ["ilse", "tom"]},
                      {"id": "aa-early", "type": "coaching", "accountable": "anna",
                       "responsible": ["ilse"]})
    assert not [f for f in mandaat.check(mandaat.load_school(late)).findings
                if f.rule == "SOLE_COACH"]


def test_branches_do_not_combine():
    """Native ``any`` fires on combinations of branches; each branch is its own rule."""
    data = school_data(signals=[{"id": "s1", "type": "afspraak_niet_nagekomen", "about": "tom",
                                 "willful": True, "conversation_held": True, "count": 9}])
    report = mandaat.check(mandaat.load_school(data))
    assert [(f.rule, f.subjects) for f in report.findings] == [("BREACH_TO_LEADER", ["s1"])]


def test_a_school_where_nothing_fires_twice_in_a_row():
    """delete_state crashed on a session in which no action had run."""
    school = mandaat.load_school(BASE)
    assert mandaat.check(school).findings == []
    assert mandaat.check(school).findings == []


def test_threads_get_the_serial_results(example):
    schools = [example, mandaat.load_school(BASE)] + [
        mandaat.load_school(with_tasks({"id": f"x{i}", "type": "coaching",
                                        "accountable": "ilse", "responsible": ["ilse"]}))
        for i in range(6)]
    serial = [mandaat.check(s).to_json() for s in schools]
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = [mandaat.check(schools[(i + k) % len(schools)]).to_json()
                          for k in range(len(schools))]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for i, got in results.items():
        assert got == [serial[(i + k) % len(schools)] for k in range(len(schools))]


_VALGRIND_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
import mandaat
from tests.conftest import BASE, school_data, with_tasks
# A school where nothing fires comes first: a fresh session slot is what crashed.
schools = [mandaat.load_school(BASE), mandaat.load_school(mandaat.example_school_path())]
schools.append(mandaat.load_school(school_data(people=[{{"id": "x", "roles": ["leraar"]}}],
    tasks=[], teams=[], signals=[{{"id": "s", "type": "eigen_koers", "about": "x"}}])))
schools.append(mandaat.load_school(with_tasks({{"id": "tiny", "type": "administratie",
    "accountable": "anna", "responsible": ["ilse"], "hours": {{"ilse": 1e-05}}}})))
schools.append(mandaat.load_school(with_tasks(*[{{"id": f"t{{i}}", "type": "coaching",
    "accountable": "ilse", "responsible": ["ilse"], "hours": {{"ilse": i}}}} for i in range(40)])))
for school in schools:
    for lang in ("nl", "en"):
        mandaat.check(school, lang=lang)
print("checked", len(schools))
"""


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_no_invalid_memory_use_in_the_engine_under_valgrind(tmp_path: Path):
    """durable_rules read past an expression array and freed an uninitialised pointer on
    some inputs; both crashed only under some memory layouts. valgrind sees them always."""
    root = str(Path(__file__).parents[2])
    script = tmp_path / "run.py"
    script.write_text(_VALGRIND_SCRIPT.format(root=root), encoding="utf-8")
    run = subprocess.run(
        ["valgrind", "--error-exitcode=99", sys.executable, str(script)],
        capture_output=True, text=True, timeout=900, check=False)
    assert "checked 5" in run.stdout, run.stderr[-3000:]
    assert "ERROR SUMMARY: 0 errors" in run.stderr, run.stderr[-3000:]


def test_a_join_is_not_skipped_after_a_choice_in_the_same_pattern():
    """durable_rules skips a join test that follows an ``$or`` in the same ``$and``: the
    consulted offender of one personnel task would then show up on every other one."""
    data = with_tasks(
        {"id": "dossier-a", "type": "personeelsdossier", "accountable": "anna",
         "responsible": ["anna"], "consulted": ["sara"]},
        {"id": "dossier-b", "type": "personeelsdossier", "accountable": "anna",
         "responsible": ["anna"]})
    report = mandaat.check(mandaat.load_school(data))
    assert [f.subjects for f in report.findings if f.rule == "PERSONNEL_DATA_ACCESS"] == [
        ["dossier-a", "sara"]]


@pytest.mark.parametrize("hours", [1e-05, 5e-324, 1e-300, 2e-07])
def test_floats_written_with_an_exponent_and_no_point(hours):
    """durable_rules' JSON parser reads ``1e-05`` as ``1`` and corrupts the session; the
    report still shows the value as the school gave it."""
    data = with_tasks({"id": "adm", "type": "administratie", "accountable": "anna",
                       "responsible": ["ilse"], "hours": {"ilse": hours}})
    report = mandaat.check(mandaat.load_school(data))
    (overload,) = [f for f in report.findings if f.rule == "BEHEER_OVERLOAD"]
    workload = next(f for f in overload.explanation.because if f["fact"] == "workload")
    assert workload["hours"] == hours
    assert workload["share"] == 1.0



SMALL_PACK = """\
pack: small
version: "1"
rules:
  - id: NO_TEACHER
    severity: advice
    when:
      - absent: person
        where: {teacher: true}
    message: {nl: Geen leraar., en: No teacher.}
    suggestion: {nl: Neem een leraar aan., en: Hire a teacher.}
    source: {text: 001_7e2a7906d0b92de6.txt, quote: niet zelf coachen}
"""


def test_packs_loaded_anew_on_every_call_do_not_pile_up(tmp_path: Path):
    module = sys.modules["mandaat.check"]
    pack = tmp_path / "small.yaml"
    pack.write_text(SMALL_PACK, encoding="utf-8")
    school = mandaat.load_school(BASE)
    mandaat.check(school, rules=[pack])
    registered = _engine._ENGINE.live_rulesets()
    for _ in range(module._COMPILED_MAX + 5):
        assert [f.rule for f in mandaat.check(school, rules=[pack]).findings] == []
    assert len(module._COMPILED) <= module._COMPILED_MAX
    assert _engine._ENGINE.live_rulesets() == registered


@pytest.mark.parametrize("cap", [1, 3])
def test_every_match_arrives_however_many_one_action_carries(monkeypatch, cap):
    # One action receives up to _CAP matches of its rule; beyond that durable_rules runs
    # the action again. 25 tasks with nobody responsible, 25 matches either way.
    data = with_tasks(*[{"id": f"x{i:02d}", "type": "planning", "accountable": "anna"}
                        for i in range(25)])
    expected = [(f.rule, f.subjects) for f in mandaat.check(mandaat.load_school(data)).findings]
    monkeypatch.setattr(_engine, "_CAP", cap)
    monkeypatch.setattr(sys.modules["mandaat.check"], "_COMPILED", {})
    got = [(f.rule, f.subjects) for f in mandaat.check(mandaat.load_school(data)).findings]
    assert len(expected) == 25 and [r for r, _ in expected] == ["RESPONSIBLE_PRESENT"] * 25
    assert got == expected
