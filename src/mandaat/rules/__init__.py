"""Rule packs: mandaat's declarative rule language, its loader and its linter.

A rule pack is YAML data (see ``docs/rules.md``): no Python, no ``eval``. Loading checks
every rule against the fact kinds of :mod:`mandaat.rules.facts` and the vocabulary, so a typo
fails at load time with file, line, field path and the closest valid name. ``lint`` runs
the same loader and adds the checks that are advice rather than errors.

The package holds everything a rule is evaluated with: :mod:`~mandaat.rules.facts` (the
flat facts of a school that rules match on), :mod:`~mandaat.rules.sources` (the source
texts rules cite), ``_prefilter`` (the facts that can take part in a match) and
``_engine`` (the one module that imports durable_rules). It makes no report.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .._data import bundled_rules_path
from ..errors import Loc, Problem, RulePackError, format_loc
from ..school import vocabulary as V
from ..school._source import ParseFailure, Source, parse, read_source, show
from ..school._validation import problems_from
from ..school.model import ParamRef, SignalType, Step
from . import facts as F
from .sources import corrected
from .sources import registry as registry_of

__all__ = ["DEFAULT_PACK", "Rule", "RulePack", "bundled_rules_path", "default_pack", "fold_text",
           "lint_rules", "load_rules", "never_holds", "sources_folder"]

DEFAULT_PACK = "lbbo-2022"
SEVERITIES = ("violation", "warning", "advice")
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "same_as", "not_same_as")
COMPARISONS = ("lt", "lte", "gt", "gte")
GRAPH_STEPS = ("accountable", "walk")
LANGS = ("nl", "en")
TEMPLATE_FORMATS = ("name", "names", "all", "pct")
#: Whom an escalation rule's texts can speak of as the one who acts (``actor``): a target
#: role, or the teacher.
ACTORS = (*V.TARGETS, "leraar")

# Limits of a rule pack (docs/errors.md, "Limits of a rule pack"): checked when a pack loads,
# before any work is done with it; the join size for each school, before evaluation.
MAX_RULES = 1_000          # rules in one pack
MAX_BRANCHES = 256         # any_of branches of one rule
MAX_ALTERNATIVES = 16      # escalate_to alternatives of one rule
MAX_ENGINE_RULES = 4_000   # compiled rules of a check: branches x (alternatives + 1), summed
MAX_PATTERNS = 16          # patterns ('fact' and 'absent') of one branch
MAX_BOUND = 14             # 'fact' patterns of a branch plus the params its conditions name
MAX_JOINS = 16             # conditions of a pattern that compare with another fact or a param
MAX_JOIN_SIZE = 50_000     # combinations of facts one rule could match, for one school
MAX_CHECK_JOIN_SIZE = 50_000  # the same, summed over all the rules of one check

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")]
Alias = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Ref = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z_][a-z0-9_]*$")]
#: A param's name, as routes name it too: it reaches the rule engine, where a name ending
#: in '$not', '$any' or '$all' would change what a rule means.
ParamName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Scalar = str | bool | int | float
SignalTypeName = SignalType


def operations(cond: Any) -> dict[str, Any]:
    """A ``where`` condition as ``{operator: operand}``: a plain value (or ``{param: x}``)
    is equality.

    >>> operations(True), operations({"param": "n"}), operations({"gt": 3, "lt": 9})
    ({'eq': True}, {'eq': {'param': 'n'}}, {'gt': 3, 'lt': 9})
    """
    return cond if isinstance(cond, dict) and "param" not in cond else {"eq": cond}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Pattern(_Model):
    """One pattern of a rule: a fact that must exist (``fact``) or must not (``absent``)."""

    fact: str | None = None
    absent: str | None = None
    alias: Alias | None = Field(default=None, alias="as")
    where: dict[str, Any] = {}

    @property
    def kind(self) -> str:
        return self.fact or self.absent or ""


class Text2(_Model):
    """A text in Dutch and English."""

    nl: Annotated[str, StringConstraints(min_length=1)]
    en: Annotated[str, StringConstraints(min_length=1)]


class SourceRef(_Model):
    """Where a rule comes from: a source text and a short quote."""

    text: Annotated[str, StringConstraints(min_length=1)]
    quote: Annotated[str, StringConstraints(min_length=1)]


class TargetAlternative(_Model):
    """One way to find who acts: a person id from a matched fact, or a target role's holder."""

    field: Ref | None = None
    target: str | None = None


class Otherwise(_Model):
    """An escalation rule's texts for when someone else acts than its ``actor``."""

    message: Text2
    suggestion: Text2


class Rule(_Model):
    """A rule of a pack (the YAML shape; see ``docs/rules.md``)."""

    id: RuleId
    severity: Literal["violation", "warning", "advice"]
    kind: Literal["structural", "escalation", "no_target"] = "structural"
    title: Text2 | None = None
    when: list[Pattern] | None = None
    any_of: list[list[Pattern]] | None = None
    subjects: list[Ref] = []
    collect: Ref | None = None
    #: The collected values come before ``subjects`` ("every ib'er, then the task").
    collect_first: bool = False
    escalate_to: list[TargetAlternative] = []
    path: list[str] = []
    message: Text2
    suggestion: Text2
    source: SourceRef
    #: An escalation rule's texts speak of one who acts as this role (``ib``, ``leraar``,
    #: ``schoolleider``, ...): where a school's own route ends at someone else (a team, an
    #: outside party, another role), ``otherwise`` says it.
    actor: str | None = None
    otherwise: Otherwise | None = None
    #: The edits that fix a finding of this rule, as the pack writes them: read and checked
    #: only by ``mandaat fix`` and lint (:mod:`mandaat.rules.fixes`), never by a check.
    fix: Any = None

    @property
    def branches(self) -> list[list[Pattern]]:
        """The rule's alternatives: ``any_of``, or the single ``when``."""
        if self.any_of is not None:
            return self.any_of
        return [self.when] if self.when is not None else []


