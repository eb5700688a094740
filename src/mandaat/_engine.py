"""The one module that knows durable_rules exists.

It compiles mandaat's rule language to durable_rules rulesets, once per process for each
distinct set of rules, and evaluates a school's facts against them. What it designs
around (each has a regression test in ``tests/unit/test_engine.py``):

- ``Host()`` starts two timer threads that never stop and race with our calls: the
  ``_QuietHost`` below starts none, so evaluation happens only inside ``evaluate``.
- State per session id lives until ``delete_state`` (1,024 live ids raise
  ``MemoryError``): one fixed session id, used under a lock, deleted in ``finally``.
- Ids are looked up by a 32-bit hash: facts get short generated ids (``f0``, ``f1``, ...).
- ``$not`` ignores facts asserted after it, and a rule that starts with a negation never
  fires: every rule starts with a trigger fact that is asserted last.
- Native ``any`` fires on combinations of its branches: each branch is its own rule.
- A fact that no pattern looks at makes the whole batch fail: a sink rule looks at every
  fact and never fires.
- Its JSON parser reads an exponent only after a decimal point (``1e-05`` corrupts the
  session): such floats are nudged one step toward zero before they are asserted, and
  explanations report the original facts, looked up by id.
- Every action costs a JSON round trip of the session state and the matched facts: each
  rule carries a ``cap``, so one action receives all of its rule's matches at once.
- Exceptions inside an action are swallowed into the session state: actions only append
  to a list, and anything they raise is re-raised after the run.
- ``delete_state`` frees a session's action context, which is only initialised once an
  action has run: a session in which no rule fired crashes there. A heartbeat rule fires
  once in every evaluation.
- Ruleset names are global and reloading leaks: each ruleset is registered once.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from durable import engine as _durable

from . import facts as F
from .rules import Pattern, Rule, operations

_OPS = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
_SID = "1"
_NO_TARGET = -1
_HEARTBEAT = "heartbeat"
_CAP = 1_000_000


class EngineError(RuntimeError):
    """durable_rules failed on input mandaat validated: a bug in mandaat, not in the input."""


@dataclass(frozen=True)
class Match:
    """One firing of one compiled rule, as durable_rules matched it.

    ``alternative`` is the index into the rule's ``escalate_to`` that found the person who
    acts, ``None`` for a structural rule, or ``-1`` when no alternative found anyone.
    ``facts`` maps each alias to the fact it matched; ``absent`` maps each ``absent``
    pattern to what was looked for and not found.
    """

    rule: int
    branch: int
    alternative: int | None
    facts: Mapping[str, Mapping[str, Any]]
    absent: tuple[Mapping[str, Any], ...]
    target: str | None
    absent_named: Mapping[str, Mapping[str, Any]]

    def value(self, ref: str) -> Any:
        """The value of ``alias.field`` in this match (an ``absent`` alias gives what it
        looked for)."""
        alias, _, attr = ref.partition(".")
        fact = self.facts.get(alias)
        if fact is None:
            fact = self.absent_named[alias]
        return fact.get(attr, "")


@dataclass(frozen=True)
class _Plan:
    rule: int
    branch: int
    alternative: int | None
    absent_patterns: tuple[Pattern, ...]


@dataclass
class _Tests:
    """The tests of one pattern, sorted into the order durable_rules evaluates correctly.

    durable_rules 2.0.28 has two bugs in joins (``reduceExpressionSequence``): a join test
    that follows an ``$or`` in the same ``$and`` is skipped, and a failing non-equality
    join (``$gt``, ``$neq``, ... against another fact) reads past the end of the expression
    array (a crash that depends on memory layout). So: constant tests first, then equality
    joins, then every comparison join inside one ``$or`` of one ``$and``, and the ``$or``
    groups of constants last.
    """

    constants: list[dict[str, Any]] = field(default_factory=list)
    equal_joins: list[dict[str, Any]] = field(default_factory=list)
    compare_joins: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)

    def expression(self, kind: str) -> dict[str, Any]:
        tests: list[dict[str, Any]] = [{"k": kind}, *self.constants, *self.equal_joins]
        if self.compare_joins:
            inner = self.compare_joins
            tests.append({"$or": [inner[0] if len(inner) == 1 else {"$and": inner}]})
        tests.extend(self.choices)
        return {"$and": tests} if len(tests) > 1 else tests[0]


class CompiledRules:
    """A set of rules compiled to one durable_rules ruleset."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(rules)
        self.params_used: set[str] = set()
        self.workload_groups: set[str] = set()
        self._plans: dict[str, _Plan] = {}
        # The fields of each fact kind some pattern tests: durable_rules gets only these
        # (explanations report the whole original facts), and no fact of an unread kind.
        self._read: dict[str, set[str]] = {"holder": {"target"}}
        definition: dict[str, Any] = {}
        for ri, rule in enumerate(self.rules):
            if rule.kind == "no_target":
                continue
            for bi, branch in enumerate(rule.branches):
                if rule.kind == "escalation":
                    alts = list(range(len(rule.escalate_to))) + [_NO_TARGET]
                    for ai in alts:
                        name = f"r{ri}b{bi}a{ai if ai >= 0 else 'n'}"
                        definition[name] = self._compile(rule, ri, bi, branch, ai, name)
                else:
                    name = f"r{ri}b{bi}"
                    definition[name] = self._compile(rule, ri, bi, branch, None, name)
        definition["sink"] = {
            "all": [{"i_any": {"$ex": {"k": 1}}}, {"i_never": {"k": "__never__"}}],
            "run": "sink",
        }
        definition[_HEARTBEAT] = {"all": [{"i_trigger": {"k": "trigger"}}], "run": _HEARTBEAT}
        self.definition = definition
        self.fields = {kind: tuple(sorted(names)) for kind, names in self._read.items()}
        self.key = hashlib.sha256(
            json.dumps(definition, sort_keys=True).encode()
        ).hexdigest()[:16]

    def _compile(self, rule: Rule, ri: int, bi: int, branch: list[Pattern],
                 alternative: int | None, name: str) -> dict[str, Any]:
        params: list[str] = []
        body: list[dict[str, Any]] = []
        absent: list[Pattern] = []
        extra: dict[str, list[dict[str, Any]]] = {}
        kinds = {p.alias: p.kind for p in branch if p.alias}
        if alternative is not None:
            # Earlier alternatives found nobody; this one finds someone (or none does).
            last = len(rule.escalate_to) if alternative == _NO_TARGET else alternative
            for j, alt in enumerate(rule.escalate_to[: last + 1]):
                found = j == alternative
                if alt.field is not None:
                    alias, _, attr = alt.field.partition(".")
                    test = {"$neq": {attr: ""}} if found else {attr: ""}
                    extra.setdefault(alias, []).append(test)
                    self._read.setdefault(kinds[alias], set()).add(attr)
                else:
                    holder = {"$and": [{"k": "holder"}, {"target": alt.target}]}
                    if found:
                        body.append({"i_holder": holder})
                        self._read["holder"].add("person")
                    else:
                        body.append({f"i_none{j}$not": holder})
                        absent.append(Pattern(absent="holder", where={"target": alt.target}))
        patterns = []
        for pi, pattern in enumerate(branch):
            self._read.setdefault(pattern.kind, set()).update(pattern.where)
            tests = _Tests()
            for fname, cond in pattern.where.items():
                self._tests(pattern.kind, fname, cond, params, kinds, tests)
            if pattern.alias:
                tests.constants.extend(extra.get(pattern.alias, []))
            expr = tests.expression(pattern.kind)
            if pattern.fact:
                patterns.append({f"u_{pattern.alias}": expr})
            else:
                patterns.append({f"i_absent{pi}$not": expr})
                absent.append(pattern)
        head = [{"i_trigger": {"k": "trigger"}}]
        for p in dict.fromkeys(params):
            head.append({f"i_p_{p}": {"$and": [{"k": "param"}, {"name": p}]}})
        self.params_used.update(params)
        self._plans[name] = _Plan(ri, bi, alternative, tuple(absent))
        return {"all": head + patterns + body, "run": name, "cap": _CAP}

    def _tests(self, kind: str, fname: str, cond: Any, params: list[str],
               kinds: Mapping[str, str], out: _Tests) -> None:
        ftype = F.FACT_KINDS[kind][fname]
        for op, value in operations(cond).items():
            join = False
            if isinstance(value, dict) and "param" in value:
                params.append(value["param"])
                value, join = {f"i_p_{value['param']}": "value"}, True
            elif op in ("same_as", "not_same_as"):
                alias, _, attr = value.partition(".")
                self._read.setdefault(kinds[alias], set()).add(attr)
                value, join = {f"u_{alias}": attr}, True
                op = "eq" if op == "same_as" else "ne"
            elif ftype == "domain_set" and isinstance(value, list):
                value = F.domain_set_key(value)
                self.workload_groups.add(value)
            if op == "eq":
                (out.equal_joins if join else out.constants).append({fname: value})
            elif op in _OPS:
                test = {_OPS[op]: {fname: value}}
                (out.compare_joins if join else out.constants).append(test)
            elif op == "in":
                alts = [{fname: v} for v in value]
                if len(alts) == 1:
                    out.constants.append(alts[0])
                else:
                    out.choices.append({"$or": alts})
            elif op == "not_in":
                out.constants.extend({"$neq": {fname: v}} for v in value)
            else:  # pragma: no cover - the rule loader refuses unknown operators
                raise EngineError(f"operator {op!r} reached the compiler")

    def evaluate(self, facts: Sequence[Mapping[str, Any]], params: Mapping[str, float]
                 ) -> list[Match]:
        """Assert the facts, run the rules, and return every match (in firing order).

        A match names the facts by their engine id; the facts it reports are the ones
        given here, not durable_rules' JSON copies of them.
        """
        originals: dict[str, Mapping[str, Any]] = {}
        batch: list[dict[str, Any]] = []
        fields = self.fields
        for fact in facts:
            read = fields.get(fact["k"])
            if read is None:
                continue  # no rule looks at this kind
            fid = f"f{len(batch)}"
            originals[fid] = fact
            sent = {"k": fact["k"], "id": fid, "sid": _SID}
            for name in read:
                value = fact[name]
                sent[name] = _durable_number(value) if type(value) is float else value
            batch.append(sent)
        for name in sorted(self.params_used):
            batch.append({"k": "param", "name": name, "value": _durable_number(params[name]),
                          "id": f"f{len(batch)}", "sid": _SID})
        batch.append({"k": "trigger", "id": f"f{len(batch)}", "sid": _SID})
        fired = _ENGINE.run(self, batch)
        return [self._match(name, m, params, originals) for name, m in fired]

    def _match(self, name: str, matched: Mapping[str, Any], params: Mapping[str, float],
               originals: Mapping[str, Mapping[str, Any]]) -> Match:
        plan = self._plans[name]
        facts = {k[2:]: dict(originals[v["id"]]) for k, v in matched.items()
                 if k.startswith("u_")}
        target = matched["i_holder"]["person"] if "i_holder" in matched else None
        rule = self.rules[plan.rule]
        if plan.alternative is not None and plan.alternative >= 0:
            alt = rule.escalate_to[plan.alternative]
            if alt.field is not None:
                alias, _, attr = alt.field.partition(".")
                target = facts[alias][attr]
        absent = tuple(_looked_for(p, facts, params) for p in plan.absent_patterns)
        named = {p.alias: a for p, a in zip(plan.absent_patterns, absent, strict=True) if p.alias}
        return Match(plan.rule, plan.branch, plan.alternative, facts, absent, target, named)


