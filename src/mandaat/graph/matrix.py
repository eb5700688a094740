"""The RACI matrix of a school: tasks down, people and teams across, A/R/C/I in the cells.

The picture school leaders know. :func:`raci_matrix` reads it off a school once; the HTML
report, the picture in it and ``mandaat matrix`` (text, CSV, HTML) all show that one matrix.

Columns are the people grouped by role (school leader first, the board last; a person with
several roles stands under the first of them in :data:`ROLE_ORDER`), then the teams, then
everyone else a task names (all staff, outside parties, the parents). Rows are the tasks
grouped by domain. Within a group the order is by name, so the matrix does not depend on
the order of the school file. A cell holds the letters in the order A, R, C, I, and the
hours a year when the task has them; an ``A`` that a task takes from
``defaults.accountable`` is marked (``A*``).

>>> from mandaat import load_school
>>> school = load_school(text='''
... format: mandaat/1
... school: {name: X}
... defaults: {accountable: anna}
... people: [{id: ilse, name: Ilse, roles: [intern_begeleider]},
...          {id: anna, name: Anna, roles: [schoolleider]}]
... tasks:
...   - {id: analyse, type: schoolanalyse, title: Schoolanalyse, responsible: [ilse],
...      hours: {ilse: 20}}
... ''')
>>> m = raci_matrix(school)
>>> [c.id for c in m.columns], [r.task for r in m.rows]
(['anna', 'ilse'], ['analyse'])
>>> m.cell("analyse", "anna").text(), m.cell("analyse", "ilse").text()
('A*', 'R 20')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .._formula import csv_line
from ..school import vocabulary as V
from ..school.model import School

__all__ = ["Cell", "Column", "Matrix", "ROLE_ORDER", "Row", "findings_by_cell",
           "matrix_csv", "matrix_text", "raci_matrix"]

#: The order of the role groups across the matrix: the school's leadership first, the
#: board (outside the school) last.
ROLE_ORDER: tuple[str, ...] = (
    "schoolleider", "adjunct_directeur", "intern_begeleider", "interim_intern_begeleider",
    "bouwcoordinator", "expert_leraar", "leraar", "onderwijsassistent", "bestuur",
)
LETTERS: dict[str, str] = {"accountable": "A", "responsible": "R", "consulted": "C",
                           "informed": "I"}

#: Column groups that are not a role.
TEAMS, OTHERS = "teams", "others"


@dataclass(frozen=True)
class Column:
    """A person, team or other party across the top of the matrix."""

    id: str
    label: str
    #: ``person``, ``team``, ``all_staff``, ``external`` or ``parents``.
    kind: str
    #: The group it stands in: a role (for a person), ``teams`` or ``others``.
    group: str
    #: A person's roles, in :data:`ROLE_ORDER`; empty for the others.
    roles: tuple[str, ...] = ()
    #: A team's members (ids, in the file's order).
    members: tuple[str, ...] = ()
    #: A team's kind (``leerteam``, ...) or an external party's (``ggd_jgz``, ...).
    sort: str = ""


@dataclass(frozen=True)
class Cell:
    """What one column holds for one task."""

    #: ``A``, ``R``, ``C``, ``I``: in that order, each at most once.
    letters: tuple[str, ...]
    #: The ``A`` comes from the school's ``defaults.accountable``.
    by_default: bool = False
    #: Hours a year on this task, when the task gives them.
    hours: float | None = None

    def text(self, lang: str = "nl") -> str:
        """The cell as the workbook writes it: ``A/R 20``; a default ``A`` as ``A*``.

        >>> Cell(("A", "R"), hours=12.5).text(), Cell(("A",), by_default=True).text("en")
        ('A/R 12,5', 'A*')
        """
        letters = self.letters_text()
        if self.hours is None:
            return letters
        return f"{letters} {hours_text(self.hours, lang)}".strip()

    def letters_text(self) -> str:
        """The letters alone: ``A*/R``."""
        return "/".join(f"{x}*" if x == "A" and self.by_default else x for x in self.letters)

    @property
    def strongest(self) -> str | None:
        """The first letter (A before R before C before I), or ``None``."""
        return self.letters[0] if self.letters else None


@dataclass(frozen=True)
class Row:
    """A task and, per column id, what that column holds for it."""

    task: str
    label: str
    type: str
    domain: str
    cells: Mapping[str, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class Matrix:
    """The RACI matrix of one school (see the module docstring)."""

    school: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def cell(self, task: str, column: str) -> Cell | None:
        """The cell of ``task`` and ``column``, or ``None`` when it is empty."""
        row = next((r for r in self.rows if r.task == task), None)
        return None if row is None else row.cells.get(column)

    def groups(self) -> Iterator[tuple[str, list[Column]]]:
        """The columns by group, in order: ``(group, columns)``."""
        current: list[Column] = []
        for column in self.columns:
            if current and column.group != current[0].group:
                yield current[0].group, current
                current = []
            current.append(column)
        if current:
            yield current[0].group, current

    def domains(self) -> Iterator[tuple[str, list[Row]]]:
        """The rows by domain, in the order of the domains: ``(domain, rows)``."""
        for domain in V.DOMAINS:
            rows = [r for r in self.rows if r.domain == domain]
            if rows:
                yield domain, rows

    def used(self, column: str) -> bool:
        """Whether any task names ``column``."""
        return any(column in r.cells for r in self.rows)


def hours_text(hours: float, lang: str = "nl") -> str:
    """Hours as people write them: whole numbers without a decimal, a Dutch comma.

    >>> hours_text(20.0), hours_text(2.5), hours_text(2.5, "en")
    ('20', '2,5', '2.5')
    """
    text = str(int(hours)) if float(hours).is_integer() else f"{hours:g}"
    return text.replace(".", ",") if lang == "nl" else text


def primary_role(roles: Iterable[str]) -> str:
    """The role a person is shown under: the first of theirs in :data:`ROLE_ORDER`.

    >>> primary_role(["leraar", "bouwcoordinator"]), primary_role([])
    ('bouwcoordinator', 'others')
    """
    held = set(roles)
    return next((r for r in ROLE_ORDER if r in held), OTHERS)


def _by_name(label: str, ident: str) -> tuple[str, str]:
    return label.casefold(), ident


def raci_matrix(school: School) -> Matrix:
    """The RACI matrix of ``school``: every person and team, every task.

    The accountable of a task is the effective one (``School.accountable_of``): a task
    without its own takes the school's default, and that cell says so (``by_default``).
    """
    rank = {role: i for i, role in enumerate(ROLE_ORDER)}
    people = []
    for p in school.people:
        roles = tuple(sorted(p.roles, key=lambda r: rank.get(r, len(rank))))
        people.append(Column(p.id, p.label, "person", primary_role(roles), roles))
    people.sort(key=lambda c: (rank.get(c.group, len(rank)), *_by_name(c.label, c.id)))
    teams = sorted((Column(t.id, t.name or t.id, "team", TEAMS, members=tuple(t.members),
                           sort=t.kind) for t in school.teams),
                   key=lambda c: _by_name(c.label, c.id))
    named = {h for t in school.tasks for raci in V.RACI for h in getattr(t, raci)}
    others = []
    if V.ALL_STAFF in named:
        others.append(Column(V.ALL_STAFF, V.ALL_STAFF_LABEL["nl"], "all_staff", OTHERS))
    others += sorted((Column(e.id, e.label, "external", OTHERS, sort=e.kind)
                      for e in school.externals), key=lambda c: _by_name(c.label, c.id))
    if V.PARENTS in named:
        others.append(Column(V.PARENTS, V.PARENTS_LABEL["nl"], "parents", OTHERS))

    rows = []
    for task in school.tasks:
        accountable, by_default = school.accountable_of(task)
        held: dict[str, list[str]] = {}
        for raci in V.RACI:
            for holder in accountable if raci == "accountable" else getattr(task, raci):
                letters = held.setdefault(holder, [])
                if LETTERS[raci] not in letters:
                    letters.append(LETTERS[raci])
        for holder in task.hours:
            held.setdefault(holder, [])
        cells = {h: Cell(tuple(letters), by_default and "A" in letters,
                         task.hours.get(h)) for h, letters in held.items()}
        rows.append(Row(task.id, task.label, task.type, task.task_domain, cells))
    order = {d: i for i, d in enumerate(V.DOMAINS)}
    rows.sort(key=lambda r: (order[r.domain], *_by_name(r.label, r.task)))
    return Matrix(school.school.name, (*people, *teams, *others), tuple(rows))


# --- words --------------------------------------------------------------------------------

_WORDS = {
    "nl": {"title": "Taakverdeling van {school}: wie doet wat", "task": "taak", "id": "id",
           "type": "soort taak", "domain": "domein", "teams": "teams", "others": "anderen",
           "legend": "A eindverantwoordelijk, R uitvoerend, C meedenkend, I geïnformeerd; "
                     "A* eindverantwoordelijk volgens de standaard van de school; "
                     "een getal: uren per jaar",
           "members": "{n} leden", "one_member": "1 lid", "none": "geen taken",
           "external": "extern"},
    "en": {"title": "Task division of {school}: who does what", "task": "task", "id": "id",
           "type": "task type", "domain": "domain", "teams": "teams", "others": "others",
           "legend": "A accountable, R responsible, C consulted, I informed; "
                     "A* accountable by the school's default; a number: hours a year",
           "members": "{n} members", "one_member": "1 member", "none": "no tasks",
           "external": "external"},
}


def column_label(column: Column, lang: str = "nl") -> str:
    """A column's name as people read it; all staff and the parents in ``lang``."""
    if column.kind == "all_staff":
        return V.ALL_STAFF_LABEL[lang]
    if column.kind == "parents":
        return V.PARENTS_LABEL[lang]
    return column.label


