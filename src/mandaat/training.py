"""``mandaat oefen``: a scenario as an exercise in the terminal.

It shows the case, asks the question, takes an answer (a person, ja/nee, or the number of
a choice), gives the scenario's hints one by one on a wrong answer, and ends with the
explanation the engine produced and the source quote. Input is read line by line from any
stream, so piped input works: ``printf 'anna\\n' | mandaat oefen ...``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TextIO

from .rules import RulePack, default_pack
from .scenarios import NOBODY, LoadedScenario, ScenarioResult, run_scenario, yes_no

_WORDS = {
    "nl": {"case": "Casus", "question": "Vraag", "answer": "Je antwoord: ",
           "right": "Goed!", "wrong": "Dat is niet het antwoord.", "hint": "Hint",
           "given": "Het antwoord is: {answer}.", "why": "Waarom", "source": "Bron",
           "what": "Wat te doen", "people": "Kies uit", "yesno": "Antwoord met ja of nee.",
           "choose": "Welke regel wordt hier overtreden? Kies een nummer.",
           "nobody": "niemand", "ended": "Geen antwoord meer; de oefening stopt.",
           "who": "Wie is nu aan zet?", "allowed": "Mag dit?",
           "findings": "Wat klopt er niet aan deze verdeling?"},
    "en": {"case": "Case", "question": "Question", "answer": "Your answer: ",
           "right": "Right!", "wrong": "That is not the answer.", "hint": "Hint",
           "given": "The answer is: {answer}.", "why": "Why", "source": "Source",
           "what": "What to do", "people": "Choose from", "yesno": "Answer yes or no.",
           "choose": "Which rule is broken here? Choose a number.",
           "nobody": "nobody", "ended": "No more answers; the exercise stops.",
           "who": "Who acts now?", "allowed": "Is this allowed?",
           "findings": "What is wrong in this division?"},
}
_YES = {"ja", "j", "yes", "y"}
_NO = {"nee", "n", "no"}


def exercise(item: LoadedScenario, *, stdin: TextIO, stdout: TextIO, lang: str = "nl",
             packs: Sequence[RulePack] | None = None) -> bool:
    """Run one scenario as an exercise; return whether it was answered correctly."""
    w = _WORDS[lang]
    s = item.scenario
    title, case, hints = s.text(lang)
    result = run_scenario(item, packs=packs, lang=lang)
    out = stdout.write
    out(f"\n== {title} ==\n\n{w['case']}:\n{case.rstrip()}\n\n")
    question = (s.en.question if lang == "en" and s.en and s.en.question else
                s.question.text if lang == "nl" and s.question.text else
                w[{"who_acts": "who", "allowed": "allowed", "findings": "findings"}[
                    s.question.type]])
    out(f"{w['question']}: {question}\n")
    check, answer_text, show = _question(item, result, w, packs)
    out(show)
    correct = False
    for attempt in range(len(hints) + 1):
        out(w["answer"])
        stdout.flush()
        line = stdin.readline()
        if not line:
            out(f"\n{w['ended']}\n")
            break
        if not stdin.isatty():  # piped: show what was answered, as a terminal would
            out(line if line.endswith("\n") else line + "\n")
        if check(line.strip()):
            correct = True
            out(f"{w['right']}\n")
            break
        out(f"{w['wrong']}\n")
        if attempt < len(hints):
            out(f"{w['hint']} {attempt + 1}: {hints[attempt]}\n")
    if not correct:
        out(w["given"].format(answer=answer_text) + "\n")
    shown = set()
    for rule, message, explanation in result.explanations:
        out(f"\n[{rule}] {message}\n")
        if explanation.path:
            out(f"  Route: {' → '.join(explanation.path)}\n")
        out(f"  {w['what']}: {explanation.suggestion}\n")
        out(f"  {w['source']}: {explanation.source.text}: “{explanation.source.quote}”\n")
        shown.add((explanation.source.text, explanation.source.quote))
    if (s.source.text, s.source.quote) not in shown:
        out(f"\n{w['source']}: {s.source.text}: “{s.source.quote}”\n")
    return correct


def _question(item: LoadedScenario, result: ScenarioResult, w: dict[str, str],
              packs: Sequence[RulePack] | None):
    s, school = item.scenario, item.school
    if s.question.type == "who_acts":
        names = {p.id: p.id for p in school.people}
        names.update({(p.name or p.id).lower(): p.id for p in school.people})
        names.update({(p.name or "").split(" ")[0].lower(): p.id for p in school.people
                      if p.name})
        names.update({NOBODY: NOBODY, "niemand": NOBODY})
        expected = s.expect.who_acts
        people = ", ".join(f"{p.label} ({p.id})" for p in school.people)
        label = next((p.label for p in school.people if p.id == expected), w["nobody"])

        def check_person(answer: str) -> bool:
            return names.get(answer.lower()) == expected

        return check_person, f"{label} ({expected})", f"{w['people']}: {people}\n"
    if s.question.type == "allowed":
        expected_allowed = bool(s.expect.allowed)

        def check_yes_no(answer: str) -> bool:
            word = answer.lower()
            return (word in _YES and expected_allowed) or (word in _NO and not expected_allowed)

        return (check_yes_no, yes_no(expected_allowed), w["yesno"] + "\n")
    expected_rules = sorted({f.rule for f in s.expect.findings or []})
    pool = [r.id for pack in (packs or [default_pack()]) for r in pack.rules
            if r.id not in expected_rules and r.kind == "structural"]
    rnd = random.Random(s.id)  # the same choices every time for a scenario
    options = sorted(rnd.sample(pool, min(3, len(pool))) + expected_rules[:1])
    rnd.shuffle(options)
    listing = "".join(f"  {i}. {rule}\n" for i, rule in enumerate(options, 1))

    def check_choice(answer: str) -> bool:
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1] in expected_rules
        return answer.upper() in expected_rules

    right = ", ".join(f"{options.index(r) + 1}. {r}" for r in expected_rules if r in options)
    return check_choice, right, f"{w['choose']}\n{listing}"
