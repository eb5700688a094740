"""The command line, driven in-process, and once as the installed console script."""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mandaat
from mandaat.cli import main
from tests.conftest import BASE, CONSOLE_SCRIPT, GOOD


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args: str, tty: bool = False) -> tuple[int, str, str]:
    out = Tty() if tty else io.StringIO()
    err = io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = tmp_path / "school.json"
    path.write_text(json.dumps(BASE), encoding="utf-8")
    return path


def test_check_without_a_file_reports_on_the_example_in_text_on_a_terminal():
    code, out, err = run("check", tty=True)
    assert code == 1  # the example school has violations
    assert err == ""
    assert out.startswith("Taakverdeling van OBS De Regenboog (peildatum 2026-11-22)\n")
    for heading in ("== Overtredingen", "== Waarschuwingen", "== Adviezen"):
        assert heading in out
    assert "\nEerst doen\n  1. " in out and " Waarom: " in out and "\nBronnen\n  B1. " in out
    assert ("'Boekbespreking: De beroepsstandaard voor de intern begeleider als "
            "kwaliteitscoördinator' (Willem de Vlaming)") in out


def test_the_console_script_freezes_what_the_imports_made_and_main_does_not(monkeypatch):
    """The console script's process is its own: the imports' objects need no collecting.
    ``main``, which an app may call, leaves the app's heap to the app."""
    assert gc.get_freeze_count() == 0
    main(["check", "--format", "json"], stdout=io.StringIO())
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(sys, "argv", ["mandaat", "check", "--format", "json"])
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    try:
        with pytest.raises(SystemExit) as done:
            mandaat.cli.console()
        assert done.value.code == 1 and gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_check_json_is_one_document_matching_the_library():
    code, out, err = run("check", "--format", "json")
    report = json.loads(out)
    assert code == 1 and err == ""
    assert report["format"] == "mandaat-report/1"
    assert report["rule_packs"] == [{"name": "lbbo-2022", "version": "1", "rules": 41}]
    assert out == mandaat.check(mandaat.load_school(mandaat.example_school_path())).to_json()
    assert set(report["summary"]) == {"violation", "warning", "advice"}


def test_check_defaults_to_json_when_not_on_a_terminal(school_file):
    code, out, _ = run("check", str(school_file))
    assert code == 0
    assert json.loads(out)["findings"] == []


def test_check_in_english():
    _, out, _ = run("check", "--format", "text", "--lang", "en")
    assert out.startswith("Task division of OBS De Regenboog")
    assert "What to do:" in out


def test_bad_input_exits_2_with_a_located_message_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: mandaat/1\nschool: {name: X}\npeople:\n"
                   "  - {id: anna, roles: [schoolleidr]}\n", encoding="utf-8")
    code, out, err = run("check", str(bad), "--format", "json")
    assert code == 2
    # Dutch by default, as the report; English with --lang en
    assert err == (f"{bad}:4: people[0].roles[0]: onbekende rol 'schoolleidr' "
                   "(bedoelde u 'schoolleider'?)\n")
    assert "Traceback" not in err
    # for apps, the same problem on stdout as one Problem Details document
    problem = json.loads(out)
    assert (problem["status"], problem["title"]) == (422, "De school kan niet worden gelezen")
    assert problem["problems"] == [{
        "file": str(bad), "line": 4, "loc": ["people", 0, "roles", 0], "type": "unknown_value",
        "msg": "unknown role 'schoolleidr' (did you mean 'schoolleider'?)", "cell": None,
        "message": "onbekende rol 'schoolleidr' (bedoelde u 'schoolleider'?)",
        "suggestion": "schoolleider"}]
    code, out, err = run("check", str(bad), "--format", "json", "--lang", "en")
    assert err == (f"{bad}:4: people[0].roles[0]: unknown role 'schoolleidr' "
                   "(did you mean 'schoolleider'?)\n")
    assert json.loads(out)["problems"][0]["message"] == (
        "unknown role 'schoolleidr' (did you mean 'schoolleider'?)")
    # text for people: stdout stays empty
    code, out, _ = run("check", str(bad), "--format", "text")
    assert (code, out) == (2, "")


