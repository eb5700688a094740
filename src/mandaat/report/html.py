"""The HTML report: one self-contained page a school leader opens, reads and prints.

:func:`render_html` shows what the text report shows (:func:`mandaat.report._present.present`:
counts in words, what to do first, the numbered findings with why, what to do, the source
and related findings), then the school's RACI matrix (:mod:`mandaat.graph.matrix`) with the cells
that findings are about marked and linked, and the responsibility picture
(:mod:`mandaat.report.picture`). :func:`render_matrix_html` is the matrix alone.

The page is rendered by Jinja2 templates shipped in the package (``templates/``) with
autoescaping on: every name, title and message from a school file or rule pack is text,
never markup, and control characters are shown as visible escapes (``\\x1b``), as on a
terminal. The page loads nothing: no script, no font, no image from anywhere; its
Content-Security-Policy (``default-src 'none'``) says so to the browser as well. A print
stylesheet puts it on A4, the matrix and the picture on landscape pages.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from .._dutch import date_words
from .._terminal import safe_text
from .._version import __version__
from ..graph.matrix import (
    Matrix,
    column_label,
    column_note,
    domain_label,
    findings_by_cell,
    group_label,
    hours_text,
    raci_matrix,
    type_label,
)
from ..school import vocabulary as V
from ..school.model import School
from ._present import counts, fact_line, present, suggestion
from .model import Report
from .picture import DOMAIN_FILL, css_token, layout

__all__ = ["render_html", "render_matrix_html"]

_WORDS: dict[str, dict[str, Any]] = {
    "nl": {
        "title": "Taakverdeling van {school}", "matrix_title": "Wie doet wat in {school}",
        "as_of": "Peildatum", "packs": "Regels", "contents": "Inhoud",
        "first": "Eerst doen", "findings": "Bevindingen",
        "matrix": "Wie doet wat: de RACI-matrix", "picture": "Wie doet wat: de plaat",
        "notes": "Niet beoordeeld", "none": "Geen bevindingen: de taakverdeling volgt het model.",
        "violation": "Overtredingen", "warning": "Waarschuwingen", "advice": "Adviezen",
        "because": "Waarom", "suggestion": "Wat te doen", "source": "Bron",
        "in_matrix": "In de matrix", "see_also": "Zie ook", "also": "Geldt ook voor",
        "details": "Voor wie de regels kent", "rule": "Regel", "subjects": "Over",
        "path": "Route", "params": "Drempels", "source_file": "Brontekst",
        "by_default": "eindverantwoordelijk volgens de standaard van de school",
        "hours_note": "klein getal: uren per jaar",
        "marked_note": "gekleurde cel met nummer: hier gaat die bevinding over (klik erop)",
        "task": "Taak", "finding": "bevinding", "hours": "uur per jaar",
        "matrix_intro": "De taken onder elkaar, per domein; de mensen en teams naast elkaar, "
                        "per rol. In elke cel de letters en de uren per jaar.",
        "picture_intro": "Links de mensen en teams, per rol; rechts de taken, per domein. "
                         "Elke lijn is een letter uit de matrix: dik en donker "
                         "eindverantwoordelijk, blauw uitvoerend, oranje streepjes "
                         "meedenkend, grijze stippels geïnformeerd.",
        "picture_hover": "Wijs een naam of taak aan om alleen die lijnen te zien; een "
                         "gekleurde rand of een genummerd rondje brengt u naar de bevinding.",
        "footer": "Gemaakt met mandaat {version}. Dit rapport is één bestand: het werkt "
                  "zonder internet en past afgedrukt op A4.",
    },
    "en": {
        "title": "Task division of {school}", "matrix_title": "Who does what at {school}",
        "as_of": "As of", "packs": "Rules", "contents": "Contents",
        "first": "Do first", "findings": "Findings",
        "matrix": "Who does what: the RACI matrix", "picture": "Who does what: the picture",
        "notes": "Not judged", "none": "No findings: the task division follows the model.",
        "violation": "Violations", "warning": "Warnings", "advice": "Advice",
        "because": "Why", "suggestion": "What to do", "source": "Source",
        "in_matrix": "In the matrix", "see_also": "See also", "also": "Also concerns",
        "details": "For readers of the rules", "rule": "Rule", "subjects": "About",
        "path": "Route", "params": "Thresholds", "source_file": "Source file",
        "by_default": "accountable by the school's default",
        "hours_note": "small number: hours a year",
        "marked_note": "coloured cell with a number: that finding is about it (click it)",
        "task": "Task", "finding": "finding", "hours": "hours a year",
        "matrix_intro": "Tasks down, by domain; people and teams across, by role. In each "
                        "cell the letters and the hours a year.",
        "picture_intro": "People and teams on the left, by role; tasks on the right, by "
                         "domain. Each line is a letter of the matrix: thick and dark "
                         "accountable, blue responsible, orange dashes consulted, grey dots "
                         "informed.",
        "picture_hover": "Point at a name or a task to see only its lines; a coloured edge "
                         "or a numbered circle takes you to the finding.",
        "footer": "Made with mandaat {version}. This report is one file: it works without "
                  "the internet and prints on A4.",
    },
}


def _visible(value: Any) -> Any:
    """Every value a template shows: control characters as visible escapes (markup that
    the templates build themselves passes as it is)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return safe_text(value)
    return value


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("mandaat.report", "templates"),
        autoescape=True, finalize=_visible, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def _words(lang: str) -> dict[str, Any]:
    words = dict(_WORDS[lang])
    words["raci"] = V.RACI_LABELS[lang]
    words["footer"] = words["footer"].format(version=__version__)
    return words


