"""The report as a school leader reads it: sentences, sources by title, what to do first."""

from __future__ import annotations

import json
import random
import re
import struct

import pytest

import mandaat
from mandaat.report import json_line, render_escalation_text, render_text


@pytest.fixture(scope="module")
def text() -> str:
    school = mandaat.load_school(mandaat.example_school_path())
    return render_text(mandaat.check(school), "nl")


def test_the_report_is_half_as_long_as_the_engines_and_opens_with_what_to_do_first(text):
    lines = text.splitlines()
    assert len(lines) <= 159 // 2  # the report of this school before it was written for people
    assert lines[2] == "7 overtredingen, 4 waarschuwingen, 8 adviezen"
    assert lines[4] == "Eerst doen"
    first = lines[5:8]
    assert all(re.fullmatch(r"  \d\. .+ \[\d+\]", line) for line in first), first
    # the first things are the violations' own suggestions, and say whom and what
    assert "Mark de Vries" in first[0] and "planning" in first[0]


def test_no_raw_fact_file_field_or_source_file_name_in_the_text(text):
    for raw in ("assignment(", "who_kind", "communicated_to_team", "conversation_held",
                "{'in'", "_6fab9eb3bb0d62ef.txt", "lvs_beheer", "consulted", "informed",
                "persoon/personen", "advies/adviezen", "kwaliteitscodrdinator"):
        assert raw not in text, raw


def test_every_source_is_shown_by_its_title_with_a_corrected_quote(text):
    cited = re.findall(r" Bron (B\d): “", text)
    assert len(cited) == 18  # a card each: Mark's two tasks without a mandate are one
    listed = dict(re.findall(r"^  (B\d)\. (.*)$", text.split("\nBronnen\n")[1], re.MULTILINE))
    assert set(cited) == set(listed) and all(t.startswith("'") for t in listed.values())
    assert ("'Het samenspel tussen ib'er en schoolleider: in gesprek met Linda van "
            "Druijten' (Linda van Druijten)") in listed.values()
    # a quote with a scanning error in its source is shown corrected
    school = mandaat.load_school({"format": "mandaat/1", "school": {"name": "X"},
                                  "people": [{"id": "a", "roles": ["schoolleider"]},
                                             {"id": "i", "roles": ["intern_begeleider"]}]})
    three = render_text(mandaat.check(school), "nl")
    assert ("“geeft de kwaliteitscoördinator invulling aan drie rollen: die van "
            "leercoördinator, trendanalist en zorgregisseur”") in three


def test_findings_about_the_same_task_refer_to_each_other(text):
    blocks = {m.group(1): m.group(0) for m in re.finditer(
        r"^\[(\d+)\] .*?(?=^\[\d+\] |^==|^Bronnen|\Z)", text, re.MULTILINE | re.DOTALL)}
    case_holder = next(n for n, b in blocks.items() if "(CASE_HOLDER_IS_TEACHER:" in b)
    directs = next(n for n, b in blocks.items() if "(IB_DIRECTS_CARE:" in b)
    assert f"Zie ook: [{directs}]." in blocks[case_holder]
    assert f"[{case_holder}]" in blocks[directs].split("Zie ook:")[1]


def test_why_is_said_in_words_from_the_matched_facts(text):
    assert "Waarom: Ilse Bakker is uitvoerend bij 'Beoordelingsgesprekken 2026'." in text
    assert " Mark de Vries heeft geen mandaat van de schoolleider voor planning. " in text
    assert ("Volgens de standaardroute is het signaal bij stap 2 van 2 (de schoolleider): "
            "Anna Jansen is aan zet.") in text


def test_explain_adds_the_facts_the_engine_matched():
    report = mandaat.check(mandaat.load_school(mandaat.example_school_path()))
    plain, explained = render_text(report, "nl"), render_text(report, "nl", explain=True)
    assert "Feiten:" not in plain and "      - assignment(task=beoordelingen-2026" in explained
    assert "Brontekst: 000_6fab9eb3bb0d62ef.txt" in explained


def test_english_throughout():
    report = mandaat.check(mandaat.load_school(mandaat.example_school_path()), lang="en")
    text = render_text(report, "en")
    assert "7 violations, 4 warnings, 8 pieces of advice" in text and "\nDo first\n" in text
    ours = re.sub(r"“[^”]*”", "", text)  # the sources' quotes stay Dutch
    for dutch in ("Waarom", "Wat te doen", "eindverantwoordelijk", "Volgens de"):
        assert dutch not in ours, dutch


