"""Training scenarios: the bundled pack passes and covers every rule; `scenarios run`,
`oefen`, and broken scenario files."""

from __future__ import annotations

import io
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mandaat
from mandaat.cli import main
from mandaat.rules import default_pack
from mandaat.training import exercise
from mandaat.training.scenarios import (
    ScenarioFileError,
    bundled_scenarios_path,
    load_scenarios,
    run_scenarios,
)
from tests import quotes
from tests.conftest import CONSOLE_SCRIPT

SOURCES = quotes.SOURCES


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(args), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_the_bundled_scenarios_pass_and_exercise_every_rule():
    run = run_scenarios()
    assert len(run.results) >= 10
    assert [r.scenario.id for r in run.failed] == []
    assert run.uncovered == {"lbbo-2022": []}


def test_every_bundled_scenario_cites_a_source_it_quotes():
    record = quotes.recorded()
    for item in load_scenarios(bundled_scenarios_path()):
        source = item.scenario.source
        assert isinstance(record[source.text]["quotes"].get(quotes.folded(source.quote)),
                          int), item.scenario.id  # as found in the text (tests/quotes.py)
        assert source.text in {p.name for p in SOURCES.glob("*.txt")} or not SOURCES.exists()
        if SOURCES.exists():
            text = quotes.text_of(SOURCES, source.text)  # scanning errors corrected
            assert quotes.folded(source.quote) in text, item.scenario.id


def test_scenarios_run_prints_pass_and_coverage_in_dutch_or_english():
    code, out, _ = run_cli("scenarios", "run")
    assert code == 0
    assert "GOED  afspraken-na-het-gesprek  Na \"help mij te begrijpen\"" in out
    assert "33 casussen: 33 goed, 0 fout" in out
    assert "Regeldekking van lbbo-2022: 41 van 41 regels komen in een casus voor" in out
    assert "PASS" not in out and "scenarios" not in out and "coverage" not in out
    code, out, _ = run_cli("scenarios", "run", "--lang", "en")
    assert code == 0
    assert "PASS  afspraken-na-het-gesprek  After \"help me understand\"" in out
    assert "33 scenarios: 33 passed, 0 failed" in out
    assert "Rule coverage of lbbo-2022: 41 of 41 rules exercised" in out


