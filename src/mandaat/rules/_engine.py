"""The one module that knows durable_rules exists.

It compiles mandaat's rule language to durable_rules rulesets, once per process for each
distinct set of rules, and evaluates a school's facts against them. What it designs
around (each has a regression test in ``tests/unit/test_engine.py``):

- ``Host()`` starts two timer threads that never stop and race with our calls, and its
  action machinery makes a JSON round trip of the session state for every action: the
  wrapper calls the C API itself (the version is pinned), so evaluation happens only
  inside ``evaluate``, and only the matches are decoded.
- State per session id lives until ``delete_state`` (1,024 live ids raise
  ``MemoryError``): one fixed session id, used under a lock, deleted in ``finally``.
- Ids are looked up by a 32-bit hash: facts get short generated ids (``f0``, ``f1``, ...).
- ``$not`` ignores facts asserted after it, and a rule that starts with a negation never
  fires: every rule starts with a trigger fact that is asserted last.
- Native ``any`` fires on combinations of its branches: each branch is its own rule.
- Every stored fact takes a fixed 6,840-byte node in a pool that grows by copying: only
  the facts that can take part in a match are sent (:mod:`mandaat.rules._prefilter`). A fact no
  pattern looks at is reported by the C API, which goes on with the rest of the batch.
- Its JSON parser reads an exponent only after a decimal point (``1e-05`` corrupts the
  session, and fails a rule definition): such floats, in facts and in rules alike, are
  nudged one step toward zero, and explanations report the original facts, looked up by id.
- Each rule carries a ``cap``, so one action receives all of its rule's matches at once.
- ``delete_state`` frees a session's action context, which is only initialised once an
  action has run: a session in which no rule fired crashes there. A heartbeat rule fires
  once in every evaluation.
- Registering a ruleset costs memory that is never given back: each is registered once.
- A session's pools are allocated anew for every evaluation; glibc maps the large ones
  afresh each time, and page faults cost more than the matching:
  :func:`keep_pools_in_the_heap` has them kept in the heap.
- Two patterns of one rule never bind the same fact unless the rule says ``dist: 0``:
  every rule says so, so that patterns are independent, as the rule language reads.
- Its tables have fixed sizes, and several of them fail without an error when full: a test
  with 512 tests after it loops forever (an ``in`` list of 505 values did), 65 alpha nodes
  matching one fact at once, or a rule with 17 positive patterns, crash the process; 257
  rules after one test fail registration (code 108). :class:`_Network` models the tables
  of a ruleset, and the compiled rules are shared out over as many rulesets as keep every
  table well inside its size; a long ``in`` list is tested on a field computed per fact.
- The C calls hold the GIL, so no thread can stop a runaway evaluation:
  :func:`run_forked` runs one in a child process that can be killed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import pickle
import platform
import select
import signal
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

try:
    import durable_rules_engine as _rules
except ImportError as _exc:  # pragma: no cover - depends on how durable-rules was built
    if "PyEval_CallObject" not in str(_exc):
        raise
    raise ImportError(
        "durable-rules was built without the define Python 3.13 and newer need, so its C "
        "engine cannot be loaded. Build it again with:\n"
        "    CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install --force-reinstall "
        "--no-cache-dir --no-binary durable-rules durable-rules==2.0.28"
    ) from None

from ..errors import CheckTimeoutError, MandaatInputError, Problem, RulePackError
from . import MAX_CHECK_JOIN_SIZE, MAX_JOIN_SIZE, Pattern, Rule, operations
from . import facts as F
from ._prefilter import Prefilter

_OPS = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
_SID = "1"
_NO_TARGET = -1
_HEARTBEAT = "heartbeat"
_CAP = 1_000_000
_OBSERVED = 2  # assert_facts' code for a fact id seen before

# durable_rules 2.0.28's fixed sizes, and how much of each one ruleset may use.
_NATIVE_IN = 8        # longer in/not_in lists are tested on a field computed per fact
_MAX_EXPRESSIONS = 31  # MAX_SEQUENCE_EXPRESSIONS 32: the $and/$or markers and joins of a pattern
_MAX_TESTS = 255      # NEXT_BUCKET_LENGTH 512: the tests after one test (full: loops forever)
_MAX_FORWARD = 120    # NEXT_LIST_LENGTH 128: the $or groups one alternative belongs to
_MAX_BETAS = 250      # BETA_LIST_LENGTH 256: the patterns that end at one test (code 108)
_MAX_STACK = 60       # MAX_STACK_SIZE 64: alpha nodes pending for one fact (65 crash)
_MAX_FIELDS = 200     # MAX_OBJECT_PROPERTIES 255: the fields of one fact (code 302)

_HEARTBEAT_RULE = {"all": [{"i_trigger": {"k": "trigger"}}], "run": _HEARTBEAT}

T = TypeVar("T")


class EngineError(RuntimeError):
    """durable_rules failed on input mandaat validated: a bug in mandaat, not in the input."""


@dataclass(slots=True)
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
        return self.field(alias, attr)

    def field(self, alias: str, attr: str) -> Any:
        """The value of field ``attr`` of the fact ``alias`` matched (see :meth:`value`)."""
        fact = self.facts.get(alias)
        if fact is None:
            fact = self.absent_named[alias]
        return fact.get(attr, "")


@dataclass(frozen=True)
class _Absent:
    """What an ``absent`` pattern looks for, read once from its ``where``: each test as
    (field, operator, where its operand comes from, operand). The operand is a constant
    (``"value"``), a param's name (``"param"``), or the alias and field a join reads
    (``"join"``); ``same_as`` and ``not_same_as`` read as ``eq`` and ``ne``."""

    kind: str
    alias: str | None
    tests: tuple[tuple[str, str, str, Any], ...]

    @classmethod
    def of(cls, pattern: Pattern) -> _Absent:
        tests = []
        for fname, cond in pattern.where.items():
            for op, value in operations(cond).items():
                source = "value"
                if isinstance(value, dict) and "param" in value:
                    source, value = "param", value["param"]
                elif op in ("same_as", "not_same_as"):
                    alias, _, attr = value.partition(".")
                    source, value = "join", (alias, attr)
                    op = "eq" if op == "same_as" else "ne"
                else:
                    value = _as_held(pattern.kind, fname, op, value)
                tests.append((fname, op, source, value))
        return cls(pattern.kind, pattern.alias, tuple(tests))


@dataclass(frozen=True)
class _Plan:
    rule: int
    branch: int
    alternative: int | None
    absent: tuple[_Absent, ...]


@dataclass
class _Reads:
    """What one compiled rule reads: fields per fact kind, params, computed fields."""

    fields: dict[str, set[str]] = field(default_factory=dict)
    params: list[str] = field(default_factory=list)
    members: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, *names: str) -> None:
        self.fields.setdefault(kind, set()).update(names)


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
    #: short ``in`` lists, as (field, values): each becomes an ``$or`` group
    choices: list[tuple[str, list[Any]]] = field(default_factory=list)
    #: long ``in``/``not_in`` lists, as (field, values, in): one computed field tests them
    members: list[tuple[str, frozenset[Any], bool]] = field(default_factory=list)

    def expressions(self) -> int:
        """How many entries durable_rules keeps in the pattern's expression sequence:
        two for each ``$and`` and ``$or``, one for each join."""
        n = 2 + len(self.equal_joins) + 2 * len(self.choices)
        if self.compare_joins:
            n += 2 + len(self.compare_joins) + (2 if len(self.compare_joins) > 1 else 0)
        return n

    def expression(self, kind: str) -> dict[str, Any]:
        tests: list[dict[str, Any]] = [{"k": kind}, *self.constants, *self.equal_joins]
        if self.compare_joins:
            inner = self.compare_joins
            tests.append({"$or": [inner[0] if len(inner) == 1 else {"$and": inner}]})
        tests.extend({"$or": [{fname: v} for v in values]} for fname, values in self.choices)
        return {"$and": tests} if len(tests) > 1 else tests[0]


@dataclass(frozen=True)
class _Ruleset:
    """One durable_rules ruleset: a share of the compiled rules, with its heartbeat."""

    definition: dict[str, Any]
    #: per fact kind: the fields sent, and the names of the computed fields
    fields: dict[str, tuple[str, ...]]
    members: dict[str, tuple[str, ...]]
    params: tuple[str, ...]
    key: str


@dataclass(frozen=True)
class _JoinPattern:
    """A ``fact`` pattern as the join-size estimate sees it."""

    kind: str
    #: (field, operator, operand): constants, and comparisons with a param (``("param", x)``)
    tests: tuple[tuple[str, str, Any], ...]
    #: a field that must equal a field of an earlier pattern (``same_as``), if any
    joined_on: str | None


class CompiledRules:
    """A set of rules compiled to one or more durable_rules rulesets.

    ``locations`` maps a rule id to the file and line it stands on, for the error that
    refuses a rule whose join would be too large for a school.
    """

    def __init__(self, rules: Sequence[Rule],
                 locations: Mapping[str, tuple[str, int | None]] | None = None):
        self.rules = tuple(rules)
        self.locations = locations if locations is not None else {}
        self.workload_groups: set[str] = set()
        self._plans: dict[str, _Plan] = {}
        # (kind, tests) -> the name of the computed field that holds whether a fact passes
        # a pattern's long in/not_in lists; tests are (field, values, in)
        self._members: dict[tuple[str, tuple[tuple[str, frozenset[Any], bool], ...]], str] = {}
        self._joins: list[tuple[int, int, tuple[_JoinPattern, ...]]] = []
        compiled: list[tuple[str, dict[str, Any], _Reads]] = []
        for ri, rule in enumerate(self.rules):
            if rule.kind == "no_target":
                continue
            for bi, branch in enumerate(rule.branches):
                self._joins.append((ri, bi, _join_patterns(branch)))
                if rule.kind == "escalation":
                    alts = list(range(len(rule.escalate_to))) + [_NO_TARGET]
                    for ai in alts:
                        name = f"r{ri}b{bi}a{ai if ai >= 0 else 'n'}"
                        compiled.append((name, *self._compile(rule, ri, bi, branch, ai, name)))
                else:
                    name = f"r{ri}b{bi}"
                    compiled.append((name, *self._compile(rule, ri, bi, branch, None, name)))
        self.rulesets = _share_out(compiled)
        self._prefilters = [Prefilter(rs.definition, _durable_number) for rs in self.rulesets]
        #: (fact kind, fields sent) -> how such a fact is written into a batch
        self._layouts: dict[tuple[str, tuple[str, ...]], tuple[str, Any]] = {}
        #: every fact kind some pattern reads, with the fields sent of it
        self.fields = {kind: tuple(sorted({n for rs in self.rulesets
                                           for n in rs.fields.get(kind, ())}))
                       for kind in sorted({k for rs in self.rulesets for k in rs.fields})}
        self.params_used = {p for rs in self.rulesets for p in rs.params}

    def _compile(self, rule: Rule, ri: int, bi: int, branch: list[Pattern],
                 alternative: int | None, name: str) -> tuple[dict[str, Any], _Reads]:
        reads = _Reads()
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
                    reads.add(kinds[alias], attr)
                else:
                    holder = {"$and": [{"k": "holder"}, {"target": alt.target}]}
                    reads.add("holder", "target")
                    if found:
                        body.append({"i_holder": holder})
                    else:
                        body.append({f"i_none{j}$not": holder})
                        absent.append(Pattern(absent="holder", where={"target": alt.target}))
        patterns = []
        for pi, pattern in enumerate(branch):
            reads.add(pattern.kind)
            tests = _Tests()
            for fname, cond in pattern.where.items():
                self._tests(pattern.kind, fname, cond, kinds, tests, reads)
            if pattern.alias:
                tests.constants.extend(extra.get(pattern.alias, []))
            while tests.choices and tests.expressions() > _MAX_EXPRESSIONS:
                fname, _ = tests.choices.pop()
                keys = [self._key(F.FACT_KINDS[pattern.kind][fname], v)
                        for v in operations(pattern.where[fname])["in"]]
                tests.members.append((fname, frozenset(keys), True))
            if tests.members:
                tests.constants.append(self._member(pattern.kind, tests.members, reads))
            expr = tests.expression(pattern.kind)
            if pattern.fact:
                patterns.append({f"u_{pattern.alias}": expr})
            else:
                patterns.append({f"i_absent{pi}$not": expr})
                absent.append(pattern)
        head = [{"i_trigger": {"k": "trigger"}}]
        for p in dict.fromkeys(reads.params):
            head.append({f"i_p_{p}": {"$and": [{"k": "param"}, {"name": p}]}})
        self._plans[name] = _Plan(ri, bi, alternative, tuple(_Absent.of(p) for p in absent))
        return {"all": head + patterns + body, "run": name, "cap": _CAP, "dist": 0}, reads

    def _tests(self, kind: str, fname: str, cond: Any, kinds: Mapping[str, str],
               out: _Tests, reads: _Reads) -> None:
        ftype = F.FACT_KINDS[kind][fname]
        for op, value in operations(cond).items():
            join = False
            if op in ("in", "not_in"):
                if len(value) > _NATIVE_IN:
                    keys = frozenset(self._key(ftype, v) for v in value)
                    out.members.append((fname, keys, op == "in"))
                    continue
                values = [self._constant(ftype, v) for v in value]
                if op == "in" and len(values) == 1:
                    out.constants.append({fname: values[0]})
                elif op == "in":
                    out.choices.append((fname, values))
                else:
                    out.constants.extend({"$neq": {fname: v}} for v in values)
                reads.add(kind, fname)
                continue
            if isinstance(value, dict) and "param" in value:
                reads.params.append(value["param"])
                value, join = {f"i_p_{value['param']}": "value"}, True
            elif op in ("same_as", "not_same_as"):
                alias, _, attr = value.partition(".")
                reads.add(kinds[alias], attr)
                value, join = {f"u_{alias}": attr}, True
                op = "eq" if op == "same_as" else "ne"
            else:
                value = self._constant(ftype, value)
            reads.add(kind, fname)
            if op == "eq":
                (out.equal_joins if join else out.constants).append({fname: value})
            elif op in _OPS:
                test = {_OPS[op]: {fname: value}}
                (out.compare_joins if join else out.constants).append(test)
            else:  # pragma: no cover - the rule loader refuses unknown operators
                raise EngineError(f"operator {op!r} reached the compiler")

    def _key(self, ftype: str, value: Any) -> Any:
        """A constant as a fact holds it: a domain set as its key (and its workload facts
        are then made)."""
        if ftype == "domain_set" and isinstance(value, list):
            key = F.domain_set_key(value)
            self.workload_groups.add(key)
            return key
        return value

    def _constant(self, ftype: str, value: Any) -> Any:
        """A constant as durable_rules reads it back: a domain set as its key, a float
        nudged as facts are, an integer beyond 64 bits as a float."""
        value = self._key(ftype, value)
        if type(value) is int and not -(2**63) < value < 2**63:
            value = float(value)
        return _durable_number(value) if type(value) is float else value

    def _member(self, kind: str, tests: Sequence[tuple[str, frozenset[Any], bool]],
                reads: _Reads) -> dict[str, bool]:
        """The test that a fact passes a pattern's long ``in``/``not_in`` lists, on one
        field computed for each fact before it is asserted: an ``$or`` of that many values
        would overrun durable_rules' tables."""
        name = self._members.setdefault((kind, tuple(tests)), f"__in{len(self._members)}")
        reads.members.setdefault(kind, set()).add(name)
        return {name: True}

    # --- evaluation -------------------------------------------------------------------------

    def register(self) -> None:
        """Register the rulesets with durable_rules (once per process; ``evaluate`` does it
        too): a forked child then finds them registered."""
        _ENGINE.register(self.rulesets)

    def evaluate(self, facts: Sequence[Mapping[str, Any]], params: Mapping[str, float], *,
                 prefilter: bool = True) -> list[Match]:
        """Assert the facts, run the rules, and return every match (in firing order).

        A match names the facts by their engine id; the facts it reports are the ones
        given here, not durable_rules' JSON copies of them. Only the facts that can take
        part in a match are sent (``prefilter=False`` sends every fact a pattern reads,
        which gives the same matches; the differential tests compare the two).

        Raises
        ------
        RulePackError
            When a rule's estimated join on the facts sent exceeds ``MAX_JOIN_SIZE``
            (nothing has been asserted then).
        """
        sent_params = {p: _durable_number(params[p]) for p in self.params_used}
        if prefilter:
            chosen = [keep.keep(facts, sent_params) for keep in self._prefilters]
        else:
            chosen = [{i: rs.fields[fact["k"]] + rs.members.get(fact["k"], ())
                       for i, fact in enumerate(facts) if fact["k"] in rs.fields}
                      for rs in self.rulesets]
        by_kind: dict[str, list[Mapping[str, Any]]] = {}
        for i in sorted({i for sent in chosen for i in sent}):
            by_kind.setdefault(facts[i]["k"], []).append(facts[i])
        self._check_join_sizes(by_kind, params)
        # a computed field's name -> the long in/not_in lists it tests, as (field, values, in)
        computed = {name: tests for (_, tests), name in self._members.items()}
        ids: dict[int, str] = {}  # the index of a fact sent -> its engine id
        work = []
        layouts = self._layouts
        write = _WRITE.get
        for rs, sent in zip(self.rulesets, chosen, strict=True):
            rows = []
            for i, read in sent.items():
                fact = facts[i]
                fid = ids.get(i)
                if fid is None:
                    fid = ids[i] = f"f{len(ids)}"
                layout = layouts.get((fact["k"], read))
                if layout is None:
                    layout = _row_layout(fact["k"], read, computed)
                    if len(layouts) < _MAX_LAYOUTS:
                        layouts[fact["k"], read] = layout
                template, fields = layout
                rows.append(template % (fid, *[
                    write(type(value := fact[name]), _json_value)(value) if tests is None
                    else "true" if all((fact[fname] in inside_of) is inside
                                       for fname, inside_of, inside in tests)
                    else "false"
                    for name, tests in fields]))
            work.append((rs, rows))
        n = len(ids)
        param_ids = {p: f"f{n + j}" for j, p in enumerate(sorted(self.params_used))}
        trigger = f"f{n + len(param_ids)}"
        batches = []
        for rs, rows in work:
            rows.extend(json.dumps({"k": "param", "name": p, "value": sent_params[p],
                                    "id": param_ids[p], "sid": _SID}, ensure_ascii=False)
                        for p in rs.params)
            rows.append(json.dumps({"k": "trigger", "id": trigger, "sid": _SID}))
            batches.append((rs, f"[{', '.join(rows)}]"))
        originals = {fid: facts[i] for i, fid in ids.items()}
        fired = _ENGINE.run(batches)
        return [self._match(name, m, params, originals) for name, m in fired]

    def _check_join_sizes(self, by_kind: Mapping[str, Sequence[Mapping[str, Any]]],
                          params: Mapping[str, float]) -> None:
        """Refuse a rule whose matches on these facts could exceed ``MAX_JOIN_SIZE``, and
        rules whose matches together could exceed ``MAX_CHECK_JOIN_SIZE``.

        The estimate is the product, over the rule's ``fact`` patterns, of the facts each
        can match: all facts of its kind, or, for a pattern joined with ``same_as``, the
        most facts that share one value of the joined field. When that crude bound is too
        large, the constant tests (and comparisons with params) are applied first; for the
        sum over the rules (each branch once) too.
        """
        # The crudest bound first: every fact of each pattern's kind, joins left aside. It is
        # never below the estimates that follow, so where it is within both limits, so are
        # they (most schools: no fact needs counting).
        sent = {kind: len(facts) for kind, facts in by_kind.items()}
        crude = [math.prod([sent.get(p.kind, 0) for p in patterns])
                 for _, _, patterns in self._joins]
        if max(crude, default=0) <= MAX_JOIN_SIZE and sum(crude) <= MAX_CHECK_JOIN_SIZE:
            return
        counts: dict[tuple[str, str], int] = {}

        def most_alike(kind: str, fname: str) -> int:
            if (kind, fname) not in counts:
                seen = Counter(f.get(fname) for f in by_kind.get(kind, ()))
                counts[kind, fname] = max(seen.values(), default=0)
            return counts[kind, fname]

        def narrowed(patterns: Sequence[_JoinPattern]) -> list[int]:
            return [_candidates(p, by_kind.get(p.kind, ()), params) for p in patterns]

        estimates: list[list[Any]] = []  # [combinations, narrowed, rule index, branch]
        for ri, bi, patterns in self._joins:
            sizes = [most_alike(p.kind, p.joined_on) if p.joined_on
                     else len(by_kind.get(p.kind, ())) for p in patterns]
            if math.prod(sizes) <= MAX_JOIN_SIZE:
                estimates.append([math.prod(sizes), False, ri, bi])
                continue
            sizes = narrowed(patterns)
            if math.prod(sizes) <= MAX_JOIN_SIZE:
                estimates.append([math.prod(sizes), True, ri, bi])
                continue
            rule = self.rules[ri]
            file, line = self.locations.get(rule.id, ("<rules>", None))
            which = f" (branch {bi})" if len(rule.branches) > 1 else ""
            terms = " × ".join(f"{n} {p.kind}" for p, n in zip(patterns, sizes, strict=True))
            raise RulePackError([Problem(
                file, line, ("rules",), "join_too_large",
                f"rule '{rule.id}'{which} could match {math.prod(sizes):,} combinations of "
                f"facts in this school ({terms}); the limit is {MAX_JOIN_SIZE:,}: narrow "
                f"its patterns with 'where', or join them with 'same_as'")])
        if sum(e[0] for e in estimates) <= MAX_CHECK_JOIN_SIZE:
            return
        joins = {(ri, bi): patterns for ri, bi, patterns in self._joins}
        for e in estimates:
            if not e[1]:
                e[0] = min(e[0], math.prod(narrowed(joins[e[2], e[3]])))
        total = sum(e[0] for e in estimates)
        if total <= MAX_CHECK_JOIN_SIZE:
            return
        per_rule: dict[int, int] = {}
        for size, _, ri, _ in estimates:
            per_rule[ri] = per_rule.get(ri, 0) + size
        largest = sorted(per_rule, key=lambda ri: (-per_rule[ri], ri))
        named = ", ".join(f"{self.rules[ri].id} {per_rule[ri]:,}" for ri in largest[:3])
        more = len([ri for ri in largest[3:] if per_rule[ri]])
        rest = f" and {more:,} more rule{'s' if more > 1 else ''}" if more else ""
        file, line = self.locations.get(self.rules[largest[0]].id, ("<rules>", None))
        raise RulePackError([Problem(
            file, line, ("rules",), "check_too_large",
            f"the rules together could match {total:,} combinations of facts in this school "
            f"({named}{rest}); the limit for one check is {MAX_CHECK_JOIN_SIZE:,}: narrow "
            f"the largest with 'where', join their patterns with 'same_as', or check with "
            f"fewer rules")])

    def _match(self, name: str, matched: Mapping[str, Any], params: Mapping[str, float],
               originals: Mapping[str, Mapping[str, Any]]) -> Match:
        plan = self._plans[name]
        facts = {k[2:]: originals[v["id"]] for k, v in matched.items() if k.startswith("u_")}
        holder = matched.get("i_holder")
        target = originals[holder["id"]]["person"] if holder is not None else None
        rule = self.rules[plan.rule]
        if plan.alternative is not None and plan.alternative >= 0:
            alt = rule.escalate_to[plan.alternative]
            if alt.field is not None:
                alias, _, attr = alt.field.partition(".")
                target = facts[alias][attr]
        if not plan.absent:
            return Match(plan.rule, plan.branch, plan.alternative, facts, (), target, {})
        absent = tuple([_looked_for(p, facts, params) for p in plan.absent])
        named = {p.alias: a for p, a in zip(plan.absent, absent, strict=True) if p.alias}
        return Match(plan.rule, plan.branch, plan.alternative, facts, absent, target, named)