def test_missing_file_and_unknown_param(tmp_path, school_file):
    code, _, err = run("check", str(tmp_path / "nope.yaml"), "--lang", "en")
    assert code == 2 and "no such file" in err
    data = dict(BASE, params={"dev_lag_weks": 10})
    school_file.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("check", str(school_file), "--lang", "en")
    assert code == 2
    assert "params.dev_lag_weks: unknown param 'dev_lag_weks' (did you mean 'dev_lag_weeks'?)" in err


def test_escalate_json_and_text():
    example = str(mandaat.example_school_path())
    code, out, _ = run("escalate", example, "s-tom", "--format", "json")
    answer = json.loads(out)
    assert code == 0
    assert (answer["signal"], answer["acts_now"], answer["chain"], answer["rule"]) == (
        "s-tom", "anna", ["ilse", "anna"], "DEV_LAG_TO_LEADER")
    assert answer["explanation"]["path"] == ["ilse", "anna"]
    code, out, _ = run("escalate", example, "s-sara", "--format", "text")
    assert out.startswith("Wie is nu aan zet: Ilse Bakker\n")


def test_escalate_unknown_signal_suggests_the_known_ones():
    code, out, err = run("escalate", str(mandaat.example_school_path()), "s-tmo")
    assert code == 2
    assert ("er is geen signaal met id 's-tmo' (bedoelde u 's-tom'?); bekende signalen: "
            "s-tom, s-fatima") in err
    problem = json.loads(out)  # JSON, stdout being no terminal
    assert problem["type"] == "urn:mandaat:problem:unknown-signal"
    assert [(p["type"], p["suggestion"]) for p in problem["problems"]] == [
        ("unknown_signal", "s-tom")]


def test_escalate_when_no_rule_hands_the_signal_on(school_file):
    data = dict(BASE, signals=[{"id": "s1", "type": "afspraak_niet_nagekomen", "about": "tom",
                                "handled_by": "ilse", "conversation_held": True}])
    school_file.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run("escalate", str(school_file), "s1", "--format", "json")
    answer = json.loads(out)
    assert (answer["acts_now"], answer["rule"], answer["chain"]) == ("ilse", None, ["ilse"])