class Param(_Model):
    """A named threshold, with its default and what it means."""

    default: Annotated[float, Field(allow_inf_nan=False)]
    description: Annotated[str, StringConstraints(min_length=1)]


class PackHeader(_Model):
    """The head of a pack: its name, version and params."""

    pack: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
    version: Annotated[str, StringConstraints(min_length=1)]
    description: str | None = None
    params: dict[ParamName, Param] = {}
    #: Default routes: for a signal type, the steps who act on it (a school's own route for
    #: the same type replaces it).
    routes: dict[SignalTypeName, Annotated[list[Step], Field(min_length=1, max_length=20)]] = {}
    rules: list[Rule] = []


class RulesOnly(_Model):
    """A further file of a pack folder: rules only."""

    rules: list[Rule]


@dataclass(frozen=True)
class RulePack:
    """A loaded, validated rule pack."""

    name: str
    version: str
    params: dict[str, Param]
    rules: tuple[Rule, ...]
    origin: str
    # Where each rule stands, for error messages: rule id -> (file, line)
    locations: Mapping[str, tuple[str, int | None]]
    # The params each rule uses, in name order: rule id -> names
    rule_params: dict[str, tuple[str, ...]]
    lint: tuple[Problem, ...] = ()
    #: Default routes by signal type.
    routes: dict[str, tuple[Step, ...]] = dc_field(default_factory=dict)


class RuleLocations(Mapping[str, tuple[str, int | None]]):
    """Where each rule of a pack stands: rule id -> (file, line).

    The lines are found when one is first asked for (by an error message), not when the
    pack is loaded: finding them reads each file's YAML a second time, which took a third
    of loading the bundled pack (4 of 12 ms).
    """

    def __init__(self, places: Mapping[str, tuple[Source, Loc]]):
        self._places = dict(places)
        self._found: dict[str, tuple[str, int | None]] | None = None

    def _lines(self) -> dict[str, tuple[str, int | None]]:
        found = self._found
        if found is None:  # two threads may both find them: the same answer
            found = self._found = {rule_id: (src.name, src.line_of(loc))
                                   for rule_id, (src, loc) in self._places.items()}
        return found

    def __getitem__(self, rule_id: str) -> tuple[str, int | None]:
        return self._lines()[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._places

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RuleLocations):  # the same places in the same texts
            return self._places == other._places
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._lines())


# --- loading -------------------------------------------------------------------------------



def default_pack() -> RulePack:
    """Return the bundled pack ``lbbo-2022``: a copy of its own for each call, so that
    changing it changes no check (a check takes the bundled pack as the process keeps it)."""
    return copy.deepcopy(shared_default_pack())


_DEFAULT: list[RulePack] = []


def shared_default_pack() -> RulePack:
    """The bundled pack as the process keeps it, loaded once: for mandaat's own use, which
    only reads it (callers get a copy from :func:`default_pack`)."""
    if not _DEFAULT:
        _DEFAULT.append(load_rules(bundled_rules_path() / DEFAULT_PACK))
    return _DEFAULT[0]


