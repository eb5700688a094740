"""Groups as school leaders write them in a workbook (ranges, combination groups), the
order and number of a workbook's problems, and dates as the sheets ask for them."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import mandaat
from mandaat import SchoolFileError
from mandaat import workbook as W
from mandaat.errors import Problem
from tests.conftest import BASE
from tests.unit.test_workbook import column_of, edit, export, row_of


def problems(path: Path) -> list[Problem]:
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(path)
    return list(info.value.problems)


def two_ibers() -> dict[str, Any]:
    """Two ib'ers, each for her own groups, and a teacher of group 5 with a signal."""
    data = copy.deepcopy(BASE)
    data["people"] = [
        {"id": "anna", "name": "Anna Jansen", "roles": ["schoolleider"]},
        {"id": "ilse", "name": "Ilse Bakker", "roles": ["intern_begeleider"],
         "supervises": ["1"]},
        {"id": "petra", "name": "Petra Kok", "roles": ["intern_begeleider"],
         "supervises": ["5"]},
        {"id": "tom", "name": "Tom Mulder", "roles": ["leraar"], "groups": ["5"]},
        {"id": "lisa", "name": "Lisa Meijer", "roles": ["leraar"], "groups": ["1/2"]},
        {"id": "sara", "roles": ["leraar"], "groups": ["3"]},
    ]
    data["signals"] = [{"id": "s-tom", "type": "ontwikkeling_blijft_achter", "about": "tom",
                        "since": "2026-11-01"}]
    return data


def with_people_cells(tmp_path: Path, cells: dict[tuple[str, str], Any]) -> Path:
    """The two ib'ers' workbook with cells of the Personen sheet written as typed."""
    path = export(two_ibers(), tmp_path / "w.xlsx")

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Personen"]
        for (ident, heading), value in cells.items():
            ws.cell(row=row_of(ws, ident), column=column_of(ws, heading)).value = value
    return edit(path, change)


def supervises(school: mandaat.School, ident: str) -> list[str]:
    return list(next(p for p in school.people if p.id == ident).supervises)


def groups(school: mandaat.School, ident: str) -> list[str]:
    return list(next(p for p in school.people if p.id == ident).groups)


# --- ranges in "Ib'er van" and "Groepen" ---------------------------------------------------


@pytest.mark.parametrize("cell, expected", [
    ("1 t/m 4", ["1", "2", "3", "4", "1/2"]),      # Lisa teaches the combination 1/2
    ("5-8", ["5", "6", "7", "8"]),
    ("5 - 8", ["5", "6", "7", "8"]),
    ("groep 3 t/m 5", ["3", "4", "5"]),
    ("Groepen 6 tot en met 8", ["6", "7", "8"]),
    ("1 en 2", ["1", "2"]),
    ("groep 7", ["7"]),
    ("1-2, 7", ["1", "2", "1/2", "7"]),
    ("bovenbouw", ["bovenbouw"]),
    ("3a", ["3a"]),
])
def test_ranges_in_ib_er_van_name_each_group(tmp_path, cell, expected):
    school = mandaat.load_school(with_people_cells(tmp_path, {("petra", "Ib'er van"): cell}))
    assert supervises(school, "petra") == expected


def test_a_range_also_names_the_combination_groups_in_it(tmp_path):
    school = mandaat.load_school(with_people_cells(tmp_path, {("ilse", "Ib'er van"): "1 t/m 4"}))
    assert supervises(school, "ilse") == ["1", "2", "3", "4", "1/2"]


def test_a_combination_group_someone_teaches_is_that_group(tmp_path):
    school = mandaat.load_school(with_people_cells(tmp_path, {("ilse", "Ib'er van"): "1/2"}))
    assert supervises(school, "ilse") == ["1/2"]
    assert groups(school, "lisa") == ["1/2"]


def test_a_combination_group_no_one_teaches_names_its_groups(tmp_path):
    school = mandaat.load_school(with_people_cells(tmp_path, {("ilse", "Ib'er van"): "3/4"}))
    assert supervises(school, "ilse") == ["3", "4"]