def _durable_number(value: Any) -> Any:
    """A float that durable_rules' JSON parser reads back as the same comparisons.

    Its parser only takes an exponent after a decimal point: ``1e-05`` is read as ``1``
    followed by garbage, and the session's memory is corrupted. Such a float is moved
    toward zero to the next float that prints with a point (``9.999999999999999e-06``).

    >>> _durable_number(1e-05), _durable_number(1e16), _durable_number(5e-324)
    (9.999999999999999e-06, 9999999999999998.0, 0.0)
    >>> _durable_number(0.5), _durable_number(12)
    (0.5, 12)
    """
    if isinstance(value, float):
        # a subnormal may take more than one step; 0.0 always prints with a point
        while "e" in (text := repr(value)) and "." not in text:
            value = math.nextafter(value, 0.0)
    return value


def _looked_for(pattern: Pattern, facts: Mapping[str, Mapping[str, Any]],
                params: Mapping[str, float]) -> dict[str, Any]:
    """What an ``absent`` pattern looked for, with its joins resolved from the match."""
    out: dict[str, Any] = {"fact": pattern.kind, "absent": True}
    for fname, cond in pattern.where.items():
        for op, value in operations(cond).items():
            if isinstance(value, dict) and "param" in value:
                value = params[value["param"]]
            if op in ("same_as", "not_same_as"):
                alias, _, attr = value.partition(".")
                value = facts[alias][attr]
                op = "eq" if op == "same_as" else "ne"
            if isinstance(value, list) and F.FACT_KINDS[pattern.kind][fname] == "domain_set":
                value = F.domain_set_key(value)
            out[fname] = value if op == "eq" else {op: value}
    return out


