"""Any valid school survives export to a workbook and import back (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings

import mandaat
from mandaat import workbook as W
from mandaat.school import vocabulary as V
from tests.strategies import schools

# a workbook is written and read for every example: keep the count modest
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(schools(max_people=6, max_tasks=8))
def test_export_then_import_gives_the_same_school(data):
    school = mandaat.load_school(data)
    back = W.read_workbook(W.workbook_bytes(school), name="school.xlsx")
    assert back == school
    # file -> workbook -> file: the same text, list and key order included
    assert mandaat.dump_school(back) == mandaat.dump_school(school)


@settings(SETTINGS, max_examples=15)
@given(schools(max_people=6, max_tasks=8))
def test_the_report_of_the_workbook_is_the_report_of_the_file(data):
    school = mandaat.load_school(data)
    back = W.read_workbook(W.workbook_bytes(school), name="school.xlsx")
    assert mandaat.check(back).to_json() == mandaat.check(school).to_json()


@settings(SETTINGS, max_examples=20)
@given(schools(max_people=5, max_tasks=6))
def test_the_raci_matrix_mandaat_writes_as_csv_reads_back_as_the_same_matrix(data):
    import re
    import tempfile
    from pathlib import Path

    from mandaat.graph.matrix import matrix_csv, raci_matrix

    school = mandaat.load_school(data)
    # a heading carries a name as people read it: one at each end without spaces, with no
    # brackets, commas or semicolons, unique, and no label or id of another column
    names = [p.label for p in school.people] + [t.name or t.id for t in school.teams] + [
        e.label for e in school.externals]
    ids = {p.id for p in school.people} | {t.id for t in school.teams} | {
        e.id for e in school.externals}
    assume(all(n == n.strip() and n and not set(n) & set("(),;\n\r\t'\"") for n in names))
    assume(len({V.fold(n) for n in names}) == len(names))
    assume(not {V.fold(n) for n in names} & ({V.fold(i) for i in ids} - {V.fold(n) for n in names}))
    assume(not {V.fold(n) for n in names} & {"het hele team", "de ouders", "hele team", "team",
                                              "ouders", "iedereen"})
    written = matrix_csv(raci_matrix(school))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "matrix.csv")
        path.write_text(written, encoding="utf-8")
        back = W.read_csv(path)
    again = matrix_csv(raci_matrix(back))
    # the matrix does not list a team's members, so a team read from it has none
    members = re.compile(r"\d+ leden\)|1 lid\)")
    assert members.sub("N)", again) == members.sub("N)", written)
