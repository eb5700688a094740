"""Training scenarios: lesson material that is also an executable test of the rule packs.

A scenario (format ``mandaat-scenario/1``, see ``docs/trainers.md``) is a short case in
Dutch, a school, a question and the expected answer:

- ``who_acts``: who acts now on a signal? (a person id, or ``nobody``)
- ``allowed``: may this person hold this role on this task? (``true``/``false``: it is
  not allowed when the assignment causes a violation or warning that the school without it
  does not have)
- ``findings``: what is wrong in this division? (the exact set of rule ids with subjects)

A scenario may carry a ``theme`` from :data:`THEMES`, so that a trainer can play the cases
of one theme. Its ``source.text`` is a source text of the rule packs it is loaded against
(a text in a pack's source registry, or one a rule of the pack cites); where a ``sources/``
folder with the texts lies beside a pack, the quote is looked up in the text too.

:func:`run_scenarios` checks the answers against the rule packs and reports which rules no
scenario shows firing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .._data import bundled_scenarios_path
from ..errors import Loc, MandaatInputError, Problem, SchoolFileError
from ..evaluation import check, escalate
from ..loader import load_school, validate_school
from ..report import Explanation, Finding
from ..rules import RulePack, fold_text, load_rules, shared_default_pack, sources_folder
from ..rules.sources import corrected, registry
from ..school import vocabulary as V
from ..school._source import ParseFailure, Source, parse, read_source
from ..school._validation import problems_from
from ..school.model import ID_PATTERN, School

__all__ = ["THEMES", "Scenario", "ScenarioFileError", "ScenarioResult",
           "bundled_scenarios_path", "load_scenarios", "run_scenario", "run_scenarios"]

FORMAT = "mandaat-scenario/1"
NOBODY = "nobody"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]

#: The themes a scenario may carry (``theme``), each with its name in Dutch and English
#: (``docs/trainers.md`` says what each is about). ``Theme`` is the same list, for the model.
THEMES: dict[str, dict[str, str]] = {
    "rolzuiverheid": {"nl": "rolzuiverheid", "en": "role clarity"},
    "mandaat": {"nl": "mandaat", "en": "mandate"},
    "zorg-en-ouders": {"nl": "zorg en ouders", "en": "care and parents"},
    "escalatie": {"nl": "escalatie", "en": "escalation"},
    "continuiteit": {"nl": "continuïteit", "en": "continuity"},
    "kwaliteit-en-data": {"nl": "kwaliteit en data", "en": "quality and data"},
}
Theme = Literal["rolzuiverheid", "mandaat", "zorg-en-ouders", "escalatie", "continuiteit",
                "kwaliteit-en-data"]


class ScenarioFileError(MandaatInputError):
    """A scenario file that cannot be loaded."""

    kind = "scenario"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class English(_Model):
    """The English version of a scenario's texts (optional)."""

    title: Text
    case: Text
    question: Text | None = None
    hints: list[Text] = []


class SourceRef(_Model):
    """The source text the case is drawn from."""

    text: Text
    quote: Text


class Question(_Model):
    """What is asked, and about what."""

    type: Literal["who_acts", "allowed", "findings"]
    text: Text | None = None
    signal: Id | None = None
    task: Id | None = None
    person: Id | None = None
    as_: Literal["accountable", "responsible", "consulted", "informed"] | None = Field(
        default=None, alias="as")


class ExpectedFinding(_Model):
    """One finding the answer expects."""

    rule: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")]
    subjects: list[str] = []


class Expected(_Model):
    """The expected answer; exactly the key that fits the question type."""

    who_acts: Id | None = None
    rule: str | None = None
    allowed: bool | None = None
    findings: list[ExpectedFinding] | None = None


class Scenario(_Model):
    """A training scenario (the YAML shape)."""

    format: Literal["mandaat-scenario/1"]
    id: Id
    title: Text
    theme: Theme | None = None
    case: Text
    en: English | None = None
    source: SourceRef
    school: Annotated[str, StringConstraints(min_length=1)] | dict[str, Any]
    question: Question
    expect: Expected
    hints: list[Text] = []

    def text(self, lang: str) -> tuple[str, str, list[str]]:
        """Title, case and hints in ``lang`` (Dutch where no English is given)."""
        if lang == "en" and self.en is not None:
            return self.en.title, self.en.case, self.en.hints or self.hints
        return self.title, self.case, self.hints


