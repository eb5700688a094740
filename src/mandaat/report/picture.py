"""The responsibility picture of the HTML report: an SVG that mandaat lays out itself.

People and teams stand in a column on the left, grouped by role; tasks in a column on the
right, grouped by domain; every letter of the RACI matrix is a line from the one to the
other, drawn by its kind (A thick and dark, R blue, C dashed, I dotted). A legend on top
says so. Lines that a finding is about have a red (or orange, blue) edge and link to the
finding; so do the numbered badges beside a task or a person that a finding is about.

The layout is computed here and drawn by the template ``_plaat.svg.j2`` (autoescaped), so
the page needs no Graphviz, no script and no network, and looks the same on every machine.
Only what the matrix holds is drawn: a person without any task is in the matrix, not here.

>>> from mandaat import load_school
>>> from mandaat.graph.matrix import raci_matrix
>>> school = load_school(text='''
... format: mandaat/1
... school: {name: X}
... people: [{id: anna, name: Anna, roles: [schoolleider]},
...          {id: ilse, name: Ilse, roles: [intern_begeleider]},
...          {id: tom, roles: [leraar]}]
... tasks: [{id: a, type: schoolanalyse, accountable: anna, responsible: [ilse]}]
... ''')
>>> p = layout(raci_matrix(school), {("a", "ilse"): [1]}, {1: "violation"})
>>> [n.id for n in p.holders], [n.id for n in p.tasks]
(['anna', 'ilse'], ['a'])
>>> [(e.holder.id, e.letter, e.findings) for e in p.edges]
[('anna', 'A', []), ('ilse', 'R', [1])]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..graph.matrix import (
    OTHERS,
    TEAMS,
    Matrix,
    column_label,
    column_note,
    domain_label,
    group_label,
    type_label,
)
from ..school import vocabulary as V

__all__ = ["Picture", "css_token", "layout"]

#: The colour of each domain's band, as in the Mermaid and DOT pictures.
DOMAIN_FILL = {
    "leren_en_ontwikkeling": "#e3f1dc",
    "data_monitoring_reflectie": "#deeaf7",
    "zorg_en_ondersteuning": "#f9e8d6",
    "beleid_en_beheer": "#ececec",
}
CHAR = 6.9          # the width of an average character at the picture's 12px font
NODE_H, STEP = 22, 27
HEAD_H = 24
GAP = 300           # between the two columns, where the lines run
BADGE = 20
LEGEND_H = 74
PAD = 12


@dataclass
class Badge:
    """A finding's number beside a node, linking to it."""

    number: int
    severity: str
    x: float
    y: float


@dataclass
class Node:
    """A person, team or other party (left) or a task (right)."""

    id: str
    key: str
    label: str
    full: str
    note: str
    x: float
    y: float
    w: float
    kind: str
    cls: str
    badges: list[Badge] = field(default_factory=list)

    @property
    def cy(self) -> float:
        return self.y + NODE_H / 2


@dataclass
class Edge:
    """One letter of the matrix as a line from a holder to a task."""

    holder: Node
    task: Node
    letter: str
    letters: str
    path: str
    findings: list[int]
    severity: str | None


@dataclass
class Heading:
    """A group's heading: a role, the teams, or a domain (with its coloured band)."""

    text: str
    x: float
    y: float
    w: float
    h: float
    fill: str | None


@dataclass
class LegendItem:
    kind: str   # "line" (a letter's line), "box" (a node's colour) or "mark" (a finding)
    cls: str
    text: str
    x: float
    y: float


@dataclass
class Picture:
    """The laid-out picture: sizes, and what goes where."""

    width: float
    height: float
    holders: list[Node]
    tasks: list[Node]
    edges: list[Edge]
    headings: list[Heading]
    legend: list[LegendItem]
    title: str
    description: str


_TOKEN = re.compile(r"[a-z0-9_-]+")


def css_token(ident: str) -> str:
    """An id as a class name or element id: ids are ``[a-z0-9_-]``; anything else is
    written as its code point, so two ids never share a token.

    >>> css_token("lt-boven"), css_token("a b")
    ('lt-boven', 'a_20_b')
    """
    if _TOKEN.fullmatch(ident):
        return ident
    return "".join(c if c.isascii() and (c.isalnum() or c in "-") else f"_{ord(c):x}_"
                   for c in ident)


def _fit(text: str, width: float) -> str:
    most = max(4, int((width - 12) / CHAR))
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def _width(texts: Sequence[str], least: float, most: float) -> float:
    return max(least, min(most, max([0, *(len(t) for t in texts)]) * CHAR + 16))


def _holder_class(kind: str, roles: Sequence[str]) -> str:
    if kind == "person":
        flags = V.role_classes(roles)
        if flags["leader"]:
            return "leader"
        if set(roles) & V.IB_ROLES:
            return "ib"
        return "person"
    return "team" if kind in ("team", "all_staff") else "other"


_LEGEND = {
    "nl": {"A": "A eindverantwoordelijk", "R": "R uitvoerend", "C": "C meedenkend",
           "I": "I geïnformeerd", "leader": "schoolleider of bestuur", "ib": "intern begeleider",
           "person": "andere teamleden", "team": "teams", "mark": "hier gaat een bevinding "
           "over (klik)", "title": "Wie doet wat in {school}",
           "desc": "Links de mensen en teams, gegroepeerd naar rol; rechts de taken, "
                   "gegroepeerd naar domein; elke lijn is een letter uit de RACI-matrix."},
    "en": {"A": "A accountable", "R": "R responsible", "C": "C consulted", "I": "I informed",
           "leader": "school leader or board", "ib": "internal supervisor",
           "person": "other staff", "team": "teams", "mark": "a finding is about this (click)",
           "title": "Who does what at {school}",
           "desc": "People and teams on the left, grouped by role; tasks on the right, "
                   "grouped by domain; each line is a letter of the RACI matrix."},
}


