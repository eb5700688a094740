"""School files as spreadsheets: a workbook template, import, export, and the planner layout.

Schools make their werkverdeling in spreadsheets, so mandaat reads and writes them
(``docs/workbook.md`` is the whole story, for school leaders and app developers):

- :func:`write_template` writes an empty workbook to fill in: an instruction sheet,
  ``School``, ``Personen``, ``Teams``, ``Externen``, ``Taken`` (a RACI matrix: one row a
  task, one column a person, team or external party, cells ``A``, ``R``, ``C``, ``I`` with
  hours, as ``R 20``), ``Mandaten``, ``Signalen`` and ``Drempels``, with drop-down lists.
- :func:`read_workbook` reads a filled-in ``.xlsx`` (or a planner's activity overview,
  ``layout="planner"``) and :func:`read_csv` a RACI matrix saved as CSV, each into a
  :class:`~mandaat.model.School`; every problem is a :class:`~mandaat.errors.Problem`
  that names the sheet and cell (``Taken!D7``), checked by the same loader as YAML.
- :func:`write_workbook` writes a school as a workbook; reading it back gives the same
  school, and what a workbook cannot hold is refused, never dropped.

A workbook is untrusted input: its size, its zip parts, their unpacked size and
compression ratio, and the rows and columns of every sheet mandaat reads are checked
against :data:`LIMITS` before openpyxl parses it; macros, DTDs, formulas and merged
cells where mandaat reads are refused with the cell named.

openpyxl is imported only when a workbook is read or written.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import os
import posixpath
import re
import secrets
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .._data import bundled_rules_path, example_workbook_path
from ..errors import Loc, MandaatInputError, Problem, SchoolFileError, format_loc
from ..school import vocabulary as V
from ..school._source import (  # noqa: F401 - is_workbook_path and workbook_cells are this module's API
    CSV_SUFFIXES,
    MACRO_SUFFIXES,
    WORKBOOK_SUFFIXES,
    Source,
    is_workbook_path,
)
from ..school.files import validate_school, workbook_cells
from ..school.model import SUPPORTED_FORMATS, School

__all__ = [
    "LIMITS",
    "example_workbook_path",
    "read_csv",
    "read_workbook",
    "template_bytes",
    "workbook_bytes",
    "workbook_cells",
    "write_file",
    "write_template",
    "write_workbook",
]

#: What mandaat reads of a workbook or CSV file at most. Checked before openpyxl parses
#: anything; each is documented in ``docs/workbook.md``.
LIMITS: dict[str, int] = {
    "file_bytes": 10_000_000,        # the file itself (xlsx or csv)
    "zip_entries": 1_000,            # parts in the xlsx zip
    "unpacked_bytes": 100_000_000,   # all parts together, unpacked
    "ratio": 100,                    # unpacked / packed size of a part over 1 MB unpacked
    "ratio_from_bytes": 1_000_000,
    "rows": 10_000,                  # rows of a sheet mandaat reads
    "columns": 1_000,                # columns of a sheet mandaat reads
    "cells": 250_000,                # cells of a sheet mandaat reads (rows x their width)
    "text": 32_767,                  # characters in one cell (Excel's own limit)
}

LAYOUTS = ("auto", "mandaat", "planner")

# --- sheet and column names: Dutch, for the people who fill them in -------------------------

SHEET_HELP = "Uitleg"
SHEET_SCHOOL = "School"
SHEET_PEOPLE = "Personen"
SHEET_TEAMS = "Teams"
SHEET_EXTERNALS = "Externen"
SHEET_TASKS = "Taken"
SHEET_MANDATES = "Mandaten"
SHEET_SIGNALS = "Signalen"
SHEET_PARAMS = "Drempels"
SHEET_ROUTES = "Routes"
SHEET_LISTS = "Lijsten"
#: A hidden sheet with what the visible ones cannot show: the format, the order of a task's
#: RACI lists where it differs from the columns, an empty ``defaults``. It never overrides
#: what the visible sheets say.
SHEET_META = "mandaat"

#: RACI letters in a matrix cell.
LETTERS: dict[str, str] = {"A": "accountable", "R": "responsible", "C": "consulted",
                           "I": "informed"}
#: How a matrix heading (or a name cell) may name all staff or the parents.
ALL_STAFF_LABELS = ("hele team", "het hele team", "team", "iedereen")
PARENTS_LABELS = ("ouders", "de ouders", "ouders/verzorgers", "ouders en verzorgers")
ALL_STAFF_HEADER = "Hele team"
PARENTS_HEADER = "Ouders"

_SEPARATORS = re.compile(r"[,;\n]")


# --- small text helpers --------------------------------------------------------------------


def _slug(text: str) -> str:
    """An id made from a name: ``Anna Jansen`` -> ``anna-jansen``."""
    slug = re.sub(r"[^a-z0-9]+", "-", V.fold(text).replace("'", "")).strip("-")
    return slug[:64].rstrip("-_")


@functools.lru_cache(maxsize=2048)
def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_name(row: int, col: int) -> str:
    return f"{_column_letter(col)}{row}"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def _number_from_text(text: str) -> int | float | None:
    """``20``, ``2,5`` or ``2.5`` (a comma or a point, no thousands) as a number."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text.replace(",", "."))
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return value


def _number_text(value: float) -> str:
    """A number as text that reads back exactly, with a Dutch decimal comma."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)).replace(".", ",")


# --- the grid: the values of one sheet or CSV file, and where each stands --------------------


@dataclass
class _Grid:
    """The values of a sheet (or a CSV file), 1-based, with the cells mandaat must refuse."""

    file: str
    sheet: str | None
    rows: list[list[Any]]
    #: (row, col) -> "formula" or "error": cells whose value is not typed data.
    special: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    #: Merged ranges as (min_row, min_col, max_row, max_col).
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def ref(self, row: int, col: int) -> str:
        """The cell as a problem names it: ``Taken!D7`` (a CSV file: ``D7``)."""
        return f"{self.sheet}!{_cell_name(row, col)}" if self.sheet else _cell_name(row, col)

    def label(self, row: int, col: int) -> str:
        """The cell as the report names it: ``Taken!D7`` (a CSV file: ``taken.csv!D7``)."""
        return f"{self.sheet or Path(self.file).name}!{_cell_name(row, col)}"

    def value(self, row: int, col: int) -> Any:
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= col <= len(cells):
                return cells[col - 1]
        return None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Refused(Exception):
    """A file mandaat refuses as a whole (too large, macros, not a workbook)."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _refuse(file: str, type_: str, msg: str, where: str | None = None) -> _Refused:
    return _Refused(Problem(file, None, (where,) if where else (), type_, msg))


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
        with path.open("rb") as f:
            data = f.read(LIMITS["file_bytes"] + 1)
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


# --- reading CSV ---------------------------------------------------------------------------


def _csv_grid(path: str | Path) -> _Grid:
    file = str(path)
    data = _read_file(Path(path), file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(file, "not_utf8", f"not UTF-8 text ({exc.reason})") from None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    rows: list[list[Any]] = []
    cells = 0
    try:
        for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                start=1):
            if len(row) > LIMITS["columns"] and any(v.strip() for v in row[LIMITS["columns"]:]):
                raise _refuse(file, "workbook_too_large",
                              f"the file has values beyond column "
                              f"{_column_letter(LIMITS['columns'])}; mandaat reads at most "
                              f"{LIMITS['columns']} columns", _cell_name(r, LIMITS["columns"] + 1))
            if r > LIMITS["rows"]:
                if any(v.strip() for v in row):
                    raise _refuse(file, "workbook_too_large",
                                  f"the file has values beyond row {LIMITS['rows']}; mandaat "
                                  f"reads at most {LIMITS['rows']} rows", _cell_name(r, 1))
                continue
            row = row[:LIMITS["columns"]]
            cells += len(row)
            if cells > LIMITS["cells"]:
                raise _refuse(file, "workbook_too_large",
                              f"the file holds more than {LIMITS['cells']} cells; mandaat reads "
                              f"at most {LIMITS['cells']}", _cell_name(r, 1))
            values: list[Any] = [v if v != "" else None for v in row]
            while values and values[-1] is None:
                values.pop()
            rows.append(values)
    except csv.Error as exc:
        raise _refuse(file, "not_csv", f"not a CSV file: {exc}") from None
    while rows and not rows[-1]:
        rows.pop()
    return _Grid(file, None, rows)


# --- names: matching what people type to the ids of the file ---------------------------------

#: What a reference may name, and the words of its message.
_KINDS_WHAT: dict[frozenset[str], str] = {
    frozenset({"person"}): "person",
    frozenset({"team"}): "team",
    frozenset({"person", "team"}): "person or team",
    frozenset({"person", "team", "external"}): "person, team or external party",
    frozenset({"external"}): "external party",
}


class _Names:
    """The people, teams and external parties of a workbook, by id and by name."""

    def __init__(self) -> None:
        self.kind: dict[str, str] = {}
        self.name: dict[str, str | None] = {}
        self._by_name: dict[str, list[str]] = {}

    def add(self, ident: str, kind: str, name: str | None) -> None:
        if ident in self.kind:
            return
        self.kind[ident] = kind
        self.name[ident] = name
        if name and V.fold(name):
            self._by_name.setdefault(V.fold(name), []).append(ident)

    def resolve(self, text: str, kinds: Iterable[str]) -> tuple[str | None, str, str]:
        """``(id, problem type, message)``: the id ``text`` names, or why there is none.

        An id wins over a name; ``Naam (id)`` names the id; then ``Hele team`` and
        ``Ouders`` (where allowed); then a name, compared without case or accents.
        """
        allowed = set(kinds)
        text = text.strip()
        with_id = re.fullmatch(r"(.*)\(\s*([a-z0-9][a-z0-9_-]*)\s*\)", text, re.DOTALL)
        if with_id and self.kind.get(with_id.group(2)) in allowed:
            return with_id.group(2), "", ""
        if self.kind.get(text) in allowed:
            return text, "", ""
        plain = V.fold(text)
        if "all_staff" in allowed and plain in ALL_STAFF_LABELS:
            return V.ALL_STAFF, "", ""
        if "parents" in allowed and plain in PARENTS_LABELS:
            return V.PARENTS, "", ""
        found = [i for i in self._by_name.get(plain, []) if self.kind[i] in allowed]
        if len(found) == 1:
            return found[0], "", ""
        if len(found) > 1:
            return None, "ambiguous_name", (f"'{text}' fits more than one: {', '.join(found)}; "
                                            "write the id instead")
        if self.kind.get(plain) in allowed:
            return plain, "", ""
        candidates = [i for i, k in self.kind.items() if k in allowed]
        candidates += [n for i in candidates if (n := self.name.get(i))]
        if "all_staff" in allowed:
            candidates.append(ALL_STAFF_HEADER)
        if "parents" in allowed:
            candidates.append(PARENTS_HEADER)
        staff = allowed & {"person", "team", "external"}
        what = _KINDS_WHAT.get(frozenset(staff), "person, team or external party")
        return None, "unknown_reference", (f"no {what} with name or id '{text}'"
                                           f"{_close(text, candidates)}")

    def label(self, ident: str, kinds: Iterable[str], *, in_list: bool = False,
              avoid: Iterable[str] = ()) -> str:
        """What to write for ``ident`` so that :meth:`resolve` reads it back: the name
        where it is unambiguous, else the id, else ``Naam (id)``."""
        kinds = tuple(kinds)
        avoided = {V.fold(a) for a in avoid}
        name = self.name.get(ident)
        for text in (name, ident):
            if not text or V.fold(text) in avoided:
                continue
            if in_list and (_SEPARATORS.search(text) or text != text.strip()):
                continue
            if self.resolve(text, kinds)[0] == ident:
                return text
        if in_list:
            return ident
        return f"{name or ident} ({ident})"


