"""What if, for every school (hypothesis): ``diff`` is exact, and every fix proposed is one
that was checked (issue 26, "Done when")."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mandaat
from mandaat import SchoolFileError
from mandaat.school import vocabulary as V
from mandaat.training.scenarios import bundled_scenarios_path, load_scenarios
from tests.strategies import schools
from tests.whatif.verify import keys, verify_applied, verify_fix

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import bench  # noqa: E402

WHATIF = settings(max_examples=100, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def edited(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A school and a random edit of it: letters, accountables, roles, mandates, tasks,
    absences and deputies, one to three of them."""
    data = draw(schools())
    after = copy.deepcopy(data)
    people = [p["id"] for p in after["people"]]
    for _ in range(draw(st.integers(1, 3))):
        tasks, mandates = after.get("tasks", []), after.get("mandates", [])
        kind = draw(st.sampled_from(["letter", "unletter", "accountable", "role", "unrole",
                                     "communicated", "drop_task", "type", "absent", "deputy"]))
        if kind in ("letter", "unletter", "accountable", "drop_task", "type") and not tasks:
            continue
        if kind == "communicated" and not mandates:
            continue
        if kind == "letter":
            t = draw(st.sampled_from(tasks))
            letter = draw(st.sampled_from(V.RACI))
            who = draw(st.sampled_from(people))
            if who not in t.get(letter, []):
                t[letter] = [*t.get(letter, []), who]
        elif kind == "unletter":
            t = draw(st.sampled_from(tasks))
            letter = draw(st.sampled_from(V.RACI))
            if t.get(letter):
                t[letter] = t[letter][1:]
        elif kind == "accountable":
            draw(st.sampled_from(tasks))["accountable"] = [draw(st.sampled_from(people))]
        elif kind == "role":
            p = draw(st.sampled_from(after["people"]))
            role = draw(st.sampled_from(V.ROLES))
            if role not in p["roles"]:
                p["roles"] = [*p["roles"], role]
        elif kind == "unrole":
            p = draw(st.sampled_from(after["people"]))
            if len(p["roles"]) > 1:
                p["roles"] = p["roles"][1:]
        elif kind == "communicated":
            m = draw(st.sampled_from(mandates))
            m["communicated_to_team"] = not m["communicated_to_team"]
        elif kind == "drop_task":
            after["tasks"] = [t for t in tasks if t is not draw(st.sampled_from(tasks))]
        elif kind == "type":
            draw(st.sampled_from(tasks))["type"] = draw(st.sampled_from(V.TASK_TYPES))
        elif kind == "absent":
            p = draw(st.sampled_from(after["people"]))
            if p.get("absent"):
                del p["absent"]
            else:
                p["absent"] = {"from": "2026-11-01"}
        elif kind == "deputy":
            draw(st.sampled_from(after["people"]))["deputy"] = draw(st.sampled_from(people))
    return data, after


@WHATIF
@given(edited())
def test_diff_is_exactly_the_set_differences_of_the_two_reports(pair):
    data, after_data = pair
    before = mandaat.load_school(data)
    try:
        after = mandaat.load_school(after_data)
    except SchoolFileError:
        assume(False)
        return
    d = mandaat.diff(before, after)
    old, new = mandaat.check(before), mandaat.check(after)
    assert keys_of(d.resolved) == keys(old) - keys(new)
    assert keys_of(d.introduced) == keys(new) - keys(old)
    assert keys_of(d.unchanged) == keys(old) & keys(new)
    # each finding exactly as its report shows it, in the report's order
    assert d.resolved == [f for f in old.findings if (f.rule, tuple(f.subjects)) in
                          keys(old) - keys(new)]
    assert d.introduced == [f for f in new.findings if (f.rule, tuple(f.subjects)) in
                            keys(new) - keys(old)]
    assert d.unchanged == [f for f in new.findings if (f.rule, tuple(f.subjects)) in
                           keys(old) & keys(new)]
    assert d.exit_code == int(any(f.severity == "violation" for f in d.introduced))
    back = mandaat.diff(after, before)
    assert keys_of(back.introduced) == keys_of(d.resolved)
    if before == after:
        assert d.changes == []
    else:
        assert d.changes


def keys_of(findings) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.rule, tuple(f.subjects)) for f in findings}


@WHATIF
@given(schools())
def test_every_proposed_fix_of_a_generated_school_is_verified(data):
    school = mandaat.load_school(data)
    verify_fix(school, mandaat.fix(school))
    verify_applied(school, mandaat.apply_fixes(school))


@pytest.mark.parametrize("seed", range(8))
def test_every_proposed_fix_of_a_plausible_school_is_verified(seed):
    """Schools as the benchmark builds them, small: many findings, many fixes."""
    school = mandaat.load_school(bench.generate(10, 25, 5, seed=seed))
    result = mandaat.fix(school)
    assert result.summary["fixable"] > 0
    assert verify_fix(school, result) > 0
    applied = mandaat.apply_fixes(school)
    assert applied.applied
    verify_applied(school, applied)


def _scenario_schools() -> list[tuple[str, mandaat.School]]:
    return [(s.scenario.id, s.school) for s in load_scenarios(bundled_scenarios_path())]


def _school_files() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.yaml")) + sorted(ROOT.rglob("*.xlsx")):
        if any(part.startswith(".") for part in path.relative_to(ROOT).parts):
            continue
        try:
            mandaat.load_school(path)
        except Exception:  # not a school file (a rule pack, a scenario, a hostile one)
            continue
        found.append(path)
    return found


@pytest.mark.parametrize(("name", "school"), _scenario_schools())
def test_every_proposed_fix_of_a_scenario_school_is_verified(name, school):
    verify_fix(school, mandaat.fix(school))
    verify_applied(school, mandaat.apply_fixes(school))


@pytest.mark.parametrize("path", _school_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_proposed_fix_of_a_school_file_in_the_repository_is_verified(path):
    school = mandaat.load_school(path)
    verify_fix(school, mandaat.fix(school))
    verify_applied(school, mandaat.apply_fixes(school))


def test_the_repository_has_school_files_to_try():
    names = {p.name for p in _school_files()}
    assert {"example-school.yaml", "example-school.xlsx"} <= names
