"""The reading of a workbook: its problems with their cells, where each data path came
from, the header row, and one cell read as a field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Loc, Problem
from ..school import vocabulary as V
from ..school.model import SUPPORTED_FORMATS
from ._columns import _Column
from ._common import _SEPARATORS, _is_number, _number_from_text, _number_text, _slug
from ._grid import _blank, _Grid
from ._names import _close, _Names

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
        #: the groups the Groepen column names, in order: what Ib'er van may refer to
        self.groups: dict[str, None] = {}
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


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _not_a_date(text: str) -> str | None:
    """Why text in a date column is no date, or ``None`` for an ISO date (``2026-11-15``),
    which the loader reads. ``dd-mm-jjjj`` is read by :func:`_as_date` before this."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})", text)
        if m is None:
            return f"'{text}' is not a date; write it as dd-mm-jjjj, such as 15-11-2026"
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if len(m.group(4)) == 2:
            sep = m.group(2)
            return (f"'{text}' is not a date: write the year in full, "
                    f"'{m.group(1)}{sep}{m.group(3)}{sep}20{m.group(4)}'")
    if not 1 <= month <= 12:
        return f"'{text}' is not a date: there is no month {month}"
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"'{text}' is not a date: {_MONTHS[month - 1]} {year} has no day {day}"
    return None


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
        date = _as_date(value)
        if isinstance(value, str) and date == value.strip():
            why = _not_a_date(date)
            if why is not None:
                reading.add(grid, row, col, "invalid_value", why, path)
                return None
        return date
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
    if kind in ("groups", "supervises"):
        known = reading.groups if kind == "supervises" else None
        out = []
        for part in _group_parts(value):
            text = _as_text(_as_id(part))
            if not isinstance(text, str):
                out.append(text)
                continue
            named = _groups_of(text, known)
            if isinstance(named, str):
                reading.add(grid, row, col, "invalid_value", named, path)
                continue
            for name in named:
                if kind == "supervises" and name == text and \
                        reading.names.kind.get(text) != "team":
                    ident, _, _ = reading.names.resolve(text, ("team",))
                    name = ident or text
                if name not in out:
                    out.append(name)
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
            text = _as_id(value)
            ident, type_, msg = (reading.names.resolve(text, ("person",))
                                 if isinstance(text, str) else (text, "", ""))
            if ident is None:
                if type_ == "unknown_reference" and "did you mean" not in msg:
                    # a pupil written where a staff member belongs: the type that fits
                    msg += (f": a signal '{signal_type}' is about a staff member; a pupil "
                            f"whose development lags is a signal '{V.PUPIL_LAG_SIGNAL}'")
                reading.add(grid, row, col, type_, msg, path)
                return text
            return ident
        if about == "team":
            return _read_ref(reading, grid, row, col, ("team", "all_staff"), value, path)
        return _as_text(_as_id(value))
    raise AssertionError(f"unknown column kind {kind!r}")  # pragma: no cover


# --- groups as school leaders write them: 5, groep 5, 1 t/m 4, 5-8, 1 en 2, 1/2 -----------

#: The groups of a primary school, by number: a range runs between these.
FIRST_GROUP, LAST_GROUP = 1, 8

_GROUP_WORD = re.compile(r"groep(?:en)?\s*(?=\d)", re.IGNORECASE)
_RANGE = re.compile(r"(\d+)\s*(?:-|\u2013|t/m|tm|t\.m\.|tot en met)\s*(\d+)", re.IGNORECASE)
_ONE = r"\d+[a-z]?"
_COMBINATION = re.compile(rf"{_ONE}(?:\s*/\s*{_ONE})+", re.IGNORECASE)
_AND = re.compile(r"\s+(?:en|&)\s+|\s*&\s*", re.IGNORECASE)


def _drop_group_word(text: str) -> str:
    """``groep 5`` is ``5``, ``groepen 1 t/m 4`` is ``1 t/m 4``; ``groepsleiding`` stays."""
    m = _GROUP_WORD.match(text.strip())
    return text.strip()[m.end():].strip() if m else text.strip()


