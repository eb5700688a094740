"""``mandaat fix``: fixes that are proposed only once they have been checked.

For each finding whose rule declares a ``fix`` (``docs/rules.md``, "Fixes"), the
declaration is bound to the match that produced the finding, and each option (one per
candidate where an edit needs a choice) is applied to a copy of the school and checked
with the same packs. An option is proposed only when the copy no longer has the finding it
was proposed for and has no violation the school did not have; options are ranked by their
net effect (violations, then warnings, then advice resolved less those introduced), then by
how small the edit is. :func:`apply_fixes` applies the best options that do not conflict,
greedily, checking the school again after each.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

from ..evaluation import SEVERITY_ORDER, _params, check
from ..report.model import Report
from ..rules import RulePack
from ..rules.fixes import pack_fixes
from ..school import vocabulary as V
from ..school.model import School
from ._edits import Edit, Void, apply, bind, kinds_changed
from ._evaluate import Evaluator, Key
from .diff import Diff, compare

__all__ = ["FIX_FORMAT", "Applied", "Effect", "Fix", "FixOption", "FindingRef", "Proposal",
           "apply_edits", "apply_fixes", "fix"]

FIX_FORMAT = "mandaat-fix/1"
SEVERITIES = tuple(SEVERITY_ORDER)
#: The most options one call tries (each is a re-check): the findings in the report's
#: order, violations first, until this many; the findings after that say they were not
#: tried. A 60-staff school needs about 70, a 300-staff school about 300.
MAX_OPTIONS = 1_000


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class FindingRef(_Model):
    """A finding as the report identifies it: rule and subjects, with its severity."""

    rule: str
    severity: Literal["violation", "warning", "advice"]
    subjects: list[str]


class Effect(_Model):
    """What an option does, checked: the findings it resolves and introduces."""

    resolved: list[FindingRef]
    introduced: list[FindingRef]
    #: ``resolved`` and ``introduced`` by severity
    summary: dict[str, dict[str, int]]


class FixOption(_Model):
    """One verified option: its edits, in words, how many, and its checked effect."""

    edits: list[dict[str, str]]
    text: str
    size: int
    effect: Effect


class Proposal(_Model):
    """A finding and the verified options that fix it (best first); ``note`` says why
    there are none."""

    finding: FindingRef
    message: str
    options: list[FixOption]
    note: str | None = None


class Fix(_Model):
    """The answer of :func:`mandaat.fix`: a proposal for every finding of the school."""

    format: Literal["mandaat-fix/1"] = FIX_FORMAT
    school: str
    proposals: list[Proposal]
    #: findings by whether a verified option exists: ``fixable`` and ``not_fixable``
    summary: dict[str, int]

    _reading: Any = PrivateAttr(default=None)

    def to_json(self) -> str:
        """The proposals as one JSON document, byte-identical for the same school."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


