"""``mandaat oefen``: scenarios as exercises in the terminal, for a trainer and a group.

Each case is shown, its question asked, and an answer taken: a person (id, full or first
name, or a role word such as "de ib'er"), ja/nee, or the number(s) of a choice. A wrong
answer gives the scenario's next hint; an answer that cannot be read (an empty line, a
number outside the list, a name nobody has) is asked again without using up a hint. After
the right answer, or when the hints run out, the explanation the engine produced follows:
each rule by its title, what to do, and the source by its title with the quote. A session
over several cases ends with the score: how many were right, and how many of those at the
first try (without a hint).

Text is wrapped to :func:`text_width` (the terminal's width, at most 100; 80 when the output
is not a terminal, unless ``COLUMNS`` says otherwise), with hanging indents.
:func:`numbered`, :func:`pick` and :func:`listing` number the cases of a folder, pick them by
number, id or theme, and list them (``mandaat oefen --list``).

Ctrl-C or end of input at any prompt ends the whole session with a goodbye (and the score
so far); :func:`session` returns the exit status (see ``docs/trainers.md``). Input is read
line by line from any stream, so piped input works: ``printf 'anna\\n' | mandaat oefen``.

:mod:`~mandaat.training.scenarios` is the scenario format, its loader, and the runner
that plays every scenario as a test of the rule packs (``mandaat scenarios run``).
"""

from __future__ import annotations

import difflib
import os
import random
import re
import shutil
import textwrap
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from ..rules import Rule, RulePack, shared_default_pack
from ..rules.sources import SourceInfo, corrected, describe, registry
from ..school.model import School
from .scenarios import NOBODY, THEMES, LoadedScenario, run_scenario, yes_no

__all__ = ["EXIT_ALL_RIGHT", "EXIT_INTERRUPTED", "EXIT_NOT_ALL_RIGHT", "NoSuchCase", "exercise",
           "goodbye", "listing", "numbered", "pick", "session", "text_width"]

#: Exit statuses of a session: every case right; not every case right (or the input ended
#: before the last case was answered); stopped with Ctrl-C.
EXIT_ALL_RIGHT, EXIT_NOT_ALL_RIGHT, EXIT_INTERRUPTED = 0, 1, 130

