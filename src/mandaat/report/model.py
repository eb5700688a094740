"""The report (format ``mandaat-report/1``), the escalation answer, and their text form."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_serializer
from pydantic_core import PydanticSerializationError

REPORT_FORMAT = "mandaat-report/1"
Severity = Literal["violation", "warning", "advice"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceText(_Model):
    """The source text a rule rests on: a file in ``shared/sources`` and a quote."""

    text: str
    quote: str


class Explanation(_Model):
    """Why a rule fired: the matched facts, the route through the graph, the source."""

    because: list[dict[str, Any]]
    path: list[str]
    params: dict[str, float]
    source: SourceText
    suggestion: str

    @field_serializer("params")
    def _whole_numbers(self, params: dict[str, float]) -> dict[str, float | int]:
        return {k: int(v) if float(v).is_integer() else v for k, v in params.items()}


class Finding(_Model):
    """One finding: a rule that fired on a distinct tuple of subjects."""

    rule: str
    severity: Severity
    subjects: list[str]
    escalate_to: str | None
    message: str
    explanation: Explanation


class Note(_Model):
    """Something the check could not judge, and why (not a finding: nothing is wrong)."""

    kind: str
    subjects: list[str]
    message: str


class PackInfo(_Model):
    """A rule pack that took part in the check."""

    name: str
    version: str
    rules: int


class Report(_Model):
    """The result of :func:`mandaat.check`; ``model_dump(mode="json")`` is the JSON report."""

    format: Literal["mandaat-report/1"] = REPORT_FORMAT
    school: str
    as_of: dt.date
    rule_packs: list[PackInfo]
    findings: list[Finding]
    summary: dict[str, int]
    #: What the check could not judge (for example workload without hours per task).
    notes: list[Note] = []

    #: How people read it: names of ids, titles of rules, source texts (set by ``check``).
    _reading: Any = PrivateAttr(default=None)

    @property
    def exit_code(self) -> int:
        """``1`` when there is at least one violation, else ``0`` (as the CLI exits)."""
        return 1 if self.summary.get("violation", 0) else 0

    def to_json(self) -> str:
        """The report as one JSON document, byte-identical for the same school."""
        return _dumps(self, [f.explanation for f in self.findings])


class Escalation(_Model):
    """The answer of :func:`mandaat.escalate`: who acts now on a signal, and why."""

    _reading: Any = PrivateAttr(default=None)

    signal: str
    acts_now: str | None
    chain: list[str]
    rule: str | None
    severity: Severity | None
    message: str
    explanation: Explanation | None

    def to_json(self) -> str:
        """The answer as one JSON document."""
        return _dumps(self, [self.explanation] if self.explanation is not None else [])


#: A negative exponent after a digit: pydantic writes a float below 1e-4 as ``0.0000...``
#: or as ``1.5e-7``, where ``json.dumps`` writes ``1.5e-07``.
_SMALL_EXPONENT = re.compile(r"e-(?<=[0-9]e-)")


def _dumps(model: BaseModel, explanations: Sequence[Explanation], indent: int | None = 2
           ) -> str:
    """``model`` as ``json.dumps`` writes its JSON form (UTF-8 as is; indented, or compact
    with ``indent=None``).

    pydantic's own serializer writes the same text much faster, except for floats below
    1e-4 (``0.00001`` where ``json.dumps`` writes ``1e-05``), infinite or NaN thresholds
    (``null``, not ``Infinity``) and lone surrogates (which it refuses): where any of these
    could be in the text, ``json.dumps`` writes it.
    """
    if all(math.isfinite(v) for e in explanations for v in e.params.values()):
        try:
            text = model.model_dump_json(indent=indent)
        except PydanticSerializationError:
            pass
        else:
            if "0.0000" not in text and not _SMALL_EXPONENT.search(text):
                return text + "\n"
    data = model.model_dump(mode="json")
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"


def json_line(report: Report, file: str) -> str:
    """The report as one line of JSON Lines, with ``"file"`` first (``mandaat check DIR``)."""
    body = _dumps(report, [f.explanation for f in report.findings], indent=None)
    return '{"file":' + json.dumps(file, ensure_ascii=False) + "," + body[1:]


# --- text for people ------------------------------------------------------------------------

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
        "summary": ("overtreding", "overtredingen", "waarschuwing", "waarschuwingen", "advies",
                    "adviezen"),
        "escalate_to": "aan zet",
        "notes": "Niet beoordeeld",
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
        "summary": ("violation", "violations", "warning", "warnings", "piece of advice",
                    "pieces of advice"),
        "escalate_to": "acts now",
        "notes": "Not judged",
    },
}


def _fact_line(fact: dict[str, Any]) -> str:
    kind = fact.get("fact")
    rest = ", ".join(f"{k}={_short(v)}" for k, v in fact.items()
                     if k not in ("fact", "absent") and v != "")
    return f"{'geen ' if fact.get('absent') else ''}{kind}({rest})"


_OPERATOR_SIGNS = {"ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "not_in": "∉"}


def _short(value: Any) -> str:
    """A fact's value as the text report shows it; a condition such as ``{"in": [a, b]}``
    (what an absent fact was looked for with) as ``a|b``.

    >>> _short({"in": ["accountable", "responsible"]}), _short({"ne": "toetskalender"})
    ('accountable|responsible', '≠toetskalender')
    >>> _short(0.66666), _short(True)
    ('0.667', 'true')
    """
    if isinstance(value, dict) and len(value) == 1:
        (op, operand), = value.items()
        shown = "|".join(_short(v) for v in operand) if isinstance(operand, list) else \
            _short(operand)
        return shown if op == "in" else _OPERATOR_SIGNS.get(op, op + " ") + shown
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _explanation_lines(e: Explanation, w: dict[str, Any], item: Any, explain: bool
                       ) -> list[str]:
    lines = [f"    {w['because']}:"] + [f"      - {sentence}" for sentence in item.why]
    lines.append(f"    {w['suggestion']}: {e.suggestion}")
    lines.append(f"    {w['source']}: {item.source}: “{item.quote}”")
    if item.see_also:
        lines.append(f"    {w['see_also']}: " + ", ".join(f"[{n}]" for n in item.see_also))
    if explain:
        lines.append(f"    {w['facts']}:")
        lines += [f"      - {_fact_line(f)}" for f in e.because]
        if e.path:
            lines.append(f"    {w['path']}: {' → '.join(e.path)}")
        if e.params:
            lines.append(f"    {w['params']}: "
                         + ", ".join(f"{k}={v:g}" for k, v in e.params.items()))
        lines.append(f"    {w['source_file']}: {e.source.text}")
    return lines


def counts(summary: dict[str, int], lang: str = "nl") -> str:
    """The findings counted in words, singular or plural as the number asks.

    >>> counts({"violation": 7, "warning": 1, "advice": 0})
    '7 overtredingen, 1 waarschuwing, 0 adviezen'
    >>> counts({"violation": 1, "warning": 2, "advice": 1}, "en")
    '1 violation, 2 warnings, 1 piece of advice'
    """
    words = _WORDS[lang]["summary"]
    parts = []
    for i, severity in enumerate(("violation", "warning", "advice")):
        n = summary.get(severity, 0)
        parts.append(f"{n} {words[2 * i] if n == 1 else words[2 * i + 1]}")
    return ", ".join(parts)


def render_text(report: Report, lang: str = "nl", cells: dict[str, str] | None = None, *,
                explain: bool = False) -> str:
    """The report for people: counts in words, what to do first, then each finding with why
    (the matched facts as sentences), what to do, its source and related findings.

    ``cells`` (a school read from a workbook: id -> the first cell of its row, see
    :func:`mandaat.workbook.workbook_cells`) names each subject's row: ``ilse (Personen!A3)``.
    ``explain`` adds the facts as the engine matched them, the route and the thresholds.
    """
    from ._present import present

    w = _WORDS[lang]
    names, titles, sources, people = report._reading or ({}, {}, {}, set())
    shown = present(report, names, titles, sources, lang, 3, people=people)
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
        out += ["", f"== {w[severity]} ({len(found)}) =="]
        for item in found:
            f = item.finding
            subjects = ", ".join(f"{s} ({cells[s]})" if cells and s in cells else s
                                 for s in f.subjects)
            head = f"[{item.number}] {item.title}  ({f.rule}" + (
                f": {subjects}" if subjects else "") + ")"
            if explain:
                out += ["", head, f"    {f.message}"]
                out += _explanation_lines(f.explanation, w, item, explain)
                continue
            see = (f" {w['see_also']}: " + ", ".join(f"[{n}]" for n in item.see_also) + "."
                   if item.see_also else "")
            out += [head,
                    f"    {f.message} {w['because']}: {' '.join(item.why)}",
                    f"    {w['suggestion']}: {f.explanation.suggestion} "
                    f"{w['source']} {letters[item.source]}: “{item.quote.rstrip('.')}”.{see}"]
    if letters and not explain:
        out += ["", w["sources"]] + [f"  {b}. {s}" for s, b in letters.items()]
    return "\n".join(out) + "\n"


def render_escalation_text(answer: Escalation, lang: str = "nl", *,
                           explain: bool = False) -> str:
    """The escalation answer for people: who acts now, the route walked, and why."""
    from ..rules.sources import corrected, describe
    from ._present import Item, because_words

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