@dataclass(frozen=True)
class LoadedScenario:
    """A scenario with its school loaded, and where it came from."""

    scenario: Scenario
    school: School
    origin: str


@dataclass
class ScenarioResult:
    """The outcome of one scenario: the answer the engine gives, and how it explains it."""

    scenario: Scenario
    passed: bool
    expected: Any
    actual: Any
    fired: set[str]
    explanations: list[tuple[str, str, Explanation]] = field(default_factory=list)

    def diff(self, lang: str = "en") -> list[str]:
        """Lines saying what was expected and what the engine answered (in ``lang``; the
        JSON of ``mandaat scenarios run`` gives them in English)."""
        if self.passed:
            return []
        w = _DIFF_WORDS[lang]
        if self.scenario.question.type == "findings":
            expected, actual = set(self.expected), set(self.actual)
            return ([f"{w['missing']}{_show(f)}" for f in sorted(expected - actual)]
                    + [f"{w['unexpected']}{_show(f)}" for f in sorted(actual - expected)])
        return [f"{w['expected']}{self.expected}", f"{w['actual']}{self.actual}"]


#: The words of :meth:`ScenarioResult.diff`, padded so that the answers line up.
_DIFF_WORDS = {
    "en": {"missing": "missing:    ", "unexpected": "unexpected: ",
           "expected": "expected: ", "actual": "actual:   "},
    "nl": {"missing": "ontbreekt:  ", "unexpected": "onverwacht: ",
           "expected": "verwacht: ", "actual": "gegeven:  "},
}


def _show(finding: tuple[str, tuple[str, ...]]) -> str:
    rule, subjects = finding
    return f"{rule} [{', '.join(subjects)}]"


# --- loading --------------------------------------------------------------------------------



def load_scenarios(path: str | Path, *, packs: Sequence[RulePack] | None = None
                   ) -> list[LoadedScenario]:
    """Load a scenario file, or every ``*.yaml`` scenario in a folder (by file name).

    Every problem of a file is reported at once: the scenario's own fields, its school
    (checked even when another part of the file is wrong), its question and expected
    answer as far as they can be checked, and its source.

    Raises
    ------
    ScenarioFileError
        With every problem of every file: file, line, field path and a suggestion.
    """
    p = Path(path)
    files = sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    if p.is_dir() and not files:
        raise ScenarioFileError([Problem(str(p), None, (), "empty", "no *.yaml scenarios here")])
    packs = list(packs or [shared_default_pack()])
    rules = {r.id for pack in packs for r in pack.rules}
    sources = _Sources(packs)
    problems: list[Problem] = []
    loaded: list[LoadedScenario] = []
    seen: dict[str, str] = {}
    for file in files:
        try:
            src = read_source(file)
            data = parse(src)
            item = _load_one(data, src, rules, sources)
        except ParseFailure as exc:
            problems.append(exc.problem)
            continue
        except MandaatInputError as exc:
            problems.extend(exc.problems)
            continue
        if item.scenario.id in seen:
            problems.append(src.problem(("id",), "duplicate_id",
                                        f"duplicate scenario id '{item.scenario.id}' "
                                        f"(also in {seen[item.scenario.id]})"))
            continue
        seen[item.scenario.id] = src.name
        loaded.append(item)
    if problems:
        raise ScenarioFileError(problems)
    return loaded


def _load_one(data: Any, src: Source, rules: set[str], sources: _Sources) -> LoadedScenario:
    if not isinstance(data, dict):
        raise ScenarioFileError([src.problem((), "not_a_mapping",
                                             "a scenario file is a mapping of keys")])
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += problems_from(exc, src, Scenario)
    # each part that is valid on its own is checked further, whatever else is wrong
    school = _school(data.get("school"), src, problems)
    question, expect, source = (_part(model, data.get(key)) for model, key in (
        (Question, "question"), (Expected, "expect"), (SourceRef, "source")))
    if question is not None and expect is not None:
        problems += _check_question(question, expect, school, src, rules)
    if source is not None:
        problems += sources.check(source, src)
    if problems:
        raise ScenarioFileError(problems)
    assert scenario is not None and school is not None
    return LoadedScenario(scenario, school, src.name)