SCENARIO = """\
format: mandaat-scenario/1
id: proef
title: Een proef
case: Tom blijft achter.
source: {text: 003_cd09840b5089f87d.txt, quote: Dan is het de taak van de ib’er}
school:
  format: mandaat/1
  school: {name: X}
  as_of: 2026-11-22
  people:
    - {id: anna, roles: [schoolleider]}
    - {id: ilse, roles: [intern_begeleider]}
    - {id: tom, roles: [leraar]}
  signals:
    - {id: s1, type: ontwikkeling_blijft_achter, about: tom, handled_by: ilse, since: 2026-11-01}
question: {type: who_acts, signal: s1}
expect: {who_acts: ilse, rule: DEV_LAG_SUPPORT}
hints: [Hoe lang is drie weken?, Wie ondersteunt de ontwikkeling?]
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_failing_scenario_shows_expected_and_actual_and_exits_1(tmp_path):
    path = write(tmp_path, SCENARIO.replace("who_acts: ilse, rule: DEV_LAG_SUPPORT",
                                            "who_acts: anna"))
    code, out, _ = run_cli("scenarios", "run", str(path), "--lang", "en")
    assert code == 1
    assert "FAIL  proef  Een proef" in out
    assert "expected: anna" in out and "actual:   ilse (DEV_LAG_SUPPORT)" in out
    assert "1 scenarios: 0 passed, 1 failed" in out
    assert "no scenario shows" in out and "NO_SCHOOL_LEADER" in out
    code, out, _ = run_cli("scenarios", "run", str(path))
    assert code == 1
    assert "FOUT  proef  Een proef" in out
    assert "verwacht: anna" in out and "gegeven:  ilse (DEV_LAG_SUPPORT)" in out
    assert "1 casussen: 0 goed, 1 fout" in out
    assert "; geen casus laat " in out and "NO_SCHOOL_LEADER" in out
    code, out, _ = run_cli("scenarios", "run", str(path), "--format", "json")
    data = json.loads(out)  # the same in both languages, and as it was
    assert code == 1 and set(data) == {"scenarios", "passed", "failed", "uncovered"}
    assert data["scenarios"] == [{"id": "proef", "passed": False, "diff": [
        "expected: anna", "actual:   ilse (DEV_LAG_SUPPORT)"]}]
    assert run_cli("scenarios", "run", str(path), "--format", "json", "--lang", "en")[1] == out


def test_a_failing_findings_scenario_lists_missing_and_unexpected(tmp_path):
    text = SCENARIO.replace("question: {type: who_acts, signal: s1}",
                            "question: {type: findings}").replace(
        "expect: {who_acts: ilse, rule: DEV_LAG_SUPPORT}",
        "expect: {findings: [{rule: NO_SCHOOL_LEADER}]}")
    code, out, _ = run_cli("scenarios", "run", str(write(tmp_path, text)), "--lang", "en")
    assert code == 1
    assert "missing:    NO_SCHOOL_LEADER []" in out
    assert "unexpected: DEV_LAG_SUPPORT [s1]" in out
    code, out, _ = run_cli("scenarios", "run", str(write(tmp_path, text)))
    assert "ontbreekt:  NO_SCHOOL_LEADER []" in out
    assert "onverwacht: DEV_LAG_SUPPORT [s1]" in out


@pytest.mark.parametrize("change, expected", [
    (("roles: [intern_begeleider]", "roles: [intern-begeleider]"),
     "s.yaml:12: school.people[1].roles[0]: unknown role 'intern-begeleider' "
     "(did you mean 'intern_begeleider'?)"),
    (("rule: DEV_LAG_SUPPORT", "rule: DEV_LAG_SUPORT"),
     "s.yaml:17: expect.rule: no rule 'DEV_LAG_SUPORT' in the rule packs "
     "(did you mean 'DEV_LAG_SUPPORT'?)"),
    (("signal: s1}", "signal: s2}"),
     "s.yaml:16: question.signal: the school has no signal 's2'"),
    (("expect: {who_acts: ilse, rule: DEV_LAG_SUPPORT}", "expect: {allowed: true}"),
     "s.yaml:17: expect.allowed: 'expect.allowed' does not answer a 'who_acts' question"),
    (("question: {type: who_acts", "question: {type: who_act"),
     "s.yaml:16: question.type: expected one of 'who_acts', 'allowed' or 'findings', "
     "got 'who_act' (did you mean 'who_acts'?)"),
    (("hints:", "hint:"), "s.yaml:18: hint: unknown field 'hint' (did you mean 'hints'?)"),
])
def test_a_broken_scenario_is_reported_like_a_broken_school(tmp_path, change, expected):
    path = write(tmp_path, SCENARIO.replace(*change))
    with pytest.raises(ScenarioFileError) as info:
        load_scenarios(path)
    assert any(expected in str(p) for p in info.value.problems), str(info.value)
    code, out, err = run_cli("scenarios", "run", str(path))
    assert (code, out) == (2, "")
    assert expected in err


def test_a_scenario_may_name_a_school_file_beside_it(tmp_path):
    school = mandaat.dump_school(mandaat.load_school(mandaat.example_school_path()))
    write(tmp_path, school, "school.yaml")
    text = SCENARIO.split("school:\n")[0] + (
        "school: school.yaml\nquestion: {type: who_acts, signal: s-tom}\n"
        "expect: {who_acts: anna}\n")
    (result,) = run_scenarios(write(tmp_path, text)).results
    assert result.passed


def test_oefen_right_after_a_wrong_answer_with_a_hint(tmp_path):
    (item,) = load_scenarios(write(tmp_path, SCENARIO))
    out = io.StringIO()
    assert exercise(item, stdin=io.StringIO("anna\nIlse\n"), stdout=out) is True
    text = out.getvalue()
    assert "Je antwoord: anna\nDat is niet het antwoord.\nHint 1: Hoe lang is drie weken?" in text
    assert "Je antwoord: Ilse\nGoed!" in text
    # the rule by its title, the source by its title (and author), not by their ids
    assert f"\nRegel: {title('DEV_LAG_SUPPORT')}\n" in text
    assert ("  Bron: 'Het samenspel tussen ib'er en schoolleider: in gesprek met Linda van"
            in text)
    assert "DEV_LAG_SUPPORT" not in text and "003_cd09840b5089f87d.txt" not in text


def test_oefen_gives_the_answer_when_the_hints_run_out_or_input_ends(tmp_path):
    (item,) = load_scenarios(write(tmp_path, SCENARIO))
    out = io.StringIO()
    assert exercise(item, stdin=io.StringIO("tom\ntom\ntom\n"), stdout=out) is False
    assert "Hint 2: Wie ondersteunt de ontwikkeling?" in out.getvalue()
    assert "Het antwoord is: ilse (ilse)." in out.getvalue()
    out = io.StringIO()
    assert exercise(item, stdin=io.StringIO(""), stdout=out, lang="en") is False
    assert "No more answers; the exercise stops." in out.getvalue()


def test_oefen_choice_and_yes_no_questions():
    items = {i.scenario.id: i for i in load_scenarios(bundled_scenarios_path())}
    out = io.StringIO()
    assert exercise(items["kijkwijzer-langs-de-klassen"], stdin=io.StringIO("nee\n"),
                    stdout=out)
    out = io.StringIO()
    assert exercise(items["enige-coach-met-verlof"], stdin=io.StringIO("SOLE_COACH\n"),
                    stdout=out)
    number = choices(out.getvalue())[title("SOLE_COACH")]
    assert exercise(items["enige-coach-met-verlof"], stdin=io.StringIO(f"{number}\n"),
                    stdout=io.StringIO())


@pytest.mark.skipif(CONSOLE_SCRIPT is None,
                    reason="console script not installed")
def test_oefen_with_piped_input_end_to_end():
    exe = CONSOLE_SCRIPT
    done = subprocess.run([exe, "oefen", "--scenario", "ontwikkeling-na-de-grens"],
                          input="ilse\nanna\n", capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "Je antwoord: ilse\nDat is niet het antwoord.\nHint 1:" in done.stdout
    assert "Je antwoord: anna\nGoed!" in done.stdout
    assert f"Regel: {title('DEV_LAG_TO_LEADER')}" in done.stdout
    wrong = subprocess.run([exe, "oefen", "--scenario", "ontwikkeling-na-de-grens"],
                           input="tom\n", capture_output=True, text=True, timeout=120,
                           check=False)
    assert wrong.returncode == 1


def test_oefen_unknown_scenario_id():
    code, _, err = run_cli("oefen", "--scenario", "eigen-koerz")
    assert code == 2
    assert "geen casus 'eigen-koerz' (bedoelde u 'eigen-koers'?)" in err
    code, _, err = run_cli("oefen", "--scenario", "eigen-koerz", "--lang", "en")
    assert code == 2
    assert "no scenario 'eigen-koerz' (did you mean 'eigen-koers'?)" in err


# --- oefen in front of a group: titles, choices, answers, Ctrl-C, end of input, score ----


def title(rule_id: str, lang: str = "nl") -> str:
    rule = next(r for r in default_pack().rules if r.id == rule_id)
    assert rule.title is not None, rule_id
    return rule.title.en if lang == "en" else rule.title.nl


def choices(output: str) -> dict[str, str]:
    """The numbered choices of a findings question: description -> number."""
    return {m.group(2): m.group(1) for m in re.finditer(r"^  (\d+)\. (.+)$", output, re.M)}


def oefen(*args: str, answers: str = "") -> subprocess.CompletedProcess[str]:
    """`mandaat oefen` as a real process, its answers through a pipe."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # 80 columns, piped
    return subprocess.run([sys.executable, "-m", "mandaat", "oefen", *args], input=answers,
                          capture_output=True, text=True, timeout=120, check=False, env=env)


