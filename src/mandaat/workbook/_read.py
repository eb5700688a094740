"""Reading a workbook or CSV files into a school: each sheet found (also under a name a
school gave it), read, put together and validated by the school loader."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Loc, Problem, SchoolFileError, _loc_order
from ..limits import LIMITS as INPUT_LIMITS
from ..school import vocabulary as V
from ..school._source import MACRO_SUFFIXES, Source
from ..school.files import validate_school
from ..school.model import School
from . import _columns
from ._cells import _Reading
from ._columns import _Column, _tables, _task_columns
from ._common import (
    LAYOUTS,
    LIMITS,
    SHEET_EXTERNALS,
    SHEET_HELP,
    SHEET_LISTS,
    SHEET_MANDATES,
    SHEET_META,
    SHEET_PARAMS,
    SHEET_PEOPLE,
    SHEET_ROUTES,
    SHEET_SCHOOL,
    SHEET_SIGNALS,
    SHEET_TASKS,
    SHEET_TEAMS,
    _cell_name,
    _mb,
)
from ._csv import _csv_grid
from ._grid import _blank, _Grid, _refuse, _Refused
from ._planner import _planner_header, _read_planner
from ._sheets import _MetaSheet, _ParamsSheet, _RoutesSheet, _SchoolSheet, _TableSheet, _TasksSheet
from ._xlsx import _Book, _read_file

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
    routes = _RoutesSheet() if SHEET_ROUTES in grids and _columns._has_routes() else None
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
    # the loader's own cap counts only its problems: the count is made here
    capped = any(p.type == "too_many_problems" for p in problems)
    problems = [p for p in problems if p.type != "too_many_problems"]
    if problems:
        raise SchoolFileError(_first(_unique(problems), file, capped))
    assert school is not None
    return school


def _first(problems: list[Problem], file: str, capped: bool = False) -> list[Problem]:
    """At most ``LIMITS["problems"]`` problems, the first by sheet, row and column, and one
    that says how many more there are (at least, where the loader stopped counting)."""
    most = INPUT_LIMITS["problems"]
    if len(problems) <= most:
        if capped:
            problems = [*problems, Problem(file, None, (), "too_many_problems",
                                           f"more than {most:,} problems; the first "
                                           f"{most:,} are shown")]
        return problems
    problems = sorted(problems, key=lambda p: (p.file, p.line or 0, _loc_order(p.loc), p.msg))
    return [*problems[:most],
            Problem(file, None, (), "too_many_problems",
                    f"and {'at least ' if capped else ''}{len(problems) - most:,} more "
                    f"problems; the first {most:,} are shown")]


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