def _close(text: str, candidates: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest name or id, compared without case."""
    by_plain = {V.fold(c): c for c in candidates}
    close = difflib.get_close_matches(V.fold(text), list(by_plain), n=1, cutoff=0.6)
    return f" (did you mean '{by_plain[close[0]]}'?)" if close else ""


# --- columns: how a cell is read and written -----------------------------------------------


@dataclass(frozen=True)
class _Column:
    """One column of a table sheet: the field it holds and how its cells read."""

    key: tuple[str, ...]
    header: str
    kind: str
    help: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    vocabulary: tuple[str, ...] = ()
    words: Mapping[str, str] | None = None
    refs: tuple[str, ...] = ()
    width: int = 16

    def names(self) -> set[str]:
        return {V.fold(self.header), *(V.fold(a) for a in self.aliases)}


#: How each kind of column is written in the drop-down lists sheet.
_LIST_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "role": ("Rollen", V.ROLES),
    "task_type": ("Soort taak", V.TASK_TYPES),
    "domain": ("Domein", V.DOMAINS),
    "team_kind": ("Soort team", V.TEAM_KINDS),
    "external_kind": ("Soort externe partij", V.EXTERNAL_KINDS),
    "signal_type": ("Soort signaal", V.SIGNAL_TYPES),
    "scope": ("Taken en domeinen", (*V.TASK_TYPES, *V.DOMAINS)),
    "yesno": ("Ja/nee", ("ja", "nee")),
    "raci": ("RACI", ("A", "R", "C", "I", "A/R")),
}

_ID_HELP = ("Korte code: kleine letters, cijfers, - en _. Leeg: mandaat maakt er een van de "
            "naam.")


def _id_column(help_text: str = _ID_HELP) -> _Column:
    return _Column(("id",), "ID", "id", help_text, aliases=("id", "code"), width=18)


@dataclass(frozen=True)
class _Table:
    """A sheet with one row per item of a list section (people, teams, ...)."""

    section: str
    sheet: str
    model: type[BaseModel]
    columns: tuple[_Column, ...]
    #: The base of an id for a row without one: from these fields, in order.
    id_from: tuple[tuple[str, ...], ...]
    id_prefix: str = ""
    aliases: tuple[str, ...] = ()
    #: Which list from :data:`_LIST_COLUMNS` validates each column key.
    lists: Mapping[tuple[str, ...], str] = field(default_factory=dict)

    def present_columns(self) -> tuple[_Column, ...]:
        """The columns whose field the model has (the format may grow)."""
        return tuple(c for c in self.columns if _has_field(self.model, c.key))


def _has_field(model: type[BaseModel], key: tuple[str, ...]) -> bool:
    from ..school._validation import _inner_model

    current: Any = model
    for part in key:
        fields = current.model_fields if current is not None else {}
        found = fields.get(part) or next(
            (f for f in fields.values() if f.alias == part), None)
        if found is None:
            return False
        current = _inner_model(found.annotation)
    return True


@functools.cache
def _tables() -> dict[str, _Table]:
    from ..school.model import External, Mandate, Person, Signal, Team

    people = _Table(
        "people", SHEET_PEOPLE, Person,
        (
            _id_column(),
            _Column(("name",), "Naam", "text", "Voor- en achternaam.", width=22),
            _Column(("roles",), "Rollen", "words",
                    "Kies uit de lijst; meer rollen met een komma: leraar, bouwcoordinator.",
                    aliases=("rol", "functie"), required=True, vocabulary=V.ROLES,
                    words=V.ROLE_WORDS, width=26),
            _Column(("hours_per_week",), "Uren per week", "number",
                    "Werkuren per week (0 tot 168).", aliases=("uren",), width=12),
            _Column(("days_per_week",), "Dagen per week", "number",
                    "Werkdagen per week (0 tot 7).", aliases=("dagen",), width=12),
            _Column(("groups",), "Groepen", "groups",
                    "De groepen waar iemand lesgeeft: 5, of 1, 2.", aliases=("groep",)),
            _Column(("supervises",), "Ib'er van", "supervises",
                    "De groepen of teams waarvoor iemand de ib'er is: 1, 2, 3, bovenbouw.",
                    aliases=("ib'er voor",), width=18),
            _Column(("leads",), "Geeft leiding aan", "refs",
                    "Personen of teams (naam of ID) aan wie iemand leiding geeft.",
                    aliases=("leidinggevende van",), refs=("person", "team"), width=20),
            _Column(("absent", "from"), "Afwezig vanaf", "date",
                    "Eerste dag van verlof of ziekte (dd-mm-jjjj).", width=14),
            _Column(("absent", "until"), "Afwezig tot en met", "date",
                    "Laatste dag van de afwezigheid; leeg: nog onbekend.",
                    aliases=("afwezig tot",), width=14),
            _Column(("deputy",), "Vervanger", "ref",
                    "Wie waarneemt zolang deze persoon afwezig is.", refs=("person",)),
            _Column(("replaces",), "Vervangt", "ref",
                    "Voor wie deze persoon waarneemt (een interim-ib'er).", refs=("person",)),
        ),
        id_from=(("name",),), aliases=("medewerkers", "personeel", "people"),
        lists={("roles",): "role"},
    )
    teams = _Table(
        "teams", SHEET_TEAMS, Team,
        (
            _id_column(),
            _Column(("kind",), "Soort", "word", "Kies uit de lijst: leerteam, bouw, ...",
                    aliases=("soort team",), required=True, vocabulary=V.TEAM_KINDS),
            _Column(("name",), "Naam", "text", "Naam van het team.", width=22),
            _Column(("members",), "Leden", "refs",
                    "De leden (naam of ID), met een komma ertussen.",
                    refs=("person",), width=40),
        ),
        id_from=(("name",), ("kind",)), lists={("kind",): "team_kind"},
    )
    externals = _Table(
        "externals", SHEET_EXTERNALS, External,
        (
            _id_column(),
            _Column(("kind",), "Soort", "word",
                    "Kies uit de lijst: samenwerkingsverband, ggd_jgz, ...",
                    aliases=("soort externe partij",), required=True,
                    vocabulary=V.EXTERNAL_KINDS, width=24),
            _Column(("name",), "Naam", "text", "Naam van de partij.", width=36),
        ),
        id_from=(("name",), ("kind",)), aliases=("externe partijen", "externals"),
        lists={("kind",): "external_kind"},
    )
    mandates = _Table(
        "mandates", SHEET_MANDATES, Mandate,
        (
            _id_column("Korte code; leeg: mandaat maakt er een van (m-<aan>)."),
            _Column(("from",), "Van", "ref", "Wie het mandaat geeft (de schoolleider).",
                    required=True, refs=("person",)),
            _Column(("to",), "Aan", "ref", "Wie het mandaat krijgt.", required=True,
                    refs=("person",)),
            _Column(("scope",), "Taken en domeinen", "words",
                    "Soorten taken of domeinen uit de lijst, met een komma ertussen.",
                    aliases=("over", "scope"), required=True,
                    vocabulary=(*V.TASK_TYPES, *V.DOMAINS), width=36),
            _Column(("communicated_to_team",), "Bekend bij het team", "yesno",
                    "ja: het team weet van dit mandaat; nee: nog niet gedeeld.",
                    aliases=("gedeeld met het team",), required=True),
            _Column(("since",), "Sinds", "date", "Sinds wanneer (dd-mm-jjjj).",
                    aliases=("vanaf",), width=14),
        ),
        id_from=(("to",),), id_prefix="m-", aliases=("mandates",),
        lists={("scope",): "scope", ("communicated_to_team",): "yesno"},
    )
    signals = _Table(
        "signals", SHEET_SIGNALS, Signal,
        (
            _id_column("Korte code; leeg: mandaat maakt er een van (s-<over>)."),
            _Column(("type",), "Soort signaal", "word", "Kies uit de lijst.",
                    aliases=("soort", "type"), required=True, vocabulary=V.SIGNAL_TYPES,
                    width=30),
            _Column(("about",), "Over", "about",
                    "Een persoon (naam of ID), een team, of voor een leerling een "
                    "leerlingnummer (nooit een naam).", required=True, width=18),
            _Column(("group",), "Groep", "group", "Voor een leerling: de groep.", width=10),
            _Column(("handled_by",), "Behandeld door", "ref", "Wie er nu mee bezig is.",
                    refs=("person",), width=18),
            _Column(("since",), "Sinds", "date", "Sinds wanneer (dd-mm-jjjj).", width=14),
            _Column(("count",), "Aantal keer", "whole",
                    "Hoe vaak een afspraak niet is nagekomen.", width=12),
            _Column(("conversation_held",), "Gesprek gevoerd", "flag",
                    "ja: het gesprek 'help mij te begrijpen' is gevoerd.", width=12),
            _Column(("willful",), "Bewust", "flag", "ja: bewust niet nagekomen.", width=10),
            _Column(("asked",), "Keer gevraagd", "whole",
                    "Hoe vaak gevraagd is de volgende stap over te nemen.", width=12),
            _Column(("consent",), "Ouders gaven toestemming", "flag",
                    "ja: de ouders gaven toestemming.", width=14),
        ),
        id_from=(("about",), ("type",)), id_prefix="s-", aliases=("signals",),
        lists={("type",): "signal_type", ("conversation_held",): "yesno",
               ("willful",): "yesno", ("consent",): "yesno"},
    )
    return {t.section: t for t in (people, teams, externals, mandates, signals)}


@functools.cache
def _task_columns() -> tuple[_Column, ...]:
    return (
        _id_column("Korte code; leeg: mandaat maakt er een van de taak."),
        _Column(("title",), "Taak", "text", "Wat de taak is, in uw woorden.",
                aliases=("omschrijving", "titel"), width=34),
        _Column(("type",), "Soort taak", "word", "Kies uit de lijst (zie Lijsten).",
                aliases=("type", "taaktype"), required=True, vocabulary=V.TASK_TYPES,
                width=24),
        _Column(("domain",), "Domein", "word", "Alleen bij soort 'overig': het domein.",
                vocabulary=V.DOMAINS, width=22),
        _Column(("case_holder",), "Casushouder", "ref", "Wie de casus houdt (een persoon).",
                refs=("person",)),
        _Column(("about",), "Gaat over", "ref",
                "Over wie de taak gaat (een persoon), bij personeelstaken.",
                aliases=("over",), refs=("person",)),
        _Column(("parent_consent",), "Toestemming ouders nodig", "flag",
                "ja: eerst toestemming van de ouders.", width=14),
    )


# --- the reading: problems, where each data path came from, the names ----------------------


class _Reading:
    """What a workbook or a set of CSV files becomes: data, paths to cells, problems."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        #: data path -> the grid, row and column it was read from; named only when needed
        self.cells: dict[Loc, tuple[_Grid, int, int]] = {}
        self.reported: set[Loc] = set()                 # data paths with a problem already
        self.names = _Names()
        self.used_ids: set[str] = set(V.RESERVED_IDS)
        self.data: dict[str, Any] = {"format": SUPPORTED_FORMATS[0]}
        self.read_rows: dict[str, set[int]] = {}        # sheet -> rows that were read
        self.planner_columns: set[int] | None = None    # the planner's columns mandaat reads
        #: what a reader should know that is no problem: (kind, sheet, {lang: message})
        self.notes: list[tuple[str, str, dict[str, str]]] = []

    def add(self, grid: _Grid, row: int, col: int, type_: str, msg: str,
            path: Loc | None = None) -> None:
        self.problems.append(Problem(grid.file, None, (grid.ref(row, col),), type_, msg))
        if path is not None:
            self.reported.add(path)

    def place(self, path: Loc, grid: _Grid, row: int, col: int) -> None:
        self.cells[path] = (grid, row, col)

    def value(self, grid: _Grid, row: int, col: int, path: Loc | None = None) -> Any:
        """The value of a cell, or :data:`_BAD` when it holds a formula or an error."""
        special = grid.special.get((row, col))
        if special is not None:
            kind, text = special
            shown = text if len(text) <= 40 else text[:37] + "..."
            if kind == "formula":
                self.add(grid, row, col, "formula",
                         f"a formula ({shown}): mandaat reads typed values only; copy the "
                         "cell and paste it as a value", path)
            else:
                self.add(grid, row, col, "invalid_value", f"the cell shows an error ({shown})",
                         path)
            return _BAD
        return grid.value(row, col)

    def new_id(self, base: str, fallback: str) -> str:
        base = _slug(base) or fallback
        candidate, n = base, 1
        while candidate in self.used_ids or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}",
                                                            candidate):
            n += 1
            suffix = f"-{n}"
            candidate = (base[:64 - len(suffix)] + suffix) if base else f"{fallback}{suffix}"
        self.used_ids.add(candidate)
        return candidate


class _Bad:
    def __repr__(self) -> str:
        return "<bad cell>"


_BAD: Any = _Bad()


@dataclass
class _Header:
    """The columns a header row names: field columns by index, the rest."""

    row: int
    columns: dict[int, _Column]
    other: dict[int, str]


def _read_header(reading: _Reading, grid: _Grid, columns: Sequence[_Column], row: int = 1,
                 *, others_allowed: bool = False) -> _Header:
    by_name: dict[str, _Column] = {}
    for column in columns:
        for name in column.names():
            by_name[name] = column
    found: dict[int, _Column] = {}
    other: dict[int, str] = {}
    seen: dict[tuple[str, ...], int] = {}
    for col in range(1, grid.width + 1):
        value = reading.value(grid, row, col)
        if value is _BAD:
            continue
        if _blank(value):
            if any(not _blank(grid.value(r, col)) for r in range(row + 1, len(grid.rows) + 1)):
                reading.add(grid, row, col, "unknown_column",
                            f"a column without a heading holds values; write a heading in "
                            f"row {row}")
            continue
        text = str(value)
        column = by_name.get(V.fold(text))
        if column is None:
            if others_allowed:
                other[col] = text
                continue
            reading.add(grid, row, col, "unknown_column",
                        f"unknown column '{text}'{_close(text, [c.header for c in columns])}; "
                        f"known: {', '.join(c.header for c in columns)}")
            continue
        if column.key in seen:
            reading.add(grid, row, col, "duplicate_column",
                        f"column '{text}' appears twice (also "
                        f"{grid.ref(row, seen[column.key])})")
            continue
        seen[column.key] = col
        found[col] = column
    return _Header(row, found, other)


def _missing_columns(reading: _Reading, grid: _Grid, header: _Header,
                     columns: Sequence[_Column], section: str, n: int) -> None:
    """A required column the sheet lacks: one problem at the header, not one per row."""
    if not n:
        return
    present = {c.key for c in header.columns.values()}
    after = max([*header.columns, *header.other], default=0) + 1
    for column in columns:
        if column.required and column.key not in present:
            reading.add(grid, header.row, after, "missing",
                        f"missing required column '{column.header}'")
            reading.reported.update((section, i, *column.key) for i in range(n))


def _explicit_ids(reading: _Reading, grid: _Grid, header: _Header, rows: Sequence[int]
                  ) -> tuple[int | None, list[str | None]]:
    """The ``ID`` column of a sheet (``None`` where it has none) and the id each row gives
    there (``None`` where its cell is blank or bad); each id given is marked as used."""
    id_col = next((c for c, col in header.columns.items() if col.key == ("id",)), None)
    ids: list[str | None] = []
    for r in rows:
        ident = None
        if id_col is not None:
            value = reading.value(grid, r, id_col)
            if value is not _BAD and not _blank(value):
                ident = _as_id(value)
                if isinstance(ident, str):
                    reading.used_ids.add(ident)
        ids.append(ident)
    return id_col, ids


def _data_rows(grid: _Grid, first: int, columns: Iterable[int]) -> list[int]:
    """The rows below a header that hold a value in one of ``columns``."""
    cols = list(columns)
    return [r for r in range(first, len(grid.rows) + 1)
            if any(not _blank(grid.value(r, c)) for c in cols)]


# --- reading one cell as a field -----------------------------------------------------------


def _split(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in _SEPARATORS.split(value) if part.strip()]
    return [value]


