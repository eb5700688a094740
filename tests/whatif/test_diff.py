"""mandaat.diff: findings resolved, introduced and unchanged, and the changes in between."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

import mandaat
from mandaat.whatif._text import render_diff_html, render_diff_text
from tests.strategies import shuffled


def example_data() -> dict[str, Any]:
    school = mandaat.load_school(mandaat.example_school_path())
    return school.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def task(data: dict[str, Any], task_id: str) -> dict[str, Any]:
    return next(t for t in data["tasks"] if t["id"] == task_id)


def keys(findings) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.rule, tuple(f.subjects)) for f in findings}


@pytest.fixture(scope="module")
def before() -> mandaat.School:
    return mandaat.load_school(mandaat.example_school_path())


def test_a_school_against_itself_resolves_and_introduces_nothing(before):
    d = mandaat.diff(before, before)
    report = mandaat.check(before)
    assert d.resolved == [] and d.introduced == [] and d.changes == []
    assert [f.model_dump() for f in d.unchanged] == [f.model_dump() for f in report.findings]
    assert d.exit_code == 0
    assert d.summary["unchanged"] == report.summary


def test_taking_the_ib_er_off_an_assessment_resolves_that_finding_only(before):
    data = example_data()
    t = task(data, "beoordelingen-2026")
    assert "ilse" in t["responsible"]
    t["responsible"] = [w for w in t["responsible"] if w != "ilse"] or ["anna"]
    t.get("hours", {}).pop("ilse", None)
    after = mandaat.load_school(data)
    d = mandaat.diff(before, after)
    assert keys(d.resolved) == {("IB_NO_ASSESSOR", ("ilse", "beoordelingen-2026"))}
    assert d.introduced == []
    assert d.exit_code == 0
    removed = [c for c in d.changes if c.kind == "task" and c.field == "responsible"
               and c.change == "removed"]
    assert [(c.id, c.value) for c in removed] == [("beoordelingen-2026", "ilse")]


def test_resolved_findings_are_exactly_as_the_report_of_before_shows_them(before):
    data = example_data()
    for m in data["mandates"]:
        m["communicated_to_team"] = True
    after = mandaat.load_school(data)
    d = mandaat.diff(before, after)
    old = {(f.rule, tuple(f.subjects)): f for f in mandaat.check(before).findings}
    assert d.resolved and all(f == old[(f.rule, tuple(f.subjects))] for f in d.resolved)
    changed = [c for c in d.changes if c.field == "communicated_to_team"]
    assert changed and all(c.before is False and c.after is True for c in changed)


def test_an_introduced_violation_gives_exit_1(before):
    data = example_data()
    for p in data["people"]:
        if "schoolleider" in p["roles"]:
            p["roles"] = ["leraar"]
    after = mandaat.load_school(data)
    d = mandaat.diff(before, after)
    assert ("NO_SCHOOL_LEADER", ()) in keys(d.introduced)
    assert d.summary["introduced"]["violation"] >= 1
    assert d.exit_code == 1
    roles = {(c.id, c.change, c.value) for c in d.changes if c.field == "roles"}
    assert ("anna", "removed", "schoolleider") in roles


def test_changes_name_hours_letters_mandates_people_and_absences(before):
    data = example_data()
    t = task(data, "jaarplanning")
    t["hours"] = {**t.get("hours", {}), "anna": 7}
    data["people"].append({"id": "nieuw", "name": "Nina Nieuw", "roles": ["leraar"],
                           "absent": {"from": "2026-11-01"}})
    data["mandates"][0]["scope"] = [*data["mandates"][0]["scope"], "studiedag"]
    after = mandaat.load_school(data)
    changes = mandaat.diff(before, after).changes
    assert any(c.kind == "person" and c.id == "nieuw" and c.change == "added" and c.field is None
               for c in changes)
    hours = [c for c in changes if c.field == "hours"]
    assert [(c.id, c.value, c.after) for c in hours] == [("jaarplanning", "anna", 7.0)] or \
        [(c.id, c.value, c.after) for c in hours] == [("jaarplanning", "anna", 7)]
    assert any(c.kind == "mandate" and c.field == "scope" and c.value == "studiedag"
               for c in changes)
    back = mandaat.diff(after, before).changes
    assert any(c.kind == "person" and c.id == "nieuw" and c.change == "removed" for c in back)


def test_the_json_is_the_same_whatever_the_order_of_either_file(before):
    data = example_data()
    task(data, "jaarplanning")["accountable"] = ["anna"]
    after = mandaat.load_school(data)
    first = mandaat.diff(before, after).to_json()
    rnd = random.Random(3)
    for _ in range(3):
        a = mandaat.load_school(shuffled(example_data(), rnd))
        b = mandaat.load_school(shuffled(copy.deepcopy(data), rnd))
        assert mandaat.diff(a, b).to_json() == first
    parsed = json.loads(first)
    assert {"resolved", "introduced", "unchanged", "changes"} <= set(parsed)
    assert parsed["format"] == "mandaat-diff/1"


def test_text_is_dutch_first_and_english_on_request(before):
    data = example_data()
    task(data, "jaarplanning")["accountable"] = ["anna"]
    after = mandaat.load_school(data)
    nl = render_diff_text(mandaat.diff(before, after))
    en = render_diff_text(mandaat.diff(before, after, lang="en"), "en")
    # anna was accountable already; mark, who had no mandate, is taken off
    assert "Opgelost: 2 overtredingen" in nl and "Nieuw: geen" in nl
    assert "Mark de Vries (mark) is niet meer eindverantwoordelijk (A)" in nl
    assert "Resolved: 2 violations" in en and "Introduced: none" in en
    assert "Mark de Vries (mark) is no longer accountable (A)" in en


def test_html_escapes_every_name_from_the_files(before):
    data = example_data()
    data["school"]["name"] = "<script>alert(1)</script>"
    data["people"].append({"id": "x", "name": "<img src=x onerror=alert(1)>",
                           "roles": ["leraar"]})
    after = mandaat.load_school(data)
    page = render_diff_html(mandaat.diff(before, after))
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert page.startswith("<!DOCTYPE html>")


def test_diff_takes_schools_only():
    with pytest.raises(TypeError, match="load it first"):
        mandaat.diff("a.yaml", "b.yaml")  # type: ignore[arg-type]


def test_changes_read_as_sentences_with_names(before):
    data = example_data()
    for m in data["mandates"]:
        if m["id"] == "m-methode":
            m["communicated_to_team"] = True
    t = task(data, "oudergesprek-lln-017")
    t["case_holder"] = "daan"
    after = mandaat.load_school(data)
    text = render_diff_text(mandaat.diff(before, after))
    assert "  - mandaat m-methode: bekend bij het team nee → ja\n" in text
    assert ("casushouder Ilse Bakker (ilse) → Daan Visser (daan)\n") in text
    english = render_diff_text(mandaat.diff(before, after, lang="en"), "en")
    assert "  - mandate m-methode: told to the team no → yes\n" in english
