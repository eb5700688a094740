"""``mandaat diff BEFORE AFTER``: what a change of the division resolves, introduces and
keeps, and what changed in the division itself.

Findings are matched as the report identifies them, on rule and subjects: a finding of
AFTER whose rule and subjects no finding of BEFORE has is *introduced*, one of BEFORE that
AFTER lacks is *resolved*, the others are *unchanged* (shown as AFTER reports them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

from ..evaluation import SEVERITY_ORDER, check
from ..report.model import Finding, Report, _dumps
from ..rules import RulePack
from ..school.model import School

__all__ = ["DIFF_FORMAT", "Change", "Diff", "changes", "diff"]

DIFF_FORMAT = "mandaat-diff/1"
SEVERITIES = tuple(SEVERITY_ORDER)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Change(_Model):
    """One change in the division between two schools.

    ``kind`` is what changed (``school``, ``person``, ``team``, ``external``, ``task``,
    ``mandate``, ``signal``, ``route``, ``param``, ``defaults``), ``id`` its id (``None`` for
    the school itself), ``field`` the field of it that changed (``None`` when the whole item
    was added or removed). For a list field (``roles``, ``responsible``, ``scope``, ...)
    ``value`` is the item added or removed; for ``hours`` it is the person, with the hours
    ``before`` and ``after``; for any other field ``before`` and ``after`` are its values.
    """

    kind: str
    id: str | None
    field: str | None
    change: Literal["added", "removed", "changed"]
    value: str | None = None
    before: Any = None
    after: Any = None


class Diff(_Model):
    """The answer of :func:`mandaat.diff`: findings resolved, introduced and unchanged
    (each exactly as the report shows a finding), and the changes in the division."""

    format: Literal["mandaat-diff/1"] = DIFF_FORMAT
    before: str
    after: str
    resolved: list[Finding]
    introduced: list[Finding]
    unchanged: list[Finding]
    changes: list[Change]
    #: per list (``resolved``, ``introduced``, ``unchanged``): the findings by severity
    summary: dict[str, dict[str, int]]

    _reading: Any = PrivateAttr(default=None)

    @property
    def exit_code(self) -> int:
        """``1`` when AFTER introduces a violation, else ``0`` (as ``mandaat diff`` exits)."""
        return 1 if self.summary["introduced"]["violation"] else 0

    def to_json(self) -> str:
        """The diff as one JSON document, byte-identical for the same two schools."""
        return _dumps(self, [f.explanation for f in
                             (*self.resolved, *self.introduced, *self.unchanged)])


def diff(
    before: School,
    after: School,
    *,
    rules: Iterable[RulePack | str | Path] | None = None,
    rules_only: bool = False,
    lang: Literal["nl", "en"] = "nl",
    timeout: float | None = None,
) -> Diff:
    """Compare two divisions: what AFTER resolves, introduces and keeps, and what changed.

    Parameters
    ----------
    before, after
        Schools from :func:`mandaat.load_school` (any format, in any combination).
    rules, rules_only, lang, timeout
        As for :func:`mandaat.check`; both schools are checked with the same packs.

    Returns
    -------
    Diff
        ``resolved``, ``introduced`` and ``unchanged`` findings in the report's order,
        ``changes`` in the division, ``summary`` by severity; ``exit_code`` is 1 when AFTER
        introduces a violation.

    Raises
    ------
    TypeError
        When ``before`` or ``after`` is not a :class:`School`.
    SchoolFileError, RulePackError, CheckTimeoutError
        As :func:`mandaat.check` raises them.
    """
    for name, school in (("before", before), ("after", after)):
        if not isinstance(school, School):
            raise TypeError(f"diff() takes a School as {name}, not {type(school).__name__}: "
                            "load it first with mandaat.load_school(...)")
    old = check(before, rules=rules, rules_only=rules_only, lang=lang, timeout=timeout)
    new = check(after, rules=rules, rules_only=rules_only, lang=lang, timeout=timeout)
    return compare(before, after, old, new)


def compare(before: School, after: School, old: Report, new: Report) -> Diff:
    """The diff of two schools from their reports (checked with the same packs)."""
    old_keys = {(f.rule, tuple(f.subjects)) for f in old.findings}
    new_keys = {(f.rule, tuple(f.subjects)) for f in new.findings}
    resolved = [f for f in old.findings if (f.rule, tuple(f.subjects)) not in new_keys]
    introduced = [f for f in new.findings if (f.rule, tuple(f.subjects)) not in old_keys]
    unchanged = [f for f in new.findings if (f.rule, tuple(f.subjects)) in old_keys]
    summary = {name: {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
               for name, found in (("resolved", resolved), ("introduced", introduced),
                                   ("unchanged", unchanged))}
    result = Diff(before=before.school.name, after=after.school.name, resolved=resolved,
                  introduced=introduced, unchanged=unchanged,
                  changes=changes(before, after), summary=summary)
    names_old = old._reading[0] if old._reading else {}
    names_new = new._reading[0] if new._reading else {}
    result._reading = ({**names_old, **names_new},
                       {**(old._reading[1] if old._reading else {}),
                        **(new._reading[1] if new._reading else {})})
    return result


# --- the changes in the division -------------------------------------------------------------

#: The collections of a school whose items have an id, with the kind of change they give.
_COLLECTIONS = (("people", "person"), ("teams", "team"), ("externals", "external"),
                ("tasks", "task"), ("mandates", "mandate"), ("signals", "signal"),
                ("routes", "route"))
#: The order of kinds in a diff: the division's own order.
_KIND_ORDER = {k: i for i, k in enumerate(
    ("school", "param", "defaults", "person", "team", "external", "task", "mandate", "route",
     "signal"))}
_CHANGE_ORDER = {"removed": 0, "added": 1, "changed": 2}
#: Within one item: the item itself, then its letters in RACI order, then the hours.
_FIELD_ORDER = {None: 0, "accountable": 1, "responsible": 2, "consulted": 3, "informed": 4,
                "hours": 5}


def changes(before: School, after: School) -> list[Change]:
    """What changed in the division from ``before`` to ``after``, in a stable order
    (kind, id, field, then the item), whatever the order of either file's lists."""
    out: list[Change] = []
    a = before.model_dump(mode="json", by_alias=True)
    b = after.model_dump(mode="json", by_alias=True)
    for field in ("school", "as_of", "format"):
        _fields(out, "school", None, {field: a.get(field)}, {field: b.get(field)})
    for name in sorted(set(a["params"]) | set(b["params"])):
        _value(out, "param", name, None, a["params"].get(name), b["params"].get(name))
    _fields(out, "defaults", None, a.get("defaults") or {}, b.get("defaults") or {})
    for collection, kind in _COLLECTIONS:
        old = {item["id"]: item for item in a[collection]}
        new = {item["id"]: item for item in b[collection]}
        for item_id in sorted(old.keys() - new.keys()):
            out.append(Change(kind=kind, id=item_id, field=None, change="removed"))
        for item_id in sorted(new.keys() - old.keys()):
            out.append(Change(kind=kind, id=item_id, field=None, change="added"))
        for item_id in sorted(old.keys() & new.keys()):
            _fields(out, kind, item_id, old[item_id], new[item_id])
    out.sort(key=lambda c: (_KIND_ORDER[c.kind], c.id or "", _FIELD_ORDER.get(c.field, 9),
                            c.field or "",
                            _CHANGE_ORDER[c.change], c.value or "",
                            json.dumps(c.before, sort_keys=True, default=str)))
    return out