def _part(model: type[_Model], value: Any) -> Any:
    """``value`` as ``model``, or None when it is not one (the whole file's validation
    has reported why)."""
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _school(value: Any, src: Source, problems: list[Problem]) -> School | None:
    """The scenario's school (inline, or a file beside it); its problems are added."""
    try:
        if isinstance(value, str) and value:
            return load_school(Path(src.name).parent / value)
        if isinstance(value, dict):
            return validate_school(value, Source(src.name, src.text, ("school",)))
    except SchoolFileError as exc:
        problems += exc.problems
    return None


class _Sources:
    """The source texts of the rule packs a scenario may cite, and where the texts lie.

    A text is a pack's when the pack's registry (``sources.yaml``) names it or one of its
    rules cites it. The quote is looked up where a ``sources/`` folder beside a pack holds
    the text, as ``mandaat rules lint`` looks up the rules' quotes.
    """

    def __init__(self, packs: Sequence[RulePack]):
        self.known: dict[str, Any] = {}  # file name -> its registry entry (or None)
        self.folders: list[tuple[Path, dict[str, Any]]] = []
        for pack in packs:
            reg = registry(pack.origin)
            for rule in pack.rules:
                self.known.setdefault(rule.source.text, reg.get(rule.source.text))
            for name, info in reg.items():
                self.known[name] = info
            folder = sources_folder(pack.origin)
            if folder is not None:
                self.folders.append((folder, reg))
        self._texts: dict[Path, str | None] = {}

    def check(self, source: SourceRef, src: Source) -> list[Problem]:
        """The problems of a scenario's ``source``: a text no pack has, a quote not in it."""
        name = source.text
        if name not in self.known:
            return [src.problem(("source", "text"), "unknown_reference",
                                f"no source text '{name}' in the rule packs"
                                f"{V.did_you_mean(name, sorted(self.known))}")]
        for folder, reg in self.folders:
            text = self._text(folder / name, reg.get(name) or self.known[name])
            if text is not None and fold_text(source.quote) not in text:
                return [src.problem(("source", "quote"), "quote_not_found",
                                    f"the quote is not in '{name}' (compared with "
                                    "whitespace folded and typographic quotes made plain)")]
        return []

    def _text(self, path: Path, info: Any) -> str | None:
        """The text at ``path`` as quotes are compared with it; None where it is not there."""
        if path not in self._texts:
            try:
                raw: str | None = read_source(path).text if path.is_file() else None
            except ParseFailure:
                raw = None
            self._texts[path] = fold_text(corrected(raw, info)) if raw is not None else None
        return self._texts[path]


def _check_question(q: Question, e: Expected, school: School | None, src: Source,
                    rules: set[str]) -> list[Problem]:
    """The problems of a question and its expected answer; the references into the school
    only when the school could be read."""
    problems: list[Problem] = []
    add = problems.append
    for key in ("who_acts", "allowed", "findings"):  # the expect key is the question type
        given = getattr(e, key) is not None
        if key == q.type and not given:
            add(src.problem(("expect",), "missing",
                            f"a '{q.type}' question expects 'expect.{key}'"))
        elif key != q.type and given:
            add(src.problem(("expect", key), "question_mismatch",
                            f"'expect.{key}' does not answer a '{q.type}' question"))
    people = [p.id for p in school.people] if school else []
    signals = [s.id for s in school.signals] if school else []
    tasks = [t.id for t in school.tasks] if school else []

    def ref(loc: tuple[str, ...], value: str | None, known: list[str], what: str,
            required: bool = True) -> None:
        if value is None:
            if required:
                add(src.problem(loc[:-1], "missing",
                                f"a '{q.type}' question needs '{'.'.join(loc)}'"))
        elif school is not None and value not in known:
            add(src.problem(loc, "unknown_reference", f"the school has no {what} '{value}'"
                            f"{V.did_you_mean(value, known)}"))

    if q.type == "who_acts":
        ref(("question", "signal"), q.signal, signals, "signal")
        if e.who_acts not in (None, NOBODY):
            ref(("expect", "who_acts"), e.who_acts, people, "person")
    if q.type == "allowed":
        ref(("question", "task"), q.task, tasks, "task")
        ref(("question", "person"), q.person, people, "person")
        if q.as_ is None:
            add(src.problem(("question",), "missing", "an 'allowed' question needs 'as'"))
    expected_rules: list[tuple[Loc, str]] = [(("expect", "rule"), e.rule)] if e.rule else []
    expected_rules += [(("expect", "findings", i, "rule"), f.rule)
                       for i, f in enumerate(e.findings or [])]
    for loc, rule in expected_rules:
        if rule not in rules:
            add(src.problem(loc, "unknown_rule",
                            f"no rule '{rule}' in the rule packs{V.did_you_mean(rule, rules)}"))
    return problems