def _as_text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if _is_number(value):
        return _number_text(value).replace(",", ".") if isinstance(value, float) else str(value)
    return value


def _as_id(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _as_number(value: Any) -> Any:
    if isinstance(value, str):
        number = _number_from_text(value)
        return value if number is None else number
    return value


def _as_whole(value: Any) -> Any:
    value = _as_number(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_YES = {"ja", "j", "yes", "y", "true", "waar", "x", "1"}
_NO = {"nee", "n", "no", "false", "onwaar", "0"}


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
            except ValueError:
                return text
        return text
    return value


def _read_cell(reading: _Reading, grid: _Grid, row: int, col: int, column: _Column,
               path: Loc, item: Mapping[str, Any] | None = None) -> Any:
    """The value of one cell as the field ``column`` holds it, or ``None`` when empty.

    Values it cannot read are passed on as they are, for the loader to report at this cell;
    problems found here are reported here.
    """
    value = reading.value(grid, row, col, path)
    if value is _BAD or _blank(value) and column.kind != "text":
        return None
    if value is None:
        return None
    kind = column.kind
    if kind == "text":
        return _as_text(value)
    if kind == "id":
        return _as_id(value)
    if kind == "number":
        return _as_number(value)
    if kind == "whole":
        return _as_whole(value)
    if kind == "date":
        return _as_date(value)
    if kind in ("flag", "yesno"):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = V.fold(str(value))
        if word in _YES:
            return True
        if word in _NO:
            return False
        reading.add(grid, row, col, "wrong_type", f"expected ja or nee, got '{value}'", path)
        return None
    if kind == "word":
        return _read_word(reading, grid, row, col, column, value, path)
    if kind == "words":
        return [_read_word(reading, grid, row, col, column, part, (*path, i))
                for i, part in enumerate(_split(value))]
    if kind == "group":
        return _as_text(_as_id(value))
    if kind == "groups":
        return [_as_text(_as_id(part)) for part in _split(value)]
    if kind == "supervises":
        out = []
        for part in _split(value):
            text = _as_text(_as_id(part))
            if isinstance(text, str) and reading.names.kind.get(text) != "team":
                ident, _, _ = reading.names.resolve(text, ("team",))
                text = ident or text
            out.append(text)
        return out
    if kind == "ref":
        return _read_ref(reading, grid, row, col, column.refs, value, path)
    if kind == "refs":
        return [_read_ref(reading, grid, row, col, column.refs, part, (*path, i))
                for i, part in enumerate(_split(value))]
    if kind == "about":
        signal_type = (item or {}).get("type")
        about = V.SIGNAL_ABOUT.get(signal_type) if isinstance(signal_type, str) else None
        if about == "person":
            return _read_ref(reading, grid, row, col, ("person",), value, path)
        if about == "team":
            return _read_ref(reading, grid, row, col, ("team", "all_staff"), value, path)
        return _as_text(_as_id(value))
    raise AssertionError(f"unknown column kind {kind!r}")  # pragma: no cover


def _read_word(reading: _Reading, grid: _Grid, row: int, col: int, column: _Column,
               value: Any, path: Loc) -> Any:
    if not isinstance(value, str):
        return value
    word = V.as_word(value)
    if word in column.vocabulary:
        return word
    what = {V.ROLES: "role", V.TASK_TYPES: "task type", V.DOMAINS: "domain",
            V.TEAM_KINDS: "team kind", V.EXTERNAL_KINDS: "external kind",
            V.SIGNAL_TYPES: "signal type"}.get(column.vocabulary, "task type or domain")
    reading.add(grid, row, col, "unknown_value",
                f"unknown {what} '{value.strip()}'"
                f"{V.hint(value.strip(), column.vocabulary, column.words)}", path)
    return value.strip()


def _read_ref(reading: _Reading, grid: _Grid, row: int, col: int, kinds: Iterable[str],
              value: Any, path: Loc) -> Any:
    text = _as_id(value)
    if not isinstance(text, str):
        return text
    ident, type_, msg = reading.names.resolve(text, kinds)
    if ident is None:
        reading.add(grid, row, col, type_, msg, path)
        return text
    return ident


def _set(item: dict[str, Any], key: tuple[str, ...], value: Any) -> None:
    for part in key[:-1]:
        item = item.setdefault(part, {})
    item[key[-1]] = value


# --- the sheets: one reader and one writer each --------------------------------------------


class _TableSheet:
    """A sheet with one row per item: people, teams, externals, mandates, signals."""

    def __init__(self, table: _Table):
        self.table = table
        self.name = table.sheet
        self.sections = (table.section,)
        self._rows: list[tuple[int, dict[int, _Column]]] = []
        self._ids: list[str | None] = []

    # reading, in three steps: rows and explicit ids; derived ids and names; the cells
    def collect(self, reading: _Reading, grid: _Grid) -> None:
        self.grid = grid
        header = _read_header(reading, grid, self.table.present_columns())
        self.header = header
        rows = _data_rows(grid, header.row + 1, header.columns)
        reading.read_rows[grid.sheet or grid.file] = {header.row, *rows}
        self._rows = [(r, header.columns) for r in rows]
        self._id_col, self._ids = _explicit_ids(reading, grid, header, rows)

    def name_rows(self, reading: _Reading) -> None:
        section = self.table.section
        kind = {"people": "person", "teams": "team", "externals": "external"}.get(section)
        for i, (r, columns) in enumerate(self._rows):
            ident = self._ids[i]
            if ident is None:
                base = ""
                for key in self.table.id_from:
                    col = next((c for c, column in columns.items() if column.key == key), None)
                    value = self.grid.value(r, col) if col else None
                    if not _blank(value) and (r, col) not in self.grid.special:
                        base = str(value)
                        break
                if not base:
                    first = self.table.id_from[0]
                    wanted = next(c for c in self.table.present_columns() if c.key == first)
                    reading.add(self.grid, r, self._id_col or 1, "missing",
                                f"a row without an ID needs a '{wanted.header}' to make one "
                                "from", (section, i, "id"))
                    base = f"{section}-{i + 1}"
                if self.table.id_prefix and base:
                    base = self.table.id_prefix + _slug(base)
                ident = reading.new_id(base, section[:-1])
                self._ids[i] = ident
            if kind and isinstance(ident, str):
                name_col = next((c for c, column in columns.items() if column.key == ("name",)),
                                None)
                name = self.grid.value(r, name_col) if name_col else None
                reading.names.add(ident, kind, _as_text(name) if isinstance(
                    _as_text(name), str) and (r, name_col) not in self.grid.special else None)

    def read(self, reading: _Reading) -> None:
        section = self.table.section
        items: list[dict[str, Any]] = []
        first_col = self._id_col or min(self.header.columns, default=1)
        for i, (r, columns) in enumerate(self._rows):
            path: Loc = (section, i)
            reading.place(path, self.grid, r, first_col)
            item: dict[str, Any] = {"id": self._ids[i]}
            # the type first: a signal's `about` is read by its type
            ordered = sorted(columns.items(), key=lambda kv: kv[1].key != ("type",))
            for col, column in ordered:
                if column.key == ("id",):
                    reading.place((*path, "id"), self.grid, r, col)
                    continue
                field_path = (*path, *column.key)
                reading.place(field_path, self.grid, r, col)
                value = _read_cell(reading, self.grid, r, col, column, field_path, item)
                if value is None or value == []:
                    if column.required and field_path not in reading.reported:
                        reading.add(self.grid, r, col, "missing",
                                    f"missing required field '{column.header}'", field_path)
                    continue
                _set(item, column.key, value)
            items.append(item)
        _missing_columns(reading, self.grid, self.header, self.table.present_columns(),
                         section, len(items))
        reading.data[section] = items

    def write(self, writing: _Writing, ws: Any) -> None:
        columns = self.table.present_columns()
        items = writing.data.get(self.table.section, [])
        _header_row(ws, [c.header for c in columns], [c.width for c in columns])
        for r, item in enumerate(items, start=2):
            for c, column in enumerate(columns, start=1):
                value = _get(item, column.key)
                if value is not None:
                    writing.put(ws, r, c, column, value, item)
        writing.validate(ws, self.table, columns, len(items))
        ws.freeze_panes = "B2"

    def fields(self) -> set[tuple[str, ...]]:
        return {c.key for c in self.table.present_columns()}


def _get(item: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    value: Any = item
    for part in key:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


class _WholeSheet:
    """A sheet of labels and values, read as a whole: every row is read, and no row names
    an id that other sheets refer to."""

    def collect(self, reading: _Reading, grid: _Grid) -> None:
        self.grid = grid
        reading.read_rows[grid.sheet or grid.file] = set(range(1, len(grid.rows) + 1))

    def name_rows(self, reading: _Reading) -> None:
        pass


class _SchoolSheet(_WholeSheet):
    """The school's name, BRIN, reference date and default accountable: label and value."""

    name = SHEET_SCHOOL
    sections = ("school", "as_of", "defaults")
    ROWS = (
        (("school", "name"), "Naam van de school", "text", "De naam van de school."),
        (("school", "brin"), "BRIN", "text", "Het BRIN-nummer (mag leeg)."),
        (("as_of",), "Peildatum", "date",
         "De datum waarop mandaat rekent (dd-mm-jjjj); leeg: vandaag."),
        (("defaults", "accountable"), "Standaard eindverantwoordelijke", "ref",
         "Wie eindverantwoordelijk is voor elke taak zonder A (meestal de directeur)."),
    )
    ALIASES = {"naam school": ("school", "name"), "naam": ("school", "name"),
               "schoolnaam": ("school", "name"), "brin-nummer": ("school", "brin"),
               "brinnummer": ("school", "brin"), "as_of": ("as_of",),
               "eindverantwoordelijke": ("defaults", "accountable")}

    def read(self, reading: _Reading) -> None:
        grid = self.grid
        by_label = {V.fold(label): (key, label, kind) for key, label, kind, _ in self.ROWS}
        for alias, key in self.ALIASES.items():
            by_label[alias] = next((k, lab, kd) for k, lab, kd, _ in self.ROWS if k == key)
        seen: dict[tuple[str, ...], int] = {}
        first = 1
        if V.fold(str(grid.value(1, 1) or "")) == "gegeven":
            first = 2  # the header row
        for r in range(first, len(grid.rows) + 1):
            label = reading.value(grid, r, 1)
            if label is _BAD or _blank(label):
                if not _blank(grid.value(r, 2)):
                    reading.add(grid, r, 1, "unknown_field",
                                "a value without a label; write what it is in column A")
                continue
            found = by_label.get(V.fold(str(label)))
            if found is None:
                labels = [row[1] for row in self.ROWS]
                reading.add(grid, r, 1, "unknown_field",
                            f"unknown field '{label}'{_close(str(label), labels)}; "
                            f"allowed: {', '.join(labels)}")
                continue
            key, text, kind = found
            if key in seen:
                reading.add(grid, r, 1, "duplicate_column",
                            f"row '{text}' appears twice (also {grid.ref(seen[key], 1)})")
                continue
            seen[key] = r
            reading.place(key, grid, r, 2)
            column = _Column(key, text, kind, "", refs=("person",))
            value = _read_cell(reading, grid, r, 2, column, key)
            if key == ("defaults", "accountable"):
                reading.data["defaults"] = {} if value is None else {"accountable": value}
                continue
            if value is None:
                continue
            _set(reading.data, key, value)
        if ("school", "name") not in seen:
            reading.add(grid, 1, 1, "missing",
                        "missing required field 'Naam van de school'", ("school", "name"))
        elif "name" not in reading.data.get("school", {}) and \
                ("school", "name") not in reading.reported:
            reading.add(grid, seen[("school", "name")], 2, "missing",
                        "missing required field 'Naam van de school'", ("school", "name"))
        reading.data.setdefault("school", {})

    def write(self, writing: _Writing, ws: Any) -> None:
        _header_row(ws, ["Gegeven", "Waarde"], [34, 40])
        for r, (key, label, kind, help_text) in enumerate(self.ROWS, start=2):
            writing.text(ws, r, 1, label)
            ws.cell(row=r, column=3, value=help_text).font = writing.grey
            value = _get(writing.data, key)
            if value is not None:
                column = _Column(key, label, kind, "", refs=("person",))
                writing.put(ws, r, 2, column, value, writing.data)
            elif kind == "text":
                ws.cell(row=r, column=2).number_format = "@"
        ws.column_dimensions["C"].width = 70

    def fields(self) -> set[tuple[str, ...]]:
        return {key for key, *_ in self.ROWS}


class _ParamsSheet(_WholeSheet):
    """The thresholds a school sets for the rules: name and value."""

    name = SHEET_PARAMS
    sections = ("params",)

    def read(self, reading: _Reading) -> None:
        grid = self.grid
        header = _read_header(reading, grid, (
            _Column(("name",), "Parameter", "text", "", aliases=("naam", "drempel")),
            _Column(("value",), "Waarde", "number", ""),
            _Column(("default",), "Standaard", "number", "", aliases=("standaardwaarde",)),
            _Column(("help",), "Betekenis", "text", "", aliases=("uitleg",))))
        cols = {c.key[0]: col for col, c in header.columns.items()}
        if "name" not in cols or "value" not in cols:
            if _data_rows(grid, 2, range(1, grid.width + 1)):
                missing = "Parameter" if "name" not in cols else "Waarde"
                reading.add(grid, 1, 1, "missing", f"missing required column '{missing}'")
            return
        params: dict[str, Any] = {}
        rows: dict[str, int] = {}
        for r in range(2, len(grid.rows) + 1):
            value = reading.value(grid, r, cols["value"])
            name = reading.value(grid, r, cols["name"])
            if value is _BAD or name is _BAD or _blank(value):
                continue
            if _blank(name):
                reading.add(grid, r, cols["name"], "missing",
                            "missing required field 'Parameter'")
                continue
            key = str(_as_text(name))
            if key in rows:
                reading.add(grid, r, cols["name"], "duplicate_column",
                            f"row '{key}' appears twice (also {grid.ref(rows[key], cols['name'])})")
                continue
            rows[key] = r
            reading.place(("params", key), grid, r, cols["value"])
            params[key] = _as_number(value)
        if params:
            reading.data["params"] = params

    def write(self, writing: _Writing, ws: Any) -> None:
        _header_row(ws, ["Parameter", "Waarde", "Standaard"], [28, 12, 12])
        defaults = _pack_params()
        params = writing.data.get("params", {})
        names = list(params) + [n for n in defaults if n not in params]
        for r, name in enumerate(names, start=2):
            writing.text(ws, r, 1, name)
            if name in params:
                writing.number(ws, r, 2, params[name])
            if name in defaults:
                ws.cell(row=r, column=3, value=defaults[name]).font = writing.grey

    def fields(self) -> set[tuple[str, ...]]:
        return {("params",)}


def _pack_params() -> dict[str, float]:
    """The bundled rule pack's params and their defaults, for the Drempels sheet."""
    import yaml


    try:
        head = yaml.safe_load((bundled_rules_path() / "lbbo-2022" / "pack.yaml")
                              .read_text(encoding="utf-8"))
        return {name: p["default"] for name, p in head.get("params", {}).items()}
    except (OSError, yaml.YAMLError, AttributeError, KeyError, TypeError):
        return {}


class _TasksSheet:
    """The RACI matrix: one row a task, one column a person, team or external party."""

    name = SHEET_TASKS
    sections = ("tasks",)

    def __init__(self) -> None:
        self.columns = _task_columns()

    def collect(self, reading: _Reading, grid: _Grid) -> None:
        self.grid = grid
        self.header = _read_header(reading, grid, self.columns, others_allowed=True)
        cols = list(self.header.columns) + list(self.header.other)
        self.rows = _data_rows(grid, 2, cols)
        reading.read_rows[grid.sheet or grid.file] = {1, *self.rows}
        self._id_col, self._ids = _explicit_ids(reading, grid, self.header, self.rows)

    def name_rows(self, reading: _Reading) -> None:
        title_col = next((c for c, col in self.header.columns.items()
                          if col.key == ("title",)), None)
        type_col = next((c for c, col in self.header.columns.items()
                         if col.key == ("type",)), None)
        for i, r in enumerate(self.rows):
            if self._ids[i] is not None:
                continue
            base = ""
            for col in (title_col, type_col):
                value = self.grid.value(r, col) if col else None
                if col and not _blank(value) and (r, col) not in self.grid.special:
                    base = str(value)
                    break
            self._ids[i] = reading.new_id(base, "taak")

    def people_from_header(self, reading: _Reading) -> None:
        """Without a Personen sheet: a column ``Anna Jansen (leraar)`` makes a person."""
        people = []
        for col, text in self.header.other.items():
            plain = V.fold(text)
            if plain in ALL_STAFF_LABELS or plain in PARENTS_LABELS:
                continue
            if reading.names.resolve(text, ("team", "external"))[0] is not None:
                continue
            m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", text, re.DOTALL)
            i = len(people)
            path: Loc = ("people", i)
            reading.place(path, self.grid, 1, col)
            if not m or not m.group(1).strip():
                reading.add(self.grid, 1, col, "missing",
                            f"without a 'Personen' sheet, a person's column heading names the "
                            f"roles too, as 'Anna Jansen (leraar)'; got '{text}'", path)
                name, roles_text = text.strip(), ""
            else:
                name, roles_text = m.group(1).strip(), m.group(2)
            column = _Column(("roles",), "Rollen", "words", "", vocabulary=V.ROLES,
                             words=V.ROLE_WORDS)
            roles = [_read_word(reading, self.grid, 1, col, column, part, (*path, "roles", j))
                     for j, part in enumerate(_split(roles_text))] if roles_text else []
            ident = reading.new_id(name, "persoon")
            reading.names.add(ident, "person", name)
            reading.place((*path, "roles"), self.grid, 1, col)
            person: dict[str, Any] = {"id": ident, "name": name}
            if roles:
                person["roles"] = roles
            elif path not in reading.reported:
                reading.add(self.grid, 1, col, "missing",
                            f"without a 'Personen' sheet, a person's column heading names the "
                            f"roles too, as 'Anna Jansen (leraar)'; got '{text}'", path)
            people.append(person)
            self.header.other[col] = ident + " (" + ident + ")"
        reading.data["people"] = people

    def read(self, reading: _Reading, order: Mapping[tuple[str, str], list[str]]) -> None:
        grid = self.grid
        holders: dict[int, str] = {}
        seen: dict[str, int] = {}
        for col, text in self.header.other.items():
            ident, type_, msg = reading.names.resolve(
                text, ("person", "team", "external", "all_staff", "parents"))
            if ident is None:
                extra = [c.header for c in self.columns]
                if type_ == "unknown_reference" and "did you mean" not in msg:
                    msg += _close(text, extra)
                reading.add(grid, 1, col, type_, msg)
                continue
            if ident in seen:
                reading.add(grid, 1, col, "duplicate_column",
                            f"'{text}' has two columns (also {grid.ref(1, seen[ident])})")
                continue
            seen[ident] = col
            holders[col] = ident
        tasks = []
        first_col = self._id_col or min(self.header.columns, default=1)
        for i, r in enumerate(self.rows):
            path: Loc = ("tasks", i)
            reading.place(path, grid, r, first_col)
            task: dict[str, Any] = {"id": self._ids[i]}
            for col, column in self.header.columns.items():
                if column.key == ("id",):
                    reading.place((*path, "id"), grid, r, col)
                    continue
                field_path = (*path, *column.key)
                reading.place(field_path, grid, r, col)
                value = _read_cell(reading, grid, r, col, column, field_path)
                if value is None:
                    if column.required and field_path not in reading.reported:
                        reading.add(grid, r, col, "missing",
                                    f"missing required field '{column.header}'", field_path)
                    continue
                task[column.key[0]] = value
            lists: dict[str, list[str]] = {k: [] for k in V.RACI}
            spots: dict[tuple[str, str], int] = {}
            hours: dict[str, Any] = {}
            for col, ident in holders.items():
                value = reading.value(grid, r, col, (*path, "hours", ident))
                if value is _BAD or _blank(value):
                    continue
                parsed = _matrix_cell(value)
                if parsed is None:
                    reading.add(grid, r, col, "invalid_value",
                                f"expected A, R, C or I and/or hours (as 'R 20'), got "
                                f"'{value}'")
                    continue
                letters, amount = parsed
                for letter in letters:
                    lists[LETTERS[letter]].append(ident)
                    spots[(LETTERS[letter], ident)] = col
                if amount is not None:
                    if reading.names.kind.get(ident) != "person":
                        reading.add(grid, r, col, "invalid_value",
                                    f"hours belong to a person, not to '{self.header.other[col]}'")
                        continue
                    hours[ident] = amount
                    reading.place((*path, "hours", ident), grid, r, col)
            for key in V.RACI:
                given = order.get((str(task["id"]), key))
                if given is not None and set(given) == set(lists[key]):
                    lists[key] = list(given)
                for j, ident in enumerate(lists[key]):
                    reading.place((*path, key, j), grid, r, spots[(key, ident)])
                if lists[key]:
                    task[key] = lists[key]
            if hours:
                given = order.get((str(task["id"]), "hours"))
                if given is not None and set(given) == set(hours) and len(given) == len(hours):
                    hours = {ident: hours[ident] for ident in given}
                task["hours"] = hours
            tasks.append(task)
        _missing_columns(reading, grid, self.header, self.columns, "tasks", len(tasks))
        reading.data["tasks"] = tasks

    def write(self, writing: _Writing, ws: Any) -> None:
        data = writing.data
        names = writing.names
        fixed = [c.header for c in self.columns]
        avoid = [n for c in self.columns for n in c.names()]
        holders = ([p["id"] for p in data.get("people", [])]
                   + [t["id"] for t in data.get("teams", [])]
                   + [e["id"] for e in data.get("externals", [])])
        headers = fixed + [names.label(h, ("person", "team", "external", "all_staff",
                                           "parents"), avoid=avoid) for h in holders]
        headers += [ALL_STAFF_HEADER, PARENTS_HEADER]
        holders += [V.ALL_STAFF, V.PARENTS]
        widths = [c.width for c in self.columns] + [max(8, min(18, len(h) + 2))
                                                    for h in headers[len(fixed):]]
        _header_row(ws, headers, widths)
        start = len(fixed) + 1
        for r, task in enumerate(data.get("tasks", []), start=2):
            for c, column in enumerate(self.columns, start=1):
                value = task.get(column.key[0])
                if value is not None and value is not False:
                    writing.put(ws, r, c, column, value, task)
            hours = task.get("hours", {})
            for c, holder in enumerate(holders, start=start):
                letters = "/".join(letter for letter, key in LETTERS.items()
                                   if holder in task.get(key, []))
                amount = hours.get(holder)
                if amount is None and letters:
                    writing.text(ws, r, c, letters)
                elif amount is not None and letters:
                    writing.text(ws, r, c, f"{letters} {_number_text(amount)}")
                elif amount is not None:
                    writing.number(ws, r, c, amount)
            for key in (*V.RACI, "hours"):
                listed = list(task.get(key, []))
                in_columns = sorted(set(listed), key=holders.index)
                if listed != in_columns:
                    writing.order.append((task["id"], key, listed))
        n = len(data.get("tasks", []))
        writing.validate(ws, None, self.columns, n)
        last = _column_letter(max(len(headers), start + 40))
        writing.list_validation(ws, "raci", f"{_column_letter(start)}2:{last}{n + 200}",
                                strict=False)
        ws.freeze_panes = ws.cell(row=2, column=3)

    def fields(self) -> set[tuple[str, ...]]:
        return {c.key for c in self.columns} | {(k,) for k in V.RACI} | {("hours",)}


_MATRIX = re.compile(
    r"\s*(?P<letters>[ARCIarci](?:\s*[/+,&]?\s*[ARCIarci])*)?\s*:?\s*"
    r"(?P<hours>[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)?\s*(?:u|uur)?\s*")


def _matrix_cell(value: Any) -> tuple[list[str], Any] | None:
    """``"A/R 20"`` -> ``(["A", "R"], 20)``; a number alone is hours. ``None``: unreadable."""
    if _is_number(value):
        return [], value
    if not isinstance(value, str):
        return None
    parsed = _matrix_text(value)
    return None if parsed is None else (list(parsed[0]), parsed[1])


@functools.lru_cache(maxsize=4096)
def _matrix_text(value: str) -> tuple[tuple[str, ...], Any] | None:
    m = _MATRIX.fullmatch(value)
    if not m or not (m.group("letters") or m.group("hours")):
        return None
    letters = []
    for letter in re.findall(r"[ARCIarci]", m.group("letters") or ""):
        if letter.upper() not in letters:
            letters.append(letter.upper())
    letters.sort(key="ARCI".index)
    amount = _number_from_text(m.group("hours")) if m.group("hours") else None
    return tuple(letters), amount


#: Words school leaders write for the roles of a route step; suggested where a word is not one.
STEP_WORDS: dict[str, str] = {
    "leerkracht": "leraar", "de leerkracht": "leraar", "groepsleerkracht": "leraar",
    "de leraar": "leraar", "ib'er": "ib", "de ib'er": "ib", "ib-er": "ib",
    "intern begeleider": "ib", "intern_begeleider": "ib", "behandelaar": "handled_by",
    "wie het behandelt": "handled_by", "directeur": "schoolleider",
    "de directeur": "schoolleider", "de schoolleider": "schoolleider",
    "bestuurder": "bestuur", "het bestuur": "bestuur", "adjunct": "adjunct_directeur",
    "adjunct-directeur": "adjunct_directeur", "bouwcoördinator": "bouwcoordinator",
}
_PARAM = re.compile(r"[a-z][a-z0-9_]{0,63}")
_WHEN_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("after_weeks", "Na weken", "weeks",
     "Na zoveel weken sinds het signaal (of de naam van een drempel, zoals dev_lag_weeks)."),
    ("after_times", "Na aantal keer", "times", "Als het signaal zo vaak voorkwam (Aantal keer)."),
    ("on_request", "Op verzoek", "flag", "ja: als de vorige stap vraagt over te nemen."),
    ("consent", "Met toestemming ouders", "flag", "ja: als de ouders toestemming gaven."),
    ("conversation_held", "Gesprek gevoerd", "flag", "ja: als het gesprek gevoerd is."),
    ("willful", "Bewust", "flag", "ja: als een afspraak bewust niet is nagekomen."),
)


class _RoutesSheet:
    """A school's own routes: one row per step (one more per alternative of its condition).

    Rows with the same ``Route`` are one route, in order; ``Stap`` numbers the steps, and
    rows with the same number are alternatives ("of") of when the route hands on to it.
    """

    name = SHEET_ROUTES
    sections = ("routes",)
    HEAD = (
        _Column(("id",), "Route", "id", "De ID van de route; elke rij van de route noemt hem.",
                aliases=("route id", "id")),
        _Column(("title",), "Titel", "text", "Wat de route is, in uw woorden (eerste rij).",
                width=30),
        _Column(("for", "signal"), "Voor signaal", "word",
                "Voor welke soort signaal de route is (eerste rij).",
                aliases=("signaal", "soort signaal"), vocabulary=V.SIGNAL_TYPES, width=26),
        _Column(("step",), "Stap", "whole", "1, 2, 3, ...: rijen met hetzelfde nummer zijn "
                "alternatieven (of).", width=8),
        _Column(("who",), "Wie", "text", "Een rol (leraar, ib, handled_by, schoolleider, "
                "bestuur, adjunct_directeur, bouwcoordinator), of een persoon, team of externe "
                "partij (naam of ID).", width=22),
    )

    def columns(self) -> tuple[_Column, ...]:
        kinds = {"weeks": "text", "times": "text", "flag": "flag"}
        return self.HEAD + tuple(_Column(("when", key), header, kinds[kind], help_text,
                                         width=12)
                                 for key, header, kind, help_text in _WHEN_COLUMNS)

    def collect(self, reading: _Reading, grid: _Grid) -> None:
        self.grid = grid
        self.header = _read_header(reading, grid, self.columns())
        self.rows = _data_rows(grid, 2, self.header.columns)
        reading.read_rows[grid.sheet or grid.file] = {1, *self.rows}
        col = self._col(("id",))
        for r in self.rows:
            value = grid.value(r, col) if col else None
            if isinstance(_as_id(value), str) and _as_id(value):
                reading.used_ids.add(_as_id(value))

    def _col(self, key: tuple[str, ...]) -> int | None:
        return next((c for c, column in self.header.columns.items() if column.key == key), None)

    def name_rows(self, reading: _Reading) -> None:
        pass

    def read(self, reading: _Reading, exact: Mapping[tuple[str, int], list[Any]]) -> None:
        grid = self.grid
        routes: list[dict[str, Any]] = []
        by_id: dict[str, dict[str, Any]] = {}
        current: dict[str, Any] | None = None
        last_step: Any = None
        id_col = self._col(("id",))
        for r in self.rows:
            value = reading.value(grid, r, id_col) if id_col else None
            ident = _as_id(value) if value is not _BAD and not _blank(value) else None
            if ident is None and current is None:
                reading.add(grid, r, id_col or 1, "missing", "missing required field 'Route'")
                continue
            if ident is not None and (current is None or ident != current["id"]):
                current = by_id.get(str(ident))
                if current is None:
                    i = len(routes)
                    current = {"id": ident, "steps": []}
                    by_id[str(ident)] = current
                    routes.append(current)
                    reading.place(("routes", i), grid, r, id_col or 1)
                    reading.place(("routes", i, "id"), grid, r, id_col or 1)
                last_step = None
            assert current is not None
            i = routes.index(current)
            path: Loc = ("routes", i)
            for key in (("title",), ("for", "signal")):
                col = self._col(key)
                if col is None or _blank(grid.value(r, col)):
                    continue
                column = self.header.columns[col]
                reading.place((*path, *key), grid, r, col)
                value = _read_cell(reading, grid, r, col, column, (*path, *key))
                if _get(current, key) is None:
                    _set(current, key, value)
                elif _get(current, key) != value:
                    reading.add(grid, r, col, "invalid_value",
                                f"route '{current['id']}' has another value here already: "
                                f"'{_get(current, key)}'")
            step_col, who_col = self._col(("step",)), self._col(("who",))
            number = reading.value(grid, r, step_col) if step_col else None
            who = reading.value(grid, r, who_col) if who_col else None
            steps = current["steps"]
            alternative = steps and (
                (not _blank(number) and _as_whole(number) == last_step)
                or (_blank(number) and _blank(who)))
            if alternative:
                j = len(steps) - 1
            else:
                j = len(steps)
                steps.append({"when": []})
                last_step = _as_whole(number) if not _blank(number) else None
                reading.place((*path, "steps", j), grid, r, who_col or step_col or 1)
            step = steps[j]
            step_path = (*path, "steps", j)
            if not _blank(who) and who is not _BAD:
                kind, ref = self._who(reading, grid, r, who_col, who, step_path)
                if kind is not None:
                    if step.get("kind") not in (None, (kind, ref)):
                        reading.add(grid, r, who_col, "invalid_value",
                                    f"step {j + 1} names someone else already: "
                                    f"'{step['kind'][1]}'")
                    step["kind"] = (kind, ref)
            elif not alternative:
                reading.add(grid, r, who_col or 1, "missing", "missing required field 'Wie'",
                            step_path)
            condition: dict[str, Any] = {}
            for key, header, kind, _ in _WHEN_COLUMNS:
                col = self._col(("when", key))
                if col is None:
                    continue
                value = reading.value(grid, r, col, (*step_path, "when"))
                if value is _BAD or _blank(value):
                    continue
                reading.place((*step_path, "when", len(step["when"]), key), grid, r, col)
                if kind == "flag":
                    flag = _read_cell(reading, grid, r, col, _Column((key,), header, "flag", ""),
                                      (*step_path, "when"))
                    if flag:
                        condition[key] = True
                elif isinstance(value, str) and _PARAM.fullmatch(value.strip()):
                    condition[key] = {"param": value.strip()}
                else:
                    condition[key] = (_as_whole if kind == "times" else _as_number)(value)
            step["when"].append(condition)
        for i, route in enumerate(routes):
            route_path: Loc = ("routes", i)
            if "for" not in route:
                row = reading.cells.get(route_path, (grid, 1, 1))[1]
                reading.add(grid, row, self._col(("for", "signal")) or 1, "missing",
                            "missing required field 'Voor signaal'", (*route_path, "for"))
            for j, step in enumerate(route["steps"]):
                kind_ref = step.pop("kind", None)
                if kind_ref is not None:
                    step[kind_ref[0]] = kind_ref[1]
                if step["when"] == [{}]:
                    step["when"] = []  # one row without conditions: "always"
                given = exact.get((str(route["id"]), j))
                if given is not None and _same_when(given, step["when"]):
                    step["when"] = given
                if not step["when"]:
                    del step["when"]
        if routes:
            reading.data["routes"] = routes

    def _who(self, reading: _Reading, grid: _Grid, r: int, col: int, value: Any,
             path: Loc) -> tuple[str | None, str]:
        text = str(_as_id(value))
        ident, type_, msg = reading.names.resolve(text, ("person", "team", "external"))
        with_id = re.fullmatch(r"(.*)\(\s*([a-z0-9][a-z0-9_-]*)\s*\)", text.strip(), re.DOTALL)
        if ident is not None and with_id:
            return self._kind(reading, ident), ident
        if V.as_word(text) in V.STEP_ROLES:
            return "role", V.as_word(text)
        if ident is not None:
            return self._kind(reading, ident), ident
        meant = STEP_WORDS.get(V.fold(text))
        if meant is not None:
            reading.add(grid, r, col, "unknown_value",
                        f"unknown step role '{text.strip()}' (did you mean '{meant}'?)", path)
        elif type_ == "ambiguous_name":
            reading.add(grid, r, col, type_, msg, path)
        else:
            candidates = list(V.STEP_ROLES) + [i for i in reading.names.kind] + [
                n for n in reading.names.name.values() if n]
            reading.add(grid, r, col, "unknown_reference",
                        f"no step role, person, team or external party with name or id "
                        f"'{text.strip()}'{_close(text, candidates)}", path)
        return None, text

    @staticmethod
    def _kind(reading: _Reading, ident: str) -> str:
        return {"person": "person", "team": "team", "external": "external"}[
            reading.names.kind[ident]]

    def write(self, writing: _Writing, ws: Any) -> None:
        columns = self.columns()
        _header_row(ws, [c.header for c in columns], [c.width for c in columns])
        r = 2
        for route in writing.data.get("routes", []):
            for j, step in enumerate(route.get("steps", [])):
                alternatives = step.get("when") or []
                if alternatives == [{}]:  # reads back as [], which says the same
                    writing.exact.append((route["id"], j, alternatives))
                for k, condition in enumerate(alternatives or [{}]):
                    writing.text(ws, r, 1, route["id"])
                    if j == 0 and k == 0:
                        if route.get("title") is not None:
                            writing.text(ws, r, 2, route["title"])
                        writing.text(ws, r, 3, route["for"]["signal"])
                    ws.cell(row=r, column=4, value=j + 1)
                    writing.text(ws, r, 5, self._label(writing, step))
                    for c, (key, _, kind, _) in enumerate(_WHEN_COLUMNS, start=6):
                        value = condition.get(key)
                        if isinstance(value, dict):
                            writing.text(ws, r, c, value["param"])
                        elif kind == "flag":
                            if value:
                                writing.text(ws, r, c, "ja")
                        elif value is not None:
                            writing.number(ws, r, c, value)
                    r += 1
        writing.list_validation(ws, "signal_type", f"C2:C{r + 200}", strict=True)
        for c in range(8, 12):
            letter = _column_letter(c)
            writing.list_validation(ws, "yesno", f"{letter}2:{letter}{r + 200}", strict=True)
        ws.freeze_panes = "B2"

    @staticmethod
    def _label(writing: _Writing, step: Mapping[str, Any]) -> str:
        if step.get("role"):
            return str(step["role"])
        kind = next(k for k in ("person", "team", "external") if step.get(k))
        return writing.names.label(step[kind], (kind,), avoid=(*V.STEP_ROLES,
                                                                *STEP_WORDS))

    def fields(self) -> set[tuple[str, ...]]:
        return {("id",), ("title",), ("for", "signal"), ("steps",)}


def _same_when(exact: Sequence[Any], shown: Sequence[Any]) -> bool:
    """Whether two ``when`` lists say the same: no alternative and one without conditions
    both mean "always"."""
    def norm(items: Sequence[Any]) -> list[Any]:
        items = [{k: v for k, v in dict(i).items() if v not in (False, None)} for i in items]
        return [] if items == [{}] else items
    return norm(exact) == norm(shown)


class _MetaSheet:
    """The hidden sheet: the format, list orders the matrix cannot show, an empty default.

    What it holds never changes what the visible sheets say: a list order is used only for
    the same people the matrix shows, a route step's ``[{}]`` only where the sheet says
    "always".
    """

    name = SHEET_META
    sections = ("format",)

    def __init__(self) -> None:
        self.order: dict[tuple[str, str], list[str]] = {}
        self.exact: dict[tuple[str, int], list[Any]] = {}
        self.empty_defaults = False

    def collect(self, reading: _Reading, grid: _Grid) -> None:
        self.grid = grid

    def name_rows(self, reading: _Reading) -> None:
        pass

    def read(self, reading: _Reading) -> None:
        import json

        order = self.order
        grid = self.grid
        for r in range(1, len(grid.rows) + 1):
            key = grid.value(r, 1)
            if key == "format":
                value = reading.value(grid, r, 2)
                if value is not _BAD:
                    reading.data["format"] = value
                    reading.place(("format",), grid, r, 2)
            elif key == "volgorde":
                task, raci, ids = (grid.value(r, c) for c in (2, 3, 4))
                if isinstance(task, str) and raci in (*V.RACI, "hours") and isinstance(ids, str):
                    order[(task, raci)] = [i.strip() for i in ids.split(",") if i.strip()]
            elif key == "standaard" and grid.value(r, 2) == "leeg":
                self.empty_defaults = True
            elif key == "wanneer":
                route, step, text = (grid.value(r, c) for c in (2, 3, 4))
                try:
                    when = json.loads(text) if isinstance(text, str) else None
                except ValueError:
                    when = None
                if isinstance(route, str) and isinstance(step, int) and isinstance(when, list):
                    self.exact[(route, step)] = when

    def write(self, writing: _Writing, ws: Any) -> None:
        import json

        ws.sheet_state = "hidden"
        writing.text(ws, 1, 1, "Dit blad bewaart wat de andere bladen niet laten zien. "
                     "mandaat leest het; u hoeft er niets mee.")
        writing.text(ws, 2, 1, "format")
        writing.text(ws, 2, 2, writing.data.get("format", SUPPORTED_FORMATS[0]))
        r = 3
        defaults = writing.data.get("defaults")
        if defaults is not None and not defaults.get("accountable"):
            writing.text(ws, r, 1, "standaard")
            writing.text(ws, r, 2, "leeg")
            r += 1
        for task, key, ids in writing.order:
            for c, value in enumerate(("volgorde", task, key, ", ".join(ids)), start=1):
                writing.text(ws, r, c, value)
            r += 1
        for route, step, when in writing.exact:
            writing.text(ws, r, 1, "wanneer")
            writing.text(ws, r, 2, route)
            ws.cell(row=r, column=3, value=step)
            writing.text(ws, r, 4, json.dumps(when))
            r += 1

    def fields(self) -> set[tuple[str, ...]]:
        return {("format",)}


# --- putting a workbook together -----------------------------------------------------------


def _sheet_roles(sheetnames: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Known sheet -> the workbook's sheet name; and each other sheet name close to a name
    a known sheet is read by -> that known sheet."""
    by_plain = _sheet_names()
    found: dict[str, str] = {}
    near: dict[str, str] = {}
    for sheet in sheetnames:
        role = by_plain.get(V.fold(sheet))
        if role is not None and role not in found:
            found[role] = sheet
        elif role is None:
            close = difflib.get_close_matches(V.fold(sheet), list(by_plain), n=1, cutoff=0.75)
            if close:
                near[sheet] = by_plain[close[0]]
    return found, near


def _sheet_names() -> dict[str, str]:
    """Each name (folded) a sheet of mandaat's is read by -> that sheet's own name."""
    known = {SHEET_SCHOOL: (), SHEET_TASKS: ("tasks", "taakverdeling", "raci"),
             SHEET_ROUTES: ("route", "routes"),
             SHEET_PARAMS: ("params", "parameters"), SHEET_META: (),
             SHEET_HELP: ("instructie",), SHEET_LISTS: ("lijst",)}
    for table in _tables().values():
        known[table.sheet] = table.aliases
    by_plain = {V.fold(name): name for name in known}
    for name, aliases in known.items():
        for alias in aliases:
            by_plain[V.fold(alias)] = name
    return by_plain


def _assemble(reading: _Reading, grids: Mapping[str, _Grid], default_name: str) -> None:
    """Read the mandaat layout from its grids (known sheet name -> grid) into ``reading``."""
    tables = _tables()
    school = _SchoolSheet()
    if SHEET_SCHOOL in grids:
        school.collect(reading, grids[SHEET_SCHOOL])
    else:
        reading.data["school"] = {"name": default_name}
    table_sheets = {section: _TableSheet(table) for section, table in tables.items()
                    if table.sheet in grids}
    for sheet in table_sheets.values():
        sheet.collect(reading, grids[sheet.table.sheet])
    tasks = _TasksSheet() if SHEET_TASKS in grids else None
    if tasks is not None:
        tasks.collect(reading, grids[SHEET_TASKS])
    routes = _RoutesSheet() if SHEET_ROUTES in grids and _has_routes() else None
    if routes is not None:
        routes.collect(reading, grids[SHEET_ROUTES])
    for section in ("people", "teams", "externals", "mandates", "signals"):
        if section in table_sheets:
            table_sheets[section].name_rows(reading)
    if tasks is not None:
        tasks.name_rows(reading)
        if "people" not in table_sheets:
            tasks.people_from_header(reading)
    meta = _MetaSheet()
    if SHEET_META in grids:
        meta.collect(reading, grids[SHEET_META])
        meta.read(reading)
    if SHEET_SCHOOL in grids:
        school.read(reading)
    for section in ("people", "teams", "externals", "mandates", "signals"):
        if section in table_sheets:
            table_sheets[section].read(reading)
    if tasks is not None:
        tasks.read(reading, meta.order)
    if routes is not None:
        routes.read(reading, meta.exact)
    if SHEET_PARAMS in grids:
        params = _ParamsSheet()
        params.collect(reading, grids[SHEET_PARAMS])
        params.read(reading)
    reading.data.setdefault("people", [])
    defaults = reading.data.get("defaults")
    if defaults == {} and not meta.empty_defaults:
        del reading.data["defaults"]


def _refuse_merged(reading: _Reading, grid: _Grid, columns: Iterable[int] | None = None) -> None:
    rows = reading.read_rows.get(grid.sheet or grid.file, set())
    cols = set(columns) if columns is not None else None
    for min_r, min_c, max_r, max_c in grid.merged:
        if not any(min_r <= r <= max_r for r in rows):
            continue
        if cols is not None and not any(min_c <= c <= max_c for c in cols):
            continue
        area = f"{_cell_name(min_r, min_c)}:{_cell_name(max_r, max_c)}"
        reading.add(grid, min_r, min_c, "merged_cells",
                    f"merged cells ({area}): mandaat reads one value per cell; unmerge them")


def _finish(reading: _Reading, file: str) -> School:
    """Validate the data with the school loader; every problem points at its cell."""
    src = WorkbookSource(file, "", (), dict(reading.cells), notes=tuple(reading.notes))
    problems = list(reading.problems)
    try:
        school = validate_school(reading.data, src)
    except SchoolFileError as exc:
        for problem in exc.problems:
            path = src.paths.get(id(problem))
            if path is not None and any(path[:n] in reading.reported
                                        for n in range(1, len(path) + 1)):
                continue
            problems.append(problem)
        school = None
    if problems:
        raise SchoolFileError(_unique(problems))
    assert school is not None
    return school


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[str, Loc, str]] = set()
    out = []
    for p in problems:
        if (p.file, p.loc, p.msg) not in seen:
            seen.add((p.file, p.loc, p.msg))
            out.append(p)
    return out


@dataclass(frozen=True)
class WorkbookSource(Source):
    """Where a school read from a workbook or CSV came from: each data path's cell."""

    cells: Mapping[Loc, tuple[_Grid, int, int]] = field(default_factory=dict, compare=False,
                                                        hash=False)
    #: The data path of each problem this source made (by ``id``), so that a problem the
    #: workbook reader reported already is not reported twice.
    paths: dict[int, Loc] = field(default_factory=dict, compare=False, hash=False)
    #: What the reader noted that is no problem, for the report's notes: (kind, sheet,
    #: {lang: message}), such as a sheet of the school's own that was not read.
    notes: tuple[tuple[str, str, Mapping[str, str]], ...] = field(default=(), compare=False,
                                                                   hash=False)

    def line_of(self, loc: Loc) -> int | None:
        return None

    def cell_of(self, loc: Loc) -> tuple[str, str] | None:
        """The file and cell a data path was read from (or its nearest parent's)."""
        for n in range(len(loc), 0, -1):
            found = self.cells.get(tuple(loc[:n]))
            if found is not None:
                grid, row, col = found
                return grid.file, grid.ref(row, col)
        return None

    def item_cells(self, school: School) -> dict[str, str]:
        out: dict[str, str] = {}
        for section in ("people", "teams", "externals", "tasks", "mandates", "signals"):
            for i, item in enumerate(getattr(school, section)):
                label = self.label_of((section, i))
                if label is not None:
                    out.setdefault(item.id, label)
        return out

    def label_of(self, loc: Loc) -> str | None:
        """The cell of exactly ``loc`` as the report names it (``Taken!A7``)."""
        found = self.cells.get(tuple(loc))
        return found[0].label(found[1], found[2]) if found else None

    def problem(self, loc: Loc, type_: str, msg: str) -> Problem:
        found = self.cell_of(loc)
        msg = re.sub(r"\(also ([a-z_]+\[\d+\][^)]*)\)", self._also, msg)
        if found is None:
            problem = Problem(self.name, None, loc, type_, msg)
        else:
            problem = Problem(found[0], None, (found[1],), type_, msg)
        self.paths[id(problem)] = tuple(loc)
        return problem

    def _also(self, m: re.Match[str]) -> str:
        parts: list[str | int] = []
        for name, index in re.findall(r"([a-z_]+)\[(\d+)\]", m.group(1)):
            parts += [name, int(index)]
        found = self.cell_of(tuple(parts))
        return f"(also {found[1]})" if found else m.group(0)



def _name_of(path: str | Path) -> str:
    return Path(path).stem or str(path)


def read_workbook(path: str | Path | bytes, *, layout: str = "auto",
                  name: str | None = None) -> School:
    """Read a school from an Excel workbook (``.xlsx``).

    Parameters
    ----------
    path
        The workbook: the mandaat layout (``mandaat template``) or a planner's activity
        overview (activities down, team members across, hours in the cells). Bytes are read
        as the workbook's content (an upload, say).
    layout
        ``"mandaat"``, ``"planner"``, or ``"auto"`` (the default): the mandaat layout when
        the workbook has a ``Taken``, ``Personen`` or ``School`` sheet, else the planner's.
    name
        The name to report problems under (default: the path).

    Returns
    -------
    School
        The validated school; :func:`workbook_cells` gives the cell of each row.

    Raises
    ------
    SchoolFileError
        With every problem at once, each naming the sheet and cell (``Taken!D7``): what the
        loader refuses in a YAML file, and a workbook beyond :data:`LIMITS`, with macros,
        formulas, or merged cells where mandaat reads.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if isinstance(path, bytes | bytearray):
        file = name or "<workbook>"
        default_name = _name_of(name) if name else "school"
    else:
        file = name or str(path)
        default_name = _name_of(path)
        if Path(path).suffix.lower() in MACRO_SUFFIXES:
            raise SchoolFileError([Problem(file, None, (), "macros",
                                           "a workbook with macros (.xlsm, vbaProject.bin): "
                                           "mandaat runs no macros; save it as an Excel "
                                           "workbook (.xlsx)")])
    try:
        if isinstance(path, bytes | bytearray):
            if len(path) > LIMITS["file_bytes"]:
                raise _refuse(file, "workbook_too_large",
                              f"the file is {_mb(len(path))}; mandaat reads files up to "
                              f"{_mb(LIMITS['file_bytes'])}")
            data = bytes(path)
        else:
            data = _read_file(Path(path), file)
        book = _Book(data, file)
    except _Refused as exc:
        raise SchoolFileError([exc.problem]) from None
    try:
        return _read_book(book, file, layout, default_name)
    except _Refused as exc:
        raise SchoolFileError([exc.problem]) from None
    finally:
        book.close()


def _read_book(book: _Book, file: str, layout: str, default_name: str) -> School:
    roles, near = _sheet_roles(book.sheetnames)
    if layout == "auto":
        layout = "mandaat" if {SHEET_TASKS, SHEET_PEOPLE, SHEET_SCHOOL} & set(roles) else \
            "planner"
    reading = _Reading(file)
    if layout == "planner":
        grids = []
        for sheet in book.sheetnames:
            if roles.get(SHEET_HELP) == sheet or roles.get(SHEET_LISTS) == sheet:
                continue
            grid = book.grid(sheet)
            if _planner_header(grid) is not None:
                grids.append(grid)
                break
        if not grids:
            raise SchoolFileError([Problem(file, None, (), "missing_sheet",
                                           "no sheet with a heading 'Activiteit' (or 'Taak') in "
                                           "its first 30 rows; is this a planner's activity "
                                           "overview?")])
        _read_planner(reading, grids[0], default_name)
        _refuse_merged(reading, grids[0], reading.planner_columns)
        return _finish(reading, file)
    _place_other_sheets(book, roles, near, reading)
    if SHEET_TASKS not in roles and SHEET_PEOPLE not in roles:
        reading.problems.append(Problem(
            file, None, (), "missing_sheet",
            "no sheet 'Personen' or 'Taken': is this a mandaat workbook? (for a planner's "
            "activity overview: --layout planner)"))
        raise SchoolFileError(reading.problems)
    grids = {role: book.grid(sheet) for role, sheet in roles.items()
             if role not in (SHEET_HELP, SHEET_LISTS)}
    _assemble(reading, grids, default_name)
    for role, grid in grids.items():
        if role != SHEET_META:
            _refuse_merged(reading, grid)
    return _finish(reading, file)


def _place_other_sheets(book: _Book, roles: dict[str, str], near: Mapping[str, str],
                        reading: _Reading) -> None:
    """Read a sheet of another name as one of mandaat's that the workbook lacks, where its
    headings or its name show which (``roles`` gains it); leave every other sheet alone.
    Each is said in a note: schools keep sheets of their own beside mandaat's."""
    placed = set(roles.values())
    # the sheets with headings of their own that the workbook lacks -> those headings
    lacking = {table.sheet: table.present_columns() for table in _tables().values()}
    lacking[SHEET_TASKS] = tuple(_task_columns())
    for role in roles:
        lacking.pop(role, None)
    for sheet in book.sheetnames:
        if sheet in placed:
            continue
        role = _role_by_headings(book.grid(sheet), lacking) if lacking else None
        how = "headings"
        if role is None and sheet in near:
            role, how = near[sheet], "name"
            if role in roles:  # a sheet of the school's own, named like one mandaat read
                reading.notes.append(("sheet_ignored", sheet, {
                    "nl": f"Blad '{sheet}' is niet gelezen: het lijkt op '{role}', maar dat "
                          "blad is er al (hernoem het als het een blad van mandaat is)",
                    "en": f"Sheet '{sheet}' was not read: its name is close to '{role}', but "
                          "that sheet is there already (rename it if it is one of mandaat's)"}))
                continue
        if role is not None:
            roles[role] = sheet
            placed.add(sheet)
            lacking.pop(role, None)
            why = {"headings": ("aan de kolomkoppen", "by its headings"),
                   "name": ("aan de naam", "by its name")}[how]
            reading.notes.append(("sheet_read_as", sheet, {
                "nl": f"Blad '{sheet}' is gelezen als '{role}' ({why[0]} herkend)",
                "en": f"Sheet '{sheet}' was read as '{role}' (recognised {why[1]})"}))
            continue
        reading.notes.append(("sheet_ignored", sheet, {
            "nl": f"Blad '{sheet}' is niet gelezen: mandaat kent het niet (de bladen die "
                  f"mandaat leest: {', '.join(_known_sheets())})",
            "en": f"Sheet '{sheet}' was not read: mandaat does not know it (the sheets "
                  f"mandaat reads: {', '.join(_known_sheets())})"}))


def _role_by_headings(grid: _Grid, lacking: Mapping[str, Sequence[_Column]]) -> str | None:
    """The sheet of ``lacking`` whose column headings stand in the first row of ``grid``:
    at least two of them, and more than for any other."""
    headings = {V.fold(str(value)) for value in (grid.value(1, col)
                for col in range(1, min(grid.width, 200) + 1)) if not _blank(value)}
    if len(headings) < 2:
        return None
    scores = sorted(((sum(1 for c in columns if c.names() & headings), sheet)
                     for sheet, columns in lacking.items()),
                    key=lambda pair: (-pair[0], pair[1]))
    if scores[0][0] < 2 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1]


def _known_sheets() -> list[str]:
    return [SHEET_SCHOOL, SHEET_PEOPLE, SHEET_TEAMS, SHEET_EXTERNALS, SHEET_TASKS,
            SHEET_MANDATES, SHEET_SIGNALS, SHEET_ROUTES, SHEET_PARAMS, SHEET_HELP, SHEET_LISTS]


def read_csv(tasks: str | Path, *, people: str | Path | None = None,
             teams: str | Path | None = None, externals: str | Path | None = None,
             mandates: str | Path | None = None, signals: str | Path | None = None,
             school: str | Path | None = None, params: str | Path | None = None,
             layout: str = "auto") -> School:
    """Read a school from CSV files: the RACI matrix, and optionally the other sheets.

    Each file has the columns of the workbook sheet of the same name
    (``docs/workbook.md``), in UTF-8 (Excel: *CSV UTF-8*), separated by ``;``, ``,`` or
    tabs. Without ``people``, each person's column heading in the matrix names the roles
    too: ``Anna Jansen (schoolleider)``. Without ``school``, the school is named after the
    matrix file.

    Parameters
    ----------
    tasks
        The RACI matrix (the ``Taken`` sheet), or a planner's activity overview.
    people, teams, externals, mandates, signals, school, params
        The other sheets, each optional.
    layout
        ``"mandaat"``, ``"planner"`` or ``"auto"``: the mandaat layout when the first row
        names an ``ID`` or ``Soort taak`` column, else the planner's.

    Returns
    -------
    School
        The validated school.

    Raises
    ------
    SchoolFileError
        Every problem at once, each naming its file and cell (``people.csv: C3: ...``).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    file = str(tasks)
    named = {SHEET_PEOPLE: people, SHEET_TEAMS: teams, SHEET_EXTERNALS: externals,
             SHEET_MANDATES: mandates, SHEET_SIGNALS: signals, SHEET_SCHOOL: school,
             SHEET_PARAMS: params}
    try:
        matrix = _csv_grid(tasks)
        grids = {role: _csv_grid(path) for role, path in named.items() if path is not None}
    except _Refused as exc:
        raise SchoolFileError([exc.problem]) from None
    reading = _Reading(file)
    if layout == "auto":
        first = {V.fold(str(v)) for v in (matrix.rows[0] if matrix.rows else []) if v}
        task_names = set().union(*(c.names() for c in _task_columns()
                                   if c.key in (("id",), ("type",))))
        layout = "mandaat" if first & task_names else "planner"
    if layout == "planner":
        if _planner_header(matrix) is None:
            raise SchoolFileError([Problem(file, None, (), "missing_sheet",
                                           "no heading 'Activiteit' (or 'Taak') in the first 30 "
                                           "rows; is this a planner's activity overview?")])
        _read_planner(reading, matrix, _name_of(tasks))
        return _finish(reading, file)
    grids[SHEET_TASKS] = matrix
    _assemble(reading, grids, _name_of(tasks))
    return _finish(reading, file)


# --- the planner layout: activities down, team members across, hours in the cells ----------

PLANNER_ACTIVITY = ("activiteit", "activiteiten", "taak", "taken", "werkzaamheden",
                    "omschrijving", "taakomschrijving")
PLANNER_SKIPPED = ("norm", "normuren", "uren", "totaal", "totaal uren", "totaal taakuren",
                   "categorie", "rubriek", "cluster", "opmerking", "opmerkingen", "toelichting",
                   "nr", "nr.", "nummer", "frequentie", "aantal", "keer", "code", "subtotaal")
PLANNER_TYPE = ("type", "soort taak", "taaktype")
PLANNER_ACCOUNTABLE = ("eindverantwoordelijke", "eindverantwoordelijk", "eigenaar")
#: Rows just under the heading that describe the team members, and the field each fills.
PLANNER_ATTRIBUTES: dict[str, str] = {
    "functie": "roles", "rol": "roles", "rollen": "roles",
    "wtf": "wtf", "fte": "wtf", "werktijdfactor": "wtf",
    "uren per week": "hours_per_week", "dagen per week": "days_per_week",
    "groep": "groups", "groepen": "groups",
}
#: Full time in the CAO-PO: a werktijdfactor of 1,0 is 40 hours a week.
HOURS_PER_FTE = 40
PLANNER_TOTAL = re.compile(r"^(sub)?totaal\b|^beschikbaar\b|^saldo\b|^restant\b")


def _planner_header(grid: _Grid) -> tuple[int, int] | None:
    for r in range(1, min(30, len(grid.rows)) + 1):
        for c, value in enumerate(grid.rows[r - 1], start=1):
            if isinstance(value, str) and V.fold(value) in PLANNER_ACTIVITY:
                return r, c
    return None


def _read_planner(reading: _Reading, grid: _Grid, default_name: str) -> None:
    header_row, activity_col = _planner_header(grid) or (1, 1)
    name = default_name
    for r in range(1, header_row):
        for value in grid.rows[r - 1]:
            if isinstance(value, str):
                m = re.match(r"\s*(?:naam\s+)?school\s*:\s*(.+)", value, re.IGNORECASE)
                if m:
                    name = m.group(1).strip()
    reading.data["school"] = {"name": name}
    type_col = accountable_col = norm_col = None
    people_cols: dict[int, str] = {}
    for c in range(activity_col + 1, grid.width + 1):
        value = reading.value(grid, header_row, c)
        if value is _BAD or _blank(value):
            continue
        plain = V.fold(str(value))
        if plain in PLANNER_TYPE:
            type_col = c
        elif plain in PLANNER_ACCOUNTABLE:
            accountable_col = c
        elif plain in ("norm", "normuren"):
            norm_col = c
        elif plain in PLANNER_SKIPPED or PLANNER_TOTAL.match(plain):
            continue
        else:
            people_cols[c] = str(value).strip()
    # the team members: one per column, described by the rows under the heading
    reading_rows = {header_row}
    attributes: dict[str, int] = {}
    r = header_row + 1
    while r <= len(grid.rows):
        label = grid.value(r, activity_col)
        kind = PLANNER_ATTRIBUTES.get(V.fold(str(label))) if isinstance(label, str) else None
        if kind is None:
            break
        attributes[kind] = r
        reading_rows.add(r)
        r += 1
    first_task_row = r
    people: list[dict[str, Any]] = []
    holders: dict[int, str] = {}
    for c, text in people_cols.items():
        plain = V.fold(text)
        if plain in ALL_STAFF_LABELS:
            holders[c] = V.ALL_STAFF
            continue
        if plain in PARENTS_LABELS:
            holders[c] = V.PARENTS
            continue
        i = len(people)
        path: Loc = ("people", i)
        reading.place(path, grid, header_row, c)
        ident = reading.new_id(text, "persoon")
        reading.names.add(ident, "person", text)
        person: dict[str, Any] = {"id": ident, "name": text}
        for kind, row in attributes.items():
            value = reading.value(grid, row, c, (*path, kind))
            if value is _BAD or _blank(value):
                continue
            target = "hours_per_week" if kind == "wtf" else kind
            reading.place((*path, target), grid, row, c)
            if kind == "roles":
                roles = []
                for j, part in enumerate(_split(value)):
                    word = V.as_word(str(part))
                    role = word if word in V.ROLES else V.ROLE_WORDS.get(V.fold(str(part)))
                    if role is None:
                        reading.add(grid, row, c, "unknown_value",
                                    f"unknown role '{part}'{V.hint(str(part), V.ROLES)}",
                                    (*path, "roles", j))
                        role = str(part)
                    if role not in roles:
                        roles.append(role)
                person["roles"] = roles
            elif kind == "wtf":
                number = _as_number(value)
                person["hours_per_week"] = (round(number * HOURS_PER_FTE, 2)
                                            if _is_number(number) else number)
            elif kind == "groups":
                person["groups"] = [_as_text(_as_id(p)) for p in _split(value)]
            else:
                person[kind] = _as_number(value)
        if "roles" not in person and (*path, "roles") not in reading.reported:
            reading.add(grid, attributes.get("roles", header_row), c, "missing",
                        "no role for this team member: a row 'Functie' under the heading "
                        "names each one's role", (*path, "roles"))
        people.append(person)
        holders[c] = ident
    reading.data["people"] = people
    leaders = [p["id"] for p in people if "schoolleider" in p.get("roles", [])]
    if leaders and accountable_col is None:
        reading.data["defaults"] = {"accountable": leaders[0]}
    # the activities
    tasks: list[dict[str, Any]] = []
    for r in range(first_task_row, len(grid.rows) + 1):
        activity = grid.value(r, activity_col)
        planned = [c for c in holders if not _blank(grid.value(r, c))
                   and not (_is_number(grid.value(r, c)) and grid.value(r, c) == 0)]
        if isinstance(activity, str) and PLANNER_TOTAL.match(V.fold(activity)):
            continue
        if _blank(activity):
            if planned:
                reading.add(grid, r, activity_col, "missing",
                            "hours in a row without an activity")
            continue
        norm = grid.value(r, norm_col) if norm_col else None
        if not planned and not (_is_number(norm) and norm > 0):
            continue  # a heading, or an activity nobody is planned on and without a norm
        reading_rows.add(r)
        i = len(tasks)
        path = ("tasks", i)
        reading.place(path, grid, r, activity_col)
        value = reading.value(grid, r, activity_col, (*path, "title"))
        title = _as_text(value) if value is not _BAD else str(activity)
        reading.place((*path, "title"), grid, r, activity_col)
        task: dict[str, Any] = {"id": reading.new_id(str(title), "taak"), "title": title}
        if type_col and not _blank(grid.value(r, type_col)):
            column = _Column(("type",), "Type", "word", "", vocabulary=V.TASK_TYPES)
            reading.place((*path, "type"), grid, r, type_col)
            task["type"] = _read_cell(reading, grid, r, type_col, column, (*path, "type"))
        else:
            task["type"] = V.suggested_type(str(title)) or V.OTHER_TASK_TYPE
            reading.place((*path, "type"), grid, r, activity_col)
        if accountable_col and not _blank(grid.value(r, accountable_col)):
            reading.place((*path, "accountable"), grid, r, accountable_col)
            who = _read_cell(reading, grid, r, accountable_col,
                             _Column(("accountable",), "Eindverantwoordelijke", "ref", "",
                                     refs=("person", "all_staff")), (*path, "accountable"))
            if who is not None:
                task["accountable"] = [who]
        hours: dict[str, Any] = {}
        for c in planned:
            value = reading.value(grid, r, c, (*path, "hours"))
            if value is _BAD:
                continue
            parsed = _matrix_cell(value)
            if parsed is None:
                reading.add(grid, r, c, "invalid_value",
                            f"expected A, R, C or I and/or hours (as 'R 20'), got '{value}'")
                continue
            letters, amount = parsed
            ident = holders[c]
            if amount is not None and not letters:
                letters = ["R"]
            for letter in letters:
                key = LETTERS[letter]
                task.setdefault(key, [])
                if ident not in task[key]:
                    reading.place((*path, key, len(task[key])), grid, r, c)
                    task[key].append(ident)
            if amount is not None and amount != 0:
                if reading.names.kind.get(ident) != "person":
                    reading.add(grid, r, c, "invalid_value",
                                f"hours belong to a person, not to '{people_cols[c]}'")
                    continue
                reading.place((*path, "hours", ident), grid, r, c)
                hours[ident] = amount
        if hours:
            task["hours"] = hours
        tasks.append(task)
    reading.data["tasks"] = tasks
    reading.read_rows[grid.sheet or grid.file] = reading_rows
    reading.planner_columns = {activity_col, *people_cols,
                               *(c for c in (type_col, accountable_col) if c)}


# --- writing a workbook --------------------------------------------------------------------


class _Writing:
    """The school's data, the names to write for ids, and the workbook being written."""

    def __init__(self, data: Mapping[str, Any], template: bool = False):
        from openpyxl.styles import Font, PatternFill

        self.data = data
        self.template = template
        self.names = _Names()
        for section, kind in (("people", "person"), ("teams", "team"),
                              ("externals", "external")):
            for item in data.get(section, []):
                self.names.add(item["id"], kind, item.get("name"))
        self.order: list[tuple[str, str, list[str]]] = []
        self.exact: list[tuple[str, int, list[Any]]] = []
        self.bold = Font(bold=True)
        self.grey = Font(color="666666", italic=True)
        self.fill = PatternFill("solid", fgColor="DDEBF7")

    def text(self, ws: Any, row: int, col: int, value: str) -> Any:
        cell = ws.cell(row=row, column=col, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    def number(self, ws: Any, row: int, col: int, value: float) -> None:
        # openpyxl writes 16 significant digits; a number that needs 17 is written as text
        if isinstance(value, int) or float(f"{value:.16g}") == value:
            ws.cell(row=row, column=col, value=value)
        else:
            self.text(ws, row, col, _number_text(value))

    def put(self, ws: Any, row: int, col: int, column: _Column, value: Any,
            item: Mapping[str, Any]) -> None:
        kind = column.kind
        if kind in ("text", "id", "word", "group"):
            self.text(ws, row, col, str(value))
        elif kind in ("number", "whole"):
            self.number(ws, row, col, value)
        elif kind == "flag":
            if value:
                self.text(ws, row, col, "ja")
        elif kind == "yesno":
            self.text(ws, row, col, "ja" if value else "nee")
        elif kind == "date":
            day = dt.date.fromisoformat(value)
            if day.year >= 1900:
                ws.cell(row=row, column=col, value=day).number_format = "DD-MM-YYYY"
            else:
                self.text(ws, row, col, value)
        elif kind in ("words", "groups", "supervises"):
            self.text(ws, row, col, ", ".join(str(v) for v in value))
        elif kind == "ref":
            self.text(ws, row, col, self.names.label(value, column.refs or ("person",)))
        elif kind == "refs":
            self.text(ws, row, col, ", ".join(self.names.label(v, column.refs, in_list=True)
                                              for v in value))
        elif kind == "about":
            about = V.SIGNAL_ABOUT.get(item.get("type", ""))
            if about == "person":
                self.text(ws, row, col, self.names.label(value, ("person",)))
            elif about == "team":
                self.text(ws, row, col, ALL_STAFF_HEADER if value == V.ALL_STAFF else
                          self.names.label(value, ("team", "all_staff")))
            else:
                self.text(ws, row, col, value)
        else:  # pragma: no cover
            raise AssertionError(kind)

    def list_validation(self, ws: Any, list_name: str, area: str, *, strict: bool) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        title, words = _LIST_COLUMNS[list_name]
        col = _column_letter(list(_LIST_COLUMNS).index(list_name) + 1)
        dv = DataValidation(type="list", formula1=f"={SHEET_LISTS}!${col}$2:${col}$"
                            f"{len(words) + 1}", allow_blank=True)
        dv.showErrorMessage = strict
        dv.errorTitle = "Niet in de lijst"
        dv.error = f"Kies een waarde uit de lijst ({title}, blad {SHEET_LISTS})."
        dv.add(area)
        ws.add_data_validation(dv)

    def validate(self, ws: Any, table: _Table | None, columns: Sequence[_Column],
                 n: int) -> None:
        lists = dict(table.lists) if table else {("type",): "task_type", ("domain",): "domain",
                                                 ("parent_consent",): "yesno"}
        last = n + 200
        for c, column in enumerate(columns, start=1):
            letter = _column_letter(c)
            name = lists.get(column.key)
            if name is not None:
                self.list_validation(ws, name, f"{letter}2:{letter}{last}",
                                     strict=column.kind not in ("words",))
            if column.kind in ("text", "id", "groups", "group", "supervises", "refs", "ref",
                               "about"):
                # typed text stays text: Excel would make a date of groups "1-2"
                ws.column_dimensions[letter].number_format = "@"


def _header_row(ws: Any, headers: Sequence[str], widths: Sequence[int]) -> None:
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=1, column=c, value=text)
        cell.data_type = "s"
        cell.font = bold
        cell.fill = fill
        ws.column_dimensions[_column_letter(c)].width = width


def _has_routes() -> bool:
    return "routes" in School.model_fields


def _sheets() -> list[Any]:
    """Every sheet mandaat writes, in order; each reads and writes itself."""
    tables = _tables()
    return [_SchoolSheet(), _TableSheet(tables["people"]), _TableSheet(tables["teams"]),
            _TableSheet(tables["externals"]), _TasksSheet(), _TableSheet(tables["mandates"]),
            _TableSheet(tables["signals"]), *([_RoutesSheet()] if _has_routes() else []),
            _ParamsSheet(), _MetaSheet()]


_HELP_TEXT = [
    ("Werkverdeling invullen voor mandaat", True),
    ("mandaat controleert wie waarvoor verantwoordelijk is. Vul de bladen in en controleer "
     "het werkboek met:  mandaat check werkverdeling.xlsx", False),
    ("", False),
    ("1. School: de naam van de school; de peildatum en de standaard eindverantwoordelijke "
     "mogen leeg.", False),
    ("2. Personen: één rij per teamlid. Kies de rollen uit de lijst; meer rollen met een "
     "komma. Een lege ID maakt mandaat van de naam.", False),
    ("3. Teams en Externen: leerteams, bouwen, werkgroepen; partijen buiten de school "
     "(samenwerkingsverband, GGD, ...).", False),
    ("4. Taken: één rij per taak. Zet in rij 1, vanaf de kolom na 'Toestemming ouders "
     "nodig', de namen van de teamleden (zoals op het blad Personen), van de teams en de "
     "externe partijen; 'Hele team' en 'Ouders' staan er al.", False),
    ("   In de cellen: A = eindverantwoordelijk, R = uitvoerend, C = meedenkend (wordt "
     "geraadpleegd), I = geïnformeerd. Meer letters met een schuine streep: A/R.", False),
    ("   Uren per jaar erachter: 'R 20' is uitvoerend, 20 uur. Alleen een getal: uren "
     "zonder rol. Uren horen bij personen, niet bij teams.", False),
    ("5. Mandaten: wat de schoolleider overdraagt, aan wie, over welke taken of domeinen, "
     "en of het team het weet.", False),
    ("6. Signalen: open zaken die iemand moet oppakken (bij een leerling een "
     "leerlingnummer, nooit een naam).", False),
    ("7. Routes (mag leeg): wie een signaal oppakt, stap voor stap: 1 de leraar, 2 de ib'er "
     "op verzoek, 3 de schoolleider na 6 weken. Zonder route volgt mandaat de standaardroute.",
     False),
    ("8. Drempels: alleen invullen als de school andere drempels wil dan de standaard.", False),
    ("", False),
    ("Formules en samengevoegde cellen leest mandaat niet: typ de waarden in. Datums als "
     "dd-mm-jjjj. Ja/nee-kolommen: ja of nee.", False),
    ("Een fout noemt het blad en de cel, bijvoorbeeld: Personen!C3: onbekende rol 'ib-er' "
     "(bedoelde u 'intern_begeleider'?)", False),
    ("Het blad Lijsten toont de woorden die mandaat kent; het verborgen blad 'mandaat' "
     "hoort bij het werkboek.", False),
]


def _write_help(writing: _Writing, ws: Any) -> None:
    for r, (text, title) in enumerate(_HELP_TEXT, start=1):
        cell = writing.text(ws, r, 1, text) if text else None
        if cell is not None and title:
            cell.font = writing.bold
    r = len(_HELP_TEXT) + 2
    for c, text in enumerate(("Blad", "Kolom", "Betekenis"), start=1):
        writing.text(ws, r, c, text).font = writing.bold
    tables = _tables()
    described = [(SHEET_SCHOOL, label, help_text)
                 for _, label, _, help_text in _SchoolSheet.ROWS]
    for sheet, columns in ((SHEET_PEOPLE, tables["people"].present_columns()),
                           (SHEET_TEAMS, tables["teams"].present_columns()),
                           (SHEET_EXTERNALS, tables["externals"].present_columns()),
                           (SHEET_TASKS, _task_columns()),
                           (SHEET_MANDATES, tables["mandates"].present_columns()),
                           (SHEET_SIGNALS, tables["signals"].present_columns()),
                           *([(SHEET_ROUTES, _RoutesSheet().columns())]
                             if _has_routes() else [])):
        described += [(sheet, c.header, c.help) for c in columns]
    described.append((SHEET_PARAMS, "Parameter, Waarde",
                      "Een drempel van de regels en de waarde die de school kiest."))
    for sheet, header, help_text in described:
        r += 1
        for c, text in enumerate((sheet, header, help_text), start=1):
            writing.text(ws, r, c, text)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 90


def _write_lists(writing: _Writing, ws: Any) -> None:
    for c, (title, words) in enumerate(_LIST_COLUMNS.values(), start=1):
        header = writing.text(ws, 1, c, title)
        header.font = writing.bold
        header.fill = writing.fill
        for r, word in enumerate(words, start=2):
            writing.text(ws, r, c, word)
        ws.column_dimensions[_column_letter(c)].width = max(14, max(len(w) for w in words) + 2)
    c = len(_LIST_COLUMNS) + 2
    writing.text(ws, 1, c, "Soort taak").font = writing.bold
    writing.text(ws, 1, c + 1, "Betekenis").font = writing.bold
    for r, task_type in enumerate(V.TASK_TYPES, start=2):
        writing.text(ws, r, c, task_type)
        writing.text(ws, r, c + 1, V.TASK_TYPE_LABELS["nl"].get(task_type, ""))
    ws.column_dimensions[_column_letter(c + 1)].width = 50


def _build(data: Mapping[str, Any], *, template: bool = False) -> bytes:
    import openpyxl

    writing = _Writing(data, template)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.Workbook()
        help_sheet = wb.active
        help_sheet.title = SHEET_HELP
        _write_help(writing, help_sheet)
        for sheet in _sheets():
            sheet.write(writing, wb.create_sheet(sheet.name))
        _write_lists(writing, wb.create_sheet(SHEET_LISTS))
        wb.move_sheet(SHEET_LISTS, offset=-1)  # before the hidden sheet
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()


# --- export: what a workbook can hold, checked before it is written --------------------------


def _unsupported(school: School) -> list[Problem]:
    """What of ``school`` a workbook cannot hold, each located in the school's file."""
    data = school.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    src = school._source

    def problem(loc: Loc, msg: str) -> Problem:
        if src is not None:
            return src.problem(loc, "cannot_export", msg)
        return Problem("<school>", None, loc, "cannot_export", msg)

    problems: list[Problem] = []
    sheets = _sheets()
    covered = {section for sheet in sheets for section in sheet.sections}
    covered |= {"people", "teams", "externals", "tasks", "mandates", "signals", "params"}
    covered -= set() if _has_routes() else {"routes"}
    routes_fields = _RoutesSheet().fields() if _has_routes() else set()
    for key in data:
        if key not in covered:
            problems.append(problem((key,), f"the workbook has no sheet for '{key}'; keep this "
                                    "school as YAML or JSON"))
    tables = _tables()
    for section, table in (*tables.items(), ("tasks", None), ("routes", None)):
        if section not in covered:
            continue  # refused as a whole above
        fields = (_TableSheet(table).fields() if table is not None else
                  _TasksSheet().fields() if section == "tasks" else routes_fields)
        for i, item in enumerate(data.get(section, [])):
            for key, value in item.items():
                keys = [(key, sub) for sub in value] if isinstance(value, dict) and \
                    key != "hours" else [(key,)]
                for path in keys:
                    if path not in fields and (key,) not in fields:
                        problems.append(problem((section, i, *path),
                                                f"the workbook has no column for "
                                                f"'{format_loc((section, i, *path))}'; keep "
                                                "this school as YAML or JSON"))
    school_fields = _SchoolSheet().fields()
    for part in ("school", "defaults"):
        for key in data.get(part) or {}:
            if (part, key) not in school_fields:
                problems.append(problem((part, key), f"the workbook has no row for "
                                        f"'{part}.{key}'; keep this school as YAML or JSON"))
    problems += [problem(loc, msg) for loc, msg in _unwritable_text(data, ())]
    return problems


_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037\r]")


def _unwritable_text(value: Any, loc: Loc) -> Iterable[tuple[Loc, str]]:
    list_fields = {"roles", "groups", "supervises", "leads", "members", "scope"}
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _unwritable_text(inner, (*loc, key))
            if key in list_fields and isinstance(inner, list):
                for j, item in enumerate(inner):
                    if isinstance(item, str) and (_SEPARATORS.search(item)
                                                  or item != item.strip()):
                        yield ((*loc, key, j), "a list item with ',', ';', a line break or "
                               "spaces at its ends cannot be written in one cell")
        if isinstance(value.get("params"), dict) and not loc:
            for key in value["params"]:
                yield from _unwritable_text(key, ("params", key))
    elif isinstance(value, list):
        for j, inner in enumerate(value):
            yield from _unwritable_text(inner, (*loc, j))
    elif isinstance(value, str):
        if _ILLEGAL.search(value):
            yield loc, "cannot be written in a cell: it holds a control character"
        elif len(value) > LIMITS["text"]:
            yield loc, (f"cannot be written in a cell: it is longer than a cell holds "
                        f"({LIMITS['text']} characters)")


def workbook_bytes(school: School) -> bytes:
    """The school as an Excel workbook (``.xlsx``), as bytes.

    The workbook reads back as the same school: that is checked before it is returned.

    Parameters
    ----------
    school
        A validated school.

    Returns
    -------
    bytes
        The workbook.

    Raises
    ------
    SchoolFileError
        ``cannot_export``: what a workbook cannot hold (a section without a sheet, such as
        ``routes``; text with control characters; a list item with a comma), located in
        the school's file. Nothing is left out silently.
    """
    problems = _unsupported(school)
    if problems:
        raise SchoolFileError(problems)
    data = school.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    content = _build(data)
    back = _read_bytes(content, "<workbook>")
    if back != school:
        here = _first_difference(
            school.model_dump(mode="json", by_alias=True),
            back.model_dump(mode="json", by_alias=True), ())
        src = school._source
        msg = ("the workbook would not read back as the same school; keep this school as YAML "
               "or JSON")
        raise SchoolFileError([src.problem(here, "cannot_export", msg) if src is not None else
                               Problem("<school>", None, here, "cannot_export", msg)])
    return content


def _read_bytes(content: bytes, file: str) -> School:
    try:
        book = _Book(content, file)
        try:
            return _read_book(book, file, "mandaat", file)
        finally:
            book.close()
    except _Refused as exc:  # a school too large for the limits a workbook is read with
        raise SchoolFileError([exc.problem]) from None


def _first_difference(a: Any, b: Any, loc: Loc) -> Loc:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), (*loc, key))
    if isinstance(a, list) and isinstance(b, list):
        for j, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, (*loc, j))
    return loc


