"""Reading a RACI matrix saved as CSV into a grid, within the limits.

A cell mandaat wrote with a quote in front against formula injection (``'=1+1``, see
:mod:`mandaat._formula`) reads as the text it was (``=1+1``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from .._formula import csv_value
from ._common import LIMITS, _cell_name, _column_letter
from ._grid import _Grid, _refuse
from ._xlsx import _read_file

# --- reading CSV ---------------------------------------------------------------------------


def _windows_text(data: bytes) -> str | None:
    """What Dutch Excel saves as "CSV (gescheiden door lijstscheidingsteken)": Windows-1252;
    ``None`` for a file with NUL bytes, a zip (a workbook saved under another name) or bytes
    Windows-1252 does not have."""
    if b"\0" in data or data.startswith(b"PK"):
        return None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _csv_grid(path: str | Path) -> _Grid:
    file = str(path)
    data = _read_file(Path(path), file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _windows_text(data)
        if text is None:
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
            values: list[Any] = [csv_value(v) if v != "" else None for v in row]
            while values and values[-1] is None:
                values.pop()
            rows.append(values)
    except csv.Error as exc:
        raise _refuse(file, "not_csv", f"not a CSV file: {exc}") from None
    while rows and not rows[-1]:
        rows.pop()
    return _Grid(file, None, rows)