_WORDS = {
    "nl": {"case": "Casus", "question": "Vraag", "answer": "Je antwoord: ",
           "right": "Goed!", "wrong": "Dat is niet het antwoord.", "hint": "Hint",
           "given": "Het antwoord is: {answer}.", "why": "Waarom", "source": "Bron",
           "rule": "Regel",
           "what": "Wat te doen", "people": "Kies uit", "or_nobody": "of niemand",
           "yesno": "Antwoord met ja of nee.",
           "choose": "Welke regel wordt hier overtreden? Kies een nummer "
                     "(meer nummers mag ook, zoals 1 3).",
           "range": "Kies een nummer van 1 tot {n} (meer nummers mag ook, zoals 1 3).",
           "also": "Ook goed: {answers}.",
           "name": "Noem een naam, een rol (zoals de schoolleider of de ib'er) of niemand.",
           "unknown": "'{answer}' ken ik niet in deze school.",
           "several": "Dat zijn er meer: {people}. Noem een naam.",
           "no_holder": "Niemand in deze school heeft die rol.",
           "too_long": "Dat antwoord is te lang (meer dan {n} tekens).",
           "nobody": "niemand", "ended": "Geen antwoord meer; de oefening stopt.",
           "stopped": "De oefening is gestopt.", "bye": "Tot ziens!",
           "score": "Score: {right} van {done} goed, {first} daarvan in één keer "
                    "(zonder hint)",
           "not_answered": "niet beantwoord: {n} van {total} casussen",
           "case_of": "Casus {i} van {n}",
           "who": "Wie is nu aan zet?", "allowed": "Mag dit?",
           "findings": "Wat klopt er niet aan deze verdeling?",
           "theme": "thema", "no_theme": "geen thema",
           "pick": "Kies een casus met --scenario NUMMER of ID, of een thema met --theme "
                   "THEMA ({themes}).",
           "no_such_id": "geen casus '{id}'{hint}; mandaat oefen --list toont ze alle",
           "did_you_mean": " (bedoelde u '{x}'?)",
           "no_such_number": "geen casus nummer {n}: de nummers gaan van 1 tot {total} "
                             "(mandaat oefen --list)",
           "no_such_theme": "onbekend thema '{theme}'{hint}; de thema's zijn: {themes}",
           "empty_theme": "geen casus met thema '{theme}' in {where}"},
    "en": {"case": "Case", "question": "Question", "answer": "Your answer: ",
           "right": "Right!", "wrong": "That is not the answer.", "hint": "Hint",
           "given": "The answer is: {answer}.", "why": "Why", "source": "Source",
           "rule": "Rule",
           "what": "What to do", "people": "Choose from", "or_nobody": "or nobody",
           "yesno": "Answer yes or no.",
           "choose": "Which rule is broken here? Choose a number "
                     "(several are fine too, like 1 3).",
           "range": "Choose a number from 1 to {n} (several are fine too, like 1 3).",
           "also": "Also right: {answers}.",
           "name": "Give a name, a role (like the school leader or the ib'er) or nobody.",
           "unknown": "There is nobody called '{answer}' in this school.",
           "several": "That is more than one person: {people}. Give a name.",
           "no_holder": "Nobody in this school holds that role.",
           "too_long": "That answer is too long (more than {n} characters).",
           "nobody": "nobody", "ended": "No more answers; the exercise stops.",
           "stopped": "The exercise has stopped.", "bye": "Goodbye!",
           "score": "Score: {right} of {done} right, {first} of them at the first try "
                    "(without a hint)",
           "not_answered": "not answered: {n} of {total} cases",
           "case_of": "Case {i} of {n}",
           "who": "Who acts now?", "allowed": "Is this allowed?",
           "findings": "What is wrong in this division?",
           "theme": "theme", "no_theme": "no theme",
           "pick": "Pick a case with --scenario NUMBER or ID, or a theme with --theme THEME "
                   "({themes}).",
           "no_such_id": "no scenario '{id}'{hint}; mandaat oefen --list lists them all",
           "did_you_mean": " (did you mean '{x}'?)",
           "no_such_number": "no case number {n}: the numbers go from 1 to {total} "
                             "(mandaat oefen --list)",
           "no_such_theme": "unknown theme '{theme}'{hint}; the themes are: {themes}",
           "empty_theme": "no case with theme '{theme}' in {where}"},
}
_YES = {"ja", "j", "jawel", "yes", "y"}
_NO = {"nee", "n", "neen", "no"}
_NOBODY_WORDS = {"niemand", "nobody", "no one", "noone", "none", "geen", "geen een"}

#: Words for a role, as a trainee types them (after :func:`_key`), and the roles they mean.
_IB = ("intern_begeleider", "interim_intern_begeleider")
_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("schoolleider", "schoolleiding", "directeur", "school leader",
                     "schoolleader", "head teacher", "headteacher", "principal"),
                    ("schoolleider",)),
    **dict.fromkeys(("iber", "ib er", "ibber", "ib", "intern begeleider",
                     "interne begeleider", "internal supervisor", "kwaliteitscoordinator",
                     "quality coordinator"), _IB),
    **dict.fromkeys(("interim iber", "interim ib er", "interim ib", "interim intern begeleider",
                     "interim internal supervisor"), ("interim_intern_begeleider",)),
    **dict.fromkeys(("leraar", "leerkracht", "teacher"), ("leraar",)),
    **dict.fromkeys(("adjunct", "adjunct directeur", "deputy", "deputy head",
                     "deputy head teacher"), ("adjunct_directeur",)),
    **dict.fromkeys(("bestuur", "bestuurder", "board", "school board"), ("bestuur",)),
    **dict.fromkeys(("bouwcoordinator", "building coordinator"), ("bouwcoordinator",)),
    **dict.fromkeys(("expert leraar", "expert teacher"), ("expert_leraar",)),
    **dict.fromkeys(("onderwijsassistent", "teaching assistant"), ("onderwijsassistent",)),
}
_ROLE_NAMES = {
    "nl": {"intern_begeleider": "ib'er", "interim_intern_begeleider": "interim-ib'er",
           "adjunct_directeur": "adjunct-directeur", "expert_leraar": "expert-leraar"},
    "en": {"schoolleider": "school leader", "intern_begeleider": "ib'er",
           "interim_intern_begeleider": "interim ib'er", "leraar": "teacher",
           "adjunct_directeur": "deputy head", "bestuur": "board",
           "bouwcoordinator": "building coordinator", "expert_leraar": "expert teacher",
           "onderwijsassistent": "teaching assistant"},
}
_ARTICLES = ("de ", "het ", "een ", "the ", "a ", "an ")


