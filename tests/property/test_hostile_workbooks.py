"""Hostile workbooks: every layer of an xlsx file (the zip, the XML, the sheets, the names in
them) gets a located error or a correct report, in bounded time and memory, never a
traceback. Each case is a fixed example built from the bundled example workbook, small
enough for ``make test``; the limits are lowered where a case would otherwise be large."""

from __future__ import annotations

import bz2
import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

import mandaat
from mandaat import SchoolFileError
from mandaat import workbook as W

#: Seconds and bytes one case may take to read.
MOST_SECONDS = 5.0
MOST_BYTES = 200 * 2**20
PERSONEN = "xl/worksheets/sheet3.xml"  # the Personen sheet of the example workbook


def parts() -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(W.example_workbook_path()) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def raw_zip(items: list[dict]) -> bytes:
    """A zip with exactly these header fields, lies included: each item has a name, its
    packed data, a method, the size it declares and a CRC; ``listed`` repeats its entry in
    the central directory."""
    out = io.BytesIO()
    central = []
    for it in items:
        name = it["name"].encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, it["method"], 0, 0x21,
                              it["crc"], len(it["data"]), it["size"], len(name), 0))
        out.write(name + it["data"])
        entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, it["method"], 0, 0x21,
                            it["crc"], len(it["data"]), it["size"], len(name), 0, 0, 0, 0, 0,
                            offset) + name
        central += [entry] * it.get("listed", 1)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                          out.tell() - start, start, 0))
    return out.getvalue()


def deflated(name: str, data: bytes, **fields) -> dict:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return {"name": name, "data": c.compress(data) + c.flush(), "method": 8,
            "size": len(data), "crc": zlib.crc32(data), **fields}


def workbook(replace: dict[str, bytes] | None = None, extra: list[dict] = ()) -> bytes:
    replace = replace or {}
    return raw_zip([deflated(n, replace.get(n, d)) for n, d in parts()] + list(extra))


def personen(edit: Callable[[str], str]) -> bytes:
    return workbook({PERSONEN: edit(dict(parts())[PERSONEN].decode()).encode()})


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
    zeros = bz2.compress(b"\0" * (64 << 20))  # 64 MB that declare 205 bytes
    bomb = {"name": "docProps/app.xml", "data": zeros, "method": 12, "size": 205,
            "crc": zlib.crc32(b"\0" * 205)}
    items = [deflated(n, d) for n, d in parts() if n != "docProps/app.xml"] + [bomb]
    kind, msg, _ = refused(raw_zip(items), tmp_path)
    assert kind == "not_a_workbook"
    assert "packed in a way Excel does not use" in msg


def test_a_part_that_lies_about_its_size_is_read_as_the_size_it_declares(tmp_path):
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = zeros.compress(b"\0" * (200 << 20)) + zeros.flush()  # 200 MB in 200 KB
    liar = {"name": "customXml/item1.xml", "data": stream, "method": 8, "size": 100,
            "crc": zlib.crc32(b"\0" * 100)}
    school, error = read(workbook(extra=[liar]), tmp_path)
    assert error is None and school is not None
    assert len(school.people) == len(mandaat.load_school(mandaat.example_school_path()).people)


def test_one_stream_listed_many_times_is_refused(tmp_path):
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = zeros.compress(b"\0" * (50 << 20)) + zeros.flush()
    twice = {"name": "customXml/item1.xml", "data": stream, "method": 8, "size": 100,
             "crc": zlib.crc32(b"\0" * 100), "listed": 40}
    kind, msg, _ = refused(workbook(extra=[twice]), tmp_path)
    assert (kind, msg) == ("not_a_workbook", "not an Excel workbook (.xlsx): damaged (part "
                           "'customXml/item1.xml' is listed twice)")


# --- the XML ------------------------------------------------------------------------------


LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')