@pytest.mark.parametrize("cell, expected", [
    ("1 t/m 3", ["1", "2", "3"]),
    ("groep 6", ["6"]),
    ("5 en 6", ["5", "6"]),
    ("7/8", ["7/8"]),
])
def test_ranges_in_groepen(tmp_path, cell, expected):
    school = mandaat.load_school(with_people_cells(tmp_path, {("tom", "Groepen"): cell}))
    assert groups(school, "tom") == expected


@pytest.mark.parametrize("heading, cell, hint", [
    ("Ib'er van", "1 tot 4", "write '1 t/m 4' or '1, 2, 3, 4'"),
    ("Groepen", "groep 2 of 3", "write '2 t/m 3' or '2, 3'"),
    ("Ib'er van", "8-5", "write the lowest group first: '5 t/m 8'"),
    ("Ib'er van", "5-10", "groups run from 1 to 8"),
    ("Groepen", "0 t/m 2", "groups run from 1 to 8"),
])
def test_what_is_no_group_or_range_is_refused_at_its_cell(tmp_path, heading, cell, hint):
    who = "petra" if heading == "Ib'er van" else "tom"
    path = with_people_cells(tmp_path, {(who, heading): cell})
    found = problems(path)
    assert len(found) == 1, found
    ws = openpyxl.load_workbook(path)["Personen"]
    ref = ws.cell(row=row_of(ws, who), column=column_of(ws, heading)).coordinate
    assert found[0].loc == (f"Personen!{ref}",)
    assert found[0].type == "invalid_value"
    assert f"'{cell}' is not a group or a range of groups" in found[0].msg
    assert hint in found[0].msg
    assert "is geen groep en geen reeks groepen" in found[0].text("nl")


def test_the_iber_of_a_range_acts_for_a_teacher_of_a_group_in_it(tmp_path):
    path = with_people_cells(tmp_path, {("ilse", "Ib'er van"): "1 t/m 4",
                                        ("petra", "Ib'er van"): "5-8"})
    school = mandaat.load_school(path)
    answer = mandaat.escalate(school, "s-tom")
    assert answer.acts_now == "petra"


def test_the_repro_workbook_names_the_iber_of_the_pupils_group():
    repro = Path("/work/shared/repro/workbooks/ibvan-bereik.xlsx")
    if not repro.exists():
        pytest.skip("the reproduction workbook is not here")
    school = mandaat.load_school(repro)
    assert supervises(school, "petra-kok") == ["5", "6", "7", "8"]
    assert mandaat.escalate(school, "s-bas-hendriks").acts_now == "petra-kok"


def test_export_refuses_a_group_name_that_would_read_back_as_a_range(tmp_path):
    data = two_ibers()
    data["people"][3]["groups"] = ["5-6"]
    with pytest.raises(SchoolFileError) as info:
        W.workbook_bytes(mandaat.load_school(data))
    (problem,) = info.value.problems
    assert problem.type == "cannot_export"
    assert "reads back as the groups 5, 6" in problem.msg


def test_export_writes_supervised_groups_that_read_back_the_same(tmp_path):
    data = two_ibers()
    data["people"][1]["supervises"] = ["1", "2", "3", "4", "1/2"]
    data["people"][2]["supervises"] = ["5", "6", "7", "8"]
    school = mandaat.load_school(data)
    path = tmp_path / "w.xlsx"
    path.write_bytes(W.workbook_bytes(school))
    assert mandaat.load_school(path) == school


# --- the order and the number of a workbook's problems -------------------------------------


def test_problems_are_sorted_by_sheet_row_and_column_as_numbers(tmp_path):
    data = copy.deepcopy(BASE)
    data["people"] += [{"id": f"p{i}", "roles": ["leraar"]} for i in range(8)]
    path = export(data, tmp_path / "w.xlsx")

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Personen"]
        for r in (2, 10, 3):
            ws.cell(row=r, column=3).value = "leerkrachtt"
        ws.cell(row=2, column=27).value = 5      # AA: a column without a heading
        ws.cell(row=10, column=2).value = None
    found = problems(edit(path, change))
    locs = [p.loc[0] for p in found if p.loc and p.loc[0].startswith("Personen!")]
    assert locs == ["Personen!AA1", "Personen!C2", "Personen!C3", "Personen!C10"], locs