def _join_patterns(branch: Sequence[Pattern]) -> tuple[_JoinPattern, ...]:
    out = []
    for pattern in branch:
        if not pattern.fact:
            continue
        tests: list[tuple[str, str, Any]] = []
        joined_on = None
        for fname, cond in pattern.where.items():
            for op, value in operations(cond).items():
                if op == "same_as":
                    joined_on = joined_on or fname
                elif op == "not_same_as":
                    continue
                elif isinstance(value, dict) and "param" in value:
                    tests.append((fname, op, ("param", value["param"])))
                else:
                    value = _as_held(pattern.kind, fname, op, value)
                    tests.append((fname, op, frozenset(value) if op in ("in", "not_in")
                                  else value))
        out.append(_JoinPattern(pattern.kind, tuple(tests), joined_on))
    return tuple(out)


def _as_held(kind: str, fname: str, op: str, value: Any) -> Any:
    """A constant a pattern compares field ``fname`` with, as facts hold it: a set of
    domains (for ``in``/``not_in``, each of a list of them) as its key."""
    if isinstance(value, list) and F.FACT_KINDS[kind][fname] == "domain_set":
        return ([F.domain_set_key(v) for v in value] if op in ("in", "not_in")
                else F.domain_set_key(value))
    return value


def _candidates(pattern: _JoinPattern, facts: Sequence[Mapping[str, Any]],
                params: Mapping[str, float]) -> int:
    """The facts ``pattern`` can match by its own tests (the most alike on its join)."""
    kept = [f for f in facts if all(_holds(f.get(fname), op, value, params)
                                    for fname, op, value in pattern.tests)]
    if pattern.joined_on is None:
        return len(kept)
    return max(Counter(f.get(pattern.joined_on) for f in kept).values(), default=0)


