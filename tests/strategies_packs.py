"""Rule packs for tests: a builder for packs of any size, and hypothesis strategies for
hostile ones (odd names and numbers, long lists, many rules and branches, deep data).

A hostile pack must end in a located ``RulePackError`` or in a correct report, in bounded
time, and never in a traceback (``tests/property/test_hostile_packs.py``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from mandaat.rules import OPERATORS, TEMPLATE_FORMATS
from mandaat.rules.facts import FACT_KINDS
from mandaat.school import vocabulary as V

SOURCE = {"text": "001_7e2a7906d0b92de6.txt", "quote": "niet zelf coachen"}


def a_rule(rule_id: str, when: list[dict[str, Any]] | None = None, **fields: Any
           ) -> dict[str, Any]:
    """A valid structural rule: by default, every person is its subject."""
    rule: dict[str, Any] = {
        "id": rule_id, "severity": "advice",
        "when": when if when is not None else [{"fact": "person", "as": "p"}],
        "subjects": ["p.person"],
        "message": {"nl": "{p.person}", "en": "{p.person}"},
        "suggestion": {"nl": "Kijk.", "en": "Look."},
        "source": dict(SOURCE),
    }
    rule.update(fields)
    if rule.get("any_of") is not None:
        rule.pop("when")
    return rule


def a_pack(rules: list[dict[str, Any]], params: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    """A pack's data with the given rules (and params: name -> default)."""
    return {"pack": "test-pack", "version": "1",
            "params": {name: {"default": value, "description": "a threshold"}
                       for name, value in (params or {}).items()},
            "rules": rules}


def write_pack(folder: Path, data: Any, name: str = "pack.yaml") -> Path:
    """Write pack data as YAML (or JSON, for a name ending in .json).

    A text ``DEEP_<n>`` becomes a list nested ``n`` deep (written out here: the YAML and
    JSON writers recurse, and would stop at Python's recursion limit).
    """
    path = folder / name
    if name.endswith(".json"):
        text = json.dumps(data)
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for n in (40, 1200):
        text = text.replace(f'"DEEP_{n}"', "[" * n + '"x"' + "]" * n)
        text = text.replace(f"DEEP_{n}", "[" * n + "x" + "]" * n)
    path.write_text(text, encoding="utf-8")
    return path


# --- hostile packs ----------------------------------------------------------------------------

KINDS = sorted(FACT_KINDS)
ALIASES = ["p", "q", "r", "x1"]

#: Names that mean something to durable_rules, or nothing to mandaat.
odd_names = st.sampled_from(["$not", "a$not", "m$not", "x$any", "x$all", "$and", "k", "id",
                             "sid", "i_p_x", "__in0", "Max", "ok_name", "n", "", " ", "é"])
odd_numbers = st.sampled_from([0, -1, 1e-05, 2e-07, 5e-324, 1e16, 1.0e300, -1.0e300, 2**63,
                               -(2**63) - 1, 10**30, 0.1, math.inf, -math.inf, math.nan,
                               True, False])
odd_texts = st.one_of(st.text(max_size=12), st.sampled_from(['O"Brien', "it's", "\\", "}{",
                                                             "$not", "a\x00b", "\u00e9\u20ac"]))


@st.composite
def _value(draw: st.DrawFn, ftype: str | None) -> Any:
    """A value for a field of type ``ftype``: mostly of the right type, sometimes not."""
    if ftype is None or draw(st.integers(0, 9)) == 0:
        return draw(st.one_of(odd_numbers, odd_texts, st.just([]), st.just({"param": "n"})))
    if ftype == "number":
        return draw(st.one_of(st.integers(-3, 40), odd_numbers))
    if ftype == "bool":
        return draw(st.booleans())
    if ftype == "domain_set":
        return draw(st.lists(st.sampled_from(V.DOMAINS), min_size=1, max_size=3, unique=True))
    from mandaat.rules.facts import VOCABULARY_OF_TYPE
    if ftype in VOCABULARY_OF_TYPE:
        return draw(st.sampled_from(VOCABULARY_OF_TYPE[ftype]))
    return draw(st.one_of(st.sampled_from(["anna", "ilse", "tom", "sara", "studiedag", ""]),
                          odd_texts))


@st.composite
def _condition(draw: st.DrawFn, kind: str, fname: str, aliases: list[str]) -> Any:
    ftype = FACT_KINDS.get(kind, {}).get(fname)
    op = draw(st.sampled_from([*OPERATORS, "eq", "in", "gt", "bogus"]))
    if op in ("in", "not_in"):
        n = draw(st.sampled_from([0, 1, 2, 5, 9, 40, 600]))
        real = draw(st.lists(_value(ftype), max_size=3))
        fill = [f"v{i}" if ftype not in ("number",) else i + 1000 for i in range(n)]
        return {op: real + fill if ftype != "domain_set" else real}
    if op in ("same_as", "not_same_as"):
        alias = draw(st.sampled_from(aliases or ["zz"]))
        other = draw(st.sampled_from(sorted(FACT_KINDS["person"]) + ["nope"]))
        return {op: f"{alias}.{other}"}
    if draw(st.integers(0, 5)) == 0:
        return {op: {"param": draw(st.one_of(odd_names, st.just("n")))}}
    value = draw(_value(ftype))
    return value if op == "eq" and draw(st.booleans()) else {op: value}