class _InputEnded(Exception):
    """The input ended at a prompt: the session stops."""


@dataclass(frozen=True)
class _Verdict:
    """How an answer was taken: right, wrong (costs a hint), or ``again`` with a reason."""

    outcome: str  # "right" | "wrong" | "again"
    note: str = ""


@dataclass(frozen=True)
class _Asked:
    """A question as the exercise asks it: what to show, how to judge, the answer."""

    show: str
    judge: Callable[[str], _Verdict]
    answer: str


def exercise(item: LoadedScenario, *, stdin: TextIO, stdout: TextIO, lang: str = "nl",
             packs: Sequence[RulePack] | None = None, width: int | None = None) -> bool:
    """Run one scenario as an exercise; return whether it was answered correctly.

    When the input ends before the right answer, the exercise says so and returns False
    without giving the answer away. Text is wrapped at ``width`` (default
    :func:`text_width` of ``stdout``).
    """
    try:
        return _play(item, stdin=stdin, stdout=stdout, lang=lang, packs=packs,
                     width=width or text_width(stdout)).right
    except _InputEnded:
        stdout.write(f"\n{_WORDS[lang]['ended']}\n")
        return False


def session(items: Sequence[LoadedScenario], *, stdin: TextIO, stdout: TextIO,
            lang: str = "nl", packs: Sequence[RulePack] | None = None,
            width: int | None = None) -> int:
    """Run scenarios one after another as a session; return the exit status.

    0 when every case was answered correctly (hints allowed), 1 when not, or when the input
    ended before the last case was answered, 130 on Ctrl-C. A session of several cases ends
    with the score: how many cases were right, and how many of them at the first try
    (without a hint); when it stops early, with the score so far and a goodbye.
    """
    w = _WORDS[lang]
    width = width or text_width(stdout)
    results: list[_Played] = []
    try:
        for number, item in enumerate(items, 1):
            if len(items) > 1:
                stdout.write(f"\n{w['case_of'].format(i=number, n=len(items))}")
            results.append(_play(item, stdin=stdin, stdout=stdout, lang=lang, packs=packs,
                                 width=width))
    except (_InputEnded, KeyboardInterrupt) as exc:
        eof = isinstance(exc, _InputEnded)
        stdout.write(f"\n{w['ended'] if eof else w['stopped']}\n")
        if results and len(items) > 1:
            stdout.write(_score(w, results, len(items), width))
        stdout.write(f"{w['bye']}\n")
        stdout.flush()
        return EXIT_NOT_ALL_RIGHT if eof else EXIT_INTERRUPTED
    if len(items) > 1:
        stdout.write("\n" + _score(w, results, len(items), width))
    stdout.flush()
    return EXIT_ALL_RIGHT if all(r.right for r in results) else EXIT_NOT_ALL_RIGHT


def goodbye(lang: str = "nl") -> str:
    """The lines a session ends with when it is stopped before it began."""
    w = _WORDS[lang]
    return f"\n{w['stopped']}\n{w['bye']}\n"


@dataclass(frozen=True)
class _Played:
    """How a case went: answered correctly in the end, and at the first try (no hint)."""

    right: bool
    first_try: bool


def _score(w: dict[str, str], results: list[_Played], total: int, width: int) -> str:
    """The score line: right in the end, and of those right at the first try.

    >>> played = [_Played(True, True), _Played(True, False), _Played(False, False)]
    >>> _score(_WORDS["nl"], played, 3, 80)
    'Score: 2 van 3 goed, 1 daarvan in één keer (zonder hint)\\n'
    >>> _score(_WORDS["en"], played[:1], 3, 100)
    'Score: 1 of 1 right, 1 of them at the first try (without a hint); not answered: 2 of 3 cases\\n'
    """
    line = w["score"].format(right=sum(r.right for r in results), done=len(results),
                             first=sum(r.first_try for r in results))
    if len(results) < total:
        line += f"; {w['not_answered'].format(n=total - len(results), total=total)}"
    return _wrap(line, width, "", "  ")