def test_graph_schema_example_and_rules_list():
    code, out, _ = run("graph")
    assert code == 0 and out.startswith("flowchart LR\n")
    code, out, _ = run("graph", "--format", "dot")
    assert out.startswith('digraph "OBS De Regenboog" {')
    code, out, _ = run("schema")
    schema = json.loads(out)
    assert schema["properties"]["format"]["enum"] == ["mandaat/1"]
    role_items = schema["$defs"]["Person"]["properties"]["roles"]["items"]
    assert "intern_begeleider" in role_items["enum"]
    code, out, _ = run("example")
    assert mandaat.load_school(out) == mandaat.load_school(mandaat.example_school_path())
    code, out, _ = run("rules", "list", "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 41 and rows[0]["pack"] == "lbbo-2022"


def test_extra_rules_with_a_bad_pack_exit_2(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text("pack: p\nversion: '1'\nrules:\n  - id: X1\n    severity: bad\n",
                    encoding="utf-8")
    code, out, err = run("check", "--rules", str(pack))
    assert code == 2
    assert f"{pack}:5: rules[0].severity: expected one of" in err
    problem = json.loads(out)  # a rule pack's problems stay English
    assert problem["type"] == "urn:mandaat:problem:rules"
    assert [p["message"] for p in problem["problems"] if p["line"] == 5] == [
        "expected one of 'violation', 'warning' or 'advice', got 'bad'"]


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--format", "xml"])
    assert info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


@pytest.mark.skipif(CONSOLE_SCRIPT is None,
                    reason="console script not installed")
def test_the_console_script_exit_codes(tmp_path):
    exe = CONSOLE_SCRIPT
    done = subprocess.run([exe, "check", "--format", "json"], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 1
    assert json.loads(done.stdout)["summary"]["violation"] > 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("!!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    done = subprocess.run([exe, "check", str(bad)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 2
    assert "pwned" not in done.stdout + done.stderr.split("not allowed")[0]
    assert "Traceback" not in done.stderr



# One file per class of bad input in school-format.md: (change, line, field path)
BAD_INPUT = {
    "unknown top-level key": (("as_of:", "as_off:"), 3, "as_off"),
    "missing required field": ((" communicated_to_team: true", ""), 12, "mandates[0]"),
    "unknown role": (("[intern_begeleider]", "[ib]"), 6, "people[1].roles[0]"),
    "unknown task type": (("type: schoolanalyse", "type: analyse"), 10, "tasks[0].type"),
    "unknown signal type": (("type: ontwikkeling_blijft_achter", "type: achter"), 14,
                            "signals[0].type"),
    "unknown reference": (("accountable: anna", "accountable: ann"), 10,
                          "tasks[0].accountable"),
    "duplicate id": (("{id: t1,", "{id: anna,"), 10, "tasks[0].id"),
    "negative hours": (("{ilse: 3}", "{ilse: -3}"), 10, "tasks[0].hours.ilse"),
    "since after as_of": (("since: 2026-09-01", "since: 2026-12-01"), 14, "signals[0].since"),
    "lagging development without since": ((", since: 2026-09-01", ""), 14, "signals[0]"),
    "not a mapping": ((GOOD, "- just\n- a list\n"), 1, ""),
    "object-constructing tag": (("school: {name: OBS De Regenboog}",
                                 "school: !!python/object:os.system {}"),
                                2, ""),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_every_bad_input_class_exits_2_from_the_cli(tmp_path, case):
    (old, new), line, field = BAD_INPUT[case]
    assert old in GOOD
    path = tmp_path / "school.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    code, out, err = run("check", str(path), "--format", "json")
    assert code == 2
    assert f"{path}:{line}: {field}" in err, err
    assert [(p["line"], p["file"]) for p in json.loads(out)["problems"]][:1] == [
        (line, str(path))]
    assert "Traceback" not in err


@pytest.fixture
def board(tmp_path):
    folder = tmp_path / "board"
    folder.mkdir()
    (folder / "a.yaml").write_text(mandaat.example_school_path().read_text(encoding="utf-8"),
                                   encoding="utf-8")
    (folder / "b.json").write_text(json.dumps(BASE), encoding="utf-8")
    (folder / "notes.txt").write_text("not a school", encoding="utf-8")
    return folder


def test_check_a_board_folder_as_a_table(board):
    code, out, err = run("check", str(board), "--format", "text")
    lines = out.splitlines()
    assert code == 1  # a.yaml has violations
    assert lines[0].split() == ["bestand", "school", "overtredingen", "waarschuwingen",
                                "adviezen"]
    # each count right under the end of its heading: 13, 14 and 8 wide, two spaces apart
    assert lines[1].endswith("OBS De Regenboog  " + " " * 12 + "7  " + " " * 13 + "4  "
                             + " " * 7 + "8")
    assert lines[2].endswith("OBS Testschool    " + " " * 12 + "0  " + " " * 13 + "0  "
                             + " " * 7 + "0")
    assert lines[0].index("adviezen") + len("adviezen") == len(lines[1]) == len(lines[2])
    assert len(lines) == 3 and err == ""


def test_a_board_table_in_english_with_a_bad_file(board):
    (board / "c.yaml").write_text("format: mandaat/1\nschool: {name: K}\npeople: [{id: a}]\n",
                                  encoding="utf-8")
    code, out, _ = run("check", str(board), "--format", "text", "--lang", "en")
    lines = out.splitlines()
    assert code == 2
    assert lines[0].split() == ["file", "school", "violations", "warnings", "advice"]
    assert lines[3].startswith(str(board / "c.yaml"))
    # "-" in a school column 16 wide ("OBS De Regenboog"), then two spaces
    assert lines[3].endswith("  -" + " " * 17 + "bad input (1 problem)")


def test_check_several_files_as_json_lines_with_a_bad_one(board, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: mandaat/1\nschool: {name: K}\npeople: [{id: a, roles: [x]}]\n",
                   encoding="utf-8")
    code, out, _ = run("check", str(board / "b.json"), str(bad), str(board / "a.yaml"),
                       "--format", "json")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert [r["file"] for r in records] == [str(board / "b.json"), str(bad),
                                            str(board / "a.yaml")]
    assert records[0]["format"] == "mandaat-report/1" and records[0]["findings"] == []
    assert records[1]["errors"][0]["loc"] == ["people", 0, "roles", 0]
    assert records[2]["summary"] == {"violation": 7, "warning": 4, "advice": 8}


def test_a_board_on_a_terminal_shows_progress_on_stderr(board):
    out, err = io.StringIO(), Tty()
    main(["check", str(board), "--format", "text"], stdout=out, stderr=err)
    assert "\rcontrole 1/2: a.yaml" in err.getvalue()
    assert "\rcontrole 2/2: b.json" in err.getvalue()
    err = Tty()
    main(["check", str(board), "--format", "text", "--lang", "en"], stdout=out, stderr=err)
    assert "\rchecking 2/2: b.json" in err.getvalue()


def test_a_board_on_two_workers_prints_byte_for_byte_what_one_prints(board):
    """The schools are spread over worker processes; the output keeps the files' order."""
    (board / "c.yaml").write_text("format: mandaat/1\nschool: {name: K}\npeople: [{id: a}]\n",
                                  encoding="utf-8")
    for i in range(5):
        (board / f"d{i}.yaml").write_text(
            mandaat.example_school_path().read_text(encoding="utf-8").replace(
                "OBS De Regenboog", f"School {i}"), encoding="utf-8")
    for fmt in ("json", "text"):
        one = run("check", str(board), "--format", fmt, "--jobs", "1")
        two = run("check", str(board), "--format", fmt, "--jobs", "2")
        assert one == two
        assert one[0] == 2  # c.yaml is bad input
    records = [json.loads(line) for line in one_json(board)]
    assert [Path(r["file"]).name for r in records] == [
        "a.yaml", "b.json", "c.yaml", *(f"d{i}.yaml" for i in range(5))]
    assert [r.get("school") for r in records][3:] == [f"School {i}" for i in range(5)]


def test_packs_that_clash_are_each_schools_error_line_on_a_board(board, tmp_path):
    rule = ("  - {id: SAME, severity: advice, when: [{fact: person, as: p}], "
            "subjects: [p.person], message: {nl: x, en: x}, suggestion: {nl: x, en: x}, "
            "source: {text: 001_7e2a7906d0b92de6.txt, quote: niet zelf coachen}}\n")
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text(f"pack: {name}\nversion: '1'\nrules:\n{rule}",
                                               encoding="utf-8")
    code, out, _ = run("check", str(board), "--rules", str(tmp_path / "one.yaml"),
                       "--rules", str(tmp_path / "two.yaml"), "--format", "json", "--jobs", "2")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert [Path(r["file"]).name for r in records] == ["a.yaml", "b.json"]
    assert all(r["errors"][0]["type"] == "duplicate_rule" for r in records)


def test_ctrl_c_during_a_board_ends_quietly_with_130(board, monkeypatch):
    import mandaat.cli._board as board_module

    def interrupted(path, settings):
        raise KeyboardInterrupt

    monkeypatch.setattr(board_module, "check_one", interrupted)
    code, out, err = run("check", str(board), "--format", "json", "--jobs", "1")
    assert (code, out, err) == (130, "", "")


@pytest.mark.parametrize("frozen", [False, True])
def test_a_board_run_gives_the_garbage_collector_back_as_it_was(board, frozen):
    """Also to a process that froze its own objects (the console script, or an app)."""
    if frozen:
        gc.freeze()
    try:
        before = gc.get_threshold(), gc.get_freeze_count()
        assert (before[1] > 0) is frozen
        for jobs in ("1", "2"):
            assert run("check", str(board), "--format", "json", "--jobs", jobs)[0] == 1
            assert (gc.get_threshold(), gc.get_freeze_count()) == before
    finally:
        gc.unfreeze()


def one_json(board: Path) -> list[str]:
    return run("check", str(board), "--format", "json", "--jobs", "3")[1].splitlines()


def test_jobs_is_a_whole_number_of_at_least_one_and_at_most_64(capsys):
    """--jobs 100000 started as many worker processes as there were schools."""
    for bad in ("0", "-2", "two", "1.5", "65", "100000", "9" * 5000):
        with pytest.raises(SystemExit) as info:
            main(["check", ".", "--jobs", bad])
        assert info.value.code == 2
        assert (f"expected a whole number from 1 to 64, not '{bad[:40]}"
                in capsys.readouterr().err)


def test_an_empty_board_folder_is_bad_input(tmp_path):
    code, _, err = run("check", str(tmp_path), str(tmp_path))
    assert code == 2 and "in deze map staan geen schoolbestanden (.yaml, .yml of .json)" in err


# --- everyday habits: stdin, folder runs, --rules-only ---------------------------------------


def test_check_dash_reads_the_school_from_stdin():
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "-", "--format", "json"], stdout=out, stderr=err,
                stdin=io.StringIO(GOOD))
    assert (code, err.getvalue()) == (0, "")
    assert json.loads(out.getvalue())["school"] == "OBS De Regenboog"
    one_line = json.dumps(BASE)  # JSON on one line is read too
    out = io.StringIO()
    assert main(["check", "-", "--format", "json"], stdout=out, stderr=err,
                stdin=io.StringIO(one_line)) == 0
    assert json.loads(out.getvalue())["school"] == "OBS Testschool"


def test_bad_input_on_stdin_is_located_as_stdin():
    err = io.StringIO()
    code = main(["check", "-"], stdout=io.StringIO(), stderr=err,
                stdin=io.StringIO(GOOD.replace("[intern_begeleider]", "[ib]")))
    assert code == 2
    assert err.getvalue().startswith("<stdin>:6: people[1].roles[0]: ")


@pytest.mark.skipif(CONSOLE_SCRIPT is None,
                    reason="the console script is not installed")
def test_check_dash_through_a_real_pipe(school_file):
    exe = CONSOLE_SCRIPT
    done = subprocess.run([exe, "check", "-", "--format", "json"], input=school_file.read_bytes(),
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["format"] == "mandaat-report/1"


def test_an_error_line_in_json_lines_has_the_report_lines_shape(board, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: mandaat/1\nschool: {name: K}\npeople: [{id: a, roles: [x]}]\n",
                   encoding="utf-8")
    _, out, err = run("check", str(board / "b.json"), str(bad), "--format", "json")
    report_line, error_line = out.splitlines()
    assert err == ""
    # one compact JSON object per line, whatever it carries
    for line in (report_line, error_line):
        assert json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":")) == line
    error = json.loads(error_line)
    assert list(error) == ["file", "errors"]
    # Problem.as_dict(), with the cell, the message in the language asked and the suggestion
    assert error["errors"] == [{"file": str(bad), "line": 3, "loc": ["people", 0, "roles", 0],
                                "type": "unknown_value", "msg": "unknown role 'x'",
                                "cell": None, "message": "onbekende rol 'x'",
                                "suggestion": None}]
    _, out, _ = run("check", str(board / "b.json"), str(bad), "--format", "json", "--lang", "en")
    assert json.loads(out.splitlines()[1])["errors"][0]["message"] == "unknown role 'x'"


def test_a_bad_rule_pack_in_a_json_lines_run_is_one_error_line(board, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: x\nversion: '1'\nrules: [{id: BAD}]\n", encoding="utf-8")
    code, out, _ = run("check", str(board), "--rules", str(pack), "--format", "json")
    (line,) = out.splitlines()
    record = json.loads(line)
    assert code == 2
    assert record["file"] is None and record["errors"][0]["file"] == str(pack)


def test_the_progress_line_never_runs_into_an_error_line(board, tmp_path):
    (board / "c.yaml").write_text("format: mandaat/1\nschool: {name: K}\npeople: [{id: a}]\n",
                                  encoding="utf-8")
    err = Tty()
    main(["check", str(board), "--format", "text"], stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    error = f"{board / 'c.yaml'}:3: people[0].roles: ontbrekend verplicht veld 'roles'"
    assert error in text
    # the progress line is wiped (carriage return, blanks, carriage return) before it
    before = text[:text.index(error)]
    assert before.endswith("\r" + " " * 60 + "\r")
    # and what is left on screen, line by line, never puts progress and an error together
    for row in text.split("\n"):
        visible = row.rsplit("\r", 1)[-1]
        assert not (visible.startswith("controle") and "ontbrekend" in visible)


def test_rules_only_ignores_the_bundled_packs_params_with_a_warning(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK_WITHOUT_PARAMS, encoding="utf-8")
    school = tmp_path / "school.yaml"
    school.write_text(GOOD.replace("as_of:", "params: {dev_lag_weeks: 8}\nas_of:"),
                      encoding="utf-8")
    code, out, err = run("check", str(school), "--rules", str(pack), "--rules-only",
                         "--format", "json")
    assert code == 0
    assert json.loads(out)["rule_packs"] == [{"name": "eigen", "version": "1", "rules": 1}]
    assert err == (f"{school}: params dev_lag_weeks: horen bij het meegeleverde regelpakket, "
                   "dat --rules-only weglaat; genegeerd\n")
    # without --rules-only the param is the bundled pack's, and no warning is given
    code, out, err = run("check", str(school), "--rules", str(pack), "--format", "json")
    assert (code, err) == (0, "")
    assert [p["name"] for p in json.loads(out)["rule_packs"]] == ["lbbo-2022", "eigen"]
    # a param that no pack at all defines is still bad input
    school.write_text(GOOD.replace("as_of:", "params: {dev_lag_weks: 8}\nas_of:"),
                      encoding="utf-8")
    code, _, err = run("check", str(school), "--rules", str(pack), "--rules-only")
    assert code == 2 and "onbekende parameter 'dev_lag_weks'" in err


PACK_WITHOUT_PARAMS = """\
pack: eigen
version: "1"
rules:
  - id: NO_TEAM
    severity: advice
    when:
      - absent: task
        where: {type: studiedag}
    message: {nl: Geen studiedag., en: No study day.}
    suggestion: {nl: Plan er een., en: Plan one.}
    source: {text: 003_cd09840b5089f87d.txt, quote: leerteams}
"""


def test_terminal_escapes_in_names_are_shown_never_sent(tmp_path):
    evil = "\x1b[2J\x1b]0;pwned\x07"
    data = dict(BASE, school={"name": f"OBS {evil}"})
    data["people"] = [dict(p) for p in BASE["people"]]
    data["people"][1]["name"] = f"Ilse {evil}"
    data["tasks"] = list(BASE["tasks"]) + [{"id": "fg", "type": "functioneringsgesprek",
                                            "accountable": "ilse", "responsible": ["ilse"]}]
    school = tmp_path / "school.json"
    school.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run("check", str(school), "--format", "text")
    assert code == 1 and "\x1b" not in out and "\x07" not in out
    assert "OBS \\x1b[2J\\x1b]0;pwned\\x07" in out and "Ilse \\x1b[2J" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "mandaat/1", "school": {"name": "x"},
                               "people": [{"id": "a", "roles": [evil]}]}), encoding="utf-8")
    code, _, err = run("check", str(bad))
    assert code == 2 and "\x1b" not in err and "\\x1b[2J" in err
    # JSON stays JSON: the escape is in the data, written the JSON way
    code, out, _ = run("check", str(school), "--format", "json")
    assert "\x1b" not in out and json.loads(out)["school"] == f"OBS {evil}"


# --- -o FILE: only a regular file, and a name that fits what is written (issue 24) ----------


def test_output_to_a_named_pipe_a_socket_or_a_folder_is_refused_and_never_opened(
        tmp_path, school_file):
    import os
    import socket
    import stat

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    # a reader on the pipe, so that a write that opened it would not hang the test
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    sock_path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(sock_path))
        for command in (["check", str(school_file), "--format", "json"],
                        ["matrix", str(school_file), "--format", "csv"],
                        ["example", "--format", "json"]):
            for target, kind in ((fifo, "een named pipe (FIFO)"), (sock_path, "een socket")):
                code, out, err = run(*command, "-o", str(target), "--force")
                assert (code, out) == (2, ""), (command, target)
                assert err == (f"{target}: (bestand): is {kind}, geen gewoon bestand; mandaat "
                               "schrijft alleen naar een gewoon bestand, ook met --force: kies "
                               "een andere naam\n")
        assert os.read(reader, 10) == b""                    # nothing was written to it
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_ISSOCK(os.lstat(sock_path).st_mode)
        code, _, err = run("template", "-o", str(fifo), "--force", "--lang", "en")
        assert code == 2 and err == (f"{fifo}: (file): is a named pipe (FIFO), not a regular "
                                     "file; mandaat writes only to a regular file, also with "
                                     "--force: choose another name\n")
        code, _, err = run("check", str(school_file), "-o", str(tmp_path), "--force")
        assert code == 2 and err.endswith("dit is een map, geen bestand\n")
    finally:
        os.close(reader)
        sock.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "s.sock", "school.json"]