def _holds(actual: Any, op: str, expected: Any, params: Mapping[str, float]) -> bool:
    if isinstance(expected, tuple) and expected[:1] == ("param",):
        expected = params.get(expected[1])
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    try:
        return bool({"lt": actual < expected, "lte": actual <= expected,
                     "gt": actual > expected, "gte": actual >= expected}[op])
    except (TypeError, KeyError):
        return True  # an estimate: when in doubt, the fact may match


#: The most row layouts (:func:`_row_layout`) one compiled set of rules keeps
_MAX_LAYOUTS = 4096
#: JSON for a text, as ``json.dumps(text, ensure_ascii=False)`` writes it
_ENCODE_TEXT: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _row_layout(kind: str, read: Sequence[str], computed: Mapping[str, Any]
                ) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """How a fact of ``kind`` is written into a batch with the fields ``read``: a
    ``%``-template of its JSON object, to be filled with its engine id and the JSON of each
    field's value, and each field with the tests of a computed field (else ``None``).

    >>> _row_layout("holder", ("person",), {})
    ('{"k": "holder", "id": "%s", "sid": "1", "person": %s}', (('person', None),))
    """
    text = [f'{{"k": {_ENCODE_TEXT(kind)}'.replace("%", "%%"), ', "id": "%s"',
            f', "sid": {_ENCODE_TEXT(_SID)}']
    text += [f", {_ENCODE_TEXT(name).replace('%', '%%')}: %s" for name in read]
    return "".join(text) + "}", tuple((name, computed.get(name)) for name in read)


