"""Two real schools' task divisions, written from their own pages (tests/scenarios/real/).

Each file loads, names no task `overig`, leans on `defaults.accountable` for at least one
task, and gives exactly the findings worked out below by reading the rules
(rules/lbbo-2022/*.yaml, docs/lbbo-2022.md) against the file, before running the check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mandaat
from mandaat.report import render_text

REAL = Path(__file__).parent / "real"

# (rule, subjects, escalate_to) per school; one line of reasoning per finding.
EXPECTED: dict[str, set[tuple[str, tuple[str, ...], str | None]]] = {
    "erve-hooyerinck.yaml": {
        # The only coaching task (leerkrachten-ondersteunen) is carried by the two
        # coordinators (both ib'ers) alone, and the school has no collegiale_consultatie.
        ("SOLE_COACH", ("zkc-1-4", "zkc-5-8"), None),
        # The ib'ers are on the toetskalender (toetsmomenten), and on no other task in data,
        # monitoring en reflectie: no schoolanalyse, trendanalyse, kwaliteitszorg, ...
        ("TRENDS_NOT_CALENDAR", ("zkc-1-4", "zkc-5-8"), None),
        # A pupil of group 6 needs more than basic support; zkc-5-8 supervises group 6.
        ("CARE_TABLE", ("s-lln-001",), "zkc-5-8"),
    },
    "koning-david-school.yaml": {
        # gesprekken-ouders is an oudergesprek_zorg without a case holder.
        ("CASE_HOLDER_IS_TEACHER", ("gesprekken-ouders",), None),
        # The ib'er (kc) is responsible for that oudergesprek_zorg and no leraar is.
        ("IB_DIRECTS_CARE", ("kc", "gesprekken-ouders"), None),
        # kc is on tasks in leren en ontwikkeling (coaching, studiedag) and zorg en
        # ondersteuning, but on none in data, monitoring en reflectie (the kwaliteitszorg
        # task is the director's and the bouwcoördinatoren's).
        ("ALL_THREE_ROLES", ("kc",), None),
        # A pupil of group 5 needs more than basic support; nobody `supervises`, so the
        # first ib'er in the file, kc, directs.
        ("CARE_TABLE", ("s-lln-002",), "kc"),
    },
}
# Not expected, for the reader: IB_NOT_LINE_MANAGER (at the Koning David School the
# bouwcoördinatoren lead their bouw, not the ib'er); QUALITY_DIALOGUE (both schools have an
# overleg_schoolleiding with an ib'er and the director on it); SOLE_COACH at the Koning David
# School (the director and the bouwcoördinatoren coach too); ACCOUNTABLE_HAS_AUTHORITY (the
# director, a school leader, is every task's accountable); the hour rules (no hours given).

SCHOOLS = sorted(EXPECTED)


def test_the_real_schools_folder_holds_exactly_these_files():
    assert sorted(p.name for p in REAL.glob("*.yaml")) == SCHOOLS


@pytest.fixture(scope="module", params=SCHOOLS)
def real(request):
    school = mandaat.load_school(REAL / request.param)
    return request.param, school, mandaat.check(school)


def test_real_school_loads(real):
    name, school, _ = real
    assert isinstance(school, mandaat.School)
    assert school.tasks and school.people


def test_real_school_has_no_overig_task(real):
    _, school, _ = real
    assert [t.id for t in school.tasks if t.type == "overig"] == []


def test_real_school_uses_the_default_accountable(real):
    _, school, _ = real
    assert school.defaults is not None and school.defaults.accountable is not None
    assert any(school.accountable_of(task)[1] for task in school.tasks)


def test_real_school_gives_exactly_the_expected_findings(real):
    name, _, report = real
    actual = {(f.rule, tuple(f.subjects), f.escalate_to) for f in report.findings}
    assert actual == EXPECTED[name]


def test_real_school_mentions_no_pupil_name(real):
    _, school, _ = real
    for signal in school.signals:
        if signal.type == "extra_ondersteuning_nodig":
            assert signal.about.startswith("lln-")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_real_school_report_text_has_no_python_reprs(real, lang):
    name, school, _ = real
    text = render_text(mandaat.check(school, lang=lang), lang)
    leaks = [line for line in text.splitlines() if "{'" in line or "[('" in line]
    assert leaks == [], f"{name}: raw Python reprs in the report text"