def test_output_through_a_link_writes_the_file_it_points_to_and_keeps_the_link(
        tmp_path, school_file):
    target = tmp_path / "target.txt"
    target.write_text("original\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to("target.txt")
    code, _, err = run("check", str(school_file), "-o", str(link))
    assert code == 2 and "--force" in err and target.read_text(encoding="utf-8") == "original\n"
    code, out, _ = run("check", str(school_file), "-o", str(link), "--force")
    assert code in (0, 1) and out == f"Geschreven: {link}\n"
    assert link.is_symlink() and link.readlink() == Path("target.txt")
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "mandaat-report/1"
    dangling = tmp_path / "nieuw.json"
    dangling.symlink_to("nog-niet.json")                    # a link to a file not yet there
    assert run("example", "--format", "json", "-o", str(dangling))[0] == 0
    assert dangling.is_symlink() and json.loads((tmp_path / "nog-niet.json").read_text(
        encoding="utf-8"))["format"] == "mandaat/1"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "link.json", "nieuw.json", "nog-niet.json", "school.json", "target.txt"]


def test_a_workbook_goes_only_to_an_xlsx_name_and_text_never_to_one(tmp_path, school_file):
    import zipfile

    other = tmp_path / "other.yaml"
    other.write_text(GOOD, encoding="utf-8")
    code, out, err = run("export", str(school_file), "-o", str(other), "--force")
    assert (code, out) == (2, "") and other.read_text(encoding="utf-8") == GOOD
    assert err == (f"{other}: (bestand): mandaat schrijft een werkboek alleen naar een naam "
                   "die eindigt op .xlsx; noem het 'other.xlsx'\n")
    for command in (["template"], ["example", "--format", "xlsx"]):
        code, _, err = run(*command, "-o", str(tmp_path / "werkboek"), "--force")
        assert code == 2 and err.endswith("noem het 'werkboek.xlsx'\n")
    workbook = tmp_path / "w.xlsx"
    assert run("export", str(school_file), "-o", str(workbook))[0] == 0
    before = workbook.read_bytes()
    code, _, err = run("import", str(workbook), "-o", str(workbook), "--force", "--lang", "en")
    assert code == 2 and err == (f"{workbook}: (file): a name ending in .xlsx is read as a "
                                 "workbook, and this is a school file; name it 'w.yaml'\n")
    for command, fits in ((["check", str(school_file)], "w.txt"),
                          (["check", str(school_file), "--format", "html"], "w.html"),
                          (["matrix", str(school_file), "--format", "csv"], "w.csv"),
                          (["example", "--format", "json"], "w.json")):
        code, _, err = run(*command, "-o", str(workbook), "--force")
        assert code == 2 and err.endswith(f"noem het '{fits}'\n"), command
    assert workbook.read_bytes() == before and zipfile.is_zipfile(workbook)
    code, _, err = run("import", str(workbook), "-o", str(tmp_path / "school.csv"))
    assert code == 2 and err.endswith("wordt gelezen als CSV, en dit is een schoolbestand; "
                                      "noem het 'school.yaml'\n")
    link = tmp_path / "link.xlsx"                            # a workbook name, a YAML file
    link.symlink_to("other.yaml")
    code, _, err = run("export", str(school_file), "-o", str(link), "--force")
    assert code == 2 and f"is een koppeling naar '{other}'" in err
    assert other.read_text(encoding="utf-8") == GOOD
    assert run("import", str(workbook), "-o", str(tmp_path / "school.yml"))[0] == 0
    assert run("matrix", str(school_file), "-o", str(tmp_path / "matrix.txt"))[0] == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a named pipe")