def template_bytes() -> bytes:
    """An empty workbook to fill in, with drop-down lists and an instruction sheet.

    Returns
    -------
    bytes
        The ``.xlsx`` workbook.
    """
    return _build({"format": SUPPORTED_FORMATS[0], "school": {}, "people": []}, template=True)


# --- writing files: atomically, and never over a file unless asked -------------------------


def write_file(path: str | Path, content: bytes | str, *, overwrite: bool = False) -> None:
    """Write ``content`` to ``path`` atomically: a temporary file beside it, then a rename.

    Parameters
    ----------
    path
        Where to write.
    content
        Bytes, or text (written as UTF-8).
    overwrite
        Replace an existing file (``--force`` on the command line); without it an existing
        file is refused.

    Raises
    ------
    MandaatInputError
        ``file_exists`` when ``path`` exists and ``overwrite`` is false; ``unwritable``
        when it cannot be written. Nothing is left half-written either way.
    """
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    _refuse_existing(target, overwrite)
    if target.is_dir():
        raise MandaatInputError([Problem(str(target), None, (), "is_a_directory",
                                         "is a folder, not a file")])
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise MandaatInputError([Problem(str(target), None, (), "unwritable",
                                         f"cannot write: {exc.strerror}")]) from None


def _refuse_existing(path: str | Path, overwrite: bool) -> None:
    if Path(path).exists() and not overwrite and not Path(path).is_dir():
        raise MandaatInputError([Problem(str(path), None, (), "file_exists",
                                         "already exists; mandaat overwrites a file only "
                                         "with --force")])


