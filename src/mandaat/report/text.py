"""The report and the escalation answer as text for people, in Dutch or English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..rules.sources import corrected, describe
from ._present import Item, because_words, fact_line, present, suggestion
from .model import Escalation, Explanation, Report

_WORDS = {
    "nl": {
        "title": "Taakverdeling van {school} (peildatum {as_of})",
        "packs": "Regels",
        "violation": "Overtredingen",
        "warning": "Waarschuwingen",
        "advice": "Adviezen",
        "none": "Geen bevindingen: de taakverdeling volgt het model.",
        "because": "Waarom",
        "first": "Eerst doen",
        "sources": "Bronnen",
        "see_also": "Zie ook",
        "facts": "Feiten",
        "source_file": "Brontekst",
        "path": "Route",
        "params": "Drempels",
        "source": "Bron",
        "suggestion": "Wat te doen",
        "acts": "Wie is nu aan zet",
        "nobody": "niemand",
        "escalate_to": "aan zet",
        "notes": "Niet beoordeeld",
        "also": "Geldt ook voor",
        "findings": "bevindingen",
    },
    "en": {
        "title": "Task division of {school} (as of {as_of})",
        "packs": "Rules",
        "violation": "Violations",
        "warning": "Warnings",
        "advice": "Advice",
        "none": "No findings: the task division follows the model.",
        "because": "Why",
        "first": "Do first",
        "sources": "Sources",
        "see_also": "See also",
        "facts": "Facts",
        "source_file": "Source file",
        "path": "Route",
        "params": "Thresholds",
        "source": "Source",
        "suggestion": "What to do",
        "acts": "Who acts now",
        "nobody": "nobody",
        "escalate_to": "acts now",
        "notes": "Not judged",
        "also": "Also concerns",
        "findings": "findings",
    },
}


def _explanation_lines(e: Explanation, w: dict[str, Any], item: Any, explain: bool,
                       todo: str | None = None) -> list[str]:
    lines = [f"    {w['because']}:"] + [f"      - {sentence}" for sentence in item.why]
    lines.append(f"    {w['suggestion']}: {todo or e.suggestion}")
    lines.append(f"    {w['source']}: {item.source}: “{item.quote}”")
    if item.see_also:
        lines.append(f"    {w['see_also']}: " + ", ".join(f"[{n}]" for n in item.see_also))
    if explain:
        lines.append(f"    {w['facts']}:")
        lines += [f"      - {fact_line(f)}" for f in e.because]
        if e.path:
            lines.append(f"    {w['path']}: {' → '.join(e.path)}")
        if e.params:
            lines.append(f"    {w['params']}: "
                         + ", ".join(f"{k}={v:g}" for k, v in e.params.items()))
        lines.append(f"    {w['source_file']}: {e.source.text}")
    return lines


def render_text(report: Report, lang: str = "nl", cells: dict[str, str] | None = None, *,
                explain: bool = False,
                fixes: Mapping[tuple[str, tuple[str, ...]], str] | None = None) -> str:
    """The report for people: counts in words, what to do first, then each finding with why
    (the matched facts as sentences), what to do, its source and related findings.

    ``cells`` (a school read from a workbook: id -> the first cell of its row, see
    :func:`mandaat.workbook.workbook_cells`) names each subject's row: ``ilse (Personen!A3)``.
    ``explain`` adds the facts as the engine matched them, the route and the thresholds.
    ``fixes`` (``mandaat check --fixes``) gives a finding's verified fix, (rule, subjects)
    -> a sentence, shown after what to do.
    """
    w = _WORDS[lang]
    names, titles, sources, people = report._reading or ({}, {}, {}, set())
    shown = present(report, names, titles, sources, lang, people=people)
    out = [w["title"].format(school=report.school, as_of=report.as_of.isoformat())]
    out.append(f"{w['packs']}: " + ", ".join(
        f"{p.name} v{p.version} ({p.rules})" for p in report.rule_packs))
    out.append(shown.counts)
    if shown.first:
        out += ["", w["first"]]
        out += [f"  {i}. {text} [{n}]" for i, (n, text) in enumerate(shown.first, 1)]
    if report.notes:
        out += ["", f"{w['notes']}:"] + [f"  - {n.message}" for n in report.notes]
    if not report.findings:
        out += ["", w["none"]]
    # each source once, at the end; a finding names it by its letter
    letters = {s: f"B{i}" for i, s in enumerate(dict.fromkeys(i.source for i in shown.items), 1)}
    for severity in ("violation", "warning", "advice"):
        found = [item for item in shown.items if item.finding.severity == severity]
        if not found:
            continue
        out += ["", f"== {w[severity]} ({sum(1 + len(i.others) for i in found)}) =="]
        for item in found:
            f = item.finding
            subjects = ", ".join(f"{s} ({cells[s]})" if cells and s in cells else s
                                 for s in f.subjects)
            head = f"[{item.number}] {item.title}  ({f.rule}" + (
                f": {subjects}" if subjects else "") + ")" + (
                f" × {len(item.others) + 1}" if item.others else "")
            message = f.message + (f" {w['also']}: {', '.join(item.also)}."
                                   if item.also else "")
            todo = suggestion(item, lang)
            checked = (fixes or {}).get((f.rule, tuple(f.subjects)))
            if checked:
                todo += " " + checked
            if explain:
                out += ["", head, f"    {message}"]
                out += _explanation_lines(f.explanation, w, item, explain, todo)
                continue
            see = (f" {w['see_also']}: " + ", ".join(f"[{n}]" for n in item.see_also) + "."
                   if item.see_also else "")
            out += [head,
                    f"    {message} {w['because']}: {' '.join(item.why)}",
                    f"    {w['suggestion']}: {todo} "
                    f"{w['source']} {letters[item.source]}: “{item.quote.rstrip('.')}”.{see}"]
    if letters and not explain:
        out += ["", w["sources"]] + [f"  {b}. {s}" for s, b in letters.items()]
    return "\n".join(out) + "\n"


def render_escalation_text(answer: Escalation, lang: str = "nl", *,
                           explain: bool = False) -> str:
    """The escalation answer for people: who acts now, the route walked, and why."""
    w = _WORDS[lang]
    names, titles, sources, _ = answer._reading or ({}, {}, {}, set())
    who = names.get(answer.acts_now, answer.acts_now) if answer.acts_now else w["nobody"]
    out = [f"{w['acts']}: {who}"]
    if answer.chain:
        out.append(f"{w['path']}: {' → '.join(names.get(c, c) for c in answer.chain)}")
    title = titles.get(answer.rule, answer.rule) if answer.rule else None
    out.append((f"{title} ({answer.rule}): " if title else "") + answer.message)
    if answer.explanation is not None:
        e = answer.explanation
        info = sources.get(e.source.text)
        item = Item(0, None, title or "", [because_words(f, names, lang) for f in e.because],  # type: ignore[arg-type]
                    describe(info, e.source.text, lang), corrected(e.source.quote, info))
        out += _explanation_lines(e, w, item, explain)
    return "\n".join(out) + "\n"