def _play(item: LoadedScenario, *, stdin: TextIO, stdout: TextIO, lang: str,
          packs: Sequence[RulePack] | None, width: int) -> _Played:
    """One case; raises :class:`_InputEnded` when the input ends at a prompt."""
    w = _WORDS[lang]
    s = item.scenario
    title, case, hints = s.text(lang)
    result = run_scenario(item, packs=packs, lang=lang)
    out = stdout.write
    out("\n" + _wrap(f"== {title} ==", width, "", "   ") + f"\n{w['case']}:\n")
    out(_wrap_case(case, width) + "\n")
    question = (s.en.question if lang == "en" and s.en and s.en.question else
                s.question.text if lang == "nl" and s.question.text else
                w[{"who_acts": "who", "allowed": "allowed", "findings": "findings"}[
                    s.question.type]])
    out(_wrap(f"{w['question']}: {question}", width, "", "  "))
    asked = _question(item, w, lang, packs, width)
    out(asked.show)
    correct = False
    used = 0  # hints given
    while True:
        out(w["answer"])
        stdout.flush()
        line = _read_answer(stdin)
        if line is None:  # longer than any answer: not read, asked again
            if not stdin.isatty():
                out("…\n")
            out(_wrap(w["too_long"].format(n=_ANSWER_CHARS), width))
            continue
        if not line:
            raise _InputEnded
        if not stdin.isatty():  # piped: show what was answered, as a terminal would
            out(line if line.endswith("\n") else line + "\n")
        verdict = asked.judge(line.strip())
        if verdict.outcome == "again":
            out(_wrap(verdict.note, width, "", "  "))
            continue
        if verdict.outcome == "right":
            correct = True
            out(f"{w['right']}\n" + (_wrap(verdict.note, width, "", "  ")
                                     if verdict.note else ""))
            break
        out(f"{w['wrong']}\n")
        if used == len(hints):
            break
        out(_wrap(f"{w['hint']} {used + 1}: {hints[used]}", width, "", "  "))
        used += 1
    if not correct:
        out(_wrap(w["given"].format(answer=asked.answer), width, "", "  "))
    packs = packs or [shared_default_pack()]
    rules = {r.id: r for pack in packs for r in pack.rules}
    sources: dict[str, SourceInfo] = {}
    for pack in packs:
        sources.update(registry(pack.origin))
    shown = set()
    for rule, message, explanation in result.explanations:
        out("\n" + _wrap(f"{w['rule']}: {_title(rules.get(rule), rule, lang)}", width, "",
                         "  "))
        out(_wrap(message, width, "  "))
        if explanation.path:
            out(_wrap(f"Route: {' → '.join(explanation.path)}", width, "  ", "    "))
        out(_wrap(f"{w['what']}: {explanation.suggestion}", width, "  ", "    "))
        out(_wrap(_cite(w, explanation.source.text, explanation.source.quote, sources, lang),
                  width, "  ", "    "))
        shown.add((explanation.source.text, explanation.source.quote))
    if (s.source.text, s.source.quote) not in shown:
        out("\n" + _wrap(_cite(w, s.source.text, s.source.quote, sources, lang), width, "",
                         "  "))
    return _Played(correct, correct and used == 0)


def _cite(w: dict[str, str], file: str, quote: str, sources: Mapping[str, SourceInfo],
          lang: str) -> str:
    """A source as the reports cite it: by its title (the file where the registry has
    none), and the quote with the registry's corrections of scanning errors.

    >>> from mandaat.rules import bundled_rules_path
    >>> reg = registry(bundled_rules_path() / "lbbo-2022")
    >>> _cite(_WORDS["nl"], "001_7e2a7906d0b92de6.txt", "de ib'er", reg, "nl")
    "Bron: 'De 10 principes van de intern begeleider': “de ib'er”"
    >>> _cite(_WORDS["en"], "x.txt", "a codrdinator", {}, "en")
    'Source: x.txt: “a codrdinator”'
    """
    info = sources.get(file)
    return f"{w['source']}: {describe(info, file, lang)}: “{corrected(quote, info)}”"


# --- the width of the text, and wrapping -----------------------------------------------------

#: The narrowest and widest text: a wider terminal still gets lines of at most 100 columns.
_NARROWEST, _WIDEST = 40, 100


