"""The planner layout: a planner's activity overview, activities down, team members
across, hours in the cells."""

from __future__ import annotations

import re
from typing import Any

from ..errors import Loc
from ..school import vocabulary as V
from ._cells import _BAD, _as_number, _as_text, _read_cell, _Reading, _split
from ._columns import _Column
from ._common import ALL_STAFF_LABELS, LETTERS, PARENTS_LABELS, _is_number
from ._grid import _blank, _Grid
from ._sheets import _matrix_cell

#: A planner's row of groups, read as the Personen sheet's column is.
_GROUPS = _Column(("groups",), "Groepen", "groups", "")

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
            elif kind == "groups":  # read as the Personen sheet reads them: 1 t/m 4, groep 5
                person["groups"] = _read_cell(reading, grid, row, c, _GROUPS, (*path, "groups"))
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