def test_the_sort_key_of_a_cell():
    from mandaat.errors import _loc_order

    keys = ["Taken!C10", "Taken!C2", "Taken!AA1", "Taken!B10", "Personen!Z99", "A3"]
    assert sorted(keys, key=lambda k: _loc_order((k,))) == [
        "A3", "Personen!Z99", "Taken!AA1", "Taken!C2", "Taken!B10", "Taken!C10"]
    # other locations keep their order
    assert _loc_order(("people", 1, "roles")) < _loc_order(("people", 1, "roles", 0))


def test_problems_are_capped_with_a_last_one_saying_how_many_more(tmp_path, monkeypatch):
    from mandaat.limits import LIMITS
    from mandaat.workbook import _read

    monkeypatch.setattr(_read, "INPUT_LIMITS", {**LIMITS, "problems": 5})
    data = copy.deepcopy(BASE)
    data["people"] += [{"id": f"p{i}", "roles": ["leraar"]} for i in range(5)]
    path = export(data, tmp_path / "w.xlsx")

    def change(wb: openpyxl.Workbook) -> None:
        for r in range(2, 11):
            wb["Personen"].cell(row=r, column=3).value = "leerkrachtt"
    found = problems(edit(path, change))
    assert len(found) == 6
    assert [p.loc[0] for p in found[:5]] == [f"Personen!C{r}" for r in range(2, 7)]
    last = found[-1]
    assert last.type == "too_many_problems"
    assert last.msg == "and 4 more problems; the first 5 are shown"
    assert last.text("nl").endswith("en nog 4 problemen; alleen de eerste 5 staan hier")


def test_a_large_workbook_reports_at_most_the_limit(tmp_path):
    data = copy.deepcopy(BASE)
    path = export(data, tmp_path / "w.xlsx")

    def change(wb: openpyxl.Workbook) -> None:
        for r in range(6, 1107):                # below the four people of BASE
            wb["Personen"].cell(row=r, column=1).value = f"p{r}"
            wb["Personen"].cell(row=r, column=3).value = "leerkrachtt"
    found = problems(edit(path, change))
    assert len(found) == 1001 and found[-1].type == "too_many_problems"
    # the loader stopped counting its own problems at the limit: "at least"
    assert found[-1].msg == "and at least 101 more problems; the first 1,000 are shown"
    assert found[-1].text("nl").endswith("en nog minstens 101 problemen; alleen de eerste "
                                         "1.000 staan hier")
    assert found[999].loc == ("Personen!C1005",)


# --- dates as the sheets ask for them ------------------------------------------------------


@pytest.mark.parametrize("cell, expected", [
    ("15-11-2026", "2026-11-15"),
    ("15/11/2026", "2026-11-15"),
    ("15.11.2026", "2026-11-15"),
    ("5-1-2027", "2027-01-05"),
    ("2026-11-15", "2026-11-15"),
    (dt.datetime(2026, 11, 15), "2026-11-15"),
])
def test_dates_as_the_sheet_asks_for_them(tmp_path, cell, expected):
    path = export(two_ibers(), tmp_path / "w.xlsx")

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Personen"]
        ws.cell(row=row_of(ws, "tom"), column=column_of(ws, "Afwezig vanaf")).value = cell
    school = mandaat.load_school(edit(path, change))
    tom = next(p for p in school.people if p.id == "tom")
    assert tom.absent is not None and tom.absent.from_.isoformat() == expected


@pytest.mark.parametrize("cell, hint", [
    ("31-02-2026", "'31-02-2026' is not a date: February 2026 has no day 31"),
    ("15-13-2026", "'15-13-2026' is not a date: there is no month 13"),
    ("15-11-26", "'15-11-26' is not a date: write the year in full, '15-11-2026'"),
    ("morgen", "'morgen' is not a date; write it as dd-mm-jjjj, such as 15-11-2026"),
])
def test_a_date_that_is_none_is_refused_at_its_cell(tmp_path, cell, hint):
    path = export(two_ibers(), tmp_path / "w.xlsx")
    ref = {}

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Personen"]
        c = ws.cell(row=row_of(ws, "tom"), column=column_of(ws, "Afwezig vanaf"))
        c.value = cell
        ref["cell"] = c.coordinate
    found = problems(edit(path, change))
    assert [p.loc for p in found] == [(f"Personen!{ref['cell']}",)]
    assert found[0].msg == hint
    assert "datum" in found[0].text("nl")