def column_note(column: Column, lang: str = "nl") -> str:
    """What a column is: a person's roles, a team's kind of members, an outside party.

    >>> column_note(Column("mark", "Mark", "person", "adjunct_directeur",
    ...                    ("adjunct_directeur", "leraar")))
    'adjunct-directeur, leraar'
    """

    if column.kind == "person":
        return ", ".join(V.ROLE_LABELS[lang].get(r, r) for r in column.roles)
    if column.kind == "team":
        n = len(column.members)
        return _WORDS[lang]["one_member"] if n == 1 else _WORDS[lang]["members"].format(n=n)
    return ""




def group_label(group: str, lang: str = "nl", n: int = 1) -> str:
    """The heading of a group of ``n`` columns: a role's name, ``teams`` or ``anderen``.

    >>> group_label("leraar", n=9), group_label("schoolleider"), group_label("teams", "en")
    ('leraren', 'schoolleider', 'teams')
    """

    if group in (TEAMS, OTHERS):
        return _WORDS[lang][group]
    return (V.ROLE_PLURALS if n > 1 else V.ROLE_LABELS)[lang].get(group, group)


def type_label(task_type: str, lang: str = "nl") -> str:
    """A task type's name without its article, for a heading or a cell.

    >>> type_label("studiedag"), type_label("lvs_beheer", "en")
    ('studiedag', 'running the pupil-tracking system')
    """
    label = V.TASK_TYPE_LABELS[lang].get(task_type, task_type)
    for article in ("een ", "de ", "het ", "a ", "an ", "the "):
        if label.startswith(article):
            return label[len(article):]
    return label


