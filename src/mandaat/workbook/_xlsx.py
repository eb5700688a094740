"""Reading an xlsx file safely: its size, its zip parts, their unpacked size and ratio,
DTDs and macros are checked before openpyxl parses a byte of it."""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import warnings
import zipfile
import zlib
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


#: The ways Excel packs a part. Any other (bzip2, lzma, ...) is refused before a byte of it
#: is unpacked: Python's zipfile unpacks those without a bound on what comes out.
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
#: Bytes unpacked at a time: a part never takes more memory than it declares.
_CHUNK = 1 << 16
#: ``<!DOCTYPE`` and ``<!ENTITY`` in every encoding an XML parser reads without being told
_DTD_MARKS = tuple(mark.encode(encoding) for mark in ("<!DOCTYPE", "<!ENTITY")
                   for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))
_ENCODING = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")
#: The encodings an xlsx part may declare: what Excel writes, and what expat reads itself.
_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1",
              "latin1"}


def _damaged(file: str, detail: object) -> _Refused:
    return _refuse(file, "not_a_workbook", f"not an Excel workbook (.xlsx): damaged ({detail})")


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bytes:
    """A part's bytes, unpacked a chunk at a time and never beyond the size the zip
    declares for it: a part that says it is small stays small, whatever its stream holds."""
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while len(out) < info.file_size:
                chunk = stream.read(min(_CHUNK, info.file_size - len(out)))
                if not chunk:
                    break
                out += chunk
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError,
            NotImplementedError, zlib.error) as exc:
        raise _damaged(file, exc) from None
    return bytes(out)


def _declares_dtd(data: bytes) -> bool:
    """Whether an XML part declares a DTD or entities, in whatever encoding it is written."""
    return any(mark in data for mark in _DTD_MARKS)


def _encoding(data: bytes) -> str | None:
    """The encoding a part's XML declaration names, read in UTF-8 or UTF-16."""
    head = data[:400]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:2] == b"\0" or head[:1] == b"\0":
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                head = head.decode(encoding).lstrip("\ufeff").encode("ascii", "replace")
            except UnicodeDecodeError:
                continue
            if head.startswith(b"<"):
                break
    head = head.removeprefix(b"\xef\xbb\xbf")
    m = _ENCODING.match(head)
    return m.group(1).decode("ascii").lower() if m else None