@st.composite
def _pattern(draw: st.DrawFn, aliases: list[str]) -> dict[str, Any]:
    kind = draw(st.one_of(st.sampled_from(["person", "person", "task", "assignment"]),
                          st.sampled_from(KINDS), st.just("persn")))
    key = draw(st.sampled_from(["fact", "fact", "fact", "absent"]))
    pattern: dict[str, Any] = {key: kind}
    if key == "fact" or draw(st.booleans()):
        pattern["as"] = draw(st.sampled_from(ALIASES))
    fields = sorted(FACT_KINDS.get(kind, {"person": "id"}))
    names = draw(st.lists(st.one_of(st.sampled_from(fields), st.just("nope")), max_size=3,
                          unique=True))
    pattern["where"] = {f: draw(_condition(kind, f, aliases)) for f in names}
    return pattern


@st.composite
def _branch(draw: st.DrawFn) -> list[dict[str, Any]]:
    patterns: list[dict[str, Any]] = []
    aliases: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        pattern = draw(_pattern(aliases))
        if "fact" in pattern and "as" in pattern:
            aliases.append(pattern["as"])
        patterns.append(pattern)
    return patterns


@st.composite
def hostile_rules(draw: st.DrawFn, i: int) -> dict[str, Any]:
    """One rule, often with a mistake, an odd value or an engine-sized part."""
    kind = draw(st.sampled_from(["structural", "structural", "escalation", "no_target"]))
    placeholder = draw(st.sampled_from(["p.person", "p.name", "p.task_hours", "q.person",
                                        "param.n", "target", "p.nope"]))
    fmt = draw(st.sampled_from(["", *TEMPLATE_FORMATS, "naam"]))
    text = "{" + placeholder + ("|" + fmt if fmt else "") + "}"
    rule: dict[str, Any] = {
        "id": f"R{i}", "severity": draw(st.sampled_from(["advice", "warning", "violation"])),
        "kind": kind, "subjects": ["p.person"],
        "message": {"nl": text, "en": text}, "suggestion": {"nl": "x", "en": "x"},
        "source": dict(SOURCE),
    }
    if kind == "no_target":
        rule["subjects"] = []
        rule["message"] = {"nl": "{rule}", "en": "{rule}"}
        return rule
    shape = draw(st.sampled_from(["when", "when", "any_of", "many_branches"]))
    if shape == "when":
        rule["when"] = draw(_branch())
    else:
        count = draw(st.integers(1, 3)) if shape == "any_of" else draw(
            st.sampled_from([70, 257]))
        first = draw(_branch())
        rule["any_of"] = [first] + [
            [{"fact": "person", "as": "p", "where": {"n_responsible": {"gte": b}}}]
            for b in range(count - 1)]
    if kind == "escalation":
        n = draw(st.sampled_from([1, 2, 3, 17]))
        rule["escalate_to"] = [{"field": "p.person"} if j % 2 else
                               {"target": draw(st.sampled_from(sorted(V.TARGETS)))}
                               for j in range(n)]
    return rule


@st.composite
def hostile_packs(draw: st.DrawFn) -> dict[str, Any]:
    """A pack's data: a few hostile rules, odd params, sometimes many plain rules or a
    value nested deep."""
    rules = [draw(hostile_rules(i)) for i in range(draw(st.integers(1, 4)))]
    # many plain rules that strain one of durable_rules' tables: alpha nodes one fact
    # matches, tests after one test, fields of one fact
    bulk = draw(st.sampled_from(["", "", "", "", "stack", "tests", "fields"]))
    for i in range(300 if bulk else 0):
        where: dict[str, Any] = {
            "stack": {"n_accountable": {"lte": -i}},
            "tests": {"name": f"nobody{i}"},
            "fields": {"name": {"not_in": [f"x{i}-{j}" for j in range(9)]}},
        }[bulk]
        rules.append(a_rule(f"PLAIN{i}", [{"fact": "person", "as": "p", "where": where}]))
    params = {"n": 2}
    for name in draw(st.lists(odd_names, max_size=2)):
        params[name] = draw(st.sampled_from([1, 0.5, 1e-05]))
    pack = a_pack(rules, params)
    if draw(st.integers(0, 9)) == 0:
        pack["description"] = f"DEEP_{draw(st.sampled_from([40, 1200]))}"
    return pack