def test_every_rule_of_the_bundled_pack_has_a_dutch_and_an_english_title():
    for rule in default_pack().rules:
        assert rule.title is not None, rule.id
        assert rule.title.nl.strip() and rule.title.en.strip(), rule.id
        assert rule.title.nl != rule.title.en, rule.id
        assert rule.id not in (rule.title.nl, rule.title.en)
    assert title("IB_NO_ASSESSOR") == "De ib'er beoordeelt leraren"
    assert title("IB_NO_ASSESSOR", "en") == "The ib'er assesses teachers"


@pytest.mark.parametrize("lang, goodbye", [("nl", "Tot ziens!"), ("en", "Goodbye!")])
def test_end_of_input_at_the_first_prompt_ends_the_session_cleanly(lang, goodbye):
    done = oefen("--lang", lang)  # all 33 cases; the input is empty
    assert done.returncode == 1
    assert done.stderr == ""
    assert "Traceback" not in done.stdout
    assert done.stdout.rstrip().endswith(goodbye)
    assert done.stdout.count("\n== ") == 1  # the first case is shown, no further one
    assert ("Geen antwoord meer" if lang == "nl" else "No more answers") in done.stdout


def test_ctrl_c_at_a_prompt_ends_with_130_and_a_goodbye():
    proc = subprocess.Popen(
        [sys.executable, "-m", "mandaat", "oefen"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        seen, deadline = b"", time.monotonic() + 60
        while b"Je antwoord: " not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
        assert b"Je antwoord: " in seen, seen
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    out = (seen + rest).decode("utf-8")
    assert proc.returncode == 130
    assert b"Traceback" not in err and "Traceback" not in out
    assert out.rstrip().endswith("Tot ziens!")


def test_an_empty_line_or_a_wrong_number_asks_again_without_a_hint():
    listing = choices(oefen("--scenario", "enige-coach-met-verlof").stdout)
    right = listing[title("SOLE_COACH")]
    wrong = next(n for t, n in listing.items() if t != title("SOLE_COACH"))
    done = oefen("--scenario", "enige-coach-met-verlof",
                 answers=f"\n{len(listing) + 1}\n0\n{wrong}\n{right}\n")
    out = done.stdout
    expected = f"Kies een nummer van 1 tot {len(listing)}"
    assert f"Je antwoord: \n{expected}" in out
    assert f"Je antwoord: {len(listing) + 1}\n{expected}" in out
    assert f"Je antwoord: 0\n{expected}" in out
    assert f"Je antwoord: {wrong}\nDat is niet het antwoord.\nHint 1:" in out
    assert f"Je antwoord: {right}\nGoed!" in out
    assert "Hint 2:" not in out
    assert done.returncode == 0


def test_an_unknown_name_asks_again_without_a_hint():
    done = oefen("--scenario", "afspraken-na-het-gesprek", answers="piet\n\nANNA\n")
    assert "Je antwoord: piet\n'piet' ken ik niet in deze school." in done.stdout
    assert "Hint 1:" not in done.stdout
    assert "Je antwoord: ANNA\nGoed!" in done.stdout
    assert done.returncode == 0


def test_a_role_word_or_a_first_name_in_capitals_names_the_person():
    for args, answer, right in (((), "de schoolleider", "Goed!"), ((), "ANNA", "Goed!"),
                                (("--lang", "en"), "the school leader", "Right!")):
        done = oefen("--scenario", "afspraken-na-het-gesprek", *args, answers=f"{answer}\n")
        assert f"{answer}\n{right}" in done.stdout, answer
        assert done.returncode == 0, answer


WHO_ACTS_ANSWERS = {
    "ilse": "right", "ILSE": "right", "Ilse Bakker": "right", "ilse bakker": "right",
    "ib'er": "right", "de ib’er": "right", "De IB-er": "right", "intern begeleider": "right",
    "de intern begeleider": "right", "the ib'er": "right", "kwaliteitscoördinator": "right",
    "anna": "wrong", "de schoolleider": "wrong", "niemand": "wrong", "nobody": "wrong",
    "de leraar": "again",    # two teachers: which one?
    "het bestuur": "again",  # nobody holds that role
    "piet": "again", "": "again",
}


def test_who_acts_takes_ids_names_role_words_and_nobody(tmp_path):
    text = (SCENARIO.replace("{id: ilse, roles", "{id: ilse, name: Ilse Bakker, roles")
            .replace("    - {id: tom, roles: [leraar]}\n",
                     "    - {id: tom, roles: [leraar]}\n    - {id: sara, roles: [leraar]}\n"))
    (item,) = load_scenarios(write(tmp_path, text))
    taken = {}
    for answer in WHO_ACTS_ANSWERS:
        out = io.StringIO()
        exercise(item, stdin=io.StringIO(f"{answer}\n"), stdout=out)
        after = out.getvalue().split("Je antwoord: ")[1]
        reply = after.splitlines()[1]
        taken[answer] = ("right" if reply == "Goed!" else
                         "wrong" if reply == "Dat is niet het antwoord." and "Hint 1:" in after
                         else "again" if "Noem een naam" in reply and "Hint" not in after
                         else reply)
    assert taken == WHO_ACTS_ANSWERS


def test_the_choices_show_titles_in_the_trainers_language_not_rule_ids():
    nl = oefen("--scenario", "ib-beoordeelt-functioneren").stdout
    en = oefen("--scenario", "ib-beoordeelt-functioneren", "--lang", "en").stdout
    ids = {r.id for r in default_pack().rules}
    for out, lang in ((nl, "nl"), (en, "en")):
        listed = choices(out)
        assert len(listed) >= 5
        assert not ids & set(listed)
        for rule in ("IB_NO_ASSESSOR", "FUNCTIONING_IS_LEADER", "PERSONNEL_DATA_ACCESS",
                     "ACCOUNTABLE_HAS_AUTHORITY"):
            assert title(rule, lang) in listed, (rule, listed)
        assert len(listed) == len(set(listed.values()))
    assert "  " + choices(nl)["De ib'er beoordeelt leraren"] + ". De ib'er beoordeelt leraren" in nl
    assert "The ib'er assesses teachers" in choices(en)
    assert choices(oefen("--scenario", "ib-beoordeelt-functioneren").stdout) == choices(nl)


def test_any_correct_choice_or_several_correct_ones_are_right():
    items = {i.scenario.id: i for i in load_scenarios(bundled_scenarios_path())}
    item = items["ib-beoordeelt-functioneren"]

    def play(answer: str) -> tuple[bool, str]:
        out = io.StringIO()
        return exercise(item, stdin=io.StringIO(answer + "\n"), stdout=out), out.getvalue()

    listed = choices(play("")[1])
    data = listed[title("PERSONNEL_DATA_ACCESS")]
    leader = listed[title("FUNCTIONING_IS_LEADER")]
    wrong = next(n for t, n in listed.items() if t not in {
        title(r) for r in ("IB_NO_ASSESSOR", "FUNCTIONING_IS_LEADER", "PERSONNEL_DATA_ACCESS",
                           "ACCOUNTABLE_HAS_AUTHORITY")})
    right, out = play(data)
    assert right and "Goed!\nOok goed: " in out and title("IB_NO_ASSESSOR") in out
    assert play(f"{leader} {data}")[0]
    assert play(f"{leader}, {data}")[0]
    assert play("personnel_data_access")[0]  # a rule id typed out
    assert not play(f"{data} {wrong}")[0]


def test_a_session_of_several_cases_ends_with_a_score(tmp_path):
    write(tmp_path, SCENARIO, "a.yaml")
    write(tmp_path, SCENARIO.replace("id: proef", "id: proef-2"), "b.yaml")
    done = oefen(str(tmp_path), answers="ilse\ntom\ntom\ntom\n")
    assert done.stdout.rstrip().endswith(
        "Score: 1 van 2 goed, 1 daarvan in één keer (zonder hint)")
    assert "Casus 2 van 2" in done.stdout
    assert done.returncode == 1
    done = oefen(str(tmp_path), "--lang", "en", answers="ilse\nilse\n")
    assert done.stdout.rstrip().endswith(
        "Score: 2 of 2 right, 2 of them at the first try (without a hint)")
    assert done.returncode == 0
    done = oefen(str(tmp_path), answers="ilse\n")  # the input ends in the second case
    assert ("Score: 1 van 1 goed, 1 daarvan in één keer (zonder hint); niet beantwoord: 1 van"
            "\n  2 casussen\nTot ziens!") in done.stdout  # wrapped at 80 columns
    assert done.returncode == 1 and done.stderr == ""


class _Endless(io.TextIOBase):
    """Standard input from /dev/zero: NUL characters without end, never a line end."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:
        assert size is not None and 0 <= size <= 1 << 20, f"an unbounded read ({size})"
        self.given += size
        return "\0" * size


def test_an_answer_without_a_line_end_is_read_in_bounded_pieces_and_ends_the_session():
    """`mandaat oefen < /dev/zero` read one endless line: 4 GB, then a MemoryError."""
    items = {i.scenario.id: i for i in load_scenarios(bundled_scenarios_path())}
    endless, out = _Endless(), io.StringIO()
    assert exercise(items["kijkwijzer-langs-de-klassen"], stdin=endless, stdout=out) is False
    assert endless.given <= 2_000_000
    assert out.getvalue().rstrip().endswith("Geen antwoord meer; de oefening stopt.")
    assert "Het antwoord is" not in out.getvalue()


def test_a_line_longer_than_an_answer_is_asked_again_without_a_hint():
    items = {i.scenario.id: i for i in load_scenarios(bundled_scenarios_path())}
    out = io.StringIO()
    assert exercise(items["kijkwijzer-langs-de-klassen"],
                    stdin=io.StringIO("nee " * 5000 + "\nnee\n"), stdout=out) is True
    text = out.getvalue()
    assert "Je antwoord: …\nDat antwoord is te lang (meer dan 1000 tekens).\n" in text
    assert "nee nee" not in text and "Je antwoord: nee\nGoed!" in text
    assert "Hint 1:" not in text


def _one_gigabyte() -> None:
    import resource

    # the unbounded read took 4 GB of address space before it failed
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_oefen_reading_dev_zero_ends_at_once_in_little_memory():
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [sys.executable, "-m", "mandaat", "oefen", "--scenario",
             "kijkwijzer-langs-de-klassen"], stdin=zero, capture_output=True, timeout=60,
            check=False, preexec_fn=_one_gigabyte)
    assert done.returncode == 1 and done.stderr == b""
    assert done.stdout.decode().rstrip().endswith("Tot ziens!")


# --- a scenario file's problems all at once; its source checked ----------------------------


def test_a_scenario_file_reports_its_own_its_schools_and_its_questions_problems_at_once(
        tmp_path):
    """A field the format does not have, a role the school format does not have and a rule
    no pack has: one load, three problems, by line."""
    text = (SCENARIO.replace("hints:", "hint:")
            .replace("roles: [intern_begeleider]", "roles: [intern-begeleider]")
            .replace("rule: DEV_LAG_SUPPORT", "rule: DEV_LAG_SUPORT"))
    with pytest.raises(ScenarioFileError) as info:
        load_scenarios(write(tmp_path, text))
    assert [(p.line, p.type, p.loc) for p in info.value.problems] == [
        (12, "unknown_value", ("school", "people", 1, "roles", 0)),
        (17, "unknown_rule", ("expect", "rule")),
        (18, "unknown_field", ("hint",)),
    ]


def test_a_school_is_checked_when_the_question_is_broken_and_the_question_when_the_school_is(
        tmp_path):
    broken_question = (SCENARIO.replace("question: {type: who_acts", "question: {type: who_act")
                       .replace("roles: [leraar]", "roles: [leeraar]"))
    with pytest.raises(ScenarioFileError) as info:
        load_scenarios(write(tmp_path, broken_question))
    assert {p.loc for p in info.value.problems} == {("school", "people", 2, "roles", 0),
                                                    ("question", "type")}
    broken_school = (SCENARIO.replace("as_of: 2026-11-22", "as_of: 22-11-2026")
                     .replace("who_acts: ilse, rule: DEV_LAG_SUPPORT", "allowed: true"))
    with pytest.raises(ScenarioFileError) as info:
        load_scenarios(write(tmp_path, broken_school))
    assert {(p.loc, p.type) for p in info.value.problems} == {
        (("school", "as_of"), "wrong_type"), (("expect",), "missing"),
        (("expect", "allowed"), "question_mismatch")}


def test_a_scenario_citing_a_text_no_pack_has_is_refused_with_a_suggestion(tmp_path):
    path = write(tmp_path, SCENARIO.replace("003_cd09840b5089f87d.txt",
                                            "003_cd09840b5089f87e.txt"))
    with pytest.raises(ScenarioFileError) as info:
        load_scenarios(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.loc, problem.type) == (5, ("source", "text"),
                                                         "unknown_reference")
    assert problem.msg == ("no source text '003_cd09840b5089f87e.txt' in the rule packs "
                           "(did you mean '003_cd09840b5089f87d.txt'?)")
    code, out, err = run_cli("scenarios", "run", str(path))
    assert (code, out) == (2, "") and "s.yaml:5: source.text: no source text" in err


def test_a_scenario_quote_is_looked_up_where_the_texts_lie_beside_the_pack(tmp_path):
    import shutil

    from mandaat.rules import bundled_rules_path, load_rules

    rules = tmp_path / "regels"
    shutil.copytree(bundled_rules_path() / "lbbo-2022", rules / "lbbo-2022")
    (rules / "sources").mkdir()
    (rules / "sources" / "003_cd09840b5089f87d.txt").write_text(
        "Als het niet lukt.\nDan is het de  taak van de ib'er om mee te kijken.\n",
        encoding="utf-8")
    packs = [load_rules(rules / "lbbo-2022")]
    (item,) = load_scenarios(write(tmp_path, SCENARIO), packs=packs)  # folded, quotes plain
    assert item.scenario.source.quote == "Dan is het de taak van de ib’er"
    with pytest.raises(ScenarioFileError) as info:
        load_scenarios(write(tmp_path, SCENARIO.replace("de taak van", "het werk van")),
                       packs=packs)
    (problem,) = info.value.problems
    assert (problem.loc, problem.type) == (("source", "quote"), "quote_not_found")
    assert "'003_cd09840b5089f87d.txt'" in problem.msg
    # without the texts only the file is checked, as before
    assert load_scenarios(write(tmp_path, SCENARIO.replace("de taak van", "het werk van")))


# --- themes, listing and picking cases ------------------------------------------------------


def test_every_bundled_scenario_has_a_theme_of_the_documented_vocabulary():
    from typing import get_args

    from mandaat.training.scenarios import THEMES, Theme

    assert list(get_args(Theme)) == list(THEMES)
    doc = (Path(__file__).parents[2] / "docs" / "trainers.md").read_text(encoding="utf-8")
    for theme, names in THEMES.items():
        assert f"| `{theme}` | {names['nl']} | {names['en']} |" in doc, theme
    themes = [item.scenario.theme for item in load_scenarios(bundled_scenarios_path())]
    assert None not in themes
    assert set(themes) == set(THEMES)  # every theme has cases


def test_an_unknown_theme_in_a_scenario_is_a_load_problem_with_a_suggestion(tmp_path):
    path = write(tmp_path, SCENARIO.replace("title: Een proef\n",
                                            "title: Een proef\ntheme: escalatei\n"))
    with pytest.raises(ScenarioFileError) as info:
        load_scenarios(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.loc) == (4, ("theme",))
    assert "got 'escalatei' (did you mean 'escalatie'?)" in problem.msg
    (item,) = load_scenarios(write(tmp_path, SCENARIO))  # a scenario without one still loads
    assert item.scenario.theme is None


def test_oefen_list_numbers_the_cases_with_id_title_and_theme():
    code, out, err = run_cli("oefen", "--list")
    assert (code, err) == (0, "")
    assert out.startswith(" 1. De ib'er met de kijkwijzer langs de klassen\n"
                          "    kijkwijzer-langs-de-klassen · thema: rolzuiverheid\n")
    assert (" 4. Na \"help mij te begrijpen\" gaat het opnieuw mis\n"
            "    afspraken-na-het-gesprek · thema: escalatie\n") in out
    assert "33. Het mandaat dat doorgegeven werd\n    mandaat-doorgegeven · thema: mandaat\n" in out
    assert "--scenario NUMMER of ID" in out and "Je antwoord" not in out
    code, out, _ = run_cli("oefen", "--list", "--lang", "en")
    assert out.startswith(" 1. The ib'er doing rounds with a checklist\n"
                          "    kijkwijzer-langs-de-klassen · theme: role clarity\n")


def test_oefen_picks_a_case_by_its_number_and_the_cases_of_a_theme():
    code, out, _ = run_cli("oefen", "--list", "--theme", "kwaliteit-en-data")
    listed = re.findall(r"^ ?(\d+)\. ", out, re.M)
    assert code == 0 and listed == ["14", "19", "22"]  # the numbers of the whole list
    assert run_cli("oefen", "--list", "--theme", "Kwaliteit en data")[1] == out
    by_number = oefen("--scenario", "4", answers="anna\n")
    assert "== Na \"help mij te begrijpen\" gaat het opnieuw mis ==" in by_number.stdout
    assert by_number.returncode == 0 and "Casus 1 van" not in by_number.stdout
    themed = oefen("--theme", "kwaliteit-en-data")  # no answers: the first case only
    assert "Casus 1 van 3\n== De rekenresultaten van de bovenbouw zakken weg ==" in themed.stdout


@pytest.mark.parametrize("args, lang_words", [
    (("--theme", "zorg"), "onbekend thema 'zorg' (bedoelde u 'zorg-en-ouders'?); de thema's "
                          "zijn: rolzuiverheid, mandaat, zorg-en-ouders, escalatie, "
                          "continuiteit, kwaliteit-en-data"),
    (("--theme", "ouderz", "--lang", "en"), "unknown theme 'ouderz'"),
    (("--scenario", "34"), "geen casus nummer 34: de nummers gaan van 1 tot 33"),
    (("--scenario", "0", "--lang", "en"), "no case number 0: the numbers go from 1 to 33"),
])
def test_an_unknown_theme_or_number_is_a_clear_error(args, lang_words):
    code, out, err = run_cli("oefen", *args)
    assert (code, out) == (2, "")
    assert err.startswith("mandaat oefen: ") and lang_words in err


def test_a_theme_no_case_of_the_folder_has_is_said_so(tmp_path):
    write(tmp_path, SCENARIO.replace("title: Een proef\n", "title: Een proef\ntheme: mandaat\n"))
    code, _, err = run_cli("oefen", str(tmp_path), "--theme", "escalatie")
    assert code == 2 and f"geen casus met thema 'escalatie' in {tmp_path}" in err
    assert run_cli("oefen", str(tmp_path), "--list", "--theme", "mandaat")[1].startswith(
        "1. Een proef\n   proef · thema: mandaat\n")


# --- the score counts first tries -----------------------------------------------------------


def test_the_score_says_how_many_cases_were_right_at_the_first_try(tmp_path):
    for name in "abc":
        write(tmp_path, SCENARIO.replace("id: proef", f"id: proef-{name}"), f"{name}.yaml")
    # a: right at once; b: right after a hint; c: wrong until the hints run out
    done = oefen(str(tmp_path), answers="ilse\nanna\nilse\ntom\ntom\ntom\n")
    assert done.stdout.rstrip().endswith(
        "Score: 2 van 3 goed, 1 daarvan in één keer (zonder hint)")
    done = oefen(str(tmp_path), "--lang", "en", answers="anna\nilse\nilse\nilse\n")
    assert done.stdout.rstrip().endswith(
        "Score: 3 of 3 right, 2 of them at the first try (without a hint)")
    assert done.returncode == 0  # right in the end is right: hints are allowed


# --- wrapping -------------------------------------------------------------------------------


def test_oefen_wraps_long_lines_with_hanging_indents(tmp_path):
    long_case = "Tom blijft achter. " + "Ilse ziet het al weken en praat er met hem over. " * 4
    text = (SCENARIO.replace("case: Tom blijft achter.", f"case: {long_case}")
            .replace("Hoe lang is drie weken?", "Hoe lang is drie weken? " * 6))
    (item,) = load_scenarios(write(tmp_path, text))
    for width in (40, 80):
        out = io.StringIO()
        exercise(item, stdin=io.StringIO("tom\nilse\n"), stdout=out, width=width)
        lines = out.getvalue().splitlines()
        assert max(len(line) for line in lines) <= width
        case = out.getvalue().split("Casus:\n")[1].split("\n\n")[0]
        assert " ".join(case.split()) == long_case.strip()  # every word, in order
        assert len(case.splitlines()) > 1
        hint = out.getvalue().split("Hint 1: ")[1].split("Je antwoord")[0]
        assert all(line.startswith("  ") for line in hint.splitlines()[1:]) and "\n" in hint
        source = out.getvalue().split("  Bron: ")[1].split("\n\n")[0]
        assert all(line.startswith("    ") for line in source.splitlines()[1:])


def test_oefen_wraps_piped_output_at_80_columns_or_at_COLUMNS():
    plain = oefen("--scenario", "ib-beoordeelt-functioneren", answers="1\n")
    lines = plain.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 and max(len(line) for line in lines) > 70
    env = {**os.environ, "COLUMNS": "50"}
    narrow = subprocess.run(
        [sys.executable, "-m", "mandaat", "oefen", "--scenario", "ib-beoordeelt-functioneren"],
        input="1\n", capture_output=True, text=True, timeout=120, check=False, env=env)
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 50
    assert " ".join(narrow.stdout.split()) == " ".join(plain.stdout.split())  # same words


def test_an_id_written_in_digits_is_picked_as_an_id_before_as_a_number(tmp_path):
    from mandaat.training import numbered, pick

    write(tmp_path, SCENARIO.replace("id: proef", "id: '2'"), "a.yaml")
    write(tmp_path, SCENARIO.replace("id: proef", "id: tweede"), "b.yaml")
    cases = numbered(load_scenarios(tmp_path))
    assert [c.scenario.id for _, c in pick(cases, scenario="2")] == ["2"]
    assert [c.scenario.id for _, c in pick(cases, scenario="1")] == ["2"]
    assert [(n, c.scenario.id) for n, c in pick(cases, scenario="tweede")] == [(2, "tweede")]