# --- running --------------------------------------------------------------------------------


def run_scenario(item: LoadedScenario, *, packs: Sequence[RulePack] | None = None,
                 lang: str = "nl") -> ScenarioResult:
    """Answer the scenario's question with the rule packs and compare with the expectation."""
    s, school = item.scenario, item.school
    q, e = s.question, s.expect
    options: dict[str, Any] = {"rules": packs, "rules_only": True} if packs else {}
    if q.type == "who_acts":
        assert q.signal is not None
        answer = escalate(school, q.signal, lang=lang, **options)
        actual = answer.acts_now or NOBODY
        passed = actual == e.who_acts and (e.rule is None or answer.rule == e.rule)
        explanations = ([(answer.rule, answer.message, answer.explanation)]
                        if answer.rule and answer.explanation else [])
        shown_actual = f"{actual} ({answer.rule})" if answer.rule else actual
        shown_expected = f"{e.who_acts} ({e.rule})" if e.rule else e.who_acts
        return ScenarioResult(s, passed, shown_expected, shown_actual,
                              {answer.rule} if answer.rule else set(), explanations)
    if q.type == "allowed":
        caused = _caused_by(school, q.task or "", q.person or "", q.as_ or "", lang, options)
        allowed = not caused
        return ScenarioResult(
            s, allowed == e.allowed, yes_no(bool(e.allowed)),
            yes_no(allowed) + ("" if allowed else f" ({', '.join(f.rule for f in caused)})"),
            {f.rule for f in caused}, [(f.rule, f.message, f.explanation) for f in caused])
    report = check(school, lang=lang, **options)
    actual_set = [(f.rule, tuple(f.subjects)) for f in report.findings]
    expected_set = [(f.rule, tuple(f.subjects)) for f in e.findings or []]
    return ScenarioResult(s, set(actual_set) == set(expected_set), expected_set, actual_set,
                          {f.rule for f in report.findings},
                          [(f.rule, f.message, f.explanation) for f in report.findings])


def yes_no(value: bool) -> str:
    """The answer to an ``allowed`` question as the exercise takes it."""
    return "ja" if value else "nee"


def _caused_by(school: School, task: str, person: str, role: str, lang: str,
               options: dict[str, Any]) -> list[Finding]:
    """Violations and warnings the assignment adds to the school without it."""
    data = school.model_dump(mode="json", by_alias=True, exclude_none=True)
    with_it, without = copy.deepcopy(data), copy.deepcopy(data)
    for version, present in ((with_it, True), (without, False)):
        for t in version["tasks"]:
            if t["id"] == task:
                holders = [h for h in t.get(role, []) if h != person]
                t[role] = holders + [person] if present else holders
    before = {(f.rule, tuple(f.subjects))
              for f in check(load_school(without), lang=lang, **options).findings}
    after = check(load_school(with_it), lang=lang, **options).findings
    return [f for f in after if (f.rule, tuple(f.subjects)) not in before
            and f.severity in ("violation", "warning")]


@dataclass
class ScenarioRun:
    """All results, and which rules of the packs no scenario showed firing."""

    results: list[ScenarioResult]
    uncovered: dict[str, list[str]]  # pack name -> rule ids
    packs: list[RulePack]

    @property
    def failed(self) -> list[ScenarioResult]:
        return [r for r in self.results if not r.passed]


def run_scenarios(path: str | Path | None = None, *, rules: Iterable[str | Path] = (),
                  rules_only: bool = False, lang: str = "nl") -> ScenarioRun:
    """Run every scenario at ``path`` (default: the bundled pack) and measure coverage."""
    extra = [load_rules(r) for r in rules]
    packs = extra if rules_only else [shared_default_pack(), *extra]
    items = load_scenarios(path or bundled_scenarios_path(), packs=packs)
    results = [run_scenario(item, packs=packs, lang=lang) for item in items]
    fired = set().union(*(r.fired for r in results)) if results else set()
    uncovered = {p.name: [r.id for r in p.rules if r.id not in fired] for p in packs}
    return ScenarioRun(results, uncovered, packs)
