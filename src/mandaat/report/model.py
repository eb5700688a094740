"""The report (format ``mandaat-report/1``) and the escalation answer: the models, and their JSON."""

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
    """The source text a rule rests on: a file in ``shared/sources``, a quote, and the
    text's title as its pack's source registry gives it (``""`` where it gives none)."""

    text: str
    quote: str
    title: str = ""


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
    #: The rule's title in the language of the report (``""`` for a rule without one).
    title: str = ""
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
    #: The rule's title in the language of the answer (``None`` without a rule).
    title: str | None = None
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