def test_a_named_pipe_alone_or_in_a_board_folder_is_refused_and_never_waited_for(board):
    """`mandaat check pipe.yaml`, and a board folder holding one, waited forever for a
    writer."""
    os.mkfifo(board / "pipe.yaml")
    os.mkfifo(board / "pipe.xlsx")
    for args in (["check", str(board / "pipe.yaml")], ["check", str(board / "pipe.xlsx")],
                 ["check", str(board), "--format", "json", "--jobs", "1"]):
        done = subprocess.run([sys.executable, "-m", "mandaat", *args, "--lang", "en"],
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        said = done.stderr + done.stdout
        assert "not a regular file (a FIFO, device or socket); mandaat reads files only" in said
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["file"] for r in records] == sorted(str(p) for p in board.iterdir()
                                                  if p.suffix in (".yaml", ".json"))
    assert [e["type"] for r in records if r["file"].endswith("pipe.yaml")
            for e in r["errors"]] == ["not_a_regular_file"]


def test_school_suffixes_in_capitals_are_school_files_and_json_is_read_as_json(board):
    """A board folder skipped .YAML, .Yml and .JSON; a .JSON file was parsed as YAML."""
    for old, new in (("a.yaml", "A.YAML"), ("b.json", "B.JSON")):
        (board / old).rename(board / new)
    (board / "c.Yml").write_text(json.dumps(BASE), encoding="utf-8")
    (board / "d.Json").write_text('{"format": "mandaat/1",\n "school": }', encoding="utf-8")
    code, out, _ = run("check", str(board), "--format", "json", "--jobs", "1")
    records = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["file"]).name for r in records] == ["A.YAML", "B.JSON", "c.Yml", "d.Json"]
    assert code == 2 and [e["type"] for e in records[3]["errors"]] == ["not_json"]
    assert records[3]["errors"][0]["line"] == 2