def load_rules(path: str | Path, *, sources: str | Path | None = None) -> RulePack:
    """Load and validate a rule pack: a YAML file, or a folder of them.

    A folder's ``pack.yaml`` holds the pack's name, version and params; every other
    ``*.yaml`` file in it holds ``rules:``. A single file holds all of it. The header and
    each rule are validated on their own, so one rule of the wrong shape does not hide the
    mistakes of the others.

    ``sources`` is a folder of the source texts the rules quote: with it, a rule citing a
    text that is not there, or a quote its text does not hold, is a lint finding. Without
    it the sources are not checked (:func:`lint_rules` looks for a folder by itself).

    Raises
    ------
    RulePackError
        With every problem found, each with file, line, field path and a suggestion.
    """
    p = Path(path)
    if p.is_dir():
        head = p / "pack.yaml"
        # sources.yaml is the registry of the source texts (mandaat.rules.sources) and
        # fixes.yaml the fixes (mandaat.rules.fixes, read only by a fix): not rules
        files = [head] + sorted(f for f in p.glob("*.yaml")
                                if f.name not in ("pack.yaml", "sources.yaml", "fixes.yaml"))
        if not head.exists():
            raise RulePackError([Problem(str(p), None, (), "missing_pack_yaml",
                                         "a rule-pack folder needs a pack.yaml with "
                                         "'pack', 'version' and 'params'")])
    else:
        files = [p]
    problems: list[Problem] = []
    header: PackHeader | None = None
    head_src: Source | None = None
    params: dict[str, Param] = {}
    # Every param name the header writes, valid or not; None when it cannot be read, so
    # that no rule's param is reported as undefined only because the header is broken.
    param_names: set[str] | None = None
    rules: list[tuple[Rule, Source, int]] = []
    n_rules = 0
    for i, file in enumerate(files):
        try:
            src = read_source(file)
            data = parse(src)
        except ParseFailure as exc:
            problems.append(exc.problem)
            continue
        parsed, items = _validate_file(data, src, PackHeader if i == 0 else RulesOnly,
                                       problems)
        if i == 0:
            head_src = src
            if isinstance(parsed, PackHeader):
                header = parsed
                params, param_names = dict(parsed.params), set(parsed.params)
            else:
                params, param_names = _readable_params(data)
        for j, item in enumerate(items):
            if n_rules == MAX_RULES:
                problems.append(src.problem(("rules", j), "pack_limit",
                                            f"more than {MAX_RULES:,} rules in one pack"))
                break
            n_rules += 1
            try:
                rules.append((Rule.model_validate(item), src, j))
            except ValidationError as exc:
                # located through ``src`` itself, whose index of lines is built once
                problems.extend(src.problem(("rules", j, *q.loc), q.type, q.msg)
                                for q in problems_from(exc, Source(src.name, ""), Rule))
    places: dict[str, tuple[Source, Loc]] = {}
    lint: list[Problem] = []
    seen: dict[str, str] = {}
    used_params: set[str] = set()
    rule_params: dict[str, tuple[str, ...]] = {}
    compiled = 0
    for rule, src, j in rules:
        loc: Loc = ("rules", j)
        if rule.id in seen:
            problems.append(src.problem((*loc, "id"), "duplicate_rule",
                                        f"duplicate rule id '{rule.id}' (also in {seen[rule.id]})"))
            continue
        if compiled <= MAX_ENGINE_RULES < compiled + engine_rules(rule):
            problems.append(src.problem(loc, "pack_limit", _engine_rules_message("the pack")))
        compiled += engine_rules(rule)
        seen[rule.id] = src.name
        places[rule.id] = (src, loc)
        checker = _RuleChecker(rule, src, loc, params, param_names)
        problems.extend(checker.check())
        lint.extend(checker.lint())
        used_params |= checker.params_used
        rule_params[rule.id] = tuple(sorted(checker.params_used))
    if sources is not None:
        lint.extend(_check_sources(rules, sources_folder(p, sources), problems, p))
    if problems or header is None or head_src is None:
        raise RulePackError(problems or [Problem(str(p), None, (), "empty", "no pack header")])
    for signal_type, steps in header.routes.items():
        for j, step in enumerate(steps):
            for k, condition in enumerate(step.when):
                for value in (condition.after_weeks, condition.after_times):
                    if isinstance(value, ParamRef):
                        if value.param in header.params:
                            used_params.add(value.param)
                        else:
                            problems.append(head_src.problem(
                                ("routes", signal_type, j, "when", k), "undefined_param",
                                f"param '{value.param}' is not defined in the pack"
                                f"{V.did_you_mean(value.param, header.params)}"))
    if problems:
        raise RulePackError(problems)
    for name in sorted(set(header.params) - used_params):
        lint.append(head_src.problem(("params", name), "unused_param",
                                     f"param '{name}' is used by no rule"))
    lint.extend(_duplicate_conditions(rules))
    lint.sort(key=lambda q: (q.file, q.line or 0, format_loc(q.loc), q.msg))
    return RulePack(header.pack, header.version, dict(header.params),
                    tuple(r for r, _, _ in rules), str(p), RuleLocations(places), rule_params,
                    tuple(lint),
                    {t: tuple(steps) for t, steps in header.routes.items()})


def engine_rules(rule: Rule) -> int:
    """How many engine rules ``rule`` compiles to: one per branch, and for an escalation
    rule that many for each ``escalate_to`` alternative and one more (nobody found)."""
    if rule.kind == "no_target":
        return 0
    return len(rule.branches) * (len(rule.escalate_to) + 1 if rule.kind == "escalation" else 1)


def _engine_rules_message(what: str) -> str:
    return (f"{what} compiles to more than {MAX_ENGINE_RULES:,} engine rules (one per "
            "branch, and for an escalation rule one per escalate_to alternative and one more); "
            "this rule passes the limit")


def _validate_file(data: Any, src: Source, model: type[PackHeader] | type[RulesOnly],
                   problems: list[Problem]) -> tuple[BaseModel | None, list[Any]]:
    """Validate a file's header (or its bare ``rules:``) without its rules; return the
    parsed model (None when it has problems, which are added) and the rules to validate."""
    data = data if data is not None else {}
    items = data.get("rules") if isinstance(data, dict) else None
    if isinstance(items, list):
        data = {**data, "rules": []}
    else:
        items = []  # not a list: the model reports it
    try:
        return model.model_validate(data), items
    except ValidationError as exc:
        problems.extend(problems_from(exc, src, model))
        return None, items


def _readable_params(data: Any) -> tuple[dict[str, Param], set[str] | None]:
    """The params of a header that failed validation: the valid ones, and every name."""
    if not isinstance(data, dict):
        return {}, None
    raw = data.get("params", {})
    if not isinstance(raw, dict):
        return {}, None
    valid = {}
    for name, value in raw.items():
        with contextlib.suppress(ValidationError):  # reported by the header's validation
            valid[str(name)] = Param.model_validate(value)
    return valid, {str(name) for name in raw}