def _date(value: Any, lang: str) -> str:

    return date_words(value.isoformat(), lang) if value else ""


# --- the matrix as the templates read it --------------------------------------------------

#: The most characters of a name (or a column's note) the matrix header shows, written
#: upright: a longer one is cut with an ellipsis, and its heading's title holds it whole.
HEADER_CHARS = 40


def clip(text: str, most: int = HEADER_CHARS) -> str:
    """``text`` cut to at most ``most`` characters, an ellipsis as the last.

    >>> clip("Anna Jansen"), clip("x" * 50, 10)
    ('Anna Jansen', 'xxxxxxxxx…')
    """
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"



def cell_anchor(task: str | None, column: str | None) -> str:
    """The element id of a cell (``cel-TASK.COLUMN``), a task's row or a column's heading.

    >>> cell_anchor("jaarplanning", "mark"), cell_anchor("jaarplanning", None)
    ('cel-jaarplanning.mark', 'taak-jaarplanning')
    >>> cell_anchor(None, "ilse")
    'wie-ilse'
    """
    if task is not None and column is not None:
        return f"cel-{css_token(task)}.{css_token(column)}"
    if task is not None:
        return f"taak-{css_token(task)}"
    return f"wie-{css_token(column or '')}"


def _table(m: Matrix, marks: Mapping[tuple[str | None, str | None], list[int]],
           severities: Mapping[int, str], lang: str) -> dict[str, Any]:
    def found(key: tuple[str | None, str | None]) -> dict[str, Any]:
        numbers = marks.get(key, [])
        return {"found": [(n, severities.get(n, "advice")) for n in numbers],
                "severity": severities.get(numbers[0], "advice") if numbers else None}

    starts = set()
    groups = []
    for group, cols in m.groups():
        starts.add(cols[0].id)
        label = group_label(group, lang, len(cols))
        groups.append({"label": label[:1].upper() + label[1:], "columns": [
            {"anchor": cell_anchor(None, c.id), "label": column_label(c, lang),
             "note": column_note(c, lang), "short": clip(column_label(c, lang)),
             "short_note": clip(column_note(c, lang)), **found((None, c.id))}
            for c in cols]})
    raci = V.RACI_LABELS[lang]
    names = dict(zip("ARCI", (raci[r] for r in V.RACI)))
    domains = []
    for domain, rows in m.domains():
        shown = []
        for row in rows:
            cells = []
            for c in m.columns:
                cell = row.cells.get(c.id)
                cls = ("start" if c.id in starts else "")
                if cell is None:
                    cells.append({"text": "", "hours": "", "cls": cls, "title": "",
                                  "anchor": cell_anchor(row.task, c.id),
                                  **found((row.task, c.id))})
                    continue
                meaning = ", ".join(names[x] for x in cell.letters)
                hours = hours_text(cell.hours, lang) if cell.hours is not None else ""
                title = f"{column_label(c, lang)} · {row.label}: {meaning}" + (
                    f", {hours} {_WORDS[lang]['hours']}" if hours else "")
                cells.append({"text": cell.letters_text(), "hours": hours,
                              "cls": " ".join(x for x in (cell.strongest or "", cls) if x),
                              "title": title, "anchor": cell_anchor(row.task, c.id),
                              **found((row.task, c.id))})
            shown.append({"anchor": cell_anchor(row.task, None), "label": row.label,
                          "type": type_label(row.type, lang), "cells": cells,
                          **found((row.task, None))})
        domains.append({"label": domain_label(domain, lang),
                        "fill": DOMAIN_FILL.get(domain, "#eeeeee"), "rows": shown})
    return {"groups": groups, "domains": domains, "width": len(m.columns)}


