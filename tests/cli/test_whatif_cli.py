"""mandaat diff, mandaat fix [--apply -o NEW] and check --fixes, driven in-process."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import mandaat
from tests.cli.test_cli import run

EXAMPLE = str(mandaat.example_school_path())


def edited(tmp_path: Path, name: str = "after.yaml", **change) -> Path:
    data = mandaat.load_school(EXAMPLE).model_dump(mode="json", by_alias=True,
                                                   exclude_defaults=True)
    for t in data["tasks"]:
        if t["id"] == "jaarplanning":
            t["accountable"] = ["anna"]
    if change.get("no_leader"):
        for p in data["people"]:
            if "schoolleider" in p["roles"]:
                p["roles"] = ["leraar"]
    path = tmp_path / name
    path.write_text(json.dumps(data) if name.endswith(".json") else
                    mandaat.dump_school(mandaat.load_school(data)), encoding="utf-8")
    return path


def test_diff_exits_0_when_nothing_new_is_wrong_and_prints_json_when_piped(tmp_path):
    code, out, err = run("diff", EXAMPLE, str(edited(tmp_path, "after.json")))
    assert code == 0, err
    data = json.loads(out)
    assert {(f["rule"], tuple(f["subjects"])) for f in data["resolved"]} == {
        ("ACCOUNTABLE_HAS_AUTHORITY", ("jaarplanning", "mark")),
        ("SINGLE_ACCOUNTABLE", ("jaarplanning",))}
    assert data["introduced"] == []
    report = json.loads(mandaat.check(mandaat.load_school(EXAMPLE)).to_json())
    resolved = data["resolved"][0]
    assert resolved in report["findings"]  # exactly as in the report


def test_diff_exits_1_when_after_introduces_a_violation(tmp_path):
    code, out, _ = run("diff", EXAMPLE, str(edited(tmp_path, no_leader=True)), "--format",
                       "text")
    assert code == 1
    assert "De nieuwe verdeling introduceert een overtreding." in out
    assert "[NO_SCHOOL_LEADER]" in out


def test_diff_of_a_workbook_against_its_yaml_is_empty():
    workbook = mandaat.example_school_path().with_suffix(".xlsx")
    code, out, _ = run("diff", EXAMPLE, str(workbook), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["resolved"] == data["introduced"] == [] and data["changes"] == []


def test_diff_bad_input_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: mandaat/1\nschool: {name: X}\npeople: [{id: a, roles: [ib]}]\n",
                   encoding="utf-8")
    code, out, err = run("diff", EXAMPLE, str(bad))
    assert code == 2 and out == ""
    assert "bad.yaml:3" in err and "intern_begeleider" in err


def test_diff_in_english_and_as_a_page(tmp_path):
    after = str(edited(tmp_path))
    code, out, _ = run("diff", EXAMPLE, after, "--lang", "en", tty=True)
    assert code == 0 and "Resolved: 2 violations" in out
    page = tmp_path / "diff.html"
    code, out, _ = run("diff", EXAMPLE, after, "-o", str(page))
    assert code == 0 and "Geschreven" in out
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = run("diff", EXAMPLE, after, "-o", str(page))
    assert code == 2 and "--force" in err


def test_fix_on_a_terminal_lists_checked_options(tmp_path):
    code, out, _ = run("fix", tty=True)
    assert code == 0
    assert "13 van 19 bevindingen" in out
    assert "1. Maak Anna Jansen eindverantwoordelijk voor 'Jaarplanning'" in out
    assert "lost 2 overtredingen op; introduceert geen" in out
    assert "[DEV_LAG_TO_LEADER] s-tom: escalatie" in out


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_fix_apply_writes_the_input_s_format(tmp_path, suffix):
    source = tmp_path / f"school{suffix}"
    if suffix == ".xlsx":
        source.write_bytes(mandaat.example_school_path().with_suffix(".xlsx").read_bytes())
    else:
        source.write_text(mandaat.dump_school(mandaat.load_school(EXAMPLE),
                                              format=suffix[1:]), encoding="utf-8")
    new = tmp_path / f"new{suffix}"
    code, out, err = run("fix", str(source), "--apply", "-o", str(new), "--format", "text")
    assert code == 0, err
    assert "== Toegepast (10) ==" in out and f"Geschreven: {new}" in out
    before = mandaat.check(mandaat.load_school(source))
    after = mandaat.check(mandaat.load_school(new))
    assert after.summary["violation"] < before.summary["violation"]
    if suffix == ".xlsx":
        assert new.read_bytes()[:2] == b"PK"  # a workbook stays a workbook


def test_fix_apply_refuses_outputs_as_other_commands_do(tmp_path):
    code, _, err = run("fix", EXAMPLE, "--apply", "-o", str(tmp_path / "new.xlsx"))
    # a YAML school is written as YAML: the message names the name that fits
    assert code == 2 and "noem het 'new.yaml'" in err
    code, _, err = run("fix", EXAMPLE, "--apply")
    assert code == 2 and "-o" in err
    code, _, err = run("fix", EXAMPLE, "-o", str(tmp_path / "x.yaml"))
    assert code == 2 and "--apply" in err
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, _, err = run("fix", EXAMPLE, "--apply", "-o", str(fifo), "--force")
    assert code == 2 and "named pipe" in err
    existing = tmp_path / "old.yaml"
    existing.write_text("x", encoding="utf-8")
    code, _, err = run("fix", EXAMPLE, "--apply", "-o", str(existing))
    assert code == 2 and existing.read_text(encoding="utf-8") == "x"


def test_check_json_is_unchanged_without_fixes_and_gains_fix_fields_with_them():
    school = mandaat.load_school(EXAMPLE)
    code, plain, _ = run("check", EXAMPLE, "--format", "json")
    assert plain == mandaat.check(school).to_json()
    code, with_fixes, _ = run("check", EXAMPLE, "--format", "json", "--fixes")
    data = json.loads(with_fixes)
    fixed = [f for f in data["findings"] if "fix" in f]
    assert len(fixed) == 13
    first = next(f for f in fixed if f["subjects"] == ["jaarplanning", "mark"])
    assert first["fix"]["options"][0]["effect"]["summary"]["resolved"]["violation"] == 2
    for f in data["findings"]:
        f.pop("fix", None)
    assert data == json.loads(plain)


def test_rules_lint_reports_a_broken_fix(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text('pack: p\nversion: "1"\n', encoding="utf-8")
    (pack / "rules.yaml").write_text(
        "rules:\n  - id: R1\n    severity: advice\n    when: [{fact: person, as: p}]\n"
        "    subjects: [p.person]\n    message: {nl: x, en: x}\n    suggestion: {nl: x, en: x}\n"
        "    source: {text: a.txt, quote: q}\n", encoding="utf-8")
    (pack / "fixes.yaml").write_text(
        "fixes:\n  R1:\n    - {edit: fire, person: '{p.person}'}\n"
        "  R2:\n    - {edit: remove_role, person: '{x.person}', role: leraar}\n",
        encoding="utf-8")
    code, out, _ = run("rules", "lint", str(pack))
    assert code == 1
    assert "fixes.yaml:3: fixes.R1[0].edit: unknown edit 'fire'" in out
    assert "fixes.yaml:4: fixes.R2: no rule 'R2'" in out
    assert "2 lint finding(s)" in out
    code, _, err = run("fix", EXAMPLE, "--rules", str(pack), "--rules-only")
    assert code == 2 and "unknown edit 'fire'" in err


def test_check_with_fixes_says_the_checked_change_in_what_to_do(tmp_path):
    _, plain, _ = run("check", EXAMPLE, tty=True)
    code, out, _ = run("check", EXAMPLE, "--fixes", tty=True)
    assert code == 1
    checked = ("Gecontroleerd: Maak Anna Jansen eindverantwoordelijk voor 'Jaarplanning': "
               "lost 2 overtredingen op; introduceert geen.")
    card = out.split("[1] ", 1)[1].split("\n[2] ", 1)[0]
    todo = next(line for line in card.splitlines() if "Wat te doen:" in line)
    assert checked in todo and checked not in plain
    # the report is the same otherwise: only the checked changes are added
    assert re.sub(r" Gecontroleerd: [^“]*?introduceert [^.]*\.", "", out) == plain
    code, _, _ = run("check", EXAMPLE, "--fixes", "--format", "html", "-o",
                     str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert code == 1 and '<span class="checked">Gecontroleerd: Maak Anna Jansen ' \
        "eindverantwoordelijk voor &#39;Jaarplanning&#39;: lost 2 overtredingen op" in page


def test_check_fixes_is_for_one_school(tmp_path):
    other = tmp_path / "b.yaml"
    other.write_text(mandaat.dump_school(mandaat.load_school(EXAMPLE)), encoding="utf-8")
    code, out, err = run("check", EXAMPLE, str(other), "--fixes")
    assert code == 2 and out == "" and "--fixes is er voor één school" in err