class Applied(_Model):
    """The answer of :func:`mandaat.apply_fixes`: the school with the options applied, the
    options in the order they were applied, and the diff from the school to it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    school: School
    applied: list[FixOption]
    diff: Diff


def fix(
    school: School,
    *,
    rules: Iterable[RulePack | str | Path] | None = None,
    rules_only: bool = False,
    lang: Literal["nl", "en"] = "nl",
) -> Fix:
    """Propose verified fixes for the findings of ``school``.

    Every option is applied to a copy of the school and checked with the same packs
    before it is proposed: it resolves the finding it is proposed for and introduces no
    violation. Options are ranked by net effect, then by size.

    Raises
    ------
    TypeError
        When ``school`` is not a :class:`School`.
    SchoolFileError, RulePackError
        As :func:`mandaat.check` raises them; also ``RulePackError`` for a fix that cannot
        be read (``unknown_edit``, ``unbound_placeholder``, ...).
    """
    return _Fixer(school, rules, rules_only, lang).fix()


def apply_fixes(
    school: School,
    *,
    rules: Iterable[RulePack | str | Path] | None = None,
    rules_only: bool = False,
    lang: Literal["nl", "en"] = "nl",
) -> Applied:
    """Apply the best verified options that do not conflict, greedily, checking the school
    after each: an option is kept only when the school then has fewer findings by severity
    (violations, then warnings, then advice) and no violation it did not have.

    Returns
    -------
    Applied
        The new school (valid: it loads as it is written), the options applied, and the
        diff from ``school`` to it.
    """
    fixer = _Fixer(school, rules, rules_only, lang)
    return fixer.apply()


def apply_edits(school: School, edits: Sequence[Mapping[str, str]]) -> School:
    """``school`` with ``edits`` made (each as :class:`FixOption` lists them:
    ``{"edit": KIND, FIELD: VALUE, ...}``), as a new, validated school.

    Raises
    ------
    ValueError
        When an edit is of an unknown kind, lacks a field, or does not apply to this
        school (a task it names is not there, a letter the person already has, ...).
    """
    from ..rules.fixes import EDITS

    bound = []
    for e in edits:
        kind = e.get("edit")
        if kind not in EDITS:
            raise ValueError(f"unknown edit {kind!r}; known: {', '.join(EDITS)}")
        required, optional = EDITS[kind]
        fields = {k: v for k, v in e.items() if k != "edit"}
        missing = [f for f in required if f not in fields]
        unknown = [f for f in fields if f not in required and f not in optional]
        if missing or unknown or not all(isinstance(v, str) for v in fields.values()):
            raise ValueError(f"edit {kind!r} takes {', '.join(required)} (and optionally "
                             f"{', '.join(optional) or 'nothing'}) as text, not {dict(e)!r}")
        bound.append(Edit(kind, tuple(sorted(fields.items()))))
    try:
        edited = apply(school, bound)
    except Void as exc:
        raise ValueError(f"the edits do not apply to this school: {exc}") from None
    return _validated(edited)


def _validated(school: School) -> School:
    """A school made by edits as its file will hold it: validated again, as loading it
    would."""
    from ..school._source import Source
    from ..school.files import validate_school

    data = school.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data.setdefault("people", [])
    return validate_school(data, Source("<edited>", ""))


def _refs(keys: Iterable[Key], severity: Mapping[str, str]) -> list[FindingRef]:
    return [FindingRef(rule=r, severity=severity.get(r, "advice"), subjects=list(s))  # type: ignore[arg-type]
            for r, s in sorted(keys, key=lambda k: (SEVERITY_ORDER[severity.get(k[0], "advice")],
                                                   k[0], k[1]))]


def _count(keys: Iterable[Key], severity: Mapping[str, str]) -> dict[str, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    for rule, _ in keys:
        out[severity.get(rule, "advice")] += 1
    return out


def _vector(counts: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(counts[s] for s in SEVERITIES)


class _Fixer:
    def __init__(self, school: School, rules, rules_only: bool, lang: str):
        if not isinstance(school, School):
            raise TypeError(f"fix() takes a School, not {type(school).__name__}: load it "
                            "first with mandaat.load_school(...)")
        if lang not in ("nl", "en"):
            raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
        self.school, self.lang = school, lang
        self.rules, self.rules_only = rules, rules_only
        self.evaluator = Evaluator.of(rules, rules_only)
        self.params = _params(school, self.evaluator.packs)
        self.fixes = {}
        for pack in self.evaluator.packs:
            self.fixes.update(pack_fixes(pack))
        self.severity = self.evaluator.severity
        self.kinds = {r.id: r.kind for r in self.evaluator.compiled.rules}
        self._effects: dict[tuple[Edit, ...], tuple[frozenset[Key], frozenset[Key]] | None] = {}
        self.partial = True

    def _effect(self, base: School, base_keys: frozenset[Key], option: tuple[Edit, ...]
                ) -> tuple[frozenset[Key], frozenset[Key]] | None:
        """(resolved, introduced) of ``option`` on ``base``; None when it does not apply."""
        try:
            copy = apply(base, option)
        except Void:
            return None
        keys = frozenset(self._keys(base_keys, copy, option))
        return base_keys - keys, keys - base_keys

    def _keys(self, base_keys: frozenset[Key], copy: School, option: tuple[Edit, ...]
              ) -> set[Key]:
        """The findings of ``copy``: only the rules that read what the option changes are
        evaluated again (``partial`` is off for a test that checks every rule)."""
        if not self.partial:
            return self.evaluator.keys(copy, self.params)
        return self.evaluator.keys_after(dict.fromkeys(base_keys), copy,
                                         kinds_changed(option), self.params)

    def proposals(self, base: School) -> tuple[Report, list[Proposal], dict[Key, Any]]:
        report = check(base, rules=self.rules, rules_only=self.rules_only, lang=self.lang)
        groups = self.evaluator.groups(base, self.params)
        base_keys = frozenset(groups)
        out: list[Proposal] = []
        full = False  # MAX_OPTIONS reached
        raw: dict[Key, list[tuple[tuple[Edit, ...], frozenset[Key], frozenset[Key]]]] = {}
        for finding in report.findings:
            key = (finding.rule, tuple(finding.subjects))
            ref = FindingRef(rule=finding.rule, severity=finding.severity,
                             subjects=list(finding.subjects))
            declared = self.fixes.get(finding.rule)
            if declared is None or key not in groups:
                out.append(Proposal(finding=ref, message=finding.message, options=[],
                                    note=self._why_none(finding.rule)))
                continue
            _, group = groups[key]
            found: list[tuple[tuple[Edit, ...], frozenset[Key], frozenset[Key]]] = []
            bound = [o for spec in declared for o in bind(spec, group, base)]
            new = sum(1 for o in dict.fromkeys(bound) if o not in self._effects)
            full = full or len(self._effects) + new > MAX_OPTIONS
            if full:  # from here on, none is tried: the same findings every time
                out.append(Proposal(finding=ref, message=finding.message, options=[],
                                    note=self._words("too_many")))
                continue
            for option in bound:
                if option not in self._effects:
                    self._effects[option] = self._effect(base, base_keys, option)
                effect = self._effects[option]
                if effect is None:
                    continue
                resolved, introduced = effect
                if key not in resolved or any(
                        self.severity.get(r) == "violation" for r, _ in introduced):
                    continue
                found.append((option, resolved, introduced))
            found.sort(key=lambda o: self._rank(o[0], o[1], o[2]))
            raw[key] = found
            options = [self._option(o, r, i) for o, r, i in found]
            out.append(Proposal(
                finding=ref, message=finding.message, options=options,
                note=None if options else self._words("no_option")))
        return report, out, raw

    def _rank(self, option: tuple[Edit, ...], resolved: frozenset[Key],
              introduced: frozenset[Key]) -> tuple[Any, ...]:
        gained = _count(resolved, self.severity)
        lost = _count(introduced, self.severity)
        net = tuple(lost[s] - gained[s] for s in SEVERITIES)
        return (*net, len(option), [(e.kind, e.fields) for e in option])

    def _option(self, option: tuple[Edit, ...], resolved: frozenset[Key],
                introduced: frozenset[Key]) -> FixOption:
        return FixOption(
            edits=[e.as_dict() for e in option], size=len(option),
            text="; ".join(describe(e, self._names, self.lang) for e in option),
            effect=Effect(resolved=_refs(resolved, self.severity),
                          introduced=_refs(introduced, self.severity),
                          summary={"resolved": _count(resolved, self.severity),
                                   "introduced": _count(introduced, self.severity)}))

    @property
    def _names(self) -> dict[str, str]:
        names = getattr(self, "_labels", None)
        if names is None:
            s = self.school
            names = {**V.TASK_TYPE_LABELS[self.lang], **V.DOMAIN_LABELS[self.lang],
                     **{x.id: x.name or x.id for x in s.teams},
                     **{x.id: x.label for x in s.externals},
                     **{x.id: x.label for x in s.tasks}, **{x.id: x.label for x in s.people},
                     V.ALL_STAFF: V.ALL_STAFF_LABEL[self.lang]}
            self._labels = names
        return names

    def _why_none(self, rule: str) -> str:
        kind = self.kinds.get(rule)
        return self._words("escalation" if kind in ("escalation", "no_target") else "no_fix")

    def _words(self, what: str) -> str:
        n = f"{MAX_OPTIONS:,}"
        return _NONE[self.lang][what].format(n=n.replace(",", ".") if self.lang == "nl" else n)

    def fix(self) -> Fix:
        _, proposals, _ = self.proposals(self.school)
        fixable = sum(1 for p in proposals if p.options)
        result = Fix(school=self.school.school.name, proposals=proposals,
                     summary={"findings": len(proposals), "fixable": fixable,
                              "not_fixable": len(proposals) - fixable})
        result._reading = self._names
        return result

    def apply(self) -> Applied:
        report, _, raw = self.proposals(self.school)
        ranked = sorted({(o, r, i) for found in raw.values() for o, r, i in found},
                        key=lambda x: self._rank(*x))
        current = self.school
        current_keys = frozenset(self.evaluator.keys(current, self.params))
        touched: set[tuple[str, str]] = set()
        applied: list[FixOption] = []
        for option, _, _ in ranked:
            targets = _targets(option)
            if targets & touched:
                continue
            try:
                candidate = apply(current, option)
            except Void:
                continue
            keys = frozenset(self._keys(current_keys, candidate, option))
            introduced = keys - current_keys
            if any(self.severity.get(r) == "violation" for r, _ in introduced):
                continue
            if _vector(_count(keys, self.severity)) >= _vector(_count(current_keys,
                                                                      self.severity)):
                continue
            applied.append(self._option(option, current_keys - keys, introduced))
            current, current_keys = candidate, keys
            touched |= targets
        new = _validated(current)
        new_report = check(new, rules=self.rules, rules_only=self.rules_only, lang=self.lang)
        return Applied(school=new, applied=applied,
                       diff=compare(self.school, new, report, new_report))


def _targets(option: Sequence[Edit]) -> set[tuple[str, str]]:
    """What an option changes: two options that change the same item conflict."""
    out: set[tuple[str, str]] = set()
    for e in option:
        f = dict(e.fields)
        for name, kind in (("task", "task"), ("mandate", "mandate"), ("person", "person"),
                           ("route", "route")):
            if name in f:
                out.add((kind, f[name]))
        if e.kind == "give_mandate":
            out.add(("mandate", f"{f['from']}>{f['to']}"))
        if e.kind == "move_lead":
            out |= {("person", f["from"]), ("person", f["to"])}
        if e.kind == "add_task":
            out.add(("new_task", f["type"]))
    return out


_NONE = {
    "nl": {"escalation": "escalatie: het antwoord is een persoon die nu aan zet is, geen "
                         "wijziging van de verdeling",
           "no_fix": "de regel noemt geen wijziging die dit oplost",
           "no_option": "geen van de wijzigingen die de regel noemt doorstond de controle",
           "too_many": "niet geprobeerd: mandaat probeert ten hoogste {n} wijzigingen per "
                       "keer; pas eerst de voorstellen hierboven toe"},
    "en": {"escalation": "escalation: the answer is a person who acts now, not a change of "
                         "the division",
           "no_fix": "the rule names no edit that fixes this",
           "no_option": "none of the edits the rule names passed the check",
           "too_many": "not tried: mandaat tries at most {n} changes at a time; apply the "
                       "proposals above first"},
}

_RACI_WORDS = {
    "nl": {"accountable": "eindverantwoordelijk (A)", "responsible": "uitvoerend (R)",
           "consulted": "meedenkend (C)", "informed": "geïnformeerd (I)"},
    "en": {"accountable": "accountable (A)", "responsible": "responsible (R)",
           "consulted": "consulted (C)", "informed": "informed (I)"},
}


def describe(edit: Edit, names: Mapping[str, str], lang: str) -> str:
    """One edit in a sentence, in ``lang``."""
    f = dict(edit.fields)

    def n(key: str) -> str:
        value = f.get(key, "")
        return names.get(value, value)

    role = _RACI_WORDS[lang].get(f.get("as", ""), f.get("as", ""))
    nl = lang == "nl"
    role_label = V.ROLE_LABELS[lang].get(f.get("role", ""), f.get("role", ""))
    texts = {
        "add_letter": (f"Maak {n('who')} {role} bij '{n('task')}'",
                       f"Make {n('who')} {role} on '{n('task')}'"),
        "remove_letter": (f"Haal {n('who')} weg als {role} bij '{n('task')}'",
                          f"Take {n('who')} off as {role} on '{n('task')}'"),
        "move_letter": (f"Laat {n('to')} in plaats van {n('from')} {role} zijn bij "
                        f"'{n('task')}'",
                        f"Make {n('to')} {role} on '{n('task')}' instead of {n('from')}"),
        "set_accountable": (f"Maak {n('who')} eindverantwoordelijk voor '{n('task')}'",
                            f"Make {n('who')} accountable for '{n('task')}'"),
        "set_case_holder": (f"Maak {n('who')} casushouder van '{n('task')}'",
                            f"Make {n('who')} case holder of '{n('task')}'"),
        "set_type": (f"Geef '{n('task')}' als soort taak: {n('type')}",
                     f"Give '{n('task')}' the task type: {n('type')}"),
        "add_task": (f"Voeg een taak {n('type')} toe met {n('responsible')} als uitvoerende"
                     + (f" en {n('accountable')} als eindverantwoordelijke"
                        if f.get("accountable") else ""),
                     f"Add a task {n('type')} with {n('responsible')} responsible"
                     + (f" and {n('accountable')} accountable" if f.get("accountable") else "")),
        "give_mandate": (f"Laat {n('from')} {n('to')} een mandaat geven voor {n('scope')}, "
                         "bekendgemaakt aan het team",
                         f"Have {n('from')} grant {n('to')} a mandate for {n('scope')}, "
                         "told to the team"),
        "communicate_mandate": (f"Maak mandaat '{f.get('mandate')}' bekend aan het team",
                                f"Tell the team about mandate '{f.get('mandate')}'"),
        "set_mandate_from": (f"Laat {n('from')} mandaat '{f.get('mandate')}' geven",
                             f"Have {n('from')} grant mandate '{f.get('mandate')}'"),
        "name_deputy": (f"Maak {n('deputy')} de vervanger van {n('person')}",
                        f"Make {n('deputy')} the deputy of {n('person')}"),
        "add_role": (f"Geef {n('person')} de rol {role_label}",
                     f"Give {n('person')} the role {role_label}"),
        "remove_role": (f"Haal de rol {role_label} weg bij {n('person')}",
                        f"Take the role {role_label} from {n('person')}"),
        "move_lead": (f"Laat {n('to')} in plaats van {n('from')} leidinggeven aan "
                      f"{n('person')}",
                      f"Have {n('to')} lead {n('person')} instead of {n('from')}"),
        "remove_route": (f"Schrap de eigen route '{f.get('route')}': dan geldt de "
                         "standaardroute van de regels",
                         f"Drop the school's route '{f.get('route')}': the rules' default "
                         "route then applies"),
    }
    pair = texts[edit.kind]
    return pair[0] if nl else pair[1]