# --- pages ----------------------------------------------------------------------------------


def render_html(report: Report, school: School, lang: str = "nl", *,
                fixes: Mapping[tuple[str, tuple[str, ...]], str] | None = None) -> str:
    """The report of ``school`` as one self-contained HTML page, in ``lang``.

    ``report`` is ``mandaat.check(school, lang=lang)``; the page shows its findings, the
    school's RACI matrix with the cells the findings are about linked to them, and the
    responsibility picture. ``fixes`` (``mandaat check --fixes``) gives a finding's
    verified fix, (rule, subjects) -> a sentence, shown under what to do.
    """
    words = _words(lang)
    names, titles, sources, people = report._reading or ({}, {}, {}, set())
    shown = present(report, names, titles, sources, lang, people=people)
    m = raci_matrix(school)
    marks = {cell: sorted({shown.card_of[n] for n in numbers}) for cell, numbers in
             findings_by_cell(m, [f.subjects for f in report.findings]).items()}
    severities = {item.number: item.finding.severity for item in shown.items}
    anchors: dict[int, list[tuple[str, str]]] = {}
    columns = {c.id: c for c in m.columns}
    rows = {r.task: r for r in m.rows}
    for (task, column), numbers in sorted(marks.items(), key=lambda kv: str(kv[0])):
        text = " × ".join(x for x in (rows[task].label if task else None,
                                      column_label(columns[column], lang) if column else None)
                          if x)
        for n in numbers:
            anchors.setdefault(n, []).append((cell_anchor(task, column), text))
    sections = []
    for severity in ("violation", "warning", "advice"):
        items = []
        for item in shown.items:
            f = item.finding
            if f.severity != severity:
                continue
            e = f.explanation
            items.append({
                "number": item.number, "title": item.title, "rule": f.rule,
                "message": f.message, "also": item.also, "count": len(item.others) + 1,
                "why": item.why, "suggestion": suggestion(item, lang),
                "checked": (fixes or {}).get((f.rule, tuple(f.subjects)), ""),
                "source": item.source, "quote": item.quote, "see_also": item.see_also,
                "cells": anchors.get(item.number, []), "subjects": f.subjects,
                "facts": [fact_line(fact) for fact in e.because],
                "path": [names.get(p, p) for p in e.path],
                "params": ", ".join(f"{k}={v:g}" for k, v in e.params.items()),
                "source_file": e.source.text,
            })
        if items:
            sections.append({"severity": severity, "heading": words[severity],
                             "findings": items})
    parts = counts(report.summary, lang).split(", ")
    return _environment().get_template("rapport.html.j2").render(
        lang=lang, version=__version__, words=words,
        title=words["title"].format(school=report.school),
        as_of=_date(report.as_of, lang),
        packs=", ".join(f"{p.name} v{p.version}" for p in report.rule_packs),
        counts=[{"severity": s, "text": t, "number": report.summary.get(s, 0)}
                for s, t in zip(("violation", "warning", "advice"), parts)],
        first=shown.first, notes=[n.message for n in report.notes], sections=sections,
        table=_table(m, marks, severities, lang),
        picture=layout(m, marks, severities, lang),
    )


def render_matrix_html(school: School, lang: str = "nl") -> str:
    """The RACI matrix of ``school`` alone, as one self-contained HTML page."""
    words = _words(lang)
    words["marked_note"] = ""
    m = raci_matrix(school)
    return _environment().get_template("matrix.html.j2").render(
        lang=lang, version=__version__, words=words,
        title=words["matrix_title"].format(school=school.school.name),
        as_of=_date(school.as_of, lang), table=_table(m, {}, {}, lang),
    )