def text_width(stream: TextIO, environ: Mapping[str, str] | None = None) -> int:
    """The width to wrap text written to ``stream`` at: ``COLUMNS`` when it is set, else
    the terminal's width, else (output to a file or a pipe) 80; between 40 and 100.

    >>> import io
    >>> text_width(io.StringIO(), {}), text_width(io.StringIO(), {"COLUMNS": "60"})
    (80, 60)
    >>> text_width(io.StringIO(), {"COLUMNS": "200"}), text_width(io.StringIO(), {"COLUMNS": "x"})
    (100, 80)
    """
    env = os.environ if environ is None else environ
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        width = int(columns)
    elif stream.isatty():
        width = shutil.get_terminal_size((80, 24)).columns
    else:
        width = 80
    return min(max(width, _NARROWEST), _WIDEST)


def _wrap(text: str, width: int, first: str = "", rest: str | None = None) -> str:
    """``text`` as lines of at most ``width`` columns, the first starting with ``first``,
    the others with ``rest`` (a hanging indent); each line ends with a line end.

    >>> print(_wrap("Wat te doen: leg het mandaat vast en vertel het team", 24, "  ", "    "),
    ...       end="")
      Wat te doen: leg het
        mandaat vast en
        vertel het team
    """
    lines = textwrap.wrap(" ".join(text.split()), width, initial_indent=first,
                          subsequent_indent=first if rest is None else rest,
                          break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines or [first.rstrip()]) + "\n"


def _wrap_case(case: str, width: int) -> str:
    """A case as written, its paragraphs (between empty lines) and list items (lines that
    start with ``-`` or ``*``) each wrapped again to ``width``.

    >>> print(_wrap_case("Ilse begeleidt Tom\\nal sinds juni.\\n- een\\n\\nDaarna.", 40), end="")
    Ilse begeleidt Tom al sinds juni.
    - een
    <BLANKLINE>
    Daarna.
    """
    blocks: list[list[str]] = [[]]
    for line in case.strip().splitlines():
        if not line.strip():
            blocks.append([""])
            blocks.append([])
        elif line.lstrip()[:2] in ("- ", "* "):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    out = ""
    for block in blocks:
        if block == [""]:
            out += "\n"
        elif block:
            item = block[0].lstrip()[:2] in ("- ", "* ")
            out += _wrap(" ".join(block), width, "", "  " if item else "")
    return out


# --- picking cases ---------------------------------------------------------------------------


class NoSuchCase(ValueError):
    """``--scenario`` or ``--theme`` names no case of the folder; the message says which
    there are, in the language of the session."""


def numbered(items: Sequence[LoadedScenario]) -> list[tuple[int, LoadedScenario]]:
    """The cases with their numbers, as ``mandaat oefen --list`` shows them (from 1, in the
    order they were loaded: by file name)."""
    return list(enumerate(items, 1))


def _theme_key(text: str) -> str:
    return _key(text).replace(" ", "-")


def pick(cases: Sequence[tuple[int, LoadedScenario]], *, scenario: str | None = None,
         theme: str | None = None, lang: str = "nl", where: str = ""
         ) -> list[tuple[int, LoadedScenario]]:
    """The cases ``scenario`` (an id, or a number from :func:`numbered`) and ``theme`` (a
    theme of :data:`~mandaat.training.scenarios.THEMES`, by its id or its name) pick.

    Raises
    ------
    NoSuchCase
        No case has that id or number, the theme is not one of the themes, or no case of
        ``cases`` has it; the message (in ``lang``) names what there is.
    """
    w = _WORDS[lang]
    chosen = list(cases)
    if theme is not None:
        names = {_theme_key(t): t for t in THEMES}
        names.update({_theme_key(n): t for t, by_lang in THEMES.items() for n in by_lang.values()})
        slug = names.get(_theme_key(theme))
        if slug is None:
            key = _theme_key(theme)
            close = difflib.get_close_matches(key, list(THEMES), n=1) or [
                t for t in THEMES if key and set(key.split("-")) & set(t.split("-"))][:1]
            raise NoSuchCase(w["no_such_theme"].format(
                theme=theme, themes=", ".join(THEMES),
                hint=w["did_you_mean"].format(x=close[0]) if close else ""))
        chosen = [(n, c) for n, c in chosen if c.scenario.theme == slug]
        if not chosen:
            raise NoSuchCase(w["empty_theme"].format(theme=slug, where=where))
    if scenario is not None:
        by_id = [(n, c) for n, c in chosen if c.scenario.id == scenario]
        if by_id:  # an id first: an id may be written in digits too
            return by_id
        if scenario.isdigit():
            number = int(scenario)
            chosen = [(n, c) for n, c in chosen if n == number]
            if not chosen:
                raise NoSuchCase(w["no_such_number"].format(n=number, total=len(cases)))
        else:
            close = difflib.get_close_matches(scenario, [c.scenario.id for _, c in chosen], n=1)
            raise NoSuchCase(w["no_such_id"].format(
                id=scenario, hint=w["did_you_mean"].format(x=close[0]) if close else ""))
    return chosen