def domain_label(domain: str, lang: str = "nl") -> str:
    """A domain's name, starting with a capital, for a heading."""
    label = V.DOMAIN_LABELS[lang].get(domain, domain)
    return label[:1].upper() + label[1:]


# --- text and CSV -------------------------------------------------------------------------


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def matrix_text(matrix: Matrix, lang: str = "nl", *, task_width: int = 44) -> str:
    """The matrix for a terminal: each column's name on a line of its own above it, with a
    line down to its cells; tasks by domain; empty cells as ``·``.
    """
    w = _WORDS[lang]
    cells = [[r.cells[c.id].text(lang) if c.id in r.cells else "·" for c in matrix.columns]
             for r in matrix.rows]
    widths = [max([1, *(len(row[i]) for row in cells)]) for i in range(len(matrix.columns))]
    width = min(task_width, max([len(w["task"]), *(len(r.label) + 2 for r in matrix.rows)]))
    starts, x = [], width + 2
    for cw in widths:
        starts.append(x)
        x += cw + 2
    out = [w["title"].format(school=matrix.school), w["legend"], ""]

    def bars(upto: int, length: int) -> list[str]:
        chars = [" "] * length
        for j in range(upto):
            chars[starts[j]] = "|"
        return chars

    for i, column in enumerate(matrix.columns):
        note = column_note(column, lang)
        out.append("".join(bars(i, starts[i])) + column_label(column, lang)
                   + (f" ({note})" if note else ""))
    line = bars(len(starts), x)
    line[:len(w["task"])] = w["task"].capitalize()
    out.append("".join(line).rstrip())
    index = {r.task: i for i, r in enumerate(matrix.rows)}
    for domain, rows in matrix.domains():
        out.append(domain_label(domain, lang))
        for row in rows:
            line = ("  " + _fit(row.label, width - 2)).ljust(width + 2)
            for cw, text in zip(widths, cells[index[row.task]]):
                line += text.ljust(cw + 2)
            out.append(line.rstrip())
    if not matrix.rows:
        out.append(f"({w['none']})")
    return "\n".join(out) + "\n"