def _json_value(value: Any) -> str:
    """The JSON of a value in a batch: a float as durable_rules reads it back
    (:func:`_durable_number`), anything else as ``json.dumps`` writes it.

    >>> _json_value(1e-05), _json_value(0.5), _json_value(None), _json_value(["é"])
    ('9.999999999999999e-06', '0.5', 'null', '["é"]')
    >>> _json_value(type("Seconds", (float,), {})(1e-05))  # a float of another type too
    '9.999999999999999e-06'
    """
    if isinstance(value, float):
        value = _durable_number(float(value))
        if math.isfinite(value):
            return float.__repr__(value)  # what json.dumps writes of a finite float
    return json.dumps(value, ensure_ascii=False)


#: The JSON of a value of each type a fact's field holds; other values go through
#: :func:`_json_value`
_WRITE: dict[type, Callable[[Any], str]] = {
    str: _ENCODE_TEXT, bool: ("false", "true").__getitem__, int: int.__repr__,
    float: _json_value}


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


def _looked_for(absent: _Absent, facts: Mapping[str, Mapping[str, Any]],
                params: Mapping[str, float]) -> dict[str, Any]:
    """What an ``absent`` pattern looked for, with its joins resolved from the match (a
    list of constants is copied: each explanation holds its own)."""
    out: dict[str, Any] = {"fact": absent.kind, "absent": True}
    for fname, op, source, value in absent.tests:
        if source == "param":
            value = params[value]
        elif source == "join":
            value = facts[value[0]][value[1]]
        elif type(value) is list:
            value = list(value)
        if fname not in out:
            out[fname] = value if op == "eq" else {op: value}
        else:  # two tests of one field (gt and lt): both are said
            before = out[fname]
            out[fname] = {**(before if type(before) is dict else {"eq": before}), op: value}
    return out