def listing(cases: Sequence[tuple[int, LoadedScenario]], *, lang: str = "nl",
            width: int = 80) -> str:
    """The cases, numbered: per case its number and title, then its id and theme; last,
    how to pick one (``mandaat oefen --list``)."""
    w = _WORDS[lang]
    digits = len(str(max((n for n, _ in cases), default=1)))
    out = ""
    for number, item in cases:
        s = item.scenario
        first = f"{number:>{digits}}. "
        title = s.text(lang)[0]
        theme = THEMES[s.theme][lang] if s.theme else w["no_theme"]
        out += _wrap(title, width, first, " " * len(first))
        out += _wrap(f"{s.id} · {w['theme']}: {theme}", width, " " * len(first))
    themes = ", ".join(THEMES)
    return out + "\n" + _wrap(w["pick"].format(themes=themes), width)


#: The most characters of one answer (a name, a role, ja/nee or a few numbers), and the
#: most of a longer line that are skipped to find its end: input with no line end within
#: that is not answers, and the session stops as at the end of input.
_ANSWER_CHARS, _SKIP_CHARS = 1_000, 1_000_000


def _read_answer(stdin: TextIO) -> str | None:
    """The next line of ``stdin`` ("" at the end), or ``None`` for a line longer than
    :data:`_ANSWER_CHARS`, skipped to its end; memory stays bounded however long it is.

    >>> import io
    >>> stdin = io.StringIO("x" * 5000 + "\\nanna\\n")
    >>> _read_answer(stdin), _read_answer(stdin), _read_answer(stdin)
    (None, 'anna\\n', '')
    """
    line = stdin.readline(_ANSWER_CHARS + 1)
    if len(line) <= _ANSWER_CHARS or line.endswith("\n"):
        return line
    skipped = len(line)
    while skipped <= _SKIP_CHARS:
        rest = stdin.readline(1 << 16)
        if rest.endswith("\n"):
            return None
        if not rest:
            break
        skipped += len(rest)
    raise _InputEnded


def _key(text: str) -> str:
    """An answer as it is compared: lower case, no accents or apostrophes, single spaces.

    >>> _key("  De IB’er! ")
    'de iber'
    >>> _key("Kwaliteitscoördinator")
    'kwaliteitscoordinator'
    """
    folded = "".join(c for c in unicodedata.normalize("NFKD", text)
                     if not unicodedata.combining(c)).lower()
    folded = re.sub(r"['’‘`´]", "", folded).replace("-", " ").replace("_", " ")
    return " ".join(folded.strip(" .,;:!?\"“”").split())


def _without_article(key: str) -> str:
    for article in _ARTICLES:
        if key.startswith(article):
            return key[len(article):]
    return key


def _question(item: LoadedScenario, w: dict[str, str], lang: str,
              packs: Sequence[RulePack] | None, width: int) -> _Asked:
    s = item.scenario
    if s.question.type == "who_acts":
        return _who_acts(item.school, s.expect.who_acts or NOBODY, w, lang, width)
    if s.question.type == "allowed":
        expected_allowed = bool(s.expect.allowed)

        def judge_yes_no(answer: str) -> _Verdict:
            words = _key(answer).split()
            word = words[0] if words else ""
            if word not in _YES | _NO:
                return _Verdict("again", w["yesno"])
            return _Verdict("right" if (word in _YES) == expected_allowed else "wrong")

        return _Asked(_wrap(w["yesno"], width), judge_yes_no, yes_no(expected_allowed))
    return _findings(item, w, lang, packs, width)