def _fields(out: list[Change], kind: str, item_id: str | None, old: Mapping[str, Any],
            new: Mapping[str, Any]) -> None:
    for field in sorted(set(old) | set(new)):
        if field == "id":
            continue
        x, y = old.get(field), new.get(field)
        if x == y:
            continue
        if field == "hours" and isinstance(x or {}, dict) and isinstance(y or {}, dict):
            x, y = x or {}, y or {}
            for person in sorted(set(x) | set(y)):
                if x.get(person) != y.get(person):
                    change = ("added" if person not in x else "removed" if person not in y
                              else "changed")
                    out.append(Change(kind=kind, id=item_id, field="hours", change=change,
                                      value=person, before=x.get(person), after=y.get(person)))
        elif _scalar_list(x) and _scalar_list(y):
            xs, ys = [str(v) for v in x or []], [str(v) for v in y or []]
            for v in sorted(set(xs) - set(ys)):
                out.append(Change(kind=kind, id=item_id, field=field, change="removed", value=v))
            for v in sorted(set(ys) - set(xs)):
                out.append(Change(kind=kind, id=item_id, field=field, change="added", value=v))
        else:
            _value(out, kind, item_id, field, x, y)


def _scalar_list(value: Any) -> bool:
    return value is None or (isinstance(value, list)
                             and all(isinstance(v, str | int | float) for v in value))


def _value(out: list[Change], kind: str, item_id: str | None, field: str | None,
           x: Any, y: Any) -> None:
    if x == y:
        return
    change = "added" if x is None else "removed" if y is None else "changed"
    out.append(Change(kind=kind, id=item_id, field=field, change=change, before=x, after=y))


def counted(summary: Mapping[str, int], lang: str) -> str:
    """``2 overtredingen, 1 waarschuwing`` (only what is there; ``geen`` when nothing)."""
    words = _COUNT_WORDS[lang]
    parts = [f"{summary[s]} {words[s][summary[s] != 1]}" for s in SEVERITIES if summary.get(s)]
    return ", ".join(parts) if parts else words["none"]


_COUNT_WORDS: dict[str, dict[str, Any]] = {
    "nl": {"violation": ("overtreding", "overtredingen"),
           "warning": ("waarschuwing", "waarschuwingen"), "advice": ("advies", "adviezen"),
           "none": "geen"},
    "en": {"violation": ("violation", "violations"), "warning": ("warning", "warnings"),
           "advice": ("advice", "advice"), "none": "none"},
}


def finding_order(findings: Sequence[Finding]) -> list[Finding]:
    """Findings in the report's order: severity, rule, subjects."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.subjects))
