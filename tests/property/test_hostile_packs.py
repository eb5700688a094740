"""Hostile rule packs, generated: each ends in a located error or a correct report, in
bounded time, and never in a traceback.

Every attempt runs in a forked child with a time limit (``run_forked``), so a pack that
hangs durable_rules fails its example instead of hanging the suite, and one that crashes
it fails as an ``EngineError``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mandaat
from mandaat.errors import ERROR_TYPES, MandaatInputError
from mandaat.rules._engine import run_forked
from mandaat.rules.facts import school_facts
from tests.conftest import BASE
from tests.strategies_packs import a_pack, a_rule, hostile_packs, write_pack

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: Seconds one pack may take to load and check (a real pack takes well under one).
BOUND = 30


def _attempt(path: Path) -> tuple[str, Any]:
    try:
        pack = mandaat.load_rules(path)
    except mandaat.RulePackError as exc:
        return "load", [p.as_dict() for p in exc.problems]
    try:
        report = mandaat.check(mandaat.load_school(BASE), rules=[pack], rules_only=True)
    except MandaatInputError as exc:
        return "check", [p.as_dict() for p in exc.problems]
    return "report", (report.model_dump(mode="json"), [r.id for r in pack.rules])


@SETTINGS
@given(pack=hostile_packs(), as_json=st.booleans())
def test_a_hostile_pack_ends_in_a_located_error_or_a_report(pack: dict[str, Any],
                                                            as_json: bool):
    """Termination and no traceback: a located RulePackError, or a report whose findings
    come from the pack's own rules."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_pack(Path(folder), pack, "pack.json" if as_json else "pack.yaml")
        start = time.monotonic()
        outcome, detail = run_forked(lambda: _attempt(path), BOUND)
        assert time.monotonic() - start < BOUND
    if outcome == "report":
        report, ids = detail
        assert {f["rule"] for f in report["findings"]} <= set(ids)
        return
    assert detail
    for problem in detail:
        assert problem["type"] in ERROR_TYPES, problem
        assert problem["file"] == str(path), problem
        # a problem of reading the file may stand for the whole file (JSON's Infinity)
        assert (problem["line"] is not None or problem["loc"]
                or problem["type"] in FILE_LEVEL), problem


#: Problems of reading a file that may be located at the file as a whole.
FILE_LEVEL = {"not_json", "not_yaml", "not_utf8", "unreadable"}


PEOPLE_FIELDS = {"person": "id", "name": "text", "n_responsible": "number",
                 "n_accountable": "number", "teacher": "bool", "ib": "bool"}


@st.composite
def _membership(draw: st.DrawFn) -> tuple[str, str, list[Any], bool]:
    field = draw(st.sampled_from(sorted(PEOPLE_FIELDS)))
    ftype = PEOPLE_FIELDS[field]
    if ftype == "bool":
        values: list[Any] = draw(st.lists(st.booleans(), min_size=1, max_size=2, unique=True))
    elif ftype == "number":
        values = draw(st.lists(st.integers(0, 6), min_size=1, max_size=4, unique=True))
        values += [1000 + i for i in range(draw(st.sampled_from([0, 3, 20, 600])))]
    else:
        real = ["anna", "ilse", "tom", "Anna Jansen", "Ilse Bakker", "sara", "nobody"]
        values = draw(st.lists(st.sampled_from(real), min_size=1, max_size=4, unique=True))
        values += [f"x{i}" for i in range(draw(st.sampled_from([0, 3, 20, 600])))]
    return field, draw(st.sampled_from(["in", "not_in"])), values, draw(st.booleans())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(test=_membership())
def test_in_lists_long_or_short_match_what_python_says(test: tuple[str, str, list[Any], bool]):
    """Correctness of both ways of testing a list: an ``$or`` in durable_rules (short) and a
    computed field (long), in a 'fact' pattern and in an 'absent' one."""
    field, op, values, absent = test
    school = mandaat.load_school(BASE)
    people = [f for f in school_facts(school).facts if f["k"] == "person"]
    passing = sorted(f["person"] for f in people
                     if (f[field] in values) == (op == "in"))
    if absent:
        when = [{"fact": "person", "as": "p", "where": {"leader": True}},
                {"absent": "person", "where": {field: {op: values}}}]
        expected = ([["anna"]] if not passing else [])
    else:
        when = [{"fact": "person", "as": "p", "where": {field: {op: values}}}]
        expected = [[p] for p in passing]
    with tempfile.TemporaryDirectory() as folder:
        path = write_pack(Path(folder), a_pack([a_rule("LISTED", when)]))
        report = mandaat.check(school, rules=[mandaat.load_rules(path)], rules_only=True,
                               timeout=BOUND)
    assert sorted(f.subjects for f in report.findings) == expected