# --- sharing the rules out over rulesets -------------------------------------------------------


class _Node:
    """An alpha node as durable_rules builds it (``rete.c``): the tests after it (a hash
    table), the ``$or`` groups its test ends (a list), and the patterns that end at it."""

    __slots__ = ("tests", "forward", "betas", "depth", "parents", "pushed", "constants",
                 "deepest", "stack")

    def __init__(self, depth: int, parents: Sequence[_Node] = ()):
        self.tests: dict[tuple[str, str, str], _Node] = {}
        self.forward: list[_Node] = []
        self.betas = 0
        self.depth = depth
        self.parents = list(parents)
        # For the stack: how many of the nodes after this one one fact can match at once
        # (of the constant tests for equality on one field, only one), and the deepest
        # stack below any of them.
        self.pushed = 0
        self.constants: set[str] = set()
        self.deepest = 0
        self.stack = 0


class _Network:
    """The alpha network of one ruleset, modelled to know when it is full.

    durable_rules shares a test between patterns that begin alike (``findAlpha``), so the
    tests after one test are those of every pattern of the ruleset with that beginning.
    Its tables have fixed sizes, and handling a fact pushes every matching node on a stack
    of 64. ``add`` tells whether a rule still fits well inside all of them.
    """

    def __init__(self) -> None:
        self.root = _Node(0)
        self.fields: dict[str, set[str]] = {}  # the fields sent of each fact kind
        self.add(_HEARTBEAT_RULE, _Reads())

    def add(self, rule: Mapping[str, Any], reads: _Reads) -> bool:
        fits = True
        for kind in {*reads.fields, *reads.members}:
            sent = self.fields.setdefault(kind, set())
            sent.update(reads.fields.get(kind, ()), reads.members.get(kind, ()))
            fits = fits and len(sent) + 3 <= _MAX_FIELDS  # and k, id, sid
        touched: dict[int, _Node] = {id(self.root): self.root}
        for pattern in rule["all"]:
            (expr,) = pattern.values()
            self._build(expr, self.root, touched).betas += 1
        for node in sorted(touched.values(), key=lambda n: n.depth, reverse=True):
            if (len(node.tests) > _MAX_TESTS or len(node.forward) > _MAX_FORWARD
                    or node.betas > _MAX_BETAS):
                fits = False
            node.stack = (0 if node.pushed == 0
                          else max(node.pushed, node.pushed - 1 + node.deepest))
            for parent in node.parents:
                parent.deepest = max(parent.deepest, node.stack)
        return fits and self.root.stack <= _MAX_STACK

    def _build(self, expr: Mapping[str, Any], parent: _Node, touched: dict[int, _Node]
               ) -> _Node:
        touched[id(parent)] = parent
        ((key, value),) = expr.items()
        if key == "$and":
            node = parent
            for part in value:
                node = self._build(part, node, touched)
            return node
        if key == "$or":
            ends = [self._build(part, parent, touched) for part in value]
            forward = _Node(max(e.depth for e in ends) + 1, ends)
            for end in ends:
                end.forward.append(forward)
                end.pushed += 1  # an $or group is pushed whenever its alternative matched
            touched[id(forward)] = forward
            return forward
        if key.startswith("$"):
            ((prop, operand),) = value.items()
            test = (prop, key, json.dumps(operand, sort_keys=True))
        else:
            test = (key, "eq", json.dumps(value, sort_keys=True))
        node = parent.tests.get(test)
        if node is None:
            node = parent.tests[test] = _Node(parent.depth + 1, [parent])
            # a join (an operand naming another fact) is always pushed
            if test[1] != "eq" or test[2].startswith("{") or test[0] not in parent.constants:
                parent.pushed += 1
            if test[1] == "eq" and not test[2].startswith("{"):
                parent.constants.add(test[0])
        touched[id(node)] = node
        return node


