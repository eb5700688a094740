"""The report (format ``mandaat-report/1``), the escalation answer, and their text form."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_serializer

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

    @property
    def exit_code(self) -> int:
        """``1`` when there is at least one violation, else ``0`` (as the CLI exits)."""
        return 1 if self.summary.get("violation", 0) else 0

    def to_json(self) -> str:
        """The report as one JSON document, byte-identical for the same school."""
        return _dumps(self.model_dump(mode="json"))


class Escalation(_Model):
    """The answer of :func:`mandaat.escalate`: who acts now on a signal, and why."""

    signal: str
    acts_now: str | None
    chain: list[str]
    rule: str | None
    severity: Severity | None
    message: str
    explanation: Explanation | None

    def to_json(self) -> str:
        """The answer as one JSON document."""
        return _dumps(self.model_dump(mode="json"))


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- text for people ------------------------------------------------------------------------

_WORDS = {
    "nl": {
        "title": "Taakverdeling van {school} (peildatum {as_of})",
        "packs": "Regels",
        "violation": "Overtredingen",
        "warning": "Waarschuwingen",
        "advice": "Adviezen",
        "none": "Geen bevindingen: de taakverdeling volgt het model.",
        "because": "Omdat",
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
        "because": "Because",
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


def _explanation_lines(e: Explanation, w: dict[str, str]) -> list[str]:
    lines = [f"    {w['because']}:"]
    lines += [f"      - {_fact_line(f)}" for f in e.because]
    if e.path:
        lines.append(f"    {w['path']}: {' → '.join(e.path)}")
    if e.params:
        lines.append(f"    {w['params']}: " + ", ".join(f"{k}={v:g}" for k, v in e.params.items()))
    lines.append(f"    {w['source']}: {e.source.text}: “{e.source.quote}”")
    lines.append(f"    {w['suggestion']}: {e.suggestion}")
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


def render_text(report: Report, lang: str = "nl") -> str:
    """The report for people: grouped by severity, each finding with its explanation."""
    w = _WORDS[lang]
    out = [w["title"].format(school=report.school, as_of=report.as_of.isoformat())]
    out.append(f"{w['packs']}: " + ", ".join(
        f"{p.name} v{p.version} ({p.rules})" for p in report.rule_packs))
    out.append(counts(report.summary, lang))
    if report.notes:
        out += ["", f"{w['notes']}:"] + [f"  - {n.message}" for n in report.notes]
    if not report.findings:
        out += ["", w["none"]]
    for severity in ("violation", "warning", "advice"):
        found = [f for f in report.findings if f.severity == severity]
        if not found:
            continue
        out += ["", f"== {w[severity]} ({len(found)}) =="]
        for f in found:
            subjects = ", ".join(f.subjects)
            head = f"[{f.rule}] {subjects}" if subjects else f"[{f.rule}]"
            if f.escalate_to:
                head += f"  ({w['escalate_to']}: {f.escalate_to})"
            out += ["", head, f"  {f.message}"]
            out += _explanation_lines(f.explanation, w)
    return "\n".join(out) + "\n"


def render_escalation_text(answer: Escalation, lang: str = "nl") -> str:
    """The escalation answer for people."""
    w = _WORDS[lang]
    out = [f"{w['acts']}: {answer.acts_now or w['nobody']}"]
    if answer.chain:
        out.append(f"{w['path']}: {' → '.join(answer.chain)}")
    head = f"[{answer.rule}] " if answer.rule else ""
    out.append(f"{head}{answer.message}")
    if answer.explanation is not None:
        out += _explanation_lines(answer.explanation, w)
    return "\n".join(out) + "\n"