def matrix_csv(matrix: Matrix, lang: str = "nl", *,
               clean: Callable[[str], str] | None = None) -> str:
    """The matrix as CSV (``;``-separated, what Dutch Excel opens): one row per task, with
    its id, title, type and domain, then one column per person, team or other party,
    headed ``Name (roles)``, ``Name (kind, 5 leden)`` for a team and ``Name (extern,
    kind)`` for an outside party, so that ``read_csv`` reads it back; cells as
    :meth:`Cell.text` writes them.

    No cell starts a formula: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return gets a single quote in front (:func:`mandaat._formula.csv_cell`),
    which the CSV reader takes off again. ``clean`` is applied to each cell first (the
    command line passes :func:`mandaat._terminal.safe_text`).

    >>> from mandaat import load_school
    >>> school = load_school({"format": "mandaat/1", "school": {"name": "X"},
    ...     "people": [{"id": "a", "name": "=1+1", "roles": ["schoolleider"]}],
    ...     "tasks": [{"id": "t", "type": "planning", "title": "@cmd", "accountable": "a"}]})
    >>> print(matrix_csv(raci_matrix(school)), end="")
    id;taak;soort taak;domein;'=1+1 (schoolleider)
    t;'@cmd;planning;beleid en beheer;A
    """
    w = _WORDS[lang]

    def line(cells: Iterable[str]) -> str:
        return csv_line(clean(c) if clean else c for c in cells)

    heads = []
    for c in matrix.columns:
        # a team's kind and an outside party's, so that the CSV reads back as what it shows
        note = (f"{c.sort}, {column_note(c, lang)}" if c.kind == "team" else
                f"{w['external']}, {c.sort}" if c.kind == "external" else column_note(c, lang))
        heads.append(column_label(c, lang) + (f" ({note})" if note else ""))
    lines = [line([w["id"], w["task"], w["type"], w["domain"], *heads])]
    for row in matrix.rows:
        lines.append(line([row.task, row.label, type_label(row.type, lang),
                           V.DOMAIN_LABELS[lang].get(row.domain, row.domain),
                           *(row.cells[c.id].text(lang) if c.id in row.cells else ""
                             for c in matrix.columns)]))
    return "".join(lines)


# --- findings on the matrix -----------------------------------------------------------------


def findings_by_cell(matrix: Matrix, subjects: Sequence[Iterable[str]]
                     ) -> dict[tuple[str | None, str | None], list[int]]:
    """Which findings are about which cell: ``(task, column) -> [finding numbers]``.

    ``subjects`` are the findings' subjects in report order (finding ``n`` is
    ``subjects[n - 1]``). A finding is about a cell when its subjects name both the task and
    the column; about a whole row (``(task, None)``) when they name a task and no column;
    about a whole column (``(None, column)``) when they name a column and no task. Findings
    about mandates or signals only are about no cell.

    >>> m = Matrix("X", (Column("ilse", "Ilse", "person", "intern_begeleider"),),
    ...            (Row("t", "T", "planning", "beleid_en_beheer"),))
    >>> findings_by_cell(m, [["ilse", "t"], ["t"], ["ilse"], ["m-1"]])
    {('t', 'ilse'): [1], ('t', None): [2], (None, 'ilse'): [3]}
    """
    tasks = {r.task for r in matrix.rows}
    columns = {c.id for c in matrix.columns}
    out: dict[tuple[str | None, str | None], list[int]] = {}
    for n, names in enumerate(subjects, 1):
        names = list(names)
        on_tasks = [s for s in names if s in tasks]
        on_columns = [s for s in names if s in columns]
        keys: list[tuple[str | None, str | None]]
        if on_tasks and on_columns:
            keys = [(t, c) for t in on_tasks for c in on_columns]
        elif on_tasks:
            keys = [(t, None) for t in on_tasks]
        else:
            keys = [(None, c) for c in on_columns]
        for key in keys:
            out.setdefault(key, []).append(n)
    return out