@pytest.mark.skipif(sys.platform != "linux", reason="file names of any bytes")
def test_a_file_name_that_is_not_utf8_is_written_as_valid_utf8(board):
    """The name's bytes went into JSON Lines as they were: the output was not UTF-8."""
    (board / "a.yaml").rename(board / os.fsdecode(b"caf\xe9.yaml"))
    (board / "b.json").rename(board / os.fsdecode(b"b\xff.json"))
    (board / os.fsdecode(b"c\xff.yaml")).write_text("format: x\n", encoding="utf-8")
    code, out, _ = run("check", str(board), "--format", "json", "--jobs", "1")
    records = [json.loads(line) for line in out.encode("utf-8").decode("utf-8").splitlines()]
    names = [Path(r["file"]).name for r in records]
    assert code == 2 and names == ["b\ufffd.json", "caf\ufffd.yaml", "c\ufffd.yaml"]
    assert {Path(e["file"]).name for e in records[2]["errors"]} == {"c\ufffd.yaml"}
    code, out, _ = run("check", str(board), "--format", "text", "--jobs", "1")
    assert "caf\ufffd.yaml" in out.encode("utf-8").decode("utf-8")


def test_a_report_never_replaces_the_school_file_it_is_the_report_of(tmp_path, school_file):
    school = tmp_path / "school.yaml"
    school.write_text(school_file.read_text(encoding="utf-8"), encoding="utf-8")
    before = school.read_bytes()
    for fmt in ("text", "html"):
        code, out, err = run("check", str(school), "--format", fmt, "-o", str(school), "--force")
        assert (code, out) == (2, "")
        assert err == (f"{school}: (bestand): een naam die eindigt op .yaml wordt gelezen als "
                       f"schoolbestand, en dit is {'tekst' if fmt == 'text' else 'een webpagina'}"
                       f"; noem het 'school.{'txt' if fmt == 'text' else 'html'}'\n")
    assert school.read_bytes() == before