def sources_folder(path: str | Path, sources: str | Path | None = None) -> Path | None:
    """The folder of source texts to check a pack's quotes against.

    ``sources`` when given (it must be a folder); otherwise a ``sources/`` folder beside the
    pack's folder or file, when there is one; otherwise None.
    """
    if sources is not None:
        folder = Path(sources)
        if not folder.exists():
            raise RulePackError([Problem(str(folder), None, (), "file_not_found",
                                         "no such folder of source texts")])
        if not folder.is_dir():
            raise RulePackError([Problem(str(folder), None, (), "unreadable",
                                         "not a folder: give the folder that holds the "
                                         "source texts")])
        return folder
    beside = Path(path).resolve().parent / "sources"
    return beside if beside.is_dir() else None


def lint_rules(path: str | Path, *, sources: str | Path | None = None) -> list[Problem]:
    """Return the lint problems of a pack (load errors raise ``RulePackError`` as usual).

    ``sources`` is the folder of the source texts the rules quote; by default a ``sources/``
    folder beside the pack, when there is one. Without such a folder the quotes are not
    checked. The rules' fixes are checked too (:func:`mandaat.rules.fixes.fix_problems`).
    """
    from .fixes import fix_problems

    pack = load_rules(path, sources=sources_folder(path, sources))
    return [*pack.lint, *fix_problems(pack)]


# --- the sources a rule quotes ---------------------------------------------------------------

_PLAIN_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def fold_text(text: str) -> str:
    r"""A text as quotes are compared with it: whitespace folded to single spaces and
    typographic quotes and apostrophes made plain.

    >>> fold_text("de ib\u2019er  is de\n\u201cregisseur\u201d")
    'de ib\'er is de "regisseur"'
    """
    return " ".join(text.translate(_PLAIN_QUOTES).split())


def _check_sources(rules: Sequence[tuple[Rule, Source, int]], folder: Path | None,
                   problems: list[Problem], rule_pack_path: Path) -> list[Problem]:
    """The lint findings of the rules' sources; an unreadable text is added to ``problems``."""
    if folder is None:
        return []
    names = sorted(f.name for f in folder.iterdir() if f.is_file())
    texts: dict[str, str | None] = {}
    out: list[Problem] = []
    for rule, src, j in rules:
        loc: Loc = ("rules", j, "source")
        name = rule.source.text
        if name not in names:
            out.append(src.problem((*loc, "text"), "unknown_source",
                                   f"no source text '{name}' in {folder}"
                                   f"{V.did_you_mean(name, names)}"))
            continue
        if name not in texts:
            try:
                # scanning errors the pack's registry records are corrected first
                info = registry_of(rule_pack_path).get(name)
                texts[name] = fold_text(corrected(read_source(folder / name).text, info))
            except ParseFailure as exc:
                problems.append(exc.problem)
                texts[name] = None
        text = texts[name]
        if text is None:
            continue
        quote = fold_text(rule.source.quote)
        if quote not in text:
            out.append(src.problem((*loc, "quote"), "quote_not_found",
                                   f"the quote is not in '{name}' (compared with whitespace "
                                   f"folded and typographic quotes made plain)"
                                   f"{_longest_start(quote, text)}"))
    return out


def _longest_start(quote: str, text: str) -> str:
    """Where a quote stops matching its text: its longest first words that the text holds.

    A text that holds the first n words holds the first n - 1 too, so the number is
    searched for by halving: a few searches of the text, however long the quote.

    >>> _longest_start("de spin in het web", "wie is de spin in de zorg")
    "; the text has its first 3 of 5 words, up to 'de spin in'"
    """
    words = quote.split(" ")
    ends = list(itertools.accumulate(len(w) + 1 for w in words))  # after each word's space
    low, high = 0, len(words)  # the text holds the first `low` words, not the first high + 1
    while low < high:
        n = (low + high + 1) // 2
        if quote[:ends[n - 1] - 1] in text:
            low = n
        else:
            high = n - 1
    if low == 0:
        return ""
    return (f"; the text has its first {low:,} of {len(words):,} words, up to "
            f"'{' '.join(words[max(0, low - 4):low])}'")


# --- the checks of one rule ------------------------------------------------------------------