def _who_acts(school: School, expected: str, w: dict[str, str], lang: str, width: int
              ) -> _Asked:
    """A person by id, full name, first name or role word, or nobody."""
    names: dict[str, set[str]] = {}
    for p in school.people:
        forms = {p.id, p.label} | ({p.name.split()[0]} if p.name else set())
        for form in forms:
            names.setdefault(_key(form), set()).add(p.id)
    label = {p.id: p.label for p in school.people}

    def listed(ids: set[str]) -> str:
        return ", ".join(f"{label[i]} ({i})" for i in sorted(ids, key=list(label).index))

    def judge_person(answer: str) -> _Verdict:
        key = _key(answer)
        if not key:
            return _Verdict("again", w["name"])
        bare = _without_article(key)
        if key in _NOBODY_WORDS or key == NOBODY:
            chosen = {NOBODY}
        elif key in names or bare in names:
            chosen = names.get(key) or names[bare]
        elif bare in _ROLE_WORDS:
            roles = set(_ROLE_WORDS[bare])
            chosen = {p.id for p in school.people if roles & set(p.roles)}
            if not chosen:
                return _Verdict("again", f"{w['no_holder']} {w['name']}")
        else:
            return _Verdict("again", f"{w['unknown'].format(answer=answer)} {w['name']}")
        if len(chosen) > 1:
            return _Verdict("again", w["several"].format(people=listed(chosen)))
        return _Verdict("right" if chosen == {expected} else "wrong")

    role_names, conj = _ROLE_NAMES[lang], " en " if lang == "nl" else " and "
    people = ", ".join(
        f"{p.label} ({p.id}, "
        f"{conj.join(role_names.get(r, r.replace('_', ' ')) for r in p.roles)})"
        for p in school.people)
    answer = (f"{label[expected]} ({expected})" if expected in label else w["nobody"])
    return _Asked(_wrap(f"{w['people']}: {people}, {w['or_nobody']}", width, "", "  "),
                  judge_person, answer)


def _title(rule: Rule | None, rule_id: str, lang: str) -> str:
    """A rule's short description in ``lang``; its id when it has none."""
    if rule is None or rule.title is None:
        return rule_id
    return rule.title.en if lang == "en" else rule.title.nl


def _findings(item: LoadedScenario, w: dict[str, str], lang: str,
              packs: Sequence[RulePack] | None, width: int) -> _Asked:
    """Multiple choice: every rule the case expects, and as many other rules (at least 3).

    Any one correct choice is right, and so are several numbers when every one of them is
    correct. The choices are the same every time for a scenario.
    """
    s = item.scenario
    rules = {r.id: r for pack in (packs or [shared_default_pack()]) for r in pack.rules}
    expected = sorted({f.rule for f in s.expect.findings or []})
    pool = [r.id for r in rules.values() if r.id not in expected and r.kind == "structural"]
    rnd = random.Random(s.id)  # the same choices every time for a scenario
    options = sorted(rnd.sample(pool, min(max(3, len(expected)), len(pool))) + expected)
    rnd.shuffle(options)
    titles = [_title(rules.get(r), r, lang) for r in options]
    listed = "".join(_wrap(t, width, f"  {i}. ", " " * len(f"  {i}. "))
                     for i, t in enumerate(titles, 1))
    by_text = {_key(r): i for i, r in enumerate(options)}
    by_text.update({_key(t): i for i, t in enumerate(titles)})

    def shown(indexes: list[int]) -> str:
        return "; ".join(f"{i + 1}. {titles[i]}" for i in indexes)

    def judge_choice(answer: str) -> _Verdict:
        again = _Verdict("again", w["range"].format(n=len(options)))
        key = _key(answer)
        if key in by_text:  # a rule id or a description, typed out
            picked = {by_text[key]}
        else:
            parts = [p for p in re.split(r"[\s,;]+|\ben\b|\band\b", key) if p]
            if not parts or not all(p.isdigit() and 1 <= int(p) <= len(options)
                                    for p in parts):
                return again
            picked = {int(p) - 1 for p in parts}
        if not all(options[i] in expected for i in picked):
            return _Verdict("wrong")
        others = [i for i, r in enumerate(options) if r in expected and i not in picked]
        return _Verdict("right", w["also"].format(answers=shown(others)) if others else "")

    right = shown([i for i, r in enumerate(options) if r in expected])
    return _Asked(_wrap(w["choose"], width) + listed, judge_choice, right)