def _group_parts(value: Any) -> list[Any]:
    """The items of a cell of groups: separated as every list, and ``1 en 2`` as two where
    each side is a group or a range (a team named ``Onder- en middenbouw`` stays one)."""
    out: list[Any] = []
    for part in _split(value):
        if isinstance(part, str):
            pieces = [p for p in _AND.split(part) if p.strip()]
            if len(pieces) > 1 and all(
                    re.fullmatch(_ONE, _drop_group_word(p), re.IGNORECASE)
                    or _RANGE.fullmatch(_drop_group_word(p))
                    or _COMBINATION.fullmatch(_drop_group_word(p)) for p in pieces):
                out += [p.strip() for p in pieces]
                continue
        out.append(part)
    return out


def _group_numbers(name: str) -> set[int]:
    """The group numbers in a group's name: ``3a`` 3, ``1/2`` 1 and 2, ``bovenbouw`` none."""
    if re.fullmatch(_ONE, name, re.IGNORECASE) or _COMBINATION.fullmatch(name):
        return {int(n) for n in re.findall(r"\d+", name)}
    return set()


def _groups_of(text: str, known: Mapping[str, None] | None) -> list[str] | str:
    """The groups one item of ``Groepen`` (``known`` None) or ``Ib'er van`` (``known`` the
    groups the workbook's ``Groepen`` name) names, or why it names none.

    A leading ``groep`` is dropped. ``A t/m B`` or ``A-B`` (1 <= A < B <= 8) is the groups A
    to B; in ``Ib'er van`` also each group of the workbook with a number in it (``3a``,
    ``1/2``). A combination ``1/2`` is one group in ``Groepen``; in ``Ib'er van`` it is that
    group where someone teaches it, else the groups 1 and 2. Other text that starts with a
    number and holds another is refused; anything else is the name as written.
    """
    bare = _drop_group_word(text)
    if not bare:
        return [text]
    if known is not None and bare in known:
        return [bare]
    m = _RANGE.fullmatch(bare)
    if m and FIRST_GROUP <= int(m.group(1)) < int(m.group(2)) <= LAST_GROUP:
        first, last = int(m.group(1)), int(m.group(2))
        out = [str(n) for n in range(first, last + 1)]
        if known is not None:
            out += [g for g in known if g not in out
                    and any(first <= n <= last for n in _group_numbers(g))]
        return out
    if _COMBINATION.fullmatch(bare):
        combination = re.sub(r"\s+", "", bare)
        if known is None or combination in known:
            return [combination]
        return [part for part in combination.split("/")]
    numbers = [int(n) for n in re.findall(r"\d+", bare)]
    if bare[0].isdigit() and len(numbers) > 1:
        return _not_groups(text, numbers)
    return [bare]


def _not_groups(text: str, numbers: list[int]) -> str:
    why = f"'{text}' is not a group or a range of groups"
    first, last = numbers[0], numbers[-1]
    if not all(FIRST_GROUP <= n <= LAST_GROUP for n in (first, last)):
        return f"{why}: groups run from {FIRST_GROUP} to {LAST_GROUP}"
    if first > last:
        return f"{why}; write the lowest group first: '{last} t/m {first}'"
    if first == last:
        first, last = 1, 4
    listed = ", ".join(str(n) for n in range(first, last + 1))
    return f"{why}; write '{first} t/m {last}' or '{listed}'"


def _note_groups(reading: _Reading, value: Any) -> None:
    """Add the groups a ``Groepen`` cell names to the groups of the workbook."""
    for part in _group_parts(value):
        text = _as_text(_as_id(part))
        if isinstance(text, str):
            named = _groups_of(text, None)
            if isinstance(named, list):
                reading.groups.update(dict.fromkeys(named))


def _read_word(reading: _Reading, grid: _Grid, row: int, col: int, column: _Column,
               value: Any, path: Loc) -> Any:
    if not isinstance(value, str):
        return value
    word = V.as_word(value)
    if word in column.vocabulary:
        return word
    labelled = V.word_of_label(value, column.vocabulary)
    if labelled is not None:  # the label mandaat writes (a RACI matrix as CSV)
        return labelled
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