#: A ``{...}`` placeholder in a message or suggestion template.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class _RuleChecker:
    """The checks of one rule. One mistake is reported once: an alias whose fact kind is
    unknown is still defined (its fields are not checked), and a param the header names but
    could not read is not reported again as undefined."""

    def __init__(self, rule: Rule, src: Source, loc: Loc, params: dict[str, Param],
                 param_names: set[str] | None):
        self.rule, self.src, self.loc, self.params = rule, src, loc, params
        # Every param name the header writes; None when its params cannot be read at all
        self.param_names = param_names
        self.problems: list[Problem] = []
        self.params_used: set[str] = set()
        self._contradictions: list[Problem] = []
        self._absent_aliases: set[str] = set()

    def add(self, where: Loc, kind: str, msg: str) -> None:
        self.problems.append(self.src.problem((*self.loc, *where), kind, msg))

    def check(self) -> list[Problem]:
        rule = self.rule
        if rule.kind == "no_target":
            if rule.when is not None or rule.any_of is not None:
                self.add(("when",), "no_target_conditions",
                         "a no_target rule has no conditions: it reports escalations whose "
                         "target role nobody holds")
            self._check_templates({"rule", "rule_title", "target", "subjects"}, {})
            return self.problems
        if (rule.when is None) == (rule.any_of is None):
            self.add((), "conditions", "a rule needs exactly one of 'when' or 'any_of'")
            return self.problems
        if len(rule.branches) > MAX_BRANCHES:
            self.add(("any_of",), "pack_limit", f"{len(rule.branches):,} branches; a rule may "
                     f"have at most {MAX_BRANCHES}")
            return self.problems
        if len(rule.escalate_to) > MAX_ALTERNATIVES:
            self.add(("escalate_to",), "pack_limit", f"{len(rule.escalate_to):,} alternatives; "
                     f"a rule may have at most {MAX_ALTERNATIVES}")
        # an alias that is 'absent' in some branch holds what was looked for, not a fact
        self._absent_aliases = {p.alias for b in rule.branches for p in b
                                if p.absent is not None and p.alias}
        branch_aliases: list[dict[str, str | None]] = []
        for b, branch in enumerate(rule.branches):
            where: Loc = ("any_of", b) if rule.any_of is not None else ("when",)
            if not branch:
                self.add(where, "empty_branch", "a branch needs at least one pattern")
                continue
            self._check_size(branch, where)
            branch_aliases.append(self._check_branch(branch, where))
        common = (set.intersection(*(set(a) for a in branch_aliases))
                  if branch_aliases else set())
        kinds: dict[str, str | None] = {}
        for found in branch_aliases:
            for alias, kind in found.items():
                if alias in common:  # an unknown kind in any branch: no field checks
                    kinds[alias] = None if alias in kinds and kinds[alias] is None else kind
        for i, ref in enumerate(rule.subjects):
            self._check_ref(ref, common, kinds, ("subjects", i))
        if rule.collect:
            self._check_ref(rule.collect, common, kinds, ("collect",))
        for i, item in enumerate(rule.path):
            if item == "target":
                continue
            ref, _, step = item.partition(">")
            if step and step not in GRAPH_STEPS:
                self.add(("path", i), "unknown_graph_step",
                         f"unknown graph step '{step}'{V.did_you_mean(step, GRAPH_STEPS)}")
            if re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z_][a-z0-9_]*", ref):
                self._check_ref(ref, common, kinds, ("path", i))
            else:
                self.add(("path", i), "bad_reference",
                         f"'{item}' is not 'alias.field', 'alias.field>accountable' or 'target'")
        if rule.kind == "escalation":
            if not rule.escalate_to:
                self.add(("escalate_to",), "no_target",
                         "an escalation rule needs 'escalate_to': a field or a target role")
            for i, alt in enumerate(rule.escalate_to):
                if (alt.field is None) == (alt.target is None):
                    self.add(("escalate_to", i), "bad_target",
                             "give exactly one of 'field' or 'target'")
                elif alt.target is not None and alt.target not in V.TARGETS:
                    self.add(("escalate_to", i, "target"), "unknown_value",
                             f"unknown target '{alt.target}'"
                             f"{V.did_you_mean(alt.target, V.TARGETS)}")
                elif alt.field is not None:
                    self._check_ref(alt.field, common, kinds, ("escalate_to", i, "field"))
        elif rule.escalate_to:
            self.add(("escalate_to",), "target_on_structural",
                     "only escalation rules have 'escalate_to'")
        if rule.actor is not None and rule.actor not in ACTORS:
            self.add(("actor",), "unknown_value", f"unknown actor '{rule.actor}'"
                     f"{V.did_you_mean(rule.actor, ACTORS)}")
        if (rule.actor is None) != (rule.otherwise is None) or (
                rule.actor is not None and rule.kind != "escalation"):
            self.add(("otherwise" if rule.actor is not None else "actor",), "bad_target",
                     "an escalation rule gives 'actor' and 'otherwise' together: whom its "
                     "texts speak of, and what they say when someone else acts")
        extra = {"target", "actor"} if rule.kind == "escalation" else set()
        self._check_templates(extra, kinds, common)
        return self.problems

    def lint(self) -> list[Problem]:
        return self._contradictions

    def _check_size(self, branch: list[Pattern], where: Loc) -> None:
        """The limits of one branch: its patterns, and the patterns the engine binds (each
        'fact' pattern and each param the branch's conditions name)."""
        if len(branch) > MAX_PATTERNS:
            self.add(where, "pack_limit", f"{len(branch)} patterns; a branch may have at most "
                     f"{MAX_PATTERNS}")
            return
        params = {value["param"] for p in branch for cond in p.where.values()
                  for value in operations(cond).values()
                  if isinstance(value, dict) and isinstance(value.get("param"), str)}
        bound = sum(1 for p in branch if p.fact is not None) + len(params)
        if bound > MAX_BOUND:
            self.add(where, "pack_limit", f"{bound} 'fact' patterns and params compared with; "
                     f"a branch may have at most {MAX_BOUND} together")

    def _check_branch(self, branch: list[Pattern], where: Loc) -> dict[str, str | None]:
        """Check a branch; return every alias (``absent`` ones too) with its fact kind
        (None where the kind is unknown: that mistake is reported once, on the pattern)."""
        aliases: dict[str, str | None] = {}  # joinable: 'fact' patterns only
        named: dict[str, str | None] = {}
        for i, pattern in enumerate(branch):
            ploc = (*where, i)
            kind: str | None = pattern.kind
            if (pattern.fact is None) == (pattern.absent is None):
                self.add(ploc, "pattern_kind", "a pattern needs exactly one of 'fact' or 'absent'")
                kind = None
            else:
                if pattern.kind not in F.FACT_KINDS:
                    key = "fact" if pattern.fact is not None else "absent"
                    self.add((*ploc, key), "unknown_fact", f"unknown fact kind '{pattern.kind}'"
                             f"{V.did_you_mean(pattern.kind, F.FACT_KINDS)}")
                    kind = None
                if pattern.fact is not None and pattern.alias is None:
                    self.add(ploc, "missing_alias", "a 'fact' pattern needs 'as': its alias")
            if pattern.alias is not None:
                if pattern.alias in named:
                    self.add((*ploc, "as"), "duplicate_alias",
                             f"alias '{pattern.alias}' is already used in this rule")
                if pattern.alias in ("target", "param", "rule", "subjects"):
                    self.add((*ploc, "as"), "reserved_alias",
                             f"alias '{pattern.alias}' is reserved")
            self._check_where(pattern, kind, aliases, ploc)
            if pattern.alias is not None:
                named[pattern.alias] = kind
                if pattern.fact is not None:
                    aliases[pattern.alias] = kind
        return named

    def _check_where(self, pattern: Pattern, kind: str | None,
                     aliases: dict[str, str | None], ploc: Loc):
        """Check a pattern's conditions; of an unknown kind, only what does not depend on
        its fields (operators, params, joined aliases)."""
        fields = F.FACT_KINDS[kind] if kind is not None else None
        constraints: dict[str, list[tuple[str, Any]]] = {}
        for name, cond in pattern.where.items():
            wloc = (*ploc, "where", name)
            if fields is not None and name not in fields:
                self.add(wloc, "unknown_field",
                         f"fact '{kind}' has no field '{name}'{V.did_you_mean(name, fields)}")
                continue
            ftype = fields[name] if fields is not None else None
            ops = operations(cond)
            if not ops:
                self.add(wloc, "empty_condition", "an empty condition")
            for op, value in ops.items():
                if op not in OPERATORS:
                    self.add((*wloc, op), "unknown_operator",
                             f"unknown operator '{op}'{V.did_you_mean(op, OPERATORS)}; "
                             f"known: {', '.join(OPERATORS)}")
                    continue
                before = len(self.problems)
                self._check_operand(op, value, ftype, aliases, wloc if ops is not cond
                                    else (*wloc, op))
                if len(self.problems) == before:  # only what checked out can contradict
                    constraints.setdefault(name, []).append((op, value))
        joins = sum(1 for conds in constraints.values() for op, value in conds
                    if op in ("same_as", "not_same_as") or isinstance(value, dict))
        if joins > MAX_JOINS:
            self.add((*ploc, "where"), "pack_limit", f"{joins} conditions compare with another "
                     f"fact or a param; a pattern may have at most {MAX_JOINS}")
        if fields is not None:
            self._find_contradictions(constraints, fields, pattern, ploc)

    def _check_operand(self, op: str, value: Any, ftype: str | None,
                       aliases: dict[str, str | None], loc: Loc):
        """Check one operand; with ``ftype`` None (a field of an unknown fact kind) only
        what does not depend on the field's type."""
        if op in ("same_as", "not_same_as"):
            if not isinstance(value, str) or "." not in value:
                self.add(loc, "bad_reference", f"'{op}' takes 'alias.field', not {value!r}")
                return
            alias, _, field = value.partition(".")
            if alias not in aliases:
                self.add(loc, "undefined_alias",
                         f"'{value}': alias '{alias}' is not defined by an earlier 'fact' pattern"
                         f"{V.did_you_mean(alias, aliases)}")
                return
            other_kind = aliases[alias]
            if other_kind is None:
                return  # its kind is unknown: reported on its pattern
            other = F.FACT_KINDS[other_kind]
            if field not in other:
                self.add(loc, "unknown_field", f"fact '{other_kind}' has no field '{field}'"
                         f"{V.did_you_mean(field, other)}")
            elif ftype is not None and _join_type(other[field]) != _join_type(ftype):
                self.add(loc, "type_mismatch",
                         f"cannot join a {ftype} field with {value} (a {other[field]})")
            return
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                self.add(loc, "bad_operand", f"'{op}' takes a non-empty list")
                return
            for v in value:
                if ftype is not None:
                    self._check_value(v, ftype, loc)
            return
        if isinstance(value, dict) and set(value) == {"param"}:
            name = value["param"]
            if op not in COMPARISONS + ("eq", "ne"):
                self.add(loc, "bad_operand", f"'{op}' cannot take a param")
            elif not isinstance(name, str):
                self.add(loc, "bad_operand", f"a param is named by text, not {name!r}")
            elif ftype is not None and ftype != "number":
                self.add(loc, "type_mismatch", f"a param compares with numbers only, not {ftype}")
            else:
                self._use_param(name, loc, "")
            return
        if ftype is None:
            return
        if op in COMPARISONS and ftype != "number":
            self.add(loc, "type_mismatch", f"'{op}' compares numbers; this field is {ftype}")
            return
        self._check_value(value, ftype, loc)

    def _use_param(self, name: str, loc: Loc, prefix: str) -> None:
        if name in self.params:
            self.params_used.add(name)
        elif self.param_names is None or name in self.param_names:
            pass  # the header's mistake, reported there: the param may well be meant
        else:
            self.add(loc, "undefined_param", f"{prefix}param '{name}' is not defined in the "
                     f"pack{V.did_you_mean(name, self.params)}")

    def _check_value(self, value: Any, ftype: str, loc: Loc) -> None:
        if ftype == "bool":
            ok = isinstance(value, bool)
        elif ftype == "number":
            ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
            if ok and not _finite(value):
                self.add(loc, "bad_value", f"a number in a rule must be finite (at most about "
                         f"1.8e308, as the rule engine counts), not {show(value)}")
                return
        elif ftype == "domain_set":
            ok = isinstance(value, list) and all(v in V.DOMAINS for v in value) and bool(value)
            if not ok:
                self.add(loc, "bad_value", f"expected a list of domains, got {value!r}")
                return
        else:
            ok = isinstance(value, str)
        if not ok:
            self.add(loc, "type_mismatch", f"expected a {ftype} value, got {value!r}")
            return
        vocab = F.VOCABULARY_OF_TYPE.get(ftype)
        if vocab is not None and value not in vocab:
            self.add(loc, "unknown_value",
                     f"unknown {ftype.replace('_', ' ')} '{value}'{V.did_you_mean(value, vocab)}")

    def _find_contradictions(self, constraints: dict[str, list[tuple[str, Any]]],
                             fields: dict[str, str], pattern: Pattern, ploc: Loc):
        for name, conds in constraints.items():
            if not never_holds(conds, fields[name]):
                continue
            why = f"'{name}' cannot meet all of {_show_condition(conds)}"
            if pattern.absent is not None:
                msg = (f"rule '{self.rule.id}': this 'absent' pattern can never match, so it "
                       f"always holds: {why}")
            elif len(self.rule.branches) > 1:
                msg = f"rule '{self.rule.id}': branch {ploc[1]} can never hold: {why}"
            else:
                msg = f"rule '{self.rule.id}' can never fire: {why}"
            self._contradictions.append(self.src.problem(
                (*self.loc, *ploc, "where", name), "unreachable", msg))

    def _check_ref(self, ref: str, common: set[str], kinds: dict[str, str | None],
                   loc: Loc) -> None:
        alias, _, field = ref.partition(".")
        kind = kinds.get(alias)  # None: no fact kind known, so no field to check
        if alias not in common:
            self.add(loc, "undefined_alias",
                     f"'{ref}': alias '{alias}' is not defined in every branch"
                     f"{V.did_you_mean(alias, common)}")
        elif kind is not None and field not in F.FACT_KINDS[kind]:
            fields = F.FACT_KINDS[kind]
            self.add(loc, "unknown_field", f"'{ref}': fact '{kind}' has no field "
                     f"'{field}'{V.did_you_mean(field, fields)}")

    def _check_templates(self, extra: set[str], kinds: dict[str, str | None],
                         common: set[str] | None = None) -> None:
        common = common if common is not None else set()
        parts = [((part,), getattr(self.rule, part)) for part in ("message", "suggestion")]
        if self.rule.otherwise is not None:
            parts += [(("otherwise", part), getattr(self.rule.otherwise, part))
                      for part in ("message", "suggestion")]
        for where, texts in parts:
            for lang in LANGS:
                for placeholder in PLACEHOLDER.findall(getattr(texts, lang)):
                    self._check_placeholder(placeholder, extra, kinds, common, (*where, lang))

    def _check_placeholder(self, ph: str, extra: set[str], kinds: dict[str, str | None],
                           common: set[str], loc: Loc) -> None:
        ref, _, fmt = ph.partition("|")
        if fmt and fmt not in TEMPLATE_FORMATS:
            self.add(loc, "bad_placeholder", f"{{{ph}}}: unknown format '{fmt}'"
                     f"{V.did_you_mean(fmt, TEMPLATE_FORMATS)}; use {', '.join(TEMPLATE_FORMATS)}")
            return
        if ref in extra:
            return
        if ref.startswith("param."):
            self._use_param(ref[6:], loc, f"{{{ph}}}: ")
            return
        if not re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z_][a-z0-9_]*", ref):
            self.add(loc, "bad_placeholder", f"{{{ph}}} is not {{alias.field}}")
            return
        self._check_ref(ref, common, kinds, loc)
        alias, _, field = ref.partition(".")
        kind = kinds.get(alias) if alias in common else None
        if fmt != "pct" or kind is None or field not in F.FACT_KINDS[kind]:
            return  # a mistake in the reference itself is reported by _check_ref
        if alias in self._absent_aliases:
            self.add(loc, "type_mismatch", f"{{{ph}}}: '|pct' shows a number of a matched "
                     f"fact; '{alias}' is an 'absent' pattern, which holds what was looked for")
        elif F.FACT_KINDS[kind][field] != "number":
            self.add(loc, "type_mismatch", f"{{{ph}}}: '|pct' shows a number as a percentage; "
                     f"'{ref}' is {F.FACT_KINDS[kind][field]}")