@pytest.mark.parametrize("name, encoding", [
    ("xl/worksheets/sheet3.bin", "utf-8"),       # a sheet part not named .xml
    ("xl/worksheets/sheet3.xml", "utf-16"),      # with a byte-order mark
    ("xl/worksheets/sheet3.xml", "utf-16-le"),   # without one
    ("xl/worksheets/sheet3.xml", "utf-32"),
    ("xl/custom/anything", "utf-8"),             # a part nothing points to
])
def test_a_dtd_is_refused_in_any_part_and_any_encoding(tmp_path, name, encoding):
    body = dict(parts())[PERSONEN].decode()
    body = body.split("?>", 1)[1] if body.startswith("<?xml") else body
    declared = encoding.split("-")[0] + "-" + encoding.split("-")[1] if "-" in encoding else \
        encoding
    xml = f'<?xml version="1.0" encoding="{declared.upper()}"?>{LAUGHS}{body}'.replace(
        "<t>Anna Jansen</t>", "<t>&c;</t>", 1).encode(encoding)
    items = [deflated(n, d) for n, d in parts() if n != PERSONEN]
    items.append(deflated(name, xml))
    if name != PERSONEN and name.startswith("xl/worksheets/"):
        rels = dict(parts())["xl/_rels/workbook.xml.rels"].replace(
            b"worksheets/sheet3.xml", name.removeprefix("xl/").encode())
        items = [deflated(i["name"], rels) if i["name"] == "xl/_rels/workbook.xml.rels" else i
                 for i in items]
    kind, msg, _ = refused(raw_zip(items), tmp_path)
    assert kind == "xml_dtd"
    assert f"part '{name}'" in msg


def test_an_encoding_excel_does_not_write_is_refused(tmp_path):
    sheet = dict(parts())[PERSONEN].decode()
    sheet = sheet.split("?>", 1)[1] if sheet.startswith("<?xml") else sheet
    xml = (b'<?xml version="1.0" encoding="cp037"?>' + sheet.encode("cp037"))
    kind, msg, _ = refused(workbook({PERSONEN: xml}), tmp_path)
    assert kind == "not_a_workbook" and "written in cp037" in msg


@pytest.mark.parametrize("part, element, limit", [
    ("xl/styles.xml", '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
     "styles"),
    ("xl/sharedStrings.xml", "<si><t>x</t></si>", "strings"),
])
def test_millions_of_styles_or_shared_texts_are_refused_before_openpyxl_builds_them(
        tmp_path, monkeypatch, part, element, limit):
    monkeypatch.setitem(W.LIMITS, limit, 500)
    if part == "xl/styles.xml":
        styles = dict(parts())[part].decode()
        data = workbook({part: styles.replace("</cellXfs>", element * 600 + "</cellXfs>")
                         .encode()})
    else:
        data = workbook(extra=[deflated(part, (
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main">' + element * 600 + "</sst>").encode())])
    kind, msg, _ = refused(data, tmp_path)
    assert kind == "workbook_too_large"
    assert msg.startswith(f"part '{part}' holds more than 500 ")


# --- the sheets ---------------------------------------------------------------------------


def test_a_row_numbered_far_beyond_the_sheet_is_not_walked_to(tmp_path):
    data = personen(lambda s: s.replace("</sheetData>", '<row r="1000000000000"/></sheetData>'))
    school, error = read(data, tmp_path)
    assert error is None and school is not None


@pytest.mark.parametrize("row, ref, where", [(20000, "A20000", "row 10000"),
                                             (50, "ALM50", "column ALL")])
def test_a_value_beyond_the_rows_or_columns_is_refused_at_its_cell(tmp_path, row, ref, where):
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    data = personen(lambda s: s.replace("</sheetData>", cell + "</sheetData>"))
    kind, msg, loc = refused(data, tmp_path)
    assert kind == "workbook_too_large" and f"beyond {where}" in msg
    assert loc == (f"Personen!{ref}",)


def test_empty_formatted_cells_far_to_the_right_cost_nothing(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="XFD{r}" s="1"/></row>' for r in range(40, 4040))
    data = personen(lambda s: s.replace("</sheetData>", rows + "</sheetData>"))
    school, error = read(data, tmp_path)
    assert error is None and school is not None


def test_a_cell_longer_than_excel_allows_is_refused_at_its_cell(tmp_path):
    data = personen(lambda s: s.replace("<t>Anna Jansen</t>", f"<t>{'a' * 40_000}</t>", 1))
    kind, msg, loc = refused(data, tmp_path)
    assert kind == "workbook_too_large"
    assert msg == "the cell holds 40,000 characters; a cell holds at most 32,767"
    assert loc[0].startswith("Personen!B")
