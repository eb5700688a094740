"""Reading an xlsx file safely: its size, its zip parts, their unpacked size and ratio,
DTDs and macros are checked before openpyxl parses a byte of it."""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..school._source import NOT_A_REGULAR_FILE, NotARegularFile, open_regular
from ._common import LIMITS, _cell_name, _column_letter, _mb
from ._grid import _Grid, _refuse, _Refused

# --- reading an xlsx file safely -----------------------------------------------------------


def _read_file(path: Path, file: str) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise _refuse(file, "is_a_directory", "is a folder, not a file")
        if size > LIMITS["file_bytes"]:
            raise _refuse(file, "workbook_too_large",
                          f"the file is {_mb(size)}; mandaat reads files up to "
                          f"{_mb(LIMITS['file_bytes'])}")
        with open_regular(path) as f:
            data = f.read(LIMITS["file_bytes"] + 1)
    except NotARegularFile:
        raise _refuse(file, "not_a_regular_file", NOT_A_REGULAR_FILE) from None
    except FileNotFoundError:
        raise _refuse(file, "file_not_found", "no such file") from None
    except IsADirectoryError:
        raise _refuse(file, "is_a_directory", "is a folder, not a file") from None
    except OSError as exc:
        raise _refuse(file, "unreadable", f"cannot read: {exc.strerror}") from None
    if len(data) > LIMITS["file_bytes"]:
        raise _refuse(file, "workbook_too_large",
                      f"the file is {_mb(len(data))}; mandaat reads files up to "
                      f"{_mb(LIMITS['file_bytes'])}")
    return data


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: An OpenDocument file's first zip entry, ``mimetype``, stored: this text at byte 38
_ODF_SPREADSHEET = b"application/vnd.oasis.opendocument.spreadsheet"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]+\d+)"
                    rb"(?::([A-Za-z]+\d+))?[\"']")


def _inspect_zip(data: bytes, file: str) -> tuple[zipfile.ZipFile, dict[str, str]]:
    """Check the limits of an xlsx zip before anything parses it.

    Returns the open zip and, per sheet name, the path of the sheet's part.
    """
    if data.startswith(_OLE2):
        raise _refuse(file, "not_a_workbook",
                      "not an Excel workbook (.xlsx): an old .xls file or a workbook protected "
                      "with a password; save it as an Excel workbook (.xlsx) without a password")
    if data[30:38] == b"mimetype" and data.startswith(_ODF_SPREADSHEET, 38):
        raise _refuse(file, "not_a_workbook",
                      "an OpenDocument spreadsheet (.ods): mandaat reads Excel workbooks; save "
                      "it as an Excel workbook (.xlsx)")
    if not data.startswith(b"PK"):
        raise _refuse(file, "not_a_workbook", "not an Excel workbook (.xlsx): not a zip archive")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _refuse(file, "not_a_workbook",
                      f"not an Excel workbook (.xlsx): damaged ({exc})") from None
    if len(infos) > LIMITS["zip_entries"]:
        raise _refuse(file, "workbook_too_large",
                      f"the workbook holds {len(infos)} parts; mandaat reads at most "
                      f"{LIMITS['zip_entries']}")
    total = sum(info.file_size for info in infos)
    if total > LIMITS["unpacked_bytes"]:
        raise _refuse(file, "workbook_too_large",
                      f"the workbook unpacks to {_mb(total)}; mandaat reads at most "
                      f"{_mb(LIMITS['unpacked_bytes'])}")
    for info in infos:
        if info.file_size > LIMITS["ratio_from_bytes"]:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > LIMITS["ratio"]:
                raise _refuse(file, "zip_bomb",
                              f"part '{info.filename}' unpacks to {ratio:.0f} times its packed "
                              f"size; mandaat reads at most {LIMITS['ratio']} times")
        if info.flag_bits & 0x1:
            raise _refuse(file, "not_a_workbook",
                          "not an Excel workbook (.xlsx): an old .xls file or a workbook "
                          "protected with a password; save it as an Excel workbook (.xlsx) "
                          "without a password")
        lower = info.filename.lower()
        if lower.endswith("vbaproject.bin") or lower.endswith("vbaprojectsignature.bin"):
            raise _refuse(file, "macros", "a workbook with macros (.xlsm, vbaProject.bin): "
                          "mandaat runs no macros; save it as an Excel workbook (.xlsx)")
    parts: dict[str, bytes] = {}
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels")):
            continue
        try:
            text = archive.read(info)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError,
                NotImplementedError) as exc:
            raise _refuse(file, "not_a_workbook",
                          f"not an Excel workbook (.xlsx): damaged ({exc})") from None
        if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
            raise _refuse(file, "xml_dtd", f"part '{info.filename}' declares a DTD (<!DOCTYPE "
                          "or <!ENTITY); a workbook needs none, and mandaat reads none")
        parts[info.filename] = text
    types = parts.get("[Content_Types].xml", b"")
    if b"macroEnabled" in types or b"vbaProject" in types:
        raise _refuse(file, "macros", "a workbook with macros (.xlsm, vbaProject.bin): "
                      "mandaat runs no macros; save it as an Excel workbook (.xlsx)")
    return archive, _sheet_parts(parts, file)