def never_holds(conds: Sequence[tuple[str, Any]], ftype: str) -> bool:
    """Whether the conditions on one field (``(operator, operand)`` pairs) can never all hold.

    Only constants count: an operand ``{param: x}`` can be overridden by a school, and a
    join (``same_as``) depends on another fact, so both are left out (the check stays sound:
    what it reports can never hold, whatever the school).

    >>> never_holds([("gt", 5), ("lt", 2)], "number")
    True
    >>> never_holds([("gt", 2), ("lt", 5)], "number")
    False
    >>> never_holds([("eq", 4), ("not_in", [4, 5])], "number")
    True
    >>> never_holds([("gt", {"param": "n"}), ("lt", 2)], "number")
    False
    """

    def key(value: Any) -> Any:
        if isinstance(value, list):  # a domain set: equal whatever the order
            return F.domain_set_key(str(v) for v in value)
        return (isinstance(value, bool), value)  # True is not 1

    eqs: dict[Any, Any] = {}
    excluded: set[Any] = set()
    allowed: dict[Any, Any] | None = None
    low: tuple[float, bool] | None = None  # (bound, strict)
    high: tuple[float, bool] | None = None
    for op, value in conds:
        if op in ("same_as", "not_same_as") or isinstance(value, dict):
            continue
        if op == "eq":
            eqs[key(value)] = value
        elif op == "ne":
            excluded.add(key(value))
        elif op in ("in", "not_in") and isinstance(value, list):
            if op == "not_in":
                excluded |= {key(v) for v in value}
            else:
                these = {key(v): v for v in value}
                allowed = these if allowed is None else {
                    k: v for k, v in allowed.items() if k in these}
        elif op in COMPARISONS and _is_number(value):
            strict = op in ("gt", "lt")
            if op in ("gt", "gte"):
                if low is None or value > low[0] or (value == low[0] and strict):
                    low = (value, strict)
            elif high is None or value < high[0] or (value == high[0] and strict):
                high = (value, strict)

    def in_range(value: Any) -> bool:
        if not _is_number(value):
            return True  # a comparison on a field that is not a number is an error
        return ((low is None or value > low[0] or (value == low[0] and not low[1]))
                and (high is None or value < high[0] or (value == high[0] and not high[1])))

    if len(eqs) > 1:
        return True
    if eqs:
        candidates = eqs
    elif allowed is not None:
        candidates = allowed
    elif low is not None and high is not None and low[0] == high[0] and not (low[1] or high[1]):
        candidates = {key(low[0]): low[0]}
    elif ftype == "bool":
        candidates = {key(v): v for v in (True, False)}
    elif ftype in F.VOCABULARY_OF_TYPE:
        candidates = {key(v): v for v in F.VOCABULARY_OF_TYPE[ftype]}
    else:  # a range of numbers, or text: only an empty range is known to hold nothing
        return (low is not None and high is not None
                and (low[0] > high[0] or (low[0] == high[0] and (low[1] or high[1]))))
    return not any(k not in excluded and (allowed is None or k in allowed) and in_range(v)
                   for k, v in candidates.items())


