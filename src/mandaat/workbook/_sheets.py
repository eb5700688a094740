"""The sheets of a mandaat workbook, one class each, which reads the sheet and writes it."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .._data import bundled_rules_path
from ..errors import Loc
from ..school import vocabulary as V
from ..school.model import SUPPORTED_FORMATS
from ._cells import (
    _BAD,
    _as_id,
    _as_number,
    _as_text,
    _as_whole,
    _data_rows,
    _explicit_ids,
    _missing_columns,
    _note_groups,
    _read_cell,
    _read_header,
    _read_word,
    _Reading,
    _set,
    _split,
)
from ._columns import _Column, _Table, _task_columns
from ._common import (
    ALL_STAFF_HEADER,
    ALL_STAFF_LABELS,
    LETTERS,
    PARENTS_HEADER,
    PARENTS_LABELS,
    SHEET_META,
    SHEET_PARAMS,
    SHEET_ROUTES,
    SHEET_SCHOOL,
    SHEET_TASKS,
    _column_letter,
    _is_number,
    _number_from_text,
    _number_text,
    _slug,
)
from ._grid import _blank, _Grid
from ._names import _close
from ._writer import _header_row, _Writing

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
            group_col = next((c for c, column in columns.items() if column.kind == "groups"),
                             None)
            if group_col is not None and (r, group_col) not in self.grid.special:
                _note_groups(reading, self.grid.value(r, group_col))
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
            if m and m.group(1).strip() and self._other_party(reading, col, m.group(1).strip(),
                                                              m.group(2)):
                continue
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

    def _other_party(self, reading: _Reading, col: int, name: str, note: str) -> bool:
        """A heading ``Leerteam onderbouw (leerteam, 5 leden)`` or ``GGD (extern, ggd_jgz)``,
        as a RACI matrix mandaat wrote heads a team and an outside party, makes one. A team
        read so has no members: the matrix does not list them."""
        parts = [V.fold(p) for p in note.split(",")]
        if len(parts) == 2 and re.fullmatch(r"\d+ (?:leden|members)|1 (?:lid|member)",
                                             parts[1]) and parts[0] in V.TEAM_KINDS:
            section, kind, path_kind = "teams", "team", parts[0]
        elif len(parts) == 2 and parts[0] in ("extern", "external") and \
                parts[1] in V.EXTERNAL_KINDS:
            section, kind, path_kind = "externals", "external", parts[1]
        else:
            return False
        ident = reading.new_id(name, kind)
        reading.names.add(ident, kind, name)
        found = reading.data.setdefault(section, [])
        reading.place((section, len(found)), self.grid, 1, col)
        found.append({"id": ident, "kind": path_kind, "name": name})
        self.header.other[col] = f"{ident} ({ident})"
        return True

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
                    msg += reading.names.close(text, extra)
                reading.add(grid, 1, col, type_, msg)
                continue
            if ident in seen:
                reading.add(grid, 1, col, "duplicate_column",
                            f"'{text}' has two columns (also {grid.ref(1, seen[ident])})")
                continue
            seen[ident] = col
            holders[col] = ident
        tasks = []
        defaults: dict[str, str] = {}  # the default accountable a "A*" marks
        defaults_col = 0
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
                by_default = isinstance(value, str) and _DEFAULT_A.search(value) is not None
                if by_default:  # "A*", as a RACI matrix mandaat wrote marks the default
                    value = _DEFAULT_A.sub("", value)
                    if defaults.setdefault("accountable", ident) != ident:
                        reading.add(grid, r, col, "invalid_value",
                                    f"'A*' marks the school's one default accountable, and "
                                    f"that is '{self.header.other[defaults_col]}' already")
                        continue
                    defaults_col = defaults_col or col
                parsed = _matrix_cell(value)
                if parsed is None:
                    reading.add(grid, r, col, "invalid_value",
                                f"expected A, R, C or I and/or hours (as 'R 20'), got "
                                f"'{value}'")
                    continue
                letters, amount = parsed
                if by_default:
                    letters = [letter for letter in letters if letter != "A"]
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
        if defaults and not reading.data.get("defaults"):
            reading.data["defaults"] = defaults

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


#: ``A*`` in a cell: the A that comes from the school's default (``mandaat matrix``)
_DEFAULT_A = re.compile(r"(?<=[Aa])\s*\*")
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

    #: The last column: the step's person joins whoever acts at the step before.
    JOINS = _Column(("joins",), "Sluit aan", "flag", "ja: wie deze stap noemt sluit aan bij "
                    "het gesprek; wie de stap ervoor deed, blijft aan zet.", width=12)

    def columns(self) -> tuple[_Column, ...]:
        kinds = {"weeks": "text", "times": "text", "flag": "flag"}
        return self.HEAD + tuple(_Column(("when", key), header, kinds[kind], help_text,
                                         width=12)
                                 for key, header, kind, help_text in _WHEN_COLUMNS
                                 ) + (self.JOINS,)

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
            joins_col = self._col(("joins",))
            if joins_col is not None and not _blank(grid.value(r, joins_col)):
                reading.place((*step_path, "joins"), grid, r, joins_col)
                if _read_cell(reading, grid, r, joins_col, self.JOINS, (*step_path, "joins")):
                    step["joins"] = True
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
            candidates = [*V.STEP_ROLES, *reading.names.candidates(("person", "team",
                                                                    "external"))]
            reading.add(grid, r, col, "unknown_reference",
                        f"no step role, person, team or external party with name or id "
                        f"'{text.strip()}'{reading.names.close(text, candidates)}", path)
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
                    if step.get("joins") and k == 0:
                        writing.text(ws, r, 6 + len(_WHEN_COLUMNS), "ja")
                    r += 1
        writing.list_validation(ws, "signal_type", f"C2:C{r + 200}", strict=True)
        for c in (*range(8, 12), 6 + len(_WHEN_COLUMNS)):
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