class _QuietHost(_durable.Host):
    """A Host without the two timer threads ``Host.__init__`` starts."""

    def __init__(self, engine: _Engine):
        self._mandaat = engine
        super().__init__()

    def _run(self) -> None:
        return None

    def get_action(self, action_name: str):
        fired = self._mandaat.fired
        if action_name == _HEARTBEAT:
            def heartbeat(c):
                return None

            return heartbeat

        def action(c):  # durable_rules reads __code__: a plain one-argument function
            try:
                fired[-1].extend((action_name, m._d) for m in c.m)
            except Exception as exc:  # pragma: no cover - re-raised after the run
                self._mandaat.errors.append(exc)

        return action


class _Engine:
    """The process's one Host; evaluations run one at a time under its lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._host: _QuietHost | None = None
        self._names: dict[str, str] = {}
        self.fired: list[list[tuple[str, Any]]] = []
        self.errors: list[BaseException] = []

    def _ruleset(self, compiled: CompiledRules) -> str:
        if self._host is None:
            self._host = _QuietHost(self)
        name = self._names.get(compiled.key)
        if name is None:
            name = f"mandaat_{compiled.key}"
            definition = copy.deepcopy(compiled.definition)  # register_rulesets mutates it
            try:
                self._host.register_rulesets({name: definition})
            except Exception as exc:
                raise EngineError(f"durable_rules refused a compiled rule pack: {exc}") from exc
            self._names[compiled.key] = name
        return name

    def run(self, compiled: CompiledRules, batch: list[dict[str, Any]]
            ) -> list[tuple[str, Any]]:
        with self._lock:
            name = self._ruleset(compiled)
            assert self._host is not None
            self.fired.append([])
            self.errors.clear()
            try:
                self._host.assert_facts(name, batch)
            except (_durable.MessageNotHandledException,
                    _durable.MessageObservedException) as exc:
                raise EngineError(f"durable_rules refused the facts: {exc}") from None
            except Exception as exc:
                raise EngineError(f"durable_rules failed: {exc}") from exc
            finally:
                fired = self.fired.pop()
                # the state may not exist after a failed batch
                with contextlib.suppress(Exception):
                    self._host.delete_state(name, _SID)
            if self.errors:
                raise EngineError(f"a rule action failed: {self.errors[0]!r}")
            return fired

    def live_rulesets(self) -> int:
        """How many rulesets are registered (each distinct rule set once per process)."""
        return len(self._names)


_ENGINE = _Engine()

__all__ = ["CompiledRules", "EngineError", "Match"]
