"""A school as a workbook: what a workbook cannot hold is refused first, then every sheet
is written, and the workbook is read back to be sure; and the empty template."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import Loc, Problem, SchoolFileError, format_loc
from ..school import vocabulary as V
from ..school.model import SUPPORTED_FORMATS, School
from . import _columns
from ._cells import _groups_of
from ._columns import _LIST_COLUMNS, _tables, _task_columns
from ._common import (
    _SEPARATORS,
    LIMITS,
    SHEET_EXTERNALS,
    SHEET_HELP,
    SHEET_LISTS,
    SHEET_MANDATES,
    SHEET_PARAMS,
    SHEET_PEOPLE,
    SHEET_ROUTES,
    SHEET_SCHOOL,
    SHEET_SIGNALS,
    SHEET_TASKS,
    SHEET_TEAMS,
    _column_letter,
)
from ._grid import _Refused
from ._read import _read_book
from ._sheets import _MetaSheet, _ParamsSheet, _RoutesSheet, _SchoolSheet, _TableSheet, _TasksSheet
from ._writer import _Writing
from ._xlsx import _Book

# --- a workbook put together from its sheets ----------------------------------------------


def _sheets() -> list[Any]:
    """Every sheet mandaat writes, in order; each reads and writes itself."""
    tables = _tables()
    return [_SchoolSheet(), _TableSheet(tables["people"]), _TableSheet(tables["teams"]),
            _TableSheet(tables["externals"]), _TasksSheet(), _TableSheet(tables["mandates"]),
            _TableSheet(tables["signals"]), *([_RoutesSheet()] if _columns._has_routes() else []),
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
                             if _columns._has_routes() else [])):
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
    covered -= set() if _columns._has_routes() else {"routes"}
    routes_fields = _RoutesSheet().fields() if _columns._has_routes() else set()
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
    problems += [problem(loc, msg) for loc, msg in _groups_read_otherwise(data)]
    return problems


def _groups_read_otherwise(data: Mapping[str, Any]) -> Iterable[tuple[Loc, str]]:
    """A group in Groepen or Ib'er van that a workbook would read as other groups (a name
    like ``5-6`` reads as the groups 5 and 6) or as none."""
    people = [p for p in data.get("people") or [] if isinstance(p, dict)]
    known: dict[str, None] = {}
    for person in people:
        for group in person.get("groups") or []:
            if isinstance(group, str) and _groups_of(group, None) == [group]:
                known[group] = None
    for i, person in enumerate(people):
        for key, groups in (("groups", None), ("supervises", known)):
            for j, item in enumerate(person.get(key) or []):
                if not isinstance(item, str):
                    continue
                named = _groups_of(item, groups)
                if named == [item]:
                    continue
                what = "no group" if isinstance(named, str) else \
                    "the groups " + ", ".join(named)
                yield (("people", i, key, j),
                       f"the group '{item}' reads back as {what}; name it otherwise, or keep "
                       "this school as YAML or JSON")


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
