"""Findings a school leader can trust: each school file in tests/data/trust/ was written
for one way a report said something false, empty or repeated, and each test here reads
the answer a school leader would expect off the rule catalogue and the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mandaat
from mandaat.school import vocabulary as V

TRUST = Path(__file__).parent.parent / "data" / "trust"
ROOT = Path(__file__).parent.parent.parent


def check(name: str, **kwargs):
    return mandaat.check(mandaat.load_school(TRUST / name), **kwargs)


def of_rule(report, rule: str):
    return [f for f in report.findings if f.rule == rule]


# --- point 12: the words of KNOWN_TASK_TYPE -------------------------------------------------


def test_known_task_type_finds_compounds_and_plurals_of_its_own_words():
    found = {f.subjects[0]: f.explanation.because[0]["suggested_type"]
             for f in of_rule(check("taaknamen.yaml"), "KNOWN_TASK_TYPE")}
    # Groepshandelingsplannen holds handelingsplannen, the plural of handelingsplan;
    # Kwaliteitsgesprekken the plural of kwaliteitsgesprek; a self-assessment and a
    # school trip are no task type
    assert found == {"ghp": "groepsplan", "kwg": "kwaliteitsdialoog"}


@pytest.mark.parametrize("task_type", sorted(V.type_words()))
def test_every_word_of_a_type_its_plural_and_compound_point_to_that_type(task_type):
    for word in V.type_words()[task_type]:
        longer = [w for t, ws in V.type_words().items() if t != task_type
                  for w in ws if len(w) > len(word) and word in w]
        if longer:  # a longer word of another type holds this one: it wins where it stands
            continue
        for form in V.word_forms(word):
            assert V.suggested_type(form.upper()) == task_type, form
        first = re.split(r"[^a-z]", word)[0]  # of "mt-overleg", "mt"
        compound = V.suggested_type("zorgzq" + word)
        if len(first) >= 6 and word != "beoordeling":
            assert compound == task_type, word
        else:
            assert compound != task_type, word


def test_the_format_page_lists_every_word_of_every_type():
    doc = (ROOT / "docs" / "school-format.md").read_text(encoding="utf-8")
    table = doc.split("### The words that point to a task type", 1)[1].split("\n\n", 3)[2]
    rows = {cells[0].strip("`"): tuple(cells[1].split(", "))
            for cells in (line.strip("| ").split(" | ") for line in table.splitlines()[2:])}
    assert rows == V.type_words()
