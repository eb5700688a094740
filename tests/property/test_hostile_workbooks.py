"""Hostile workbooks: every layer of an xlsx file (the zip, the XML, the sheets, the names in
them) gets a located error or a correct report, in bounded time and memory, never a
traceback. Each case is a fixed example built from the bundled example workbook, small
enough for ``make test``; the limits are lowered where a case would otherwise be large."""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import pytest

import mandaat
from mandaat import SchoolFileError
from mandaat import workbook as W

# the builders make bench's worst cases too (bench/hostile.py), at full size
sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
try:
    import hostile as H
finally:
    sys.path.remove(str(Path(__file__).parents[2] / "bench"))

#: Seconds and bytes one case may take to read.
MOST_SECONDS = 5.0
MOST_BYTES = 200 * 2**20


def read(data: bytes, tmp_path: Path) -> tuple[mandaat.School | None, SchoolFileError | None]:
    """Read ``data`` as a workbook file, within the time and memory a case may take."""
    path = tmp_path / "school.xlsx"
    path.write_bytes(data)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        return mandaat.load_school(path), None
    except SchoolFileError as exc:
        return None, exc
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert seconds < MOST_SECONDS, seconds
        assert peak < MOST_BYTES, peak


def refused(data: bytes, tmp_path: Path) -> tuple[str, str, tuple]:
    school, error = read(data, tmp_path)
    assert school is None and error is not None
    (problem, *_) = error.problems
    assert problem.file.endswith("school.xlsx")
    return problem.type, problem.msg, problem.loc


# --- the zip ------------------------------------------------------------------------------


def test_a_bzip2_part_is_refused_before_it_is_unpacked(tmp_path):
    kind, msg, _ = refused(H.bzip2_bomb(64), tmp_path)  # 64 MB that declare 205 bytes
    assert kind == "not_a_workbook"
    assert "packed in a way Excel does not use" in msg


def test_a_part_that_lies_about_its_size_is_read_as_the_size_it_declares(tmp_path):
    school, error = read(H.size_liars(2, 200), tmp_path)  # 200 MB each, in 200 KB
    assert error is None and school is not None
    assert len(school.people) == len(mandaat.load_school(mandaat.example_school_path()).people)


def test_one_stream_listed_many_times_is_refused(tmp_path):
    kind, msg, _ = refused(H.listed_many(40, 50), tmp_path)
    assert (kind, msg) == ("not_a_workbook", "not an Excel workbook (.xlsx): damaged (part "
                           "'customXml/item.xml' is listed twice)")


# --- the XML ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, encoding", [
    ("xl/worksheets/sheet3.bin", "utf-8"),       # a sheet part not named .xml
    ("xl/worksheets/sheet3.xml", "utf-16"),      # with a byte-order mark
    ("xl/worksheets/sheet3.xml", "utf-16-le"),   # without one
    ("xl/worksheets/sheet3.xml", "utf-32"),
    ("xl/custom/anything", "utf-8"),             # a part nothing points to
])
def test_a_dtd_is_refused_in_any_part_and_any_encoding(tmp_path, name, encoding):
    kind, msg, _ = refused(H.dtd(encoding, name), tmp_path)
    assert kind == "xml_dtd"
    assert f"part '{name}'" in msg


def test_an_encoding_excel_does_not_write_is_refused(tmp_path):
    sheet = dict(H.parts())[H.PERSONEN].decode()
    sheet = sheet.split("?>", 1)[1] if sheet.startswith("<?xml") else sheet
    xml = (b'<?xml version="1.0" encoding="cp037"?>' + sheet.encode("cp037"))
    kind, msg, _ = refused(H.workbook({H.PERSONEN: xml}), tmp_path)
    assert kind == "not_a_workbook" and "written in cp037" in msg


@pytest.mark.parametrize("part, build, limit", [
    ("xl/styles.xml", H.styles, "styles"),
    ("xl/sharedStrings.xml", H.shared_texts, "strings"),
])
def test_millions_of_styles_or_shared_texts_are_refused_before_openpyxl_builds_them(
        tmp_path, monkeypatch, part, build, limit):
    monkeypatch.setitem(W.LIMITS, limit, 500)
    kind, msg, _ = refused(build(600), tmp_path)
    assert kind == "workbook_too_large"
    assert msg.startswith(f"part '{part}' holds more than 500 ")


# --- the sheets ---------------------------------------------------------------------------


def test_a_row_numbered_far_beyond_the_sheet_is_not_walked_to(tmp_path):
    school, error = read(H.row_gap(10**12), tmp_path)
    assert error is None and school is not None


@pytest.mark.parametrize("row, ref, where", [(20000, "A20000", "row 10000"),
                                             (50, "ALM50", "column ALL")])
def test_a_value_beyond_the_rows_or_columns_is_refused_at_its_cell(tmp_path, row, ref, where):
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    data = H.personen(lambda s: s.replace("</sheetData>", cell + "</sheetData>"))
    kind, msg, loc = refused(data, tmp_path)
    assert kind == "workbook_too_large" and f"beyond {where}" in msg
    assert loc == (f"Personen!{ref}",)


def test_empty_formatted_cells_far_to_the_right_cost_nothing(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="XFD{r}" s="1"/></row>' for r in range(40, 4040))
    data = H.personen(lambda s: s.replace("</sheetData>", rows + "</sheetData>"))
    school, error = read(data, tmp_path)
    assert error is None and school is not None


def test_a_cell_longer_than_excel_allows_is_refused_at_its_cell(tmp_path):
    kind, msg, loc = refused(H.huge_cell(40_020), tmp_path)
    assert kind == "workbook_too_large"
    assert msg == "the cell holds 40,020 characters; a cell holds at most 32,767"
    assert loc[0].startswith("Personen!B")