def layout(matrix: Matrix, marks: Mapping[tuple[str | None, str | None], list[int]],
           severities: Mapping[int, str], lang: str = "nl") -> Picture:
    """Lay out the picture of ``matrix``.

    ``marks`` are the findings per cell (:func:`mandaat.graph.matrix.findings_by_cell`) and
    ``severities`` each finding's severity, by number.
    """
    words = _LEGEND[lang]
    groups = [(g, [c for c in cols if matrix.used(c.id)]) for g, cols in matrix.groups()]
    groups = [(g, cols) for g, cols in groups if cols]
    holder_texts = [column_label(c, lang) for _, cols in groups for c in cols]
    left_w = _width(holder_texts, 150, 260)
    right_w = _width([r.label for r in matrix.rows], 220, 330)
    per_task: dict[str, set[int]] = {}
    for (task, _), numbers in marks.items():
        if task is not None:
            per_task.setdefault(task, set()).update(numbers)
    most_badges = max([0, *(len(v) for v in per_task.values())])
    holder_badges = max([0, *(len(v) for k, v in marks.items() if k[0] is None)])
    left_x = PAD + holder_badges * BADGE + (6 if holder_badges else 0)
    right_x = left_x + left_w + GAP
    width = right_x + right_w + most_badges * BADGE + PAD + (6 if most_badges else 0)
    top = LEGEND_H + 10

    def column_height(n_groups: int, n_nodes: int) -> float:
        return n_groups * (HEAD_H + 8) + n_nodes * STEP

    left_h = column_height(len(groups), sum(len(c) for _, c in groups))
    domains = list(matrix.domains())
    right_h = column_height(len(domains), len(matrix.rows))
    height = top + max(left_h, right_h) + PAD

    headings: list[Heading] = []
    holders: list[Node] = []
    y = top + (max(left_h, right_h) - left_h) / 2
    for group, cols in groups:
        text = group_label(group, lang, len(cols)) if group not in (TEAMS, OTHERS) else \
            group_label(group, lang)
        headings.append(Heading(text[:1].upper() + text[1:], left_x, y, left_w, HEAD_H, None))
        y += HEAD_H
        for c in cols:
            label = column_label(c, lang)
            node = Node(c.id, css_token(c.id), _fit(label, left_w), label,
                        column_note(c, lang), left_x, y, left_w, c.kind,
                        _holder_class(c.kind, c.roles))
            for i, n in enumerate(marks.get((None, c.id), [])):
                node.badges.append(Badge(n, severities.get(n, "advice"),
                                         left_x - 6 - BADGE * (i + 0.5), node.cy))
            holders.append(node)
            y += STEP
        y += 8
    tasks: list[Node] = []
    y = top + (max(left_h, right_h) - right_h) / 2
    for domain, rows in domains:
        band_h = HEAD_H + len(rows) * STEP + 4
        headings.append(Heading(domain_label(domain, lang), right_x - 6, y, right_w + 12,
                                band_h, DOMAIN_FILL.get(domain, "#eeeeee")))
        y += HEAD_H
        for r in rows:
            node = Node(r.task, css_token(r.task), _fit(r.label, right_w), r.label,
                        type_label(r.type, lang), right_x, y, right_w, "task", "task")
            numbers = sorted(per_task.get(r.task, ()))
            for i, n in enumerate(numbers):
                node.badges.append(Badge(n, severities.get(n, "advice"),
                                         right_x + right_w + 6 + BADGE * (i + 0.5), node.cy))
            tasks.append(node)
            y += STEP
        y += 8
    by_id = {n.id: n for n in holders}
    edges: list[Edge] = []
    for row, task in zip(matrix.rows, _in_row_order(matrix, tasks)):
        for holder_id, cell in row.cells.items():
            holder = by_id.get(holder_id)
            if holder is None or not cell.letters:
                continue
            x1, y1 = holder.x + holder.w, holder.cy
            x2, y2 = task.x, task.cy
            bend = GAP * 0.45
            path = (f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} "
                    f"{x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}")
            found = marks.get((row.task, holder_id), [])
            edges.append(Edge(holder, task, cell.strongest or "", "/".join(cell.letters),
                              path, list(found),
                              severities.get(found[0]) if found else None))
    # the strongest lines last, so that they are drawn on top; marked ones above all
    order = {"I": 0, "C": 1, "R": 2, "A": 3}
    edges.sort(key=lambda e: (bool(e.findings), order.get(e.letter, 0)))
    legend = _legend(words, width)
    return Picture(width, height, holders, tasks, edges, headings, legend,
                   words["title"].format(school=matrix.school), words["desc"])


def _in_row_order(matrix: Matrix, tasks: list[Node]) -> list[Node]:
    by_id = {t.id: t for t in tasks}
    return [by_id[r.task] for r in matrix.rows]


def _legend(words: Mapping[str, str], width: float) -> list[LegendItem]:
    items = []
    x = PAD
    for letter in "ARCI":
        items.append(LegendItem("line", letter, words[letter], x, 20))
        x += 52 + len(words[letter]) * CHAR + 22
    x = PAD
    for cls in ("leader", "ib", "person", "team"):
        items.append(LegendItem("box", cls, words[cls], x, 50))
        x += 26 + len(words[cls]) * CHAR + 22
    items.append(LegendItem("mark", "violation", words["mark"], x, 50))
    return items