def _inspect_zip(data: bytes, file: str
                 ) -> tuple[bytes, dict[str, str], dict[str, bytes], dict[str, tuple[int, int]]]:
    """Check the limits of an xlsx zip before anything parses it, and pack it anew.

    Every part is unpacked here, within the limits, and checked; what openpyxl opens is a
    zip of exactly those bytes (stored, not compressed), so it never meets a part that lies
    about its size, a stream listed twice, or a way of packing Excel does not use.
    Returns that zip, the path of each sheet's part by sheet name, the parts, and for each
    sheet part with a value beyond the rows or columns mandaat reads, the first such cell.
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
        raise _damaged(file, exc) from None
    if len(infos) > LIMITS["zip_entries"]:
        raise _refuse(file, "workbook_too_large",
                      f"the workbook holds {len(infos)} parts; mandaat reads at most "
                      f"{LIMITS['zip_entries']}")
    total = sum(info.file_size for info in infos)
    if total > LIMITS["unpacked_bytes"]:
        raise _refuse(file, "workbook_too_large",
                      f"the workbook unpacks to {_mb(total)}; mandaat reads at most "
                      f"{_mb(LIMITS['unpacked_bytes'])}")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise _damaged(file, f"part '{twice}' is listed twice")
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
        if info.compress_type not in _METHODS:
            raise _damaged(file, f"part '{info.filename}' is packed in a way Excel does not "
                           "use")
    parts: dict[str, bytes] = {}
    for info in infos:
        part = _unpack(archive, info, file)
        if _declares_dtd(part):
            raise _refuse(file, "xml_dtd", f"part '{info.filename}' declares a DTD (<!DOCTYPE "
                          "or <!ENTITY); a workbook needs none, and mandaat reads none")
        encoding = _encoding(part)
        if encoding is not None and encoding not in _ENCODINGS:
            raise _damaged(file, f"part '{info.filename}' is written in {encoding}, an encoding "
                           "Excel does not use")
        parts[info.filename] = part
    archive.close()
    types = parts.get("[Content_Types].xml", b"")
    if b"macroEnabled" in types or b"vbaProject" in types:
        raise _refuse(file, "macros", "a workbook with macros (.xlsm, vbaProject.bin): "
                      "mandaat runs no macros; save it as an Excel workbook (.xlsx)")
    _count_entries(parts, file)
    sheets = _sheet_parts(parts, file)
    far: dict[str, tuple[int, int]] = {}
    for part in set(sheets.values()) & parts.keys():
        parts[part], cell = _scan_sheet(parts[part])
        if cell is not None:
            far[part] = cell
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as clean:
        for name, part in parts.items():
            clean.writestr(name, part)
    return packed.getvalue(), sheets, parts, far


#: What openpyxl builds an object for while it opens a workbook, before any sheet is read:
#: each part, the element it counts, and the most mandaat lets it build.
_ENTRIES = (("xl/styles.xml", re.compile(rb"<(?:\w+:)?(?:xf|font|fill|border|numFmt|dxf)\b"),
             "styles", "formats and styles"),
            ("xl/sharedStrings.xml", re.compile(rb"<(?:\w+:)?si\b"), "strings",
             "shared texts"))


def _count_entries(parts: Mapping[str, bytes], file: str) -> None:
    for name, element, limit, what in _ENTRIES:
        part = parts.get(name)
        if part is None:
            continue
        n = sum(1 for _ in itertools.islice(element.finditer(part), LIMITS[limit] + 1))
        if n > LIMITS[limit]:
            raise _refuse(file, "workbook_too_large",
                          f"part '{name}' holds more than {LIMITS[limit]:,} {what}; mandaat "
                          f"reads at most {LIMITS[limit]:,}")


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
        clean, self._parts, self._bytes, self._far = _inspect_zip(data, file)
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                self._wb = openpyxl.load_workbook(io.BytesIO(clean), read_only=True,
                                                  data_only=False, keep_links=False)
            except Exception as exc:  # openpyxl raises many kinds on a damaged file
                raise _refuse(file, "not_a_workbook",
                              f"not an Excel workbook (.xlsx): damaged ({exc})") from None
        self.sheetnames: list[str] = list(self._wb.sheetnames)

    def close(self) -> None:
        self._wb.close()

    def grid(self, name: str) -> _Grid:
        """Read a sheet's values within :data:`LIMITS`; formulas and errors are marked."""
        rows: list[list[Any]] = []
        special: dict[tuple[int, int], tuple[str, str]] = {}
        cells = 0
        far = self._far.get(self._parts.get(name, ""))
        if far is not None:
            r, c = far
            what = (f"row {LIMITS['rows']}; mandaat reads at most {LIMITS['rows']} rows"
                    if r > LIMITS["rows"] else
                    f"column {_column_letter(LIMITS['columns'])}; mandaat reads at most "
                    f"{LIMITS['columns']} columns")
            raise _refuse(self.file, "workbook_too_large", f"the sheet has values beyond {what}",
                          f"{name}!{_cell_name(r, c)}")
        ws = self._wb[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ws.reset_dimensions()
                # only the rows within the limit: openpyxl would make an empty row for every
                # number a row element skips, up to 10**12 of them
                for r, row in enumerate(ws.iter_rows(max_row=LIMITS["rows"]), start=1):
                    if not row:
                        rows.append([])
                        continue
                    values = []
                    for c, cell in enumerate(row, start=1):
                        value = cell.value
                        if cell.data_type == "f":
                            special[(r, c)] = ("formula", str(value))
                        elif cell.data_type == "e":
                            special[(r, c)] = ("error", str(value))
                        elif isinstance(value, str) and len(value) > LIMITS["text"]:
                            raise _refuse(self.file, "workbook_too_large",
                                          f"the cell holds {len(value):,} characters; a cell "
                                          f"holds at most {LIMITS['text']:,}",
                                          f"{name}!{_cell_name(r, c)}")
                        values.append(value)
                    while values and values[-1] is None:
                        values.pop()
                    cells += len(values)
                    if cells > LIMITS["cells"]:
                        raise _refuse(self.file, "workbook_too_large",
                                      f"the sheet holds more than {LIMITS['cells']} cells; "
                                      f"mandaat reads at most {LIMITS['cells']}",
                                      f"{name}!{_cell_name(r, 1)}")
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
        text = self._bytes.get(part, b"")
        found = []
        for m in _MERGE.finditer(text):
            first = _parse_ref(m.group(1).decode())
            last = _parse_ref(m.group(2).decode()) if m.group(2) else first
            if first and last:
                found.append((min(first[0], last[0]), min(first[1], last[1]),
                              max(first[0], last[0]), max(first[1], last[1])))
        return found


#: A cell element with its reference, and whether it holds anything (``<c r="B7"/>`` holds
#: nothing: a cell with only a format)
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,3})(\d{1,15})[\"'][^>]*?(/?)>")


def _column(letters: str | bytes) -> int:
    """``"B"`` -> 2, ``"AA"`` -> 27."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ch if isinstance(ch, int) else ord(ch)) - 64
    return col


def _scan_sheet(part: bytes) -> tuple[bytes, tuple[int, int] | None]:
    """One pass over a sheet's XML: the sheet without the empty cells (a format and nothing
    else) beyond the columns mandaat reads, for openpyxl would make an empty cell for every
    column up to each of them; and the first cell with content beyond the rows or columns
    mandaat reads, if any."""
    far: list[tuple[int, int]] = []

    def keep(m: re.Match[bytes]) -> bytes:
        col = _column(m.group(1))
        if m.group(3):
            return b"" if col > LIMITS["columns"] else m.group(0)
        if not far and (int(m.group(2)) > LIMITS["rows"] or col > LIMITS["columns"]):
            far.append((int(m.group(2)), col))
        return m.group(0)

    return _CELL.sub(keep, part), far[0] if far else None


def _parse_ref(ref: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"([A-Za-z]{1,3})(\d+)", ref)
    return (int(m.group(2)), _column(m.group(1))) if m else None
