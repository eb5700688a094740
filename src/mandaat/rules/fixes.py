"""Fixes as data: what a rule's ``fix`` declares, read and checked (``docs/rules.md``).

A rule may declare a ``fix``: options, each one or more edits of the school, with
placeholders bound from the match that produced the finding and, where an edit needs a
choice, how the candidates are found on the graph. This module reads and checks those
declarations; it edits no school (that is :mod:`mandaat.whatif`).

A check never reads them: a rule keeps its ``fix`` as the data the pack holds, and a pack
folder may keep its fixes in ``fixes.yaml`` (``fixes: {RULE_ID: fix}``), which only
``mandaat fix`` and ``mandaat rules lint`` read. So the fixes cost a check nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Loc, Problem, RulePackError
from ..school import vocabulary as V
from ..school._source import ParseFailure, Source, parse, read_source
from . import facts as F

__all__ = ["CANDIDATES", "EDITS", "Choice", "EditSpec", "FixOption", "FIXES_FILE",
           "fix_problems", "pack_fixes"]

#: The file of a pack folder that holds fixes apart from the rules.
FIXES_FILE = "fixes.yaml"

#: Each edit kind: its required fields, then its optional ones (docs/rules.md, "Fixes").
EDITS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "add_letter": (("task", "who", "as"), ()),
    "remove_letter": (("task", "who", "as"), ()),
    "move_letter": (("task", "from", "to", "as"), ()),
    "set_accountable": (("task", "who"), ()),
    "set_case_holder": (("task", "who"), ()),
    "set_type": (("task", "type"), ()),
    "add_task": (("type", "responsible"), ("accountable",)),
    "give_mandate": (("from", "to", "scope"), ()),
    "communicate_mandate": (("mandate",), ()),
    "set_mandate_from": (("mandate", "from"), ()),
    "name_deputy": (("person", "deputy"), ()),
    "add_role": (("person", "role"), ()),
    "remove_role": (("person", "role"), ()),
    "move_lead": (("person", "from", "to"), ()),
    "remove_route": (("route",), ()),
}

#: How the candidates of a choice are found on the graph: each kind and its arguments.
CANDIDATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "school_leader": ((), ()),                # every school leader
    "role": (("role",), ()),                  # every holder of a role
    "mandated": (("task",), ()),              # who holds a leader's mandate covering the task
    "teachers_on": (("task",), ()),           # the teachers named on the task (any letter)
    "deputy_for": (("person",), ()),          # present colleagues sharing a role with them
    "teams": (("kind",), ()),                 # the teams of a kind (leerteam, bouw, ...)
    "tasks_of": (("person", "as"), ("domain",)),  # the person's tasks, most hours first
}
#: The most candidates a choice gives (the first by id; tasks by the person's hours on them,
#: most first): each is an option of its own.
MAX_CANDIDATES = 3

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_REF = re.compile(r"[a-z][a-z0-9_]*\.[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Choice:
    """A field whose value is chosen: one option per candidate found."""

    kind: str
    args: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class EditSpec:
    """One edit as declared: its kind and its fields (a template, or a choice)."""

    kind: str
    fields: tuple[tuple[str, str | Choice], ...]


@dataclass(frozen=True)
class FixOption:
    """One option of a rule's fix: edits applied together. With ``each``, the edits are
    made once for every match of the finding (every offender of a ``collect`` rule)."""

    edits: tuple[EditSpec, ...]
    each: bool = False


def pack_fixes(pack: Any) -> dict[str, tuple[FixOption, ...]]:
    """The fixes of a pack, by rule id: each rule's own ``fix``, and a pack folder's
    ``fixes.yaml`` (a rule's own ``fix`` wins).

    Raises
    ------
    RulePackError
        When a fix cannot be read (an unknown edit, a placeholder no match binds, ...).
    """
    found, problems = _read(pack)
    if problems:
        raise RulePackError(problems)
    return found


def fix_problems(pack: Any) -> list[Problem]:
    """What is wrong with the fixes of a pack: its lint findings about fixes."""
    return _read(pack)[1]


def _read(pack: Any) -> tuple[dict[str, tuple[FixOption, ...]], list[Problem]]:
    rules = {r.id: r for r in pack.rules}
    declared: list[tuple[str, Any, str, int | None, Loc, Source | None]] = []
    folder = Path(pack.origin)
    problems: list[Problem] = []
    if folder.is_dir() and (folder / FIXES_FILE).is_file():
        try:
            src = read_source(folder / FIXES_FILE)
            data = parse(src)
        except ParseFailure as exc:
            return {}, [exc.problem]
        table = data.get("fixes") if isinstance(data, dict) else None
        if not isinstance(table, dict):
            problems.append(src.problem((), "bad_fix", "fixes.yaml holds 'fixes:', a mapping "
                                        "of rule ids to fixes"))
            table = {}
        for rule_id, raw in table.items():
            if str(rule_id) not in rules:
                problems.append(src.problem(("fixes", str(rule_id)), "unknown_rule",
                                            f"no rule '{rule_id}' in pack '{pack.name}'"
                                            f"{V.did_you_mean(str(rule_id), rules)}"))
                continue
            declared.append((str(rule_id), raw, src.name, None, ("fixes", str(rule_id)), src))
    # where each rule stands, for the line of a mistake in its own fix
    places = getattr(pack.locations, "_places", {})
    for rule in pack.rules:
        if rule.fix is not None:
            if rule.id in places:
                src, at = places[rule.id]
                declared.append((rule.id, rule.fix, src.name, None, (*at, "fix"), src))
            else:
                file, line = pack.locations.get(rule.id, (pack.origin, None))
                declared.append((rule.id, rule.fix, file, line, ("rules", rule.id, "fix"),
                                 None))
    out: dict[str, tuple[FixOption, ...]] = {}
    for rule_id, raw, file, line, loc, src in declared:
        def add(where: Loc, kind: str, msg: str, _file: str = file, _line: int | None = line,
                _loc: Loc = loc, _src: Source | None = src, _rule: str = rule_id) -> None:
            full = (*_loc, *where)
            if _src is not None:
                problems.append(_src.problem(full, kind, msg))
            else:
                problems.append(Problem(_file, _line, full, kind, msg))
        options = _options(raw, rules[rule_id], add)
        if options is not None:
            out[rule_id] = options
    return out, problems


def _options(raw: Any, rule: Any, add) -> tuple[FixOption, ...] | None:
    if rule.kind != "structural":
        add((), "bad_fix", f"rule '{rule.id}' is an escalation rule: its answer is a person, "
            "not an edit, so it has no fix")
        return None
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        add((), "bad_fix", "a fix needs at least one option")
        return None
    kinds = _alias_kinds(rule)
    options = []
    ok = True
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            add((i,), "bad_fix", "an option is a mapping: one edit ('edit: KIND') or "
                "'edits: [...]'")
            ok = False
            continue
        each = item.get("each", False)
        if "edits" in item:
            extra = set(item) - {"edits", "each"}
            edits = item["edits"]
            if extra or not isinstance(edits, list) or not edits:
                add((i,), "bad_fix", "an option with 'edits' holds a non-empty list of edits "
                    "(and optionally 'each: true')")
                ok = False
                continue
            where: list[tuple[Loc, Any]] = [((i, "edits", j), e) for j, e in enumerate(edits)]
        else:
            where = [((i,), {k: v for k, v in item.items() if k != "each"})]
        if not isinstance(each, bool):
            add((i, "each"), "bad_fix", "'each' is true or false")
            ok = False
        specs = []
        for loc, edit in where:
            spec = _edit(edit, kinds, lambda w, k, m, _l=loc: add((*_l, *w), k, m))
            if spec is None:
                ok = False
            else:
                specs.append(spec)
        if ok:
            options.append(FixOption(tuple(specs), bool(each)))
    return tuple(options) if ok else None


def _alias_kinds(rule: Any) -> dict[str, str]:
    """The aliases every branch of a rule binds with a ``fact`` pattern, with their kinds."""
    common: dict[str, str] | None = None
    for branch in rule.branches:
        these = {p.alias: p.fact for p in branch if p.fact is not None and p.alias}
        common = these if common is None else {a: k for a, k in common.items()
                                               if these.get(a) == k}
    return common or {}


def _edit(raw: Any, kinds: Mapping[str, str], add) -> EditSpec | None:
    if not isinstance(raw, dict) or "edit" not in raw:
        add((), "bad_fix", "an edit is a mapping with 'edit: KIND' and its fields")
        return None
    kind = raw["edit"]
    if kind not in EDITS:
        add(("edit",), "unknown_edit", f"unknown edit '{kind}'"
            f"{V.did_you_mean(str(kind), EDITS)}; known: {', '.join(EDITS)}")
        return None
    required, optional = EDITS[kind]
    ok = True
    for name in required:
        if name not in raw:
            add((), "bad_fix", f"edit '{kind}' needs '{name}'")
            ok = False
    fields: list[tuple[str, str | Choice]] = []
    for name, value in raw.items():
        if name == "edit":
            continue
        if name not in required and name not in optional:
            add((name,), "bad_fix", f"edit '{kind}' has no field '{name}'"
                f"{V.did_you_mean(str(name), (*required, *optional))}")
            ok = False
            continue
        if isinstance(value, dict):
            choice = _choice(value, kinds, lambda w, k, m, _n=name: add((_n, *w), k, m))
            if choice is None:
                ok = False
            else:
                fields.append((name, choice))
        elif isinstance(value, str):
            if not _template_ok(value, kinds, lambda w, k, m, _n=name: add((_n, *w), k, m)):
                ok = False
            fields.append((name, value))
        else:
            add((name,), "bad_fix", f"'{name}' is a text with placeholders, or a choice "
                "'{candidates: KIND, ...}'")
            ok = False
    if ok and kind in ("add_letter", "remove_letter", "move_letter"):
        value = dict(fields).get("as")
        if isinstance(value, str) and "{" not in value and value not in V.RACI:
            add(("as",), "bad_fix", f"'as' is one of {', '.join(V.RACI)}, not '{value}'")
            ok = False
    return EditSpec(str(kind), tuple(fields)) if ok else None


def _choice(raw: dict[str, Any], kinds: Mapping[str, str], add) -> Choice | None:
    kind = raw.get("candidates")
    if kind not in CANDIDATES:
        add(("candidates",), "unknown_candidates", f"unknown candidates '{kind}'"
            f"{V.did_you_mean(str(kind), CANDIDATES)}; known: {', '.join(CANDIDATES)}")
        return None
    ok = True
    args = []
    required, optional = CANDIDATES[kind]
    for name in required:
        if not isinstance(raw.get(name), str):
            add((), "bad_fix", f"candidates '{kind}' need '{name}'")
            ok = False
    for name, value in raw.items():
        if name == "candidates":
            continue
        if name not in required + optional or not isinstance(value, str):
            add((name,), "bad_fix", f"candidates '{kind}' take "
                f"{', '.join(required + optional) or 'nothing'}, as text")
            ok = False
            continue
        if not _template_ok(value, kinds, lambda w, k, m, _n=name: add((_n, *w), k, m)):
            ok = False
        args.append((name, value))
    return Choice(str(kind), tuple(args)) if ok else None


def _template_ok(template: str, kinds: Mapping[str, str], add) -> bool:
    ok = True
    for ref in _PLACEHOLDER.findall(template):
        alias, _, field = ref.partition(".")
        if not _REF.fullmatch(ref):
            add((), "unbound_placeholder", f"{{{ref}}} is not {{alias.field}}")
            ok = False
        elif alias not in kinds:
            add((), "unbound_placeholder", f"{{{ref}}}: no 'fact' pattern of every branch "
                f"binds '{alias}'{V.did_you_mean(alias, kinds)}")
            ok = False
        elif field not in F.FACT_KINDS.get(kinds[alias], {}):
            add((), "unbound_placeholder", f"{{{ref}}}: fact '{kinds[alias]}' has no field "
                f"'{field}'{V.did_you_mean(field, F.FACT_KINDS.get(kinds[alias], {}))}")
            ok = False
    return ok


def placeholders(template: str) -> Sequence[str]:
    """The ``alias.field`` references of a template."""
    return _PLACEHOLDER.findall(template)


def fill(template: str, value) -> str:
    """``template`` with each ``{alias.field}`` replaced by ``value(ref)``."""
    return _PLACEHOLDER.sub(lambda m: str(value(m.group(1))), template)