def _share_out(compiled: Sequence[tuple[str, dict[str, Any], _Reads]]) -> list[_Ruleset]:
    """The compiled rules, in order, in as few rulesets as keep each one's tables well
    inside their sizes."""
    out: list[_Ruleset] = []
    current: list[tuple[str, dict[str, Any], _Reads]] = []
    network = _Network()
    for item in compiled:
        if network.add(item[1], item[2]):
            current.append(item)
            continue
        if current:
            out.append(_ruleset(current))
            network = _Network()
            if network.add(item[1], item[2]):
                current = [item]
                continue
        raise EngineError(f"compiled rule {item[0]} alone overruns a durable_rules ruleset: "
                          "a limit of the rule loader is missing")
    out.append(_ruleset(current))
    return out


def _ruleset(items: Sequence[tuple[str, dict[str, Any], _Reads]]) -> _Ruleset:
    definition = {name: rule for name, rule, _ in items}
    definition[_HEARTBEAT] = _HEARTBEAT_RULE
    fields: dict[str, set[str]] = {}
    members: dict[str, set[str]] = {}
    params: set[str] = set()
    for _, _, reads in items:
        for kind, names in reads.fields.items():
            fields.setdefault(kind, set()).update(names)
        for kind, names in reads.members.items():
            members.setdefault(kind, set()).update(names)
        params.update(reads.params)
    key = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]
    return _Ruleset(definition, {k: tuple(sorted(v)) for k, v in fields.items()},
                    {k: tuple(sorted(v)) for k, v in members.items()},
                    tuple(sorted(params)), key)