def _sheet_parts(parts: Mapping[str, bytes], file: str) -> dict[str, str]:
    """Sheet name -> the zip path of its part, from the workbook's relationships."""
    import xml.etree.ElementTree as ET  # noqa: N817 - DTDs were refused above

    def rels(path: str) -> dict[str, str]:
        directory = posixpath.dirname(posixpath.dirname(path))
        found: dict[str, str] = {}
        text = parts.get(path)
        if text is None:
            return found
        for rel in ET.fromstring(text).iter(f"{_PKG_NS}Relationship"):
            target = rel.get("Target", "")
            found[rel.get("Id", "")] = (target.lstrip("/") if target.startswith("/") else
                                        posixpath.normpath(posixpath.join(directory, target)))
            found["type:" + rel.get("Type", "").rsplit("/", 1)[-1]] = found[rel.get("Id", "")]
        return found

    try:
        book = rels("_rels/.rels").get("type:officeDocument")
        if book is None or book not in parts:
            raise _refuse(file, "not_a_workbook",
                          "not an Excel workbook (.xlsx): the zip holds no workbook")
        book_rels = rels(posixpath.join(posixpath.dirname(book), "_rels",
                                        posixpath.basename(book) + ".rels"))
        sheets: dict[str, str] = {}
        for sheet in ET.fromstring(parts[book]).iter(f"{_MAIN_NS}sheet"):
            target = book_rels.get(sheet.get(f"{_REL_NS}id", ""))
            if target:
                sheets[sheet.get("name", "")] = target
        return sheets
    except ET.ParseError as exc:
        raise _refuse(file, "not_a_workbook",
                      f"not an Excel workbook (.xlsx): damaged ({exc})") from None


class _Book:
    """An xlsx workbook, checked against the limits; sheets are read on demand."""

    def __init__(self, data: bytes, file: str):
        self.file = file
        self._archive, self._parts = _inspect_zip(data, file)
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                self._wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                                  data_only=False, keep_links=False)
            except Exception as exc:  # openpyxl raises many kinds on a damaged file
                raise _refuse(file, "not_a_workbook",
                              f"not an Excel workbook (.xlsx): damaged ({exc})") from None
        self.sheetnames: list[str] = list(self._wb.sheetnames)

    def close(self) -> None:
        self._wb.close()
        self._archive.close()

    def grid(self, name: str) -> _Grid:
        """Read a sheet's values within :data:`LIMITS`; formulas and errors are marked."""
        rows: list[list[Any]] = []
        special: dict[tuple[int, int], tuple[str, str]] = {}
        cells = 0
        ws = self._wb[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ws.reset_dimensions()
                for r, row in enumerate(ws.iter_rows(), start=1):
                    if not row:
                        if r <= LIMITS["rows"]:
                            rows.append([])
                        continue
                    if len(row) > LIMITS["columns"] and any(
                            c.value is not None for c in row[LIMITS["columns"]:]):
                        far = next(c for c in row[LIMITS["columns"]:] if c.value is not None)
                        raise _refuse(self.file, "workbook_too_large",
                                      f"the sheet has values beyond column "
                                      f"{_column_letter(LIMITS['columns'])}; mandaat reads at "
                                      f"most {LIMITS['columns']} columns",
                                      f"{name}!{_cell_name(r, far.column)}")
                    row = row[:LIMITS["columns"]]
                    if r > LIMITS["rows"]:
                        far = next((c for c in row if c.value is not None), None)
                        if far is not None:
                            raise _refuse(self.file, "workbook_too_large",
                                          f"the sheet has values beyond row {LIMITS['rows']}; "
                                          f"mandaat reads at most {LIMITS['rows']} rows",
                                          f"{name}!{_cell_name(r, far.column)}")
                        continue
                    cells += len(row)
                    if cells > LIMITS["cells"]:
                        raise _refuse(self.file, "workbook_too_large",
                                      f"the sheet holds more than {LIMITS['cells']} cells; "
                                      f"mandaat reads at most {LIMITS['cells']}",
                                      f"{name}!{_cell_name(r, 1)}")
                    values = []
                    for c, cell in enumerate(row, start=1):
                        value = cell.value
                        if cell.data_type == "f":
                            special[(r, c)] = ("formula", str(value))
                        elif cell.data_type == "e":
                            special[(r, c)] = ("error", str(value))
                        values.append(value)
                    while values and values[-1] is None:
                        values.pop()
                    rows.append(values)
            except _Refused:
                raise
            except Exception as exc:  # a damaged sheet: openpyxl raises many kinds
                raise _refuse(self.file, "not_a_workbook",
                              f"not an Excel workbook (.xlsx): damaged ({exc})", name) from None
        while rows and not rows[-1]:
            rows.pop()
        return _Grid(self.file, name, rows, special, self._merged(name))

    def _merged(self, name: str) -> list[tuple[int, int, int, int]]:
        part = self._parts.get(name)
        if part is None:
            return []
        text = self._archive.read(part)
        found = []
        for m in _MERGE.finditer(text):
            first = _parse_ref(m.group(1).decode())
            last = _parse_ref(m.group(2).decode()) if m.group(2) else first
            if first and last:
                found.append((min(first[0], last[0]), min(first[1], last[1]),
                              max(first[0], last[0]), max(first[1], last[1])))
        return found


def _parse_ref(ref: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"([A-Za-z]{1,3})(\d+)", ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col
