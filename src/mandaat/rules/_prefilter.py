"""Which facts can take part in a match: the facts worth sending to durable_rules.

Of the 732 facts of a 60-staff school, 125 can be in a match of the bundled rules, and
durable_rules stores every fact it is sent in a fixed 6,840-byte node. :class:`Prefilter`
reads a ruleset's compiled definition (the very dicts durable_rules is given) and, for
one school's facts, keeps those that can be bound by some pattern of some rule that can
still fire; durable_rules then decides every match among them.

It is conservative: a fact it drops can be in no match, so durable_rules with and without
it fires the same rules on the same facts (``tests/property/test_prefilter.py`` checks
that on every scenario school and on generated schools). In detail:

- Each pattern's constant tests (and its comparisons with params, whose values are known)
  are compiled once to Python, per fact kind; a test Python cannot decide the way
  durable_rules does (values of mixed types, text compared with ``<``, a computed field)
  passes.
- A rule keeps facts only while each of its ``fact`` patterns has a candidate; equality
  joins between patterns then narrow the candidates (a semi-join, repeated until nothing
  changes), for joins on text values only.
- A fact an ``absent`` pattern could match is kept where the rule can still fire, narrowed
  by its equality joins with the rule's candidates: only such a fact can stop a match.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: durable_rules' comparison operators, as Python operators
_COMPARE = {"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">=", "$neq": "!="}
_NUMBER = (int, float)


#: a test as :meth:`Prefilter._condition` reads it: ``("true",)``, ``("compare", field, op,
#: constant, type)``, ``("param", field, op, name)``, ``("and", [tests])`` or ``("or", [tests])``
_Node = tuple[Any, ...]
#: how the generated code checks that a value has the type the constants of its field have
_IS = {"str": "type({}) is str", "bool": "type({}) is bool", "number": "type({}) in NUM"}
_GUARD = {"str": "type({}) is not str", "bool": "type({}) is not bool",
          "number": "type({}) not in NUM"}


@dataclass(frozen=True)
class _Join:
    """An equality join: ``field`` of this pattern equals ``other_field`` of pattern
    ``other`` (a pattern id)."""

    field: str
    other: int
    other_field: str


@dataclass(frozen=True)
class _Rule:
    positive: tuple[int, ...]
    absent: tuple[int, ...]
    #: pattern id -> its equality joins with the rule's positive patterns
    joins: Mapping[int, tuple[_Join, ...]]


class Prefilter:
    """The conservative pre-filter of one compiled ruleset (see the module docstring)."""

    def __init__(self, definition: Mapping[str, Mapping[str, Any]],
                 as_sent: Callable[[Any], Any]):
        """``definition`` is a ruleset as durable_rules is given it; ``as_sent(number)`` is
        the number durable_rules compares once a fact holding ``number`` is sent."""
        self._as_sent = as_sent
        self._constants: list[Any] = []
        self._types: dict[str, set[str]] = {}  # field of the kind at hand -> types tested
        conditions: dict[str, list[tuple[int, _Node]]] = {}  # kind -> (pattern id, test)
        types: dict[str, dict[str, set[str]]] = {}  # kind -> field -> the types tested
        rules = []
        #: pattern id -> the fields durable_rules reads of a fact bound to it (besides the
        #: ``k``, ``id`` and ``sid`` every fact sent has)
        fields: list[set[str]] = []
        reads_of: dict[str, set[str]] = {}  # alias -> fields the rule's joins read of it
        pid = 0
        for rule in definition.values():
            aliases: dict[str, int] = {}
            positive: list[int] = []
            absent: list[int] = []
            raw_joins: list[tuple[int, str, str, str]] = []
            for entry in rule["all"]:
                ((name, expr),) = entry.items()
                tests = expr.get("$and", [expr])
                kind = tests[0].get("k")
                if kind in ("trigger", "param") or not isinstance(kind, str):
                    continue
                self._types = types.setdefault(kind, {})
                parts = []
                read: set[str] = set()
                for test in tests[1:]:
                    parts.append(self._condition(test))
                    join = _equal_join(test)
                    if join is not None:
                        raw_joins.append((pid, *join))
                    _fields_read(test, read, reads_of)
                conditions.setdefault(kind, []).append((pid, ("and", parts)))
                fields.append(read)
                if name.endswith("$not"):
                    absent.append(pid)
                else:
                    positive.append(pid)
                    aliases[name] = pid
                pid += 1
            for alias, attrs in reads_of.items():  # what other patterns' joins read of it
                if alias in aliases:
                    fields[aliases[alias]].update(attrs)
            reads_of.clear()
            joins: dict[int, list[_Join]] = {}
            for this, fname, alias, attr in raw_joins:
                if alias in aliases:
                    other = aliases[alias]
                    joins.setdefault(this, []).append(_Join(fname, other, attr))
                    if this in positive:  # a join narrows both sides
                        joins.setdefault(other, []).append(_Join(attr, this, fname))
            rules.append(_Rule(tuple(positive), tuple(absent),
                               {p: tuple(js) for p, js in joins.items()}))
        self._rules = tuple(rules)
        self._patterns = pid
        self._fields = [frozenset(f) for f in fields]
        self._kinds = {kind: self._function(kind, tests, types[kind])
                       for kind, tests in conditions.items()}

    # --- compiling the constant tests ---------------------------------------------------------

    def _condition(self, test: Mapping[str, Any]) -> _Node:
        """A test as a tree of ``and``/``or`` over comparisons of one field with a constant
        or a param (``true`` where durable_rules' test could hold whatever the fact)."""
        ((key, value),) = test.items()
        if key in ("$and", "$or"):
            return (key[1:], [self._condition(t) for t in value])
        if key.startswith("$"):
            if key not in _COMPARE:
                return ("true",)
            ((fname, operand),) = value.items()
            return self._compare(fname, _COMPARE[key], operand)
        return self._compare(key, "==", value)

    def _compare(self, fname: str, op: str, operand: Any) -> _Node:
        if fname.startswith("__"):
            return ("true",)  # a computed field: not in the facts given here
        if isinstance(operand, Mapping):
            ((alias, attr),) = operand.items()
            if not alias.startswith("i_p_") or attr != "value":
                return ("true",)  # a join with another fact: the semi-join's part
            self._types.setdefault(fname, set()).add("number")
            return ("param", fname, op, alias[4:])
        if isinstance(operand, bool):
            of = "bool"
        elif isinstance(operand, str):
            of = "str"
        elif isinstance(operand, _NUMBER):
            of = "number"
        else:
            return ("true",)
        if of != "number" and op not in ("==", "!="):
            return ("true",)  # durable_rules orders text and booleans its own way
        self._types.setdefault(fname, set()).add(of)
        if type(operand) in (str, bool, int):
            return ("compare", fname, op, repr(operand), of)  # a Python literal
        self._constants.append(operand)
        return ("compare", fname, op, f"C{len(self._constants) - 1}", of)

    def _function(self, kind: str, tests: Sequence[tuple[int, _Node]],
                  types: Mapping[str, set[str]]
                  ) -> Callable[[Sequence[Mapping[str, Any]], Sequence[int], Mapping[str, Any],
                                 list[list[int]]], None]:
        """``passes(facts, indices, params, hits)``: for each of ``facts[i]`` (``i`` in
        ``indices``, all facts of ``kind``), appends ``i`` to ``hits[p]`` for each pattern
        ``p`` whose constant tests the fact may pass.

        When every field tested holds a value of the type its constants have (so it is,
        for facts as mandaat builds them), plain comparisons decide; otherwise each test
        on a value of another type passes.
        """
        local = {fname: f"v{n}" for n, fname in enumerate(types)}
        typed = {fname: next(iter(of)) for fname, of in types.items() if len(of) == 1}
        check = " and ".join(_IS[of].format(local[fname]) for fname, of in typed.items())
        params = sorted({name for _, node in tests for name in _params(node)})
        lines = ["def passes(facts, indices, P, hits):"]
        lines += [f"    hit{pid} = hits[{pid}].append" for pid, _ in tests]
        for n, name in enumerate(params):  # a param that is not a number passes every test
            lines.append(f"    p{n} = P.get({name!r})\n"
                         f"    p{n} = p{n} if type(p{n}) in NUM else None")
        lines += ["    for i in indices:", "        f = facts[i]"]
        values = ", ".join(local.values())
        if len(types) > 1:  # the fields at once where the fact has them all
            lines += ["        try:", f"            {values} = GET(f)",
                      "        except KeyError:"]
            lines += [f"            {local[fname]} = f.get({fname!r})" for fname in types]
        else:
            lines += [f"        {local[fname]} = f.get({fname!r})" for fname in types]
        for fname, of in types.items():
            if "number" in of:  # the number durable_rules compares
                lines.append(f"        if type({local[fname]}) is float:\n"
                             f"            {local[fname]} = N({local[fname]})")
        names = {name: f"p{n}" for n, name in enumerate(params)}
        lines.append(f"        if {check or 'True'}:")
        lines += _dispatched(tests, local, typed, names, "            ")
        lines.append("        else:")
        lines += _tested(tests, local, {}, names, "            ")
        namespace = {f"C{n}": value for n, value in enumerate(self._constants)}
        namespace.update(NUM=_NUMBER, N=self._as_sent, GET=operator.itemgetter(*types) if types
                         else None)
        exec(compile("\n".join(lines), f"<prefilter {kind}>", "exec"), namespace)  # noqa: S102
        return namespace["passes"]

    # --- filtering ----------------------------------------------------------------------------

    def keep(self, facts: Sequence[Mapping[str, Any]], params: Mapping[str, Any]
             ) -> dict[int, tuple[str, ...]]:
        """The facts that can take part in some match, by index (in order), each with the
        fields (sorted, without ``k``, ``id`` and ``sid``) that every pattern it may pass the
        tests of reads: the other fields of a fact decide nothing.

        A fact keeps the fields of each pattern whose constant tests it may pass, also
        where a semi-join shows that the pattern can bind it in no match: durable_rules
        still binds it there, and may test another pattern's join against it before the
        join that fails.
        """
        hits: list[list[int]] = [[] for _ in range(self._patterns)]
        of_kind: dict[str, list[int]] = {kind: [] for kind in self._kinds}
        for i, fact in enumerate(facts):
            indices = of_kind.get(fact["k"])
            if indices is not None:
                indices.append(i)
        for kind, passes in self._kinds.items():
            passes(facts, of_kind[kind], params, hits)
        kept: set[int] = set()
        joined = _Values(facts)
        for rule in self._rules:
            candidates = _narrowed(rule, hits, joined)
            if candidates is None:
                continue
            for found in candidates.values():
                kept.update(found)
            for pid in rule.absent:
                found = hits[pid]
                for join in rule.joins.get(pid, ()):
                    found = _semi_join(found, join, candidates[join.other], joined)
                kept.update(found)
        # the patterns each fact kept may pass; facts that pass the same ones read the same
        passed: dict[int, list[int]] = {i: [] for i in sorted(kept)}
        for pid, found in enumerate(hits):
            for i in kept.intersection(found):
                passed[i].append(pid)
        read: dict[tuple[int, ...], tuple[str, ...]] = {}
        out: dict[int, tuple[str, ...]] = {}
        for i, pids in passed.items():
            key = tuple(pids)
            names = read.get(key)
            if names is None:
                names = read[key] = tuple(sorted(
                    {name for pid in key for name in self._fields[pid]}))
            out[i] = names
        return out


def _dispatched(tests: Sequence[tuple[int, _Node]], local: Mapping[str, str],
                typed: Mapping[str, str], params: Mapping[str, str], indent: str) -> list[str]:
    """Lines testing each pattern, for facts whose fields hold the types in ``typed``.

    Most patterns of a kind require one text field to be one of a few constants (an
    assignment's ``as``): on the field that most patterns require so, the patterns are
    sorted into one branch per value, so a fact meets only the tests of its branch (as
    durable_rules' alpha network shares a test).
    """
    counts: dict[str, int] = {}
    for _, node in tests:
        for fname in {found[0] for found in _choices(node, typed)}:
            counts[fname] = counts.get(fname, 0) + 1
    if not counts or max(counts.values()) < 2:
        return _tested(tests, local, typed, params, indent)
    field = max(sorted(counts), key=counts.__getitem__)
    branches: dict[str, list[tuple[int, _Node]]] = {}
    rest: list[tuple[int, _Node]] = []
    for pid, node in tests:
        found = next((c for c in _choices(node, typed) if c[0] == field), None)
        if found is None:
            rest.append((pid, node))
            continue
        for constant in found[1]:
            branches.setdefault(constant, []).append((pid, found[2]))
    lines: list[str] = []
    word = "if"
    for constant, inside in branches.items():
        lines.append(f"{indent}{word} {local[field]} == {constant}:")
        lines += _tested(inside, local, typed, params, indent + "    ")
        word = "elif"
    return lines + _tested(rest, local, typed, params, indent)


def _tested(tests: Sequence[tuple[int, _Node]], local: Mapping[str, str],
            typed: Mapping[str, str], params: Mapping[str, str], indent: str) -> list[str]:
    """Lines that record each pattern a fact passes."""
    return _nested([(_conjuncts(node, local, typed, params), pid) for pid, node in tests],
                   indent)


#: How many patterns must share a test before it is tested once for all of them.
_SHARED = 3


def _nested(tests: Sequence[tuple[tuple[str, ...], int]], indent: str) -> list[str]:
    """Lines that record each pattern (by id) whose tests, all of them (``and``), a fact
    passes. A test that several patterns share (an assignment's ``who_ib``) is tested once
    for them all, and patterns with the same tests share them."""
    counts: dict[str, int] = {}
    for parts, _ in tests:
        for part in set(parts):
            counts[part] = counts.get(part, 0) + 1
    shared = max(sorted(counts), key=counts.__getitem__, default=None)
    if shared is not None and counts[shared] >= _SHARED:
        inside = [(tuple(p for p in parts if p != shared), pid) for parts, pid in tests
                  if shared in parts]
        rest = [(parts, pid) for parts, pid in tests if shared not in parts]
        return ([f"{indent}if {shared}:", *_nested(inside, indent + "    ")]
                + (_nested(rest, indent) if rest else []))
    by_test: dict[tuple[str, ...], list[int]] = {}
    for parts, pid in tests:
        by_test.setdefault(parts, []).append(pid)
    lines = []
    for parts, pids in by_test.items():
        inner = indent
        if parts:
            lines.append(f"{indent}if {' and '.join(parts)}:")
            inner += "    "
        lines += [f"{inner}hit{pid}(i)" for pid in pids]
    return lines or [f"{indent}pass"]


def _conjuncts(node: _Node, local: Mapping[str, str], typed: Mapping[str, str],
               params: Mapping[str, str]) -> tuple[str, ...]:
    """A test as the Python of its parts that must all hold (none for a test that always
    holds); each part stands on its own, so they may be tested in any order."""
    parts = ([_render(n, local, typed, params) for n in node[1]] if node[0] == "and"
             else [_render(node, local, typed, params)])
    return tuple(dict.fromkeys(p for p in parts if p != "True"))


def _params(node: _Node) -> set[str]:
    """The params a test compares with."""
    if node[0] in ("and", "or"):
        return {name for part in node[1] for name in _params(part)}
    return {node[3]} if node[0] == "param" else set()


def _choices(node: _Node, typed: Mapping[str, str]) -> list[tuple[str, list[str], _Node]]:
    """``(field, constants, rest)`` for each part of a pattern's test that requires a text
    field known to hold text to equal one of some constants; ``rest`` is what else it
    tests."""
    if node[0] != "and":
        return []
    out = []
    for n, part in enumerate(node[1]):
        alternatives = part[1] if part[0] == "or" else [part]
        if not alternatives or any(a[0] != "compare" or a[2] != "==" for a in alternatives):
            continue
        fields = {a[1] for a in alternatives}
        if len(fields) != 1:
            continue
        (field,) = fields
        if typed.get(field) != "str":
            continue
        constants = list(dict.fromkeys(a[3] for a in alternatives))
        out.append((field, constants, ("and", node[1][:n] + node[1][n + 1:])))
    return out


def _render(node: _Node, local: Mapping[str, str], typed: Mapping[str, str],
            params: Mapping[str, str]) -> str:
    """Python for a test; a field in ``typed`` is known to hold a value of its type, and
    each param's value is in the variable ``params`` names (``None`` where the param is
    not a number: the test then passes)."""
    what = node[0]
    if what == "true":
        return "True"
    if what == "or" and len(node[1]) > 1 and all(
            n[0] == "compare" and n[2] == "==" and n[4] == "str" and n[1] == node[1][0][1]
            and typed.get(n[1]) == "str" for n in node[1]):
        # text equal to one of some texts: a set lookup (text never equals a number)
        return f"{local[node[1][0][1]]} in {{{', '.join(n[3] for n in node[1])}}}"
    if what in ("and", "or"):
        parts = [_render(n, local, typed, params) for n in node[1]]
        if what == "or" and "True" in parts:
            return "True"
        parts = [p for p in parts if p != "True"]
        if not parts:
            return "True"
        return parts[0] if len(parts) == 1 else "(" + f" {what} ".join(parts) + ")"
    v = local[node[1]]
    if what == "param":
        _, fname, op, name = node
        p = params[name]
        guard = f"{p} is None"
        if fname not in typed:
            guard = f"{_GUARD['number'].format(v)} or {guard}"
        return f"({guard} or {v} {op} {p})"
    _, fname, op, constant, of = node
    if fname in typed and of == "bool" and constant in ("True", "False"):
        # a bool is True or False: "v == True" is "v", "v != True" is "not v"
        return v if (op == "==") == (constant == "True") else f"not {v}"
    test = f"{v} {op} {constant}"
    return test if fname in typed else f"({_GUARD[of].format(v)} or {test})"


class _Values:
    """The values of one field over a list of facts, for the semi-joins of one ``keep``:
    each set is made once per list (a list is held while its set is, so its id is not
    reused)."""

    def __init__(self, facts: Sequence[Mapping[str, Any]]):
        self.facts = facts
        self._made: dict[tuple[int, str], tuple[Sequence[int], set[str] | None]] = {}

    def of(self, indices: Sequence[int], fname: str) -> set[str] | None:
        """The values of ``fname`` over the facts ``indices``; ``None`` where one is not
        text."""
        made = self._made.get((id(indices), fname))
        if made is None or made[0] is not indices:
            facts = self.facts
            values = {facts[j].get(fname) for j in indices}
            made = self._made[id(indices), fname] = (
                indices, values if all(type(v) is str for v in values) else None)
        return made[1]


def _narrowed(rule: _Rule, hits: Sequence[list[int]], joined: _Values
              ) -> dict[int, list[int]] | None:
    """The candidates of each positive pattern after the semi-joins, or ``None`` when one
    pattern has none (the rule cannot fire)."""
    candidates = {pid: hits[pid] for pid in rule.positive}
    if not all(candidates.values()):
        return None
    changed = True
    while changed:
        changed = False
        for pid in rule.positive:
            for join in rule.joins.get(pid, ()):
                before = candidates[pid]
                after = _semi_join(before, join, candidates[join.other], joined)
                if not after:
                    return None
                if len(after) != len(before):
                    candidates[pid] = after
                    changed = True
    return candidates


def _semi_join(found: list[int], join: _Join, other: Sequence[int], joined: _Values
               ) -> list[int]:
    """The facts of ``found`` whose ``join.field`` equals ``join.other_field`` of some fact
    of ``other``; all of ``found`` where a value is not text (durable_rules compares loosely)."""
    values = joined.of(other, join.other_field)
    if values is None:
        return found
    facts, fname = joined.facts, join.field
    out = []
    for i in found:
        value = facts[i].get(fname)
        if value in values or type(value) is not str:
            out.append(i)
    return out


def _fields_read(test: Mapping[str, Any], read: set[str], joined: dict[str, set[str]]
                 ) -> None:
    """Add to ``read`` the fields ``test`` reads of its own fact, and to ``joined`` those
    it reads of other facts (by alias)."""
    ((key, value),) = test.items()
    if key in ("$and", "$or"):
        for part in value:
            _fields_read(part, read, joined)
        return
    if key.startswith("$"):
        ((key, value),) = value.items()
    read.add(key)
    if isinstance(value, Mapping):
        ((alias, attr),) = value.items()
        joined.setdefault(alias, set()).add(attr)


def _equal_join(test: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """``(field, alias, attr)`` for an equality join with another fact's field."""
    ((key, value),) = test.items()
    if key.startswith("$") or not isinstance(value, Mapping):
        return None
    ((alias, attr),) = value.items()
    if alias.startswith("i_p_"):
        return None
    return key, alias, attr