# --- durable_rules itself -----------------------------------------------------------------------


class _Engine:
    """The process's durable_rules rulesets; evaluations run one at a time under its lock.

    It drives the C API as ``durable.engine.Ruleset`` does, without its action machinery:
    assert the batch, then take the actions one by one (``start_action_for_state``, then
    ``complete_and_start_action`` until none is left), and delete the session.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handles: dict[str, int] = {}

    def _handle(self, ruleset: _Ruleset) -> int:
        handle = self._handles.get(ruleset.key)
        if handle is None:
            if not self._handles:
                keep_pools_in_the_heap()
            text = json.dumps({name: {k: v for k, v in rule.items() if k != "run"}
                               for name, rule in ruleset.definition.items()},
                              ensure_ascii=False)
            try:
                handle = _rules.create_ruleset(f"mandaat_{ruleset.key}", text)
            except Exception as exc:
                raise EngineError(f"durable_rules refused a compiled rule pack: {exc}") from exc
            self._handles[ruleset.key] = handle
        return handle

    def register(self, rulesets: Sequence[_Ruleset]) -> None:
        with self._lock:
            for ruleset in rulesets:
                self._handle(ruleset)

    def run(self, work: Sequence[tuple[_Ruleset, str]]) -> list[tuple[str, Any]]:
        """Assert each ruleset's batch (JSON text) and return every match: (rule, match)."""
        with self._lock:
            fired: list[tuple[str, Any]] = []
            for ruleset, batch in work:
                self._run(self._handle(ruleset), batch, fired)
            return fired

    @staticmethod
    def _run(handle: int, batch: str, fired: list[tuple[str, Any]]) -> None:
        try:
            code, state = _rules.assert_facts(handle, batch)
            if code == _OBSERVED:
                raise EngineError("durable_rules refused the facts: a fact id was seen twice")
            result = _rules.start_action_for_state(handle, state)
            message = result[1] if result is not None else None
            while message is not None:
                for name, matches in json.loads(message).items():
                    if name == _HEARTBEAT:
                        continue
                    if isinstance(matches, dict):
                        matches = [matches]
                    fired.extend((name, m["m"] if len(m) == 1 and "m" in m else m)
                                 for m in matches)
                message = _rules.complete_and_start_action(handle, state)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"durable_rules failed: {exc}") from exc
        finally:
            with contextlib.suppress(Exception):  # the state may not exist after a failure
                _rules.delete_state(handle, _SID)

    def live_rulesets(self) -> int:
        """How many rulesets are registered (each distinct rule set once per process)."""
        return len(self._handles)