def write_workbook(school: School, path: str | Path, *, overwrite: bool = False) -> None:
    """Write ``school`` as an Excel workbook; :func:`read_workbook` reads it back unchanged.

    Parameters
    ----------
    school
        A validated school.
    path
        The ``.xlsx`` file to write (atomically; see :func:`write_file`).
    overwrite
        Replace an existing file.

    Raises
    ------
    SchoolFileError
        ``cannot_export`` for what a workbook cannot hold (see :func:`workbook_bytes`).
    MandaatInputError
        ``file_exists`` or ``unwritable``.
    """
    _refuse_existing(path, overwrite)  # before any work
    write_file(path, workbook_bytes(school), overwrite=overwrite)


def write_template(path: str | Path, *, overwrite: bool = False) -> None:
    """Write the empty workbook of :func:`template_bytes` to ``path``.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write (atomically; see :func:`write_file`).
    overwrite
        Replace an existing file.
    """
    write_file(path, template_bytes(), overwrite=overwrite)



def load_workbook_path(path: str | Path, name: str | None = None) -> School:
    """Read a workbook or a CSV matrix: what ``load_school("x.xlsx")`` does.

    Parameters
    ----------
    path
        A ``.csv`` file (read by :func:`read_csv`) or a workbook (:func:`read_workbook`).
    name
        The name to report a workbook's problems under.

    Returns
    -------
    School
    """
    suffix = Path(path).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    return read_workbook(path, name=name)

