"""The report: its models and JSON (format ``mandaat-report/1``), and what people read.

- :mod:`~mandaat.report.model`: :class:`Report`, :class:`Finding`, :class:`Escalation`, and
  the JSON that apps read (byte-identical for the same school).
- :mod:`~mandaat.report.text`: the text report and the escalation answer.
- :mod:`~mandaat.report.html`: the HTML report and matrix (Jinja2; imported when asked for).
- :mod:`~mandaat.report.picture`: the SVG picture of who does what.
- ``_present``: what text and HTML both show, read off one report: the matched facts as
  sentences, what to do first, cross-references.

A report is made by :func:`mandaat.check`; nothing here evaluates a rule.
"""

from .model import (
    REPORT_FORMAT,
    Escalation,
    Explanation,
    Finding,
    Note,
    PackInfo,
    Report,
    Severity,
    SourceText,
    json_line,
)

#: The text forms, imported when first asked for: ``mandaat check --format json`` needs none.
_TEXT = ("render_escalation_text", "render_text")


def __getattr__(name: str) -> object:
    if name in _TEXT:
        from . import text

        return getattr(text, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "REPORT_FORMAT",
    "Escalation",
    "Explanation",
    "Finding",
    "Note",
    "PackInfo",
    "Report",
    "Severity",
    "SourceText",
    "json_line",
    "render_escalation_text",
    "render_text",
]