_ENGINE = _Engine()

#: glibc's malloc settings (``mallopt``) and the environment variables that also set them
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MALLOC_ENV = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_",
               "MALLOC_MMAP_MAX_")


def keep_pools_in_the_heap() -> bool:
    """Have glibc keep durable_rules' session pools in the heap between evaluations.

    A session's pools grow by ``realloc`` (1.5x from 16 nodes of 6,840 bytes) and are freed
    by ``delete_state``. With glibc's default settings the larger ones are mapped afresh
    and given back to the kernel after every evaluation, so each check page-faults its
    pools in again: for a 60-staff school, 1.4 of the engine's 2 ms. Blocks up to 32 MB
    now come from the heap, and up to 64 MB of free heap is kept, once per process (the
    same as ``MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=67108864``).

    Returns whether it did: not where the C library is not glibc, nor where one of
    glibc's own ``MALLOC_*`` environment variables shows that the process chose for itself.
    """
    if any(name in os.environ for name in _MALLOC_ENV):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        if platform.libc_ver()[0] != "glibc" or not hasattr(libc, "mallopt"):
            return False
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
                    and libc.mallopt(_M_TRIM_THRESHOLD, 64 << 20))
    except OSError:  # pragma: no cover - no C library to load
        return False


# --- a time budget ------------------------------------------------------------------------------


#: The longest wait of :func:`run_forked`, in seconds (about 31 years): a longer timeout
#: waits as long as this.
_LONGEST_WAIT = 1e9


def fork() -> int:
    """``os.fork()`` without Python 3.12's warning that a forked child of a threaded process
    may deadlock on a lock another thread held: a caller forks where the child takes no
    lock but the engine's, which no other thread holds at that moment."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks",
                                category=DeprecationWarning)
        return os.fork()


def run_within(work: Callable[[], T], timeout: float, file: str) -> T:
    """:func:`run_forked`, with the time running out as the ``CheckTimeoutError`` of the
    input read from ``file``: what ``--timeout`` and every ``timeout=`` raise."""
    try:
        return run_forked(work, timeout)
    except TimeoutError:
        raise CheckTimeoutError.after(file, timeout) from None


def run_forked(work: Callable[[], T], timeout: float) -> T:
    """Run ``work`` in a forked child process and return its result, or raise
    ``TimeoutError`` after ``timeout`` seconds, when the child is killed.

    durable_rules holds the GIL in its C calls, so nothing in this process can interrupt
    them; a child can be killed, and takes its engine state with it. The child inherits
    the registered rulesets (register them first). It is forked under the engine's lock,
    so no other thread's evaluation is half-way in the copy. What ``work`` raises is
    raised here; a child that dies without an answer is an ``EngineError``.
    """
    if not hasattr(os, "fork"):
        raise NotImplementedError("a timeout needs os.fork (Linux or macOS)")
    # a longer wait than the clock and select() can hold (about 292 years) is waiting
    # until the answer comes
    timeout = min(timeout, _LONGEST_WAIT)
    deadline = time.monotonic() + timeout
    read_end, write_end = os.pipe()
    with _ENGINE._lock:
        # the only locks the child takes are the engine's, released in the copy as here
        pid = fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow it
        status = 0
        try:
            os.close(read_end)
            view = memoryview(_outcome(work))
            while view:
                view = view[os.write(write_end, view):]
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    waited = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"stopped after {timeout:g} s")
            if not select.select([read_end], [], [], left)[0]:
                continue
            data = os.read(read_end, 1 << 20)
            if not data:
                break
            chunks.append(data)
        _, status = os.waitpid(pid, 0)
        waited = True
    finally:
        os.close(read_end)
        if not waited:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if status != 0 or not chunks:
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"status {os.WEXITSTATUS(status)}")
        raise EngineError(f"the evaluation ended without an answer ({how})")
    tag, *answer = pickle.loads(b"".join(chunks))
    if tag == "ok":
        return answer[0]
    if tag == "input":
        cls, problems = answer
        raise cls(list(problems))
    raise answer[0]


def _outcome(work: Callable[[], Any]) -> bytes:
    """``work``'s result or exception, pickled (an input error as its class and problems:
    its own pickle would lose them)."""
    try:
        return pickle.dumps(("ok", work()), protocol=pickle.HIGHEST_PROTOCOL)
    except MandaatInputError as exc:
        return pickle.dumps(("input", type(exc), exc.problems))
    except BaseException as exc:
        try:
            return pickle.dumps(("raise", exc))
        except Exception:
            return pickle.dumps(("raise", EngineError(f"{type(exc).__name__}: {exc}")))


__all__ = ["CompiledRules", "EngineError", "Match", "run_forked", "run_within"]
