"""Shared helpers: a small valid school to vary, and the findings of one rule."""

from __future__ import annotations

import copy
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import mandaat

BASE: dict[str, Any] = {
    "format": "mandaat/1",
    "school": {"name": "OBS Testschool"},
    "as_of": "2026-11-22",
    "people": [
        {"id": "anna", "name": "Anna Jansen", "roles": ["schoolleider"]},
        {"id": "ilse", "name": "Ilse Bakker", "roles": ["intern_begeleider"]},
        {"id": "tom", "name": "Tom Mulder", "roles": ["leraar"]},
        {"id": "sara", "roles": ["leraar"]},
    ],
    "teams": [{"id": "lt-boven", "kind": "leerteam", "members": ["tom", "sara"]}],
    # Tasks that keep the ib'er in all three LBBO domains, so ALL_THREE_ROLES stays quiet;
    # the quality dialogue of school leader and ib'er keeps QUALITY_DIALOGUE quiet.
    "tasks": [
        {"id": "studiedag", "type": "studiedag", "accountable": "anna", "responsible": ["ilse"]},
        {"id": "trend", "type": "trendanalyse", "accountable": "anna",
         "responsible": ["lt-boven"], "consulted": ["ilse"]},
        {"id": "mdo", "type": "mdo_organiseren", "accountable": "anna", "responsible": ["ilse"]},
        {"id": "kwaliteit", "type": "kwaliteitsdialoog", "accountable": "anna",
         "responsible": ["anna", "ilse"]},
    ],
}


#: A small valid school file, as text, for tests that change one line of it.
GOOD = """\
format: mandaat/1
school: {name: OBS De Regenboog}
as_of: 2026-11-22
people:
  - {id: anna, roles: [schoolleider]}
  - {id: ilse, roles: [intern_begeleider]}
teams:
  - {id: lt, kind: leerteam, members: [anna]}
tasks:
  - {id: t1, type: schoolanalyse, accountable: anna, responsible: [lt], hours: {ilse: 3}}
mandates:
  - {id: m1, from: anna, to: ilse, scope: [schoolanalyse], communicated_to_team: true}
signals:
  - {id: s1, type: ontwikkeling_blijft_achter, about: ilse, since: 2026-09-01}
"""


def school_data(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level keys replaced (``tasks`` etc.)."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


def with_tasks(*tasks: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """BASE with extra tasks appended."""
    data = school_data(**changes)
    data["tasks"] = data["tasks"] + list(tasks)
    return data


def findings(data: dict[str, Any], rule: str | None = None, **kwargs: Any):
    """Check ``data`` and return its findings (of ``rule``, when given)."""
    report = mandaat.check(mandaat.load_school(data), **kwargs)
    return [f for f in report.findings if rule is None or f.rule == rule]


@pytest.fixture
def example() -> mandaat.School:
    return mandaat.load_school(mandaat.example_school_path())


#: The console script of the Python running the tests (its virtualenv's), else the one on
#: PATH; None where neither is installed.
CONSOLE_SCRIPT: str | None = next(
    (str(p) for p in [Path(sys.executable).parent / "mandaat"] if p.exists()),
    shutil.which("mandaat"))
