"""Training scenarios: the bundled pack passes and covers every rule; `scenarios run`,
`oefen`, and broken scenario files."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

import mandaat
from mandaat.cli import main
from mandaat.scenarios import (
    ScenarioFileError,
    bundled_scenarios_path,
    load_scenarios,
    run_scenarios,
)
from mandaat.training import exercise

SOURCES = Path(__file__).parents[3] / "shared" / "sources"


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(args), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_the_bundled_scenarios_pass_and_exercise_every_rule():
    run = run_scenarios()
    assert len(run.results) >= 10
    assert [r.scenario.id for r in run.failed] == []
    assert run.uncovered == {"lbbo-2022": []}


def test_every_bundled_scenario_cites_a_source_it_quotes():
    for item in load_scenarios(bundled_scenarios_path()):
        source = item.scenario.source
        assert source.text in {p.name for p in SOURCES.glob("*.txt")} or not SOURCES.exists()
        if SOURCES.exists():
            text = " ".join((SOURCES / source.text).read_text(encoding="utf-8").split())
            assert " ".join(source.quote.split()) in text, item.scenario.id


def test_scenarios_run_prints_pass_and_coverage():
    code, out, _ = run_cli("scenarios", "run")
    assert code == 0
    assert "PASS  afspraken-na-het-gesprek" in out
    assert "17 scenarios: 17 passed, 0 failed" in out
    assert "Rule coverage of lbbo-2022: 28 of 28 rules exercised" in out


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
    code, out, _ = run_cli("scenarios", "run", str(path))
    assert code == 1
    assert "FAIL  proef  Een proef" in out
    assert "expected: anna" in out and "actual:   ilse (DEV_LAG_SUPPORT)" in out
    assert "1 scenarios: 0 passed, 1 failed" in out
    assert "no scenario shows" in out and "NO_SCHOOL_LEADER" in out


def test_a_failing_findings_scenario_lists_missing_and_unexpected(tmp_path):
    text = SCENARIO.replace("question: {type: who_acts, signal: s1}",
                            "question: {type: findings}").replace(
        "expect: {who_acts: ilse, rule: DEV_LAG_SUPPORT}",
        "expect: {findings: [{rule: NO_SCHOOL_LEADER}]}")
    code, out, _ = run_cli("scenarios", "run", str(write(tmp_path, text)))
    assert code == 1
    assert "missing:    NO_SCHOOL_LEADER []" in out
    assert "unexpected: DEV_LAG_SUPPORT [s1]" in out


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
    assert "[DEV_LAG_SUPPORT]" in text and "Bron: 003_cd09840b5089f87d.txt" in text


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
    listing = out.getvalue()
    number = next(line.split(".")[0].strip() for line in listing.splitlines()
                  if line.strip().endswith("SOLE_COACH"))
    assert exercise(items["enige-coach-met-verlof"], stdin=io.StringIO(f"{number}\n"),
                    stdout=io.StringIO())


@pytest.mark.skipif(shutil.which("mandaat") is None and not Path(".venv/bin/mandaat").exists(),
                    reason="console script not installed")
def test_oefen_with_piped_input_end_to_end():
    exe = shutil.which("mandaat") or ".venv/bin/mandaat"
    done = subprocess.run([exe, "oefen", "--scenario", "ontwikkeling-na-de-grens"],
                          input="ilse\nanna\n", capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "Je antwoord: ilse\nDat is niet het antwoord.\nHint 1:" in done.stdout
    assert "Je antwoord: anna\nGoed!" in done.stdout
    assert "[DEV_LAG_TO_LEADER]" in done.stdout
    wrong = subprocess.run([exe, "oefen", "--scenario", "ontwikkeling-na-de-grens"],
                           input="tom\n", capture_output=True, text=True, timeout=120,
                           check=False)
    assert wrong.returncode == 1


def test_oefen_unknown_scenario_id():
    code, _, err = run_cli("oefen", "--scenario", "eigen-koerz")
    assert code == 2
    assert "no scenario 'eigen-koerz' (did you mean 'eigen-koers'?)" in err

