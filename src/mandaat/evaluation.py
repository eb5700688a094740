"""``check`` and ``escalate``: evaluate a school against rule packs, and explain.

Every part of a finding (subjects, message, ``because``, ``path``, suggestion) is rendered
from the matches durable_rules produced in that one evaluation; nothing is worked out a
second way.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import operator
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from ._dutch import date_words
from .errors import (
    Problem,
    RulePackError,
    SchoolFileError,
    UnknownSignalError,
)
from .report import Escalation, Finding, Note, PackInfo, Report, SourceText
from .rules import (
    MAX_ENGINE_RULES,
    PLACEHOLDER,
    Rule,
    RuleLocations,
    RulePack,
    engine_rules,
    load_rules,
    packs_params,
    packs_routes,
    shared_default_pack,
)
from .rules._engine import CompiledRules, Match, run_within
from .rules.facts import SchoolFacts, field_order, public_fact, school_facts
from .rules.sources import registry
from .school import vocabulary as V
from .school.model import ParamRef, School

__all__ = ["check", "escalate", "ignored_params"]

Lang = Literal["nl", "en"]
SEVERITY_ORDER = {"violation": 0, "warning": 1, "advice": 2}


def check(
    school: School,
    *,
    rules: Iterable[RulePack | str | Path] | None = None,
    rules_only: bool = False,
    lang: Lang = "nl",
    timeout: float | None = None,
) -> Report:
    """Check a school's task division and return the report.

    Parameters
    ----------
    school
        A school from :func:`mandaat.load_school` (or ``School.model_validate``). A dict,
        a path or a file's text is refused with ``TypeError``: load it first, so that bad
        input is reported as :class:`SchoolFileError` with its lines.
    rules
        Extra rule packs (loaded packs, or paths to a pack file or folder), added to the
        bundled pack ``lbbo-2022``.
    rules_only
        Use only ``rules``, without the bundled pack. The school's params that only the
        bundled pack defines are then ignored (see :func:`ignored_params`).
    lang
        The language of messages and suggestions: ``"nl"`` or ``"en"``.
    timeout
        Seconds the evaluation may take (a positive number), or ``None`` for no limit.
        With a timeout the evaluation runs in a forked child process, which is killed
        when the time is up (see ``docs/engine.md``; Linux and macOS only).

    Returns
    -------
    Report
        Findings in a stable order; ``report.model_dump(mode="json")`` is the JSON report.

    Raises
    ------
    TypeError
        When ``school`` is not a :class:`School`.
    SchoolFileError
        When the school's ``params`` name a param no pack defines.
    RulePackError
        When a pack cannot be loaded, or packs define the same rule id, or a rule would
        match too many combinations of this school's facts (``join_too_large``).
    CheckTimeoutError
        When ``timeout`` seconds passed before the evaluation ended.
    """
    _require_school(school, "check")
    return _evaluate(school, rules, rules_only, lang, timeout).report


def _require_school(school: object, function: str) -> None:
    if not isinstance(school, School):
        kind = type(school).__name__
        raise TypeError(f"{function}() takes a School, not {kind}: load it first with "
                        f"mandaat.load_school(...), which reports bad input with its lines")


def escalate(
    school: School,
    signal_id: str,
    *,
    rules: Iterable[RulePack | str | Path] | None = None,
    rules_only: bool = False,
    lang: Lang = "nl",
    timeout: float | None = None,
) -> Escalation:
    """Answer "who acts now on this signal, and why?".

    The answer is the escalation finding of the same evaluation :func:`check` makes.
    When no escalation rule fires (an agreement broken, the conversation held, the count
    still below ``breach_count``), whoever handles the signal goes on.

    Raises
    ------
    TypeError
        When ``school`` is not a :class:`School` (load it with :func:`mandaat.load_school`).
    UnknownSignalError
        When the school has no signal ``signal_id`` (the known ids are suggested).
    CheckTimeoutError
        When ``timeout`` seconds (as for :func:`check`) passed before the evaluation ended.
    """
    _require_school(school, "escalate")
    known = [s.id for s in school.signals]
    if signal_id not in known:
        msg = f"no signal with id '{signal_id}'{V.did_you_mean(signal_id, known)}"
        msg += f"; known: {', '.join(known)}" if known else "; the school has no signals"
        src = school._source
        name = src.name if src is not None else "<school>"
        line = src.line_of(("signals",)) if src is not None else None
        raise UnknownSignalError([Problem(name, line, ("signals",), "unknown_signal", msg)])
    result = _evaluate(school, rules, rules_only, lang, timeout)
    for finding, kind in zip(result.report.findings, result.kinds, strict=True):
        if kind in ("escalation", "no_target") and finding.subjects[:1] == [signal_id]:
            return _read_as(result.report, Escalation(
                signal=signal_id, acts_now=finding.escalate_to,
                chain=finding.explanation.path, rule=finding.rule, title=finding.title,
                severity=finding.severity,
                message=finding.message, explanation=finding.explanation,
            ))
    signal = next(s for s in school.signals if s.id == signal_id)
    who = signal.handled_by
    labels = _labels(school, lang)
    name = labels.get(who, who) if who else None
    if lang == "nl":
        message = (f"Geen escalatie: geen regel draagt signaal {signal_id} over. "
                   + (f"{name} gaat ermee door." if who else "Niemand is ermee bezig."))
    else:
        message = (f"No escalation: no rule hands signal {signal_id} on. "
                   + (f"{name} carries on." if who else "Nobody is handling it."))
    return _read_as(result.report, Escalation(
        signal=signal_id, acts_now=who, chain=[who] if who else [], rule=None, severity=None,
        message=message, explanation=None))


# --- packs and their compiled form, cached per process -------------------------------------

_COMPILED: dict[tuple[int, ...], tuple[tuple[RulePack, ...], CompiledRules]] = {}
_COMPILED_LOCK = threading.Lock()
_COMPILED_MAX = 32


def _packs(rules: Iterable[RulePack | str | Path] | None, rules_only: bool) -> tuple[RulePack, ...]:
    extra = [r if isinstance(r, RulePack) else load_rules(r) for r in (rules or ())]
    packs = tuple(extra) if rules_only else (shared_default_pack(), *extra)
    if not packs:
        raise RulePackError([Problem("<rules>", None, (), "no_rules",
                                     "no rule packs: give at least one with --rules")])
    return packs


def prepare(rules: Iterable[RulePack | str | Path] | None = None, rules_only: bool = False
            ) -> None:
    """Compile the rule packs and register them with the engine now, as the first check
    would: processes forked afterwards start with them."""
    _compiled(_packs(rules, rules_only)).register()


def _compiled(packs: tuple[RulePack, ...]) -> CompiledRules:
    key = tuple(id(p) for p in packs)
    with _COMPILED_LOCK:
        cached = _COMPILED.get(key)
        if cached is not None and cached[0] == packs:
            return cached[1]
        # the same packs as other objects: loaded again from their files, or copied
        same = next((compiled for held, compiled in _COMPILED.values() if held == packs), None)
        if same is not None:
            _keep_compiled(key, packs, same)
            return same
        seen: dict[str, str] = {}
        problems = []
        for pack in packs:
            for rule in pack.rules:
                if rule.id in seen:
                    file, line = pack.locations[rule.id]
                    problems.append(Problem(file, line, ("rules",), "duplicate_rule",
                                            f"rule '{rule.id}' is also defined by pack "
                                            f"'{seen[rule.id]}'"))
                seen[rule.id] = pack.name
        all_rules = [r for p in packs for r in p.rules]
        if any(r.kind == "escalation" for r in all_rules) and not any(
                r.kind == "no_target" for r in all_rules):
            problems.append(Problem(packs[-1].origin, None, ("rules",), "no_target_rule",
                                    "escalation rules need a rule of kind 'no_target' to "
                                    "report a signal whose target role nobody holds"))
        total = sum(engine_rules(r) for r in all_rules)
        if total > MAX_ENGINE_RULES:
            problems.append(Problem(packs[-1].origin, None, ("rules",), "pack_limit",
                                    f"the rule packs together compile to {total:,} engine "
                                    f"rules; a check may have at most {MAX_ENGINE_RULES:,}"))
        if problems:
            raise RulePackError(problems)
        compiled = CompiledRules(all_rules, _OwnLocations(packs))
        _keep_compiled(key, packs, compiled)
        return compiled


class _OwnLocations(Mapping[str, tuple[str, int | None]]):
    """Where each rule of a set of packs stands, read from the pack that holds the rule,
    and only when an error asks (a pack's lines take a second read of its YAML). A pack's
    locations given as a plain dict are copied: changing it later changes no check."""

    def __init__(self, packs: Sequence[RulePack]):
        self._owner: dict[str, Mapping[str, tuple[str, int | None]]] = {}
        for pack in packs:
            where = (pack.locations if isinstance(pack.locations, RuleLocations)
                     else dict(pack.locations))
            self._owner.update(dict.fromkeys((rule.id for rule in pack.rules), where))

    def __getitem__(self, rule_id: str) -> tuple[str, int | None]:
        return self._owner[rule_id][rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._owner and rule_id in self._owner[rule_id]  # type: ignore[index]

    def __iter__(self) -> Iterator[str]:
        return (rule_id for rule_id in self._owner if rule_id in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _keep_compiled(key: tuple[int, ...], packs: tuple[RulePack, ...],
                   compiled: CompiledRules) -> None:
    # Packs loaded from a path on every call are new objects each time: keep the cache
    # small (an entry holds its packs, so their ids are not reused while it is kept).
    # durable_rules registers each distinct ruleset once, whatever this holds.
    while len(_COMPILED) >= _COMPILED_MAX:
        del _COMPILED[next(iter(_COMPILED))]
    _COMPILED[key] = (packs, compiled)


# --- evaluation ------------------------------------------------------------------------------


class _Result:
    def __init__(self, report: Report, kinds: list[str]):
        self.report, self.kinds = report, kinds


def _evaluate(school: School, rules, rules_only: bool, lang: str,
              timeout: float | None = None) -> _Result:
    if lang not in ("nl", "en"):
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)
                                or not 0 < timeout < float("inf")):
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    packs = _packs(rules, rules_only)
    compiled = _compiled(packs)
    params = _params(school, packs)
    if timeout is not None:
        return _within(timeout, school, compiled,
                       lambda: _evaluate_compiled(school, packs, compiled, params, lang))
    with _collector_paused():
        return _evaluate_compiled(school, packs, compiled, params, lang)


_PAUSE_LOCK = threading.Lock()
_pausing = 0  # checks running with the cycle collector paused
_was_enabled = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while checks run, and restore it after the last.

    A check allocates many short-lived objects that reference counting frees; the
    collector would walk the whole heap on the way, and with a 1,000-staff school that
    took an eighth of the check. Checks in several threads share one pause: the first to
    start records whether the collector was on, the last to end switches it back on.
    """
    global _pausing, _was_enabled
    with _PAUSE_LOCK:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()


def _within(timeout: float, school: School, compiled: CompiledRules,
            work: Callable[[], _Result]) -> _Result:
    """``work`` in a forked child that is killed after ``timeout`` seconds."""
    compiled.register()  # once, here: the child inherits it
    src = school._source
    return run_within(work, timeout, src.name if src is not None else "<school>")


def school_matches(school: School, packs: Sequence[RulePack], compiled: CompiledRules,
                   params: dict[str, float]) -> tuple[Any, list[Match]]:
    """The facts of ``school`` the compiled rules read, and the matches of one evaluation
    of them: what every finding of a check (and of ``mandaat fix``) is read from."""
    sf = check_facts(school, packs, compiled, params)
    return sf, compiled.evaluate(sf.facts, params)


def check_facts(school: School, packs: Sequence[RulePack], compiled: CompiledRules,
                params: dict[str, float]) -> SchoolFacts:
    """The facts of ``school`` that the compiled rules read, as a check builds them."""
    return school_facts(school, workload_groups=compiled.workload_groups,
                        kinds=compiled.fields, routes=packs_routes(packs), params=params,
                        member_flags=_member_flags(compiled))


def grouped_matches(compiled: CompiledRules, matches: Iterable[Match]
                    ) -> dict[tuple[str, tuple[str, ...]], list[Match]]:
    """The matches of one evaluation by finding: the rule (the pack's ``no_target`` rule for
    an escalation that ends at nobody) and its subjects, each group in a fixed order, the
    first the match that renders the finding."""
    no_target = next((r for r in compiled.rules if r.kind == "no_target"), None)
    groups: dict[tuple[str, tuple[str, ...]], list[Match]] = {}
    for m in matches:
        rule = compiled.rules[m.rule]
        subjects = tuple([str(m.value(ref)) for ref in rule.subjects])
        finding_rule = no_target if m.alternative == -1 and no_target else rule
        groups.setdefault((finding_rule.id, subjects), []).append(m)
    reprs: dict[int, str] = {}
    for group in groups.values():
        if len(group) > 1:  # the first match renders the message: make it the same one
            group.sort(key=lambda m: _match_repr(m, reprs))
    return groups


def _match_repr(m: Match, reprs: dict[int, str]) -> str:
    """``repr((m.branch, sorted(m.facts.items()), m.absent))``, written with the ``repr`` of
    each fact in ``reprs`` (by id; added where missing): the matches of a group share facts,
    and a fact's ``repr`` is most of the work."""
    facts = []
    for alias in sorted(m.facts):
        fact = m.facts[alias]
        text = reprs.get(id(fact))
        if text is None:
            text = reprs[id(fact)] = repr(fact)
        facts.append(f"({alias!r}, {text})")
    return f"({m.branch!r}, [{', '.join(facts)}], {m.absent!r})"


def _evaluate_compiled(school: School, packs: tuple[RulePack, ...], compiled: CompiledRules,
                       params: dict[str, float], lang: str) -> _Result:
    sf, matches = school_matches(school, packs, compiled, params)
    rule_params = {rid: names for p in packs for rid, names in p.rule_params.items()}
    groups = grouped_matches(compiled, matches)
    labels = _labels(school, lang)
    reading = _reading(school, packs, labels, lang)
    renderer = _Renderer(school, labels, lang, params, sf.walks, reading[1], reading[2])
    # each finding with the key it is ordered by (severity, rule, subjects) and its kind
    built: list[tuple[tuple[int, str, list[str]], Finding, str]] = []
    summary = dict.fromkeys(SEVERITY_ORDER, 0)
    by_id = {r.id: r for r in compiled.rules}
    for (rule_id, subjects), group in groups.items():
        rule = by_id[rule_id]
        origin = compiled.rules[group[0].rule]
        finding = renderer.finding(rule, origin, list(subjects), group,
                                   rule_params.get(origin.id, ()))
        severity = rule.severity
        built.append(((SEVERITY_ORDER[severity], rule_id, finding.subjects), finding, rule.kind))
        summary[severity] += 1
    built.sort(key=operator.itemgetter(0))
    findings = [f for _, f, _ in built]
    report = Report(
        school=school.school.name,
        as_of=school.reference_date,
        rule_packs=[PackInfo(name=p.name, version=p.version, rules=len(p.rules)) for p in packs],
        findings=findings,
        summary=summary,
        notes=_reading_notes(school, lang) + _notes(school, compiled, labels, lang),
    )
    report._reading = reading
    return _Result(report, [k for _, _, k in built])


def _read_as(report: Report, answer: Escalation) -> Escalation:
    answer._reading = report._reading
    return answer


def _reading(school: School, packs: Sequence[RulePack], labels: Mapping[str, str],
             lang: str) -> tuple[Any, ...]:
    """What the text and HTML reports need to read a report to people: names of ids,
    titles of rules, the packs' source registries, and which ids are people."""
    titles = {r.id: getattr(r.title, lang) for p in packs for r in p.rules if r.title}
    sources: dict[str, Any] = {}
    for pack in packs:
        sources.update(registry(pack.origin))
    return labels, titles, sources, {p.id for p in school.people}


def ignored_params(school: School, packs: Sequence[RulePack]) -> list[str]:
    """The school's params that only the bundled pack defines, where ``packs`` leave it out.

    A school file written for ``lbbo-2022`` may be checked with other packs only
    (``rules_only``): its params for the bundled pack are then ignored, not bad input.
    """
    bundled = shared_default_pack()
    if any(p is bundled for p in packs):
        return []
    defined = packs_params(packs)
    return sorted(n for n in school.params if n not in defined and n in bundled.params)


def _params(school: School, packs: Sequence[RulePack]) -> dict[str, float]:
    params = packs_params(packs)
    ignored = set(ignored_params(school, packs))
    problems = []
    for name in school.params:
        if name not in params and name not in ignored:
            src = school._source
            msg = (f"unknown param '{name}'{V.did_you_mean(name, params)}; "
                   f"the rule packs define: {', '.join(sorted(params)) or 'none'}")
            problems.append(src.problem(("params", name), "unknown_param", msg) if src else
                            Problem("<school>", None, ("params", name), "unknown_param", msg))
    for i, route in enumerate(school.routes):
        for j, step in enumerate(route.steps):
            for k, condition in enumerate(step.when):
                for field in ("after_weeks", "after_times"):
                    value = getattr(condition, field)
                    if isinstance(value, ParamRef) and value.param not in params:
                        loc = ("routes", i, "steps", j, "when", k, field, "param")
                        msg = (f"unknown param '{value.param}'"
                               f"{V.did_you_mean(value.param, params)}; the rule packs define: "
                               f"{', '.join(sorted(params)) or 'none'}")
                        src = school._source
                        problems.append(src.problem(loc, "unknown_param", msg) if src else
                                        Problem("<school>", None, loc, "unknown_param", msg))
    if problems:
        raise SchoolFileError(problems)
    return {**params, **{k: v for k, v in school.params.items() if k not in ignored}}


def _reading_notes(school: School, lang: str) -> list[Note]:
    """What reading the school noted (a workbook's sheets it did not read, or read under
    another name), and a division with nothing to judge: no tasks, or no people, is never
    a clean bill of health."""
    notes = [Note(kind=kind, subjects=[sheet], message=message[lang])
             for kind, sheet, message in getattr(school._source, "notes", ())]
    empty = [what for what, items in (("tasks", school.tasks), ("people", school.people))
             if not items]
    if empty:
        said = {"nl": {"tasks": "geen taken", "people": "geen personen"},
                "en": {"tasks": "no tasks", "people": "no people"}}[lang]
        what = (" en " if lang == "nl" else " and ").join(said[e] for e in empty)
        notes.append(Note(kind="nothing_to_judge", subjects=[], message=(
            f"Er is weinig te beoordelen: de taakverdeling heeft {what}. Dat er niets "
            "gevonden is, zegt dan niet dat de verdeling klopt." if lang == "nl" else
            f"There is little to judge: the task division has {what}. That nothing was "
            "found does not mean the division is right.")))
    return notes


def _notes(school: School, compiled: CompiledRules, labels: Mapping[str, str],
           lang: str) -> list[Note]:
    """What the rules could not judge: the workload of ib'ers without hours per task."""
    if "workload" not in compiled.fields:
        return []
    ib = [p for p in school.people if "ib" in V.targets_held(tuple(p.roles))]
    if not ib:
        return []
    with_hours = set().union(*[task.hours for task in school.tasks])
    unjudged = sorted((p for p in ib if p.id not in with_hours), key=lambda p: p.id)
    notes = []
    for p in unjudged:
        days = (f", {p.days_per_week:g} dag{'en' if p.days_per_week != 1 else ''} per week"
                .replace(".", ",")
                if lang == "nl" and p.days_per_week is not None else
                f", {p.days_per_week:g} day{'s' if p.days_per_week != 1 else ''} a week"
                if p.days_per_week is not None else "")
        message = (f"De werkdruk van {labels.get(p.id, p.id)} (ib'er{days}) is niet beoordeeld: "
                   "de taakverdeling geeft geen uren per taak. Met uren per taak kijkt mandaat "
                   "of beheer en zorg niet te veel tijd vragen." if lang == "nl" else
                   f"The workload of {labels.get(p.id, p.id)} (ib'er{days}) was not judged: "
                   "the task division gives no hours per task. With hours per task, mandaat "
                   "checks that administration and care do not take too much time.")
        notes.append(Note(kind="workload_not_judged", subjects=[p.id], message=message))
    return notes


@functools.lru_cache(maxsize=32)
@functools.lru_cache(maxsize=_COMPILED_MAX)
def _member_flags(compiled: CompiledRules) -> frozenset[str] | None:
    """What a member of a team on a task must be for a ``member_assignment`` pattern of
    the rules to match it: where every such pattern asks for one of ``who_ib``,
    ``who_schoolleider``, ... being true, the members who are none of these can match
    nothing, and no fact is made for them; ``None`` where some pattern could match
    anyone. Read once per compiled rule set, as many as are kept compiled."""
    flags: set[str] = set()
    for rule in compiled.rules:
        for branch in rule.branches:
            for pattern in branch:
                if pattern.kind != "member_assignment":
                    continue
                asked = {k for k, v in pattern.where.items()
                         if k in _WHO_FLAGS and v is True}
                if not asked:
                    return None
                flags |= asked
    return frozenset(flags)


_WHO_FLAGS = ("who_ib", "who_schoolleider", "who_leader", "who_teacher")


#: What in a school decides who acts where several qualify (:func:`routes.candidates`).
_DECIDES = {
    "nl": {"supervises": "'supervises' (welke ib'er welke groepen of bouw begeleidt), of "
                         "'handled_by' op het signaal",
           "groups": "een eigen route die de leraar noemt (person: ID)",
           "role": "een eigen route die de persoon noemt (person: ID)"},
    "en": {"supervises": "'supervises' (which ib'er supervises which groups or bouw), or "
                         "'handled_by' on the signal",
           "groups": "a route of the school's own that names the teacher (person: ID)",
           "role": "a route of the school's own that names the person (person: ID)"},
}


def _labels(school: School, lang: str) -> dict[str, str]:
    labels = {**V.STEP_ROLE_LABELS[lang], **V.SIGNAL_LABELS[lang], **V.TASK_TYPE_LABELS[lang],
              **V.DOMAIN_LABELS[lang], **V.RACI_LABELS[lang]}
    labels[V.ALL_STAFF] = V.ALL_STAFF_LABEL[lang]
    labels[V.PARENTS] = V.PARENTS_LABEL[lang]
    labels.update({r.id: r.title for r in school.routes if r.title})
    labels.update({e.id: e.label for e in school.externals})
    labels.update({t.id: t.name or t.id for t in school.teams})
    labels.update({t.id: t.label for t in school.tasks})
    labels.update({p.id: p.label for p in school.people})
    return labels


def finding_subjects(rule: Rule, subjects: Sequence[str], group: list[Match]) -> list[str]:
    """A finding's subjects: the rule's ``subjects``, and what its ``collect`` gathers over
    the group's matches, after them (before them with ``collect_first``)."""
    if not rule.collect:
        return list(subjects)
    gathered = list(collected(rule, group))
    return gathered + list(subjects) if rule.collect_first else list(subjects) + gathered


def collected(rule: Rule, group: list[Match]) -> tuple[str, ...]:
    """The subjects a rule's ``collect`` adds to a finding: the distinct values over the
    group's matches, in the order of their facts (``seq``), then by value."""
    values: dict[str, tuple[object, str]] = {}
    alias = (rule.collect or "").partition(".")[0]
    for m in group:
        fact = m.facts.get(alias, {})
        value = str(m.value(rule.collect))
        rank = (fact.get("seq", 0), value)
        values[value] = min(values.get(value, rank), rank)
    return tuple(sorted(values, key=values.__getitem__))


class _Renderer:
    def __init__(self, school: School, labels: Mapping[str, str], lang: str,
                 params: Mapping[str, float], walks: Mapping[str, Any],
                 titles: Mapping[str, str], sources: Mapping[str, Any]):
        self.labels, self.lang, self.params = labels, lang, params
        self._titles, self._source_info = titles, sources
        self._school = school
        self._tasks = {t.id: t for t in school.tasks}
        # the path each signal's route walk took: the same walks its walk facts came from
        self._walked = {signal: w.path for signal, (_, _, w) in walks.items()}
        self._chains = {signal: w.chain for signal, (_, _, w) in walks.items()}
        self._joined = {signal: w.joined for signal, (_, _, w) in walks.items() if w.joined}
        self._several = {signal: (w.several, w.decided_by)
                         for signal, (_, _, w) in walks.items() if w.several}
        # the end of each absence a walk passed, from the same walks
        self._until = {a: until for _, _, w in walks.values() for a, _, until in w.substitutes}
        self._routes = {r.id: r.title or r.id for r in school.routes}
        self._roles = {p.id: tuple(p.roles) for p in school.people}
        self._teams = {t.id for t in school.teams}
        self._alias_orders: dict[str, dict[str, int]] = {}
        self._sources: dict[str, SourceText] = {}
        #: id of a matched fact -> the fact as the report shows it; the facts of the
        #: check outlive the renderer, so an id names one fact throughout
        self._public: dict[int, dict[str, Any]] = {}

    def finding(self, rule: Rule, origin: Rule, subjects: list[str], group: list[Match],
                param_names: Sequence[str]) -> Finding:
        primary = group[0]
        subjects = finding_subjects(rule, subjects, group)
        no_target = rule is not origin
        target = None if no_target else primary.target
        walked = [f for f in primary.facts.values() if f.get("k") == "walk"]
        texts = rule
        if rule.otherwise is not None and target and not self._acts_as(target, rule.actor):
            texts = rule.otherwise  # a school's own route ends at someone else
        message_text = getattr(texts.message, self.lang)
        suggestion_text = getattr(texts.suggestion, self.lang)
        # who acts, with what they are, takes a look at their roles: only where it is shown
        shows_actor = "{actor" in message_text or "{actor" in suggestion_text
        extra = {"target": target or "", "rule": origin.id,
                 "rule_title": self._titles.get(origin.id, origin.id),
                 "subjects": ", ".join(subjects),
                 "actor": self._actor(target) if target and shows_actor else ""}
        if no_target:
            roles = V.STEP_ROLE_LABELS[self.lang]
            extra["target"] = _join(list(dict.fromkeys(
                roles.get(t, t) for t in [a.target for a in origin.escalate_to if a.target]
                + [f["role"] for f in walked])), self.lang)
        message = self.render(message_text, group, extra)
        if walked:
            message += "".join(self._walk_note(f) for f in walked if f.get("away"))
            message += "".join(self._joined_note(f) for f in walked
                               if f["signal"] in self._joined)
            message += "".join(self._several_note(f) for f in walked
                               if f["signal"] in self._several and f.get("person"))
            message += "".join(self._route_note(f["route"]) for f in walked
                               if f.get("route"))
        defaulted = sorted({f["who"] for m in group for f in m.facts.values()
                            if f.get("k") == "assignment" and f.get("by_default")})
        if defaulted:
            names = _join([self._name(w) for w in defaulted], self.lang)
            message += (f" Dat {names} hier eindverantwoordelijk is, volgt uit de standaard die "
                        "de school voor alle taken heeft vastgelegd, niet uit de taak zelf."
                        if self.lang == "nl" else
                        f" That {names} is accountable here follows from the school's default "
                        "for all tasks, not from the task itself.")
        source = self._sources.get(rule.id)
        if source is None:
            info = self._source_info.get(rule.source.text)
            source = self._sources[rule.id] = SourceText(
                text=rule.source.text, quote=rule.source.quote,
                title=info.title if info is not None else "")
        # validated as one document: a finding and its explanation in one call to
        # pydantic's validator, not one for each model
        return Finding.model_validate({
            "rule": rule.id,
            "title": self._titles.get(rule.id, ""),
            "severity": rule.severity,
            "subjects": subjects,
            "escalate_to": target,
            "message": message,
            "explanation": {
                "because": self._because(origin, group),
                "path": self._path(origin, primary, target),
                "params": {n: self.params[n] for n in param_names} if param_names else {},
                "source": source,
                "suggestion": self.render(suggestion_text, group, extra),
            },
        })

    def _because(self, rule: Rule, group: list[Match]) -> list[dict[str, Any]]:
        """The facts of the group's matches in the order the rule names them, then what
        each match found absent; each distinct fact once."""
        order = self._alias_orders.get(rule.id)
        if order is None:
            order = self._alias_orders[rule.id] = {}
            for branch in rule.branches:
                for pattern in branch:
                    if pattern.alias:
                        order.setdefault(pattern.alias, len(order))
        public = self._public
        items: list[Mapping[str, Any]] = []
        for m in group:
            facts = m.facts
            for alias in sorted(facts, key=order.__getitem__):
                fact = facts[alias]
                shown = public.get(id(fact))
                if shown is None:
                    shown = public[id(fact)] = public_fact(fact)
                items.append(shown)
            items += m.absent
        if len(items) > 1:
            items = _distinct(items)
        return [_ordered(item) if item.get("absent") else item for item in items]

    def _route_note(self, route: str) -> str:
        """Which route was walked, where it is the school's own and not the pack's."""
        title = self._routes.get(route, route)
        return (f" (Volgens de eigen route van de school: '{title}'.)" if self.lang == "nl"
                else f" (By the school's own route: '{title}'.)")

    def _several_note(self, walked: Mapping[str, Any]) -> str:
        """That several qualified where the walk came, the first by id acts, and what in
        the school would decide it."""
        several, by = self._several[walked["signal"]]
        names = _join([self._name(p) for p in several], self.lang)
        decides = _DECIDES[self.lang][by]
        return (f" Meer mensen komen in aanmerking ({names}); niets in de school kiest tussen "
                f"hen, dus is het de eerste op id. Wat zou beslissen: {decides}."
                if self.lang == "nl" else
                f" Several qualify ({names}); nothing in the school chooses between them, so "
                f"it is the first by id. What would decide it: {decides}.")

    def _joined_note(self, walked: Mapping[str, Any]) -> str:
        """Who joined the one who acts, as the route's ``joins`` steps say."""
        who = _join([self._name(p) for p in self._joined[walked["signal"]]], self.lang)
        acts = self._name(walked.get("person", ""))
        return (f" {who} sluit aan bij het gesprek; {acts} blijft aan zet." if self.lang == "nl"
                else f" {who} joins the conversation; {acts} stays the one who acts.")

    def _walk_note(self, walked: Mapping[str, Any]) -> str:
        """A sentence on the absent person a walk passed, or stopped at."""
        why = walked.get("nobody")
        chain = self._chains.get(walked["signal"], ())
        if why in ("cycle", "too_far") and len(chain) >= 2:
            return self._deputies_note(why, chain)
        absent, deputy = self._name(walked["away"]), walked.get("person")
        until = date_words(walked.get("until", ""), self.lang)
        if self.lang == "nl":
            away = f" {absent} is afwezig" + (f" tot {until}" if until else "")
            return (away + f"; {self._name(deputy)} is de vervanger." if deputy else
                    away + " en heeft geen vervanger.")
        away = f" {absent} is away" + (f" until {until}" if until else "")
        return (away + f"; {self._name(deputy)} stands in." if deputy else
                away + " and has no deputy.")

    def _deputies_note(self, why: str, chain: Sequence[str]) -> str:
        """A sentence on deputies who are all away: a cycle of them (``chain`` ends with the
        one it comes back to), or more of them than a walk follows."""
        nl = self.lang == "nl"
        first = self._name(chain[0])
        until = date_words(self._until.get(chain[0], ""), self.lang)
        away = (f" {first} is afwezig" + (f" tot {until}" if until else "") if nl else
                f" {first} is away" + (f" until {until}" if until else ""))
        if why == "too_far":
            n, last = len(chain) - 1, self._name(chain[-1])
            if nl:
                return (f"{away}; ook de {n} vervangers daarna, tot en met {last}, zijn "
                        f"afwezig, en verder dan {n} vervangers zoekt mandaat niet.")
            return (f"{away}; the {n} deputies after them, up to {last}, are away too, and "
                    f"mandaat looks no further than {n} deputies.")
        others = [self._name(p) for p in chain[1:-1]]
        back, last = self._name(chain[-1]), self._name(chain[-2])
        if not others:
            return (f"{away} en is de eigen vervanger: niemand anders vervangt." if nl else
                    f"{away} and is their own deputy: nobody else stands in.")
        if nl:
            who = (f"de vervanger {others[0]} is ook afwezig en heeft" if len(others) == 1
                   else f"de vervangers {_join(others, 'nl')} zijn ook afwezig en {last} "
                   "heeft")
            return (f"{away}; {who} {back} als vervanger: de vervangers vormen een kring en "
                    "niemand van hen is er.")
        who = (f"the deputy {others[0]} is away too and has" if len(others) == 1
               else f"the deputies {_join(others, 'en')} are away too and {last} has")
        return (f"{away}; {who} {back} as deputy: the deputies form a cycle and none of "
                "them is present.")

    def _acts_as(self, who: str, actor: str | None) -> bool:
        """Whether ``who`` (a person, team or outside party) is the one a rule's texts speak
        of as acting: a person who holds the ``actor`` role."""
        roles = self._roles.get(who)
        if roles is None or actor is None:
            return roles is not None
        return actor in roles if actor == "leraar" else V.holds_target(actor, roles)

    def _actor(self, who: str | None) -> str:
        """Who acts, with what they are: "Tom Mulder (leraar)", "Zorgteam (team)"."""
        if not who:
            return self._name("")
        nl = self.lang == "nl"
        roles = self._roles.get(who)
        if roles is not None:
            what = _join([V.ROLE_LABELS[self.lang][r] for r in V.ROLES if r in roles],
                         self.lang)  # in the vocabulary's order: the file's means nothing
        elif who in self._teams:
            what = "team"
        else:
            what = "externe partij" if nl else "outside party"
        return f"{self._name(who)} ({what})" if what else self._name(who)

    def _path(self, rule: Rule, m: Match, target: str | None) -> list[str]:
        path: list[str] = []
        for item, alias, attr, step in _path_steps(tuple(rule.path)):
            if item == "target":
                values = [target] if target else []
            else:
                value = str(m.field(alias, attr))
                values = (self._accountable(value) if step == "accountable"
                          else list(self._walked.get(value, [])) if step == "walk"
                          else [value])
            for v in values:
                if v and (not path or path[-1] != v):
                    path.append(v)
        return path

    def _accountable(self, task_id: str) -> list[str]:
        task = self._tasks.get(task_id)
        return sorted(self._school.accountable_of(task)[0]) if task is not None else []

    def render(self, template: str, group: list[Match], extra: Mapping[str, str]) -> str:
        """``template`` with each placeholder replaced by what it shows for this group."""
        texts, placeholders = _template(template)
        out = [texts[0]]
        first = group[0]
        for placeholder, text in zip(placeholders, texts[1:], strict=True):
            ref, fmt, alias, attr = placeholder
            if fmt in ("", "name") and alias is not None and ref not in extra:
                # most placeholders: one field of the first match, as it is or by name (a
                # number as %g either way); the others are read by _other_value
                value = first.field(alias, attr)
                if isinstance(value, float):
                    out.append(f"{value:g}")
                else:
                    out.append(self._name(str(value)) if fmt == "name" else str(value))
            else:
                out.append(self._other_value(placeholder, group, extra))
            out.append(text)
        return "".join(out)

    def _other_value(self, placeholder: tuple[str, str, str | None, str],
                     group: list[Match], extra: Mapping[str, str]) -> str:
        """What a placeholder ``{ref|fmt}`` shows for this group that :meth:`render` does
        not read itself: a value of the finding (``extra``), a param, every value over the
        group (``all``, ``names``), or a share as a percentage (``pct``)."""
        ref, fmt, alias, attr = placeholder
        if ref in extra:
            value = extra[ref]
            return self._name(value) if fmt == "name" and value else value
        if alias is None:
            value = self.params[attr]
            return f"{value:.0%}" if fmt == "pct" else f"{value:g}"
        if fmt in ("all", "names"):
            values = sorted({str(m.field(alias, attr)) for m in group}, key=_vocab_order)
            shown = [self._name(v) for v in values] if fmt == "names" else values
            return _join(shown, self.lang)
        if fmt != "pct":  # pragma: no cover - rules lint refuses any other format
            raise ValueError(f"no format {fmt!r} in a placeholder")
        return f"{float(group[0].field(alias, attr)):.0%}"

    def _name(self, value: str) -> str:
        if not value:
            return "(niemand)" if self.lang == "nl" else "(nobody)"
        return self.labels.get(value, value)


@functools.lru_cache(maxsize=1024)
def _template(template: str
              ) -> tuple[tuple[str, ...], tuple[tuple[str, str, str | None, str], ...]]:
    """A message template split at its placeholders: the texts around them, and each
    placeholder's ref, format, and what the ref names: an alias and a field, or, for
    ``param.<name>``, ``None`` and the param's name.

    >>> _template("{a.person|name} is away, {param.n}.")
    (('', ' is away, ', '.'), (('a.person', 'name', 'a', 'person'), ('param.n', '', None, 'n')))
    """
    parts = PLACEHOLDER.split(template)
    placeholders = tuple(
        (ref, fmt, None, ref[6:]) if ref.startswith("param.")
        else (ref, fmt, *ref.partition(".")[::2])
        for ref, _, fmt in (p.partition("|") for p in parts[1::2]))
    return tuple(parts[0::2]), placeholders


@functools.lru_cache(maxsize=256)
def _path_steps(path: tuple[str, ...]) -> tuple[tuple[str, str, str, str], ...]:
    """A rule's ``path`` read once: each item, with the alias and field its ref names and
    the step after ``>`` (``""`` without one).

    >>> _path_steps(("s.signal>walk", "target"))
    (('s.signal>walk', 's', 'signal', 'walk'), ('target', 'target', '', ''))
    """
    steps = []
    for item in path:
        ref, _, step = item.partition(">")
        alias, _, attr = ref.partition(".")
        steps.append((item, alias, attr, step))
    return tuple(steps)


_DOMAIN_ORDER = {d: i for i, d in enumerate(V.DOMAINS)}


def _vocab_order(value: str) -> tuple[int, str]:
    return (_DOMAIN_ORDER.get(value, len(_DOMAIN_ORDER)), value)


def _join(values: Sequence[str], lang: str) -> str:
    if len(values) <= 1:
        return "".join(values)
    word = " en " if lang == "nl" else " and "
    return ", ".join(values[:-1]) + word + values[-1]


def _distinct(items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``items`` without repeats, in order: an item repeats an earlier one with the same
    keys and values as ``repr`` writes them (``1``, ``1.0`` and ``True`` differ).

    >>> _distinct([{"fact": "a", "n": 1}, {"fact": "a", "n": 1.0}, {"fact": "a", "n": 1}])
    [{'fact': 'a', 'n': 1}, {'fact': 'a', 'n': 1.0}]
    """
    kept: list[Mapping[str, Any]] = []
    first: dict[tuple[Any, int], Mapping[str, Any]] = {}
    seen: dict[tuple[Any, int], set[tuple[tuple[str, Any, type], ...]]] = {}
    same: set[int] = set()  # the items kept, by identity: an item is the same as itself
    for item in items:
        if id(item) in same:
            continue
        alike = (item.get("fact"), len(item))  # only facts alike in these can be the same
        earlier = first.setdefault(alike, item)
        if earlier is not item:
            keys = seen.get(alike)
            if keys is None:
                keys = seen[alike] = {_key(earlier)}
            key = _key(item)
            if key in keys:
                continue
            keys.add(key)
        kept.append(item)
        same.add(id(item))
    return kept


def _key(item: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[Any, ...], tuple[type, ...]]:
    """What ``repr`` writes of an item, in a form that is quicker to make and to compare:
    its fields' names in order, their values, and the values' types (text, whole numbers,
    booleans and ``None`` compare equal exactly when ``repr`` writes them alike; other
    values are compared as ``repr`` writes them).

    >>> _key({"n": 1}) == _key({"n": True}), _key({"n": 0.0}) == _key({"n": -0.0})
    (False, False)
    >>> _key({"b": "x", "a": [1.0]}) == _key({"a": [1.0], "b": "x"})
    True
    """
    names, values_of = _by_name(tuple(item))
    values = values_of(item)
    types = tuple(map(type, values))
    if not _PLAIN.issuperset(types):
        values = tuple(v if type(v) in _PLAIN else repr(v) for v in values)
    return names, values, types


_PLAIN = frozenset((str, int, bool, type(None)))


@functools.lru_cache(maxsize=256)
def _by_name(names: tuple[str, ...]
             ) -> tuple[tuple[str, ...], Callable[[Mapping[str, Any]], tuple[Any, ...]]]:
    """The names of an item's fields in order, and what reads their values in that order."""
    ordered = tuple(sorted(names))
    if len(ordered) >= 2:
        return ordered, operator.itemgetter(*ordered)
    return ordered, lambda item: tuple(item[name] for name in ordered)


def _ordered(item: Mapping[str, Any]) -> dict[str, Any]:
    """Order a fact's keys as its kind declares them; drop role flags a person lacks."""
    kind = item.get("fact")
    out: dict[str, Any] = {"fact": kind}
    if item.get("absent"):
        out["absent"] = True
    declared, undeclared = field_order(kind, tuple(item))
    for key in declared:
        if not (item[key] is False and kind == "person" and key in V.ROLES):
            out[key] = item[key]
    for key in undeclared:
        if key not in out:
            out[key] = item[key]
    return out
