"""The names of a workbook's sheets and labels (Dutch: school leaders fill them in), the
limits of what mandaat reads of a workbook or CSV file, and small text helpers."""

from __future__ import annotations

import functools
import re
from typing import Any

from ..school import vocabulary as V

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
    "styles": 100_000,               # formats, fonts, fills, borders in xl/styles.xml
    "strings": 1_000_000,            # shared texts in xl/sharedStrings.xml
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