def test_the_escalation_answer_names_people_and_says_why():
    school = mandaat.load_school(mandaat.example_school_path())
    text = render_escalation_text(mandaat.escalate(school, "s-tom"), "nl")
    assert text.startswith("Wie is nu aan zet: Anna Jansen\nRoute: Ilse Bakker → Anna Jansen\n")
    assert "Signaal s-tom (ontwikkeling blijft achter) over Tom Mulder, 174 dagen oud" in text


def test_a_packs_source_registry_is_read_within_the_limits(tmp_path):
    from mandaat.errors import RulePackError
    from mandaat.rules.sources import registry

    (tmp_path / "sources.yaml").write_text("sources: {a.txt: {author: x}}\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="at least a 'title'"):
        registry(tmp_path)
    bomb = tmp_path / "bomb"
    bomb.mkdir()
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
        for p, c in zip("abcdefgh", "bcdefghi")]
    (bomb / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        registry(bomb)
    assert info.value.problems[0].type in ("too_many_values", "too_many_aliases")


def test_the_json_is_what_json_dumps_writes_for_every_float():
    def dumped(model) -> str:
        return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"

    def line(report) -> str:  # a board's JSON Lines record
        return json.dumps({"file": "a/b.yaml", **report.model_dump(mode="json")},
                          ensure_ascii=False, separators=(",", ":")) + "\n"

    school = mandaat.load_school(mandaat.example_school_path())
    report, answer = mandaat.check(school), mandaat.escalate(school, "s-tom")
    assert report.to_json() == dumped(report) and answer.to_json() == dumped(answer)
    assert json_line(report, "a/b.yaml") == line(report)
    rnd = random.Random(7)
    floats = [1e-05, 5e-05, 9.9999e-05, 1e-04, 1.5e-07, 5e-324, -2.5e-05, 0.1, 2 / 3, 3.0,
              -0.0, 1e15, 1e16, 1.2345678901234568e17, 1e300, float("inf"), float("nan")]
    floats += [struct.unpack("<d", rnd.randbytes(8))[0] for _ in range(200)]
    floats += [rnd.uniform(-1e-3, 1e-3) for _ in range(100)]
    floats += [10 ** rnd.uniform(-8, 20) for _ in range(100)]
    finding = report.findings[0]
    for x in floats:
        explanation = finding.explanation.model_copy(
            update={"because": [{"fact": "task", "share": x, "n": [x]}], "params": {"p": x}})
        one = report.model_copy(
            update={"findings": [finding.model_copy(update={"explanation": explanation})]})
        assert one.to_json() == dumped(one), x
        assert json_line(one, "a/b.yaml") == line(one), x
    odd = answer.model_copy(update={"message": "\ud800 \x1b \u2028 “ö”"})
    assert odd.to_json() == dumped(odd)


def _sample(kind: str) -> object:
    return {"bool": True, "number": 3, "id": "iemand-x", "text": "woord-x",
            "task_type": "coaching", "domain": "leren_en_ontwikkeling",
            "signal_type": "eigen_koers", "target": "schoolleider",
            "scope_item": "planning", "domain_set": "zorg_en_ondersteuning"}.get(kind, "x-waarde")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_absent_pattern_says_every_condition_it_has(lang):
    """Each field an absent pattern can test, alone or beside another, changes the sentence:
    no condition is left out of what a finding says it looked for."""
    from mandaat.report._present import because_words
    from mandaat.rules.facts import FACT_KINDS
    names = {"iemand-x": "Iemand X"}
    for kind, fields in FACT_KINDS.items():
        bare = because_words({"fact": kind, "absent": True}, names, lang)
        for field, field_type in fields.items():
            for value in (_sample(field_type), {"ne": _sample(field_type)}):
                said = because_words({"fact": kind, "absent": True, field: value}, names, lang)
                assert said != bare, (kind, field, value)
                if field_type == "bool" and not isinstance(value, dict):
                    other = because_words({"fact": kind, "absent": True, field: False},
                                          names, lang)
                    assert other != said, (kind, field)
                # beside another condition, both are said
                for second in fields:
                    if second == field:
                        continue
                    both = because_words({"fact": kind, "absent": True, field: value,
                                          second: _sample(fields[second])}, names, lang)
                    alone = because_words({"fact": kind, "absent": True,
                                           second: _sample(fields[second])}, names, lang)
                    assert both != alone, (kind, field, second)
