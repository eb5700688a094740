"""Any valid school survives export to a workbook and import back (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import mandaat
from mandaat import workbook as W
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