def _finite(value: float) -> bool:
    """Whether a number is one the engine can hold: finite, and a whole number no larger
    than the largest float (10**400 cannot be converted to one).

    >>> _finite(2 ** 1000), _finite(10 ** 400), _finite(float("inf")), _finite(-1.5)
    (True, False, False, True)
    """
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show_condition(conds: Sequence[tuple[str, Any]]) -> str:
    """Conditions as the pack writes them: ``{gt: 5, lt: 2}``."""

    def show(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "[" + ", ".join(show(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
        return str(value)

    return "{" + ", ".join(f"{op}: {show(v)}" for op, v in conds) + "}"


def _join_type(ftype: str) -> str:
    return "text" if ftype in ("id", "text") or ftype in F.VOCABULARY_OF_TYPE else ftype


def _duplicate_conditions(rules: Sequence[tuple[Rule, Source, int]]) -> list[Problem]:
    seen: dict[str, str] = {}
    out = []
    for rule, src, j in rules:
        if rule.kind == "no_target":
            continue
        key = repr([[p.model_dump(by_alias=True) for p in b] for b in rule.branches])
        if key in seen:
            out.append(src.problem(("rules", j, "id"), "duplicate_conditions",
                                   f"rule '{rule.id}' has the same conditions as "
                                   f"'{seen[key]}': one of them is redundant"))
        else:
            seen[key] = rule.id
    return out


def packs_routes(packs: Iterable[RulePack]) -> dict[str, tuple[Step, ...]]:
    """The default route of each signal type over the given packs (a later pack wins)."""
    out: dict[str, tuple[Step, ...]] = {}
    for pack in packs:
        out.update(pack.routes)
    return out


def packs_params(packs: Iterable[RulePack]) -> dict[str, float]:
    """The default value of every param of the given packs (a later pack wins)."""
    out: dict[str, float] = {}
    for pack in packs:
        out.update({name: p.default for name, p in pack.params.items()})
    return out
