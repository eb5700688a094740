"""The findings of a school as keys, with the matches that made each fire.

A verified fix needs two things of an evaluation that a report does not keep: the matches
behind each finding (a fix's placeholders are bound from them, as a finding's subjects
are), and, for every option tried, only *which* findings there are. Both come from the same
steps :func:`mandaat.check` takes (the facts, the engine, the grouping by rule and
subjects); nothing is rendered, which is most of what makes re-checking an option cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..evaluation import (
    SEVERITY_ORDER,
    _collector_paused,
    _compiled,
    _packs,
    _params,
    finding_subjects,
    grouped_matches,
    school_matches,
)
from ..rules import Rule, RulePack
from ..rules._engine import CompiledRules, Match
from ..school.model import School

#: A finding as the report identifies it: its rule and its subjects.
Key = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Evaluator:
    """Rule packs compiled once, to evaluate a school and the copies a fix makes of it."""

    packs: tuple[RulePack, ...]
    compiled: CompiledRules
    severity: dict[str, str]
    #: the evaluators of the rules that read some fact kinds, by those kinds
    _partial: dict[frozenset[str], Evaluator | None] = field(default_factory=dict,
                                                              compare=False, repr=False)

    @classmethod
    def of(cls, rules: Iterable[RulePack | str | Path] | None, rules_only: bool) -> Evaluator:
        packs = _packs(rules, rules_only)
        compiled = _compiled(packs)
        return cls(packs, compiled, {r.id: r.severity for r in compiled.rules})

    def groups(self, school: School, params: dict[str, float] | None = None
               ) -> dict[Key, tuple[Rule, list[Match]]]:
        """Every finding of ``school``, keyed as the report identifies it, with the rule
        that fired and its matches (the first is the one the report renders)."""
        if params is None:
            params = _params(school, self.packs)
        compiled = self.compiled
        with _collector_paused():
            _, matches = school_matches(school, self.packs, compiled, params)
        by_id = {r.id: r for r in compiled.rules}
        out: dict[Key, tuple[Rule, list[Match]]] = {}
        for (rule_id, subjects), group in grouped_matches(compiled, matches).items():
            rule = by_id[rule_id]
            out[(rule_id, tuple(finding_subjects(rule, subjects, group)))] = (rule, group)
        return out

    def keys(self, school: School, params: dict[str, float] | None = None) -> set[Key]:
        """Which findings ``school`` has (rule and subjects), as :meth:`groups` finds them."""
        return set(self.groups(school, params))

    def partial(self, kinds: frozenset[str] | None) -> Evaluator | None:
        """An evaluator of only the rules that read a fact of ``kinds`` (with the
        ``no_target`` rule where an escalation rule is among them); ``None`` for every
        rule. The findings of the other rules cannot change when only facts of ``kinds``
        do, so a copy that differs from the school in those facts alone is checked by the
        rules that read them, and keeps the school's findings of the others."""
        if kinds is None:
            return None
        if kinds not in self._partial:
            chosen = [r for r in self.compiled.rules if r.kind != "no_target"
                      and any(p.kind in kinds for b in r.branches for p in b)]
            if any(r.kind == "escalation" for r in chosen):
                chosen += [r for r in self.compiled.rules if r.kind == "no_target"]
            if len(chosen) == len(self.compiled.rules):
                self._partial[kinds] = None
            else:
                self._partial[kinds] = Evaluator(self.packs, _subset(self.compiled, chosen),
                                                 self.severity)
        return self._partial[kinds]

    def keys_after(self, base: dict[Key, object], copy: School, kinds: frozenset[str] | None,
                   params: dict[str, float]) -> set[Key]:
        """The findings of ``copy``, a copy of the school whose findings are ``base`` that
        differs from it only in facts of ``kinds`` (``None``: in any)."""
        part = self.partial(kinds)
        if part is None:
            return self.keys(copy, params)
        ids = {r.id for r in part.compiled.rules}
        return {k for k in base if k[0] not in ids} | part.keys(copy, params)

    def order(self, key: Key) -> tuple[int, str, tuple[str, ...]]:
        """The report's order of findings: severity, rule, subjects."""
        return (SEVERITY_ORDER[self.severity.get(key[0], "advice")], key[0], key[1])


def _subset(compiled: CompiledRules, rules: Sequence[Rule]) -> CompiledRules:
    return CompiledRules(rules, compiled.locations)


