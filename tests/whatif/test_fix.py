"""mandaat.fix and mandaat.apply_fixes: fixes as data, every option checked before it is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mandaat
from mandaat.errors import RulePackError
from mandaat.rules import lint_rules, shared_default_pack
from mandaat.rules.fixes import EDITS, fix_problems, pack_fixes
from mandaat.whatif.fix import _Fixer
from tests.whatif.verify import verify_applied, verify_fix


@pytest.fixture(scope="module")
def example() -> mandaat.School:
    return mandaat.load_school(mandaat.example_school_path())


def test_every_option_for_the_example_removes_its_finding_and_introduces_no_violation(example):
    result = mandaat.fix(example)
    assert verify_fix(example, result) >= 10
    assert result.summary["fixable"] >= 10


def test_escalations_say_they_have_no_fix(example):
    result = mandaat.fix(example)
    escalations = [p for p in result.proposals if p.finding.rule == "DEV_LAG_TO_LEADER"]
    assert escalations and escalations[0].options == []
    assert "escalatie" in (escalations[0].note or "")
    english = mandaat.fix(example, lang="en")
    assert "escalation" in next(p.note for p in english.proposals
                                if p.finding.rule == "DEV_LAG_TO_LEADER")


def test_the_options_of_a_finding_are_bound_to_its_match(example):
    result = mandaat.fix(example)
    p = next(p for p in result.proposals
             if p.finding.rule == "IB_NO_ASSESSOR")
    assert p.options[0].edits == [{"edit": "move_letter", "as": "responsible",
                                   "from": "ilse", "task": "beoordelingen-2026", "to": "anna"}]
    assert "Anna Jansen in plaats van Ilse Bakker" in p.options[0].text


def test_a_fix_that_resolves_more_ranks_first(example):
    result = mandaat.fix(example)
    p = next(p for p in result.proposals if p.finding.subjects == ["jaarplanning", "mark"])
    first, second = p.options[:2]
    assert first.edits[0]["edit"] == "set_accountable"  # also resolves SINGLE_ACCOUNTABLE
    assert first.effect.summary["resolved"]["violation"] == 2
    assert second.effect.summary["resolved"]["violation"] == 1


def test_re_checking_only_what_an_edit_changes_gives_the_full_answer(example):
    fast = _Fixer(example, None, False, "nl")
    slow = _Fixer(example, None, False, "nl")
    slow.partial = False
    assert fast.fix() == slow.fix()


def test_apply_gives_fewer_findings_and_no_new_violation(example):
    applied = mandaat.apply_fixes(example)
    assert len(applied.applied) >= 5
    verify_applied(example, applied)
    assert applied.diff.summary["introduced"]["violation"] == 0


def test_the_same_school_in_any_order_gives_the_same_proposals(example):
    import random

    from tests.strategies import shuffled

    data = example.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    first = mandaat.fix(example).to_json()
    rnd = random.Random(5)
    for _ in range(2):
        assert mandaat.fix(mandaat.load_school(shuffled(data, rnd))).to_json() == first


def test_apply_edits_refuses_an_edit_that_does_not_apply(example):
    with pytest.raises(ValueError, match="do not apply"):
        mandaat.apply_edits(example, [{"edit": "communicate_mandate", "mandate": "nope"}])
    with pytest.raises(ValueError, match="unknown edit"):
        mandaat.apply_edits(example, [{"edit": "fire_everyone"}])
    with pytest.raises(ValueError, match="takes"):
        mandaat.apply_edits(example, [{"edit": "set_accountable", "task": "jaarplanning"}])
    assert mandaat.load_school(mandaat.example_school_path()) == example  # unchanged


def test_the_bundled_pack_has_a_valid_fix_for_every_rule_it_lists():
    pack = shared_default_pack()
    fixes = pack_fixes(pack)
    assert fix_problems(pack) == []
    structural = {r.id for r in pack.rules if r.kind == "structural"}
    assert set(fixes) == structural  # every structural rule, no escalation rule


def test_the_docs_list_the_rules_with_and_without_a_fix():
    doc = (Path(__file__).parents[2] / "docs" / "lbbo-2022.md").read_text(encoding="utf-8")
    section = doc.split("## Fixes", 1)[1]
    for rule_id in pack_fixes(shared_default_pack()):
        assert f"`{rule_id}`" in section
    for rule in shared_default_pack().rules:
        if rule.kind != "structural":
            assert f"`{rule.id}`" in section.split("**Without a fix**")[1]


PACK = """\
pack: fixes-test
version: "1"
rules:
  - id: IB_BUSY
    severity: advice
    when:
      - fact: person
        as: p
        where: {{ib: true}}
    subjects: [p.person]
    message: {{nl: "{{p.person}} is ib'er", en: "{{p.person}} is an ib'er"}}
    suggestion: {{nl: Niets., en: Nothing.}}
    source: {{text: 001_x.txt, quote: x}}
    fix:
{fix}
"""


def pack_with(tmp_path: Path, fix: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(PACK.format(fix=fix), encoding="utf-8")
    return path


@pytest.mark.parametrize(("fix", "kind", "words"), [
    ("      - {edit: fire_person, person: '{p.person}'}", "unknown_edit", "unknown edit"),
    ("      - {edit: remove_role, person: '{q.person}', role: leraar}", "unbound_placeholder",
     "binds 'q'"),
    ("      - {edit: remove_role, person: '{p.persn}', role: leraar}", "unbound_placeholder",
     "has no field 'persn'"),
    ("      - {edit: remove_role, person: {candidates: everybody}, role: leraar}",
     "unknown_candidates", "unknown candidates"),
    ("      - {edit: remove_role, person: '{p.person}'}", "bad_fix", "needs 'role'"),
])
def test_lint_reports_the_mistakes_of_a_fix(tmp_path, fix, kind, words):
    path = pack_with(tmp_path, fix)
    problems = lint_rules(path)
    found = [p for p in problems if p.type == kind]
    assert found and words in found[0].msg, problems
    assert found[0].file == str(path) and found[0].line == 15  # the line of the edit
    assert found[0].loc[:4] == ("rules", 0, "fix", 0)
    pack = mandaat.load_rules(path)  # a check does not read fixes: the pack loads
    school = mandaat.load_school(mandaat.example_school_path())
    assert mandaat.check(school, rules=[pack], rules_only=True).findings
    with pytest.raises(RulePackError) as exc:  # fix does read them
        mandaat.fix(school, rules=[pack], rules_only=True)
    assert exc.value.problems[0].type == kind


def test_a_rule_of_your_own_pack_can_declare_a_fix(tmp_path):
    # with this pack alone, an ib'er who is also school leader is no longer "the ib'er"
    path = pack_with(tmp_path, "      - {edit: add_role, person: '{p.person}', "
                               "role: schoolleider}")
    assert lint_rules(path) == []
    school = mandaat.load_school(mandaat.example_school_path())
    result = mandaat.fix(school, rules=[path], rules_only=True)
    (proposal,) = result.proposals
    assert proposal.finding.rule == "IB_BUSY"
    assert proposal.options[0].edits == [{"edit": "add_role", "person": "ilse",
                                          "role": "schoolleider"}]
    verify_fix(school, result, rules=[path], rules_only=True)


def test_every_edit_kind_is_documented():
    doc = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    for kind in EDITS:
        assert f"`{kind}`" in doc


def test_fix_json_is_one_document_with_the_proposals(example):
    data = json.loads(mandaat.fix(example).to_json())
    assert data["format"] == "mandaat-fix/1"
    assert len(data["proposals"]) == len(mandaat.check(example).findings)


def test_an_overloaded_ib_er_hands_over_the_task_with_the_most_hours_first(example):
    p = next(p for p in mandaat.fix(example).proposals if p.finding.rule == "BEHEER_OVERLOAD")
    hours = {t.id: t.hours.get("ilse", 0) for t in example.tasks}
    moved = [o.edits[0]["task"] for o in p.options]
    assert moved and all(o.edits[0]["edit"] == "move_letter" for o in p.options)
    assert p.options[0].effect.summary["resolved"]["warning"] >= 1
    # every option takes one beheer task off the ib'er, with its hours
    for o in p.options:
        after = mandaat.apply_edits(example, o.edits)
        task = next(t for t in after.tasks if t.id == o.edits[0]["task"])
        assert "ilse" not in task.responsible and task.hours.get("anna", 0) >= hours[task.id]


def test_fix_and_diff_in_several_threads_give_what_one_gives(example):
    from concurrent.futures import ThreadPoolExecutor

    expected_fix = mandaat.fix(example).to_json()
    after = mandaat.apply_fixes(example).school
    expected_diff = mandaat.diff(example, after).to_json()
    with ThreadPoolExecutor(4) as pool:
        fixes = list(pool.map(lambda _: mandaat.fix(example).to_json(), range(4)))
        diffs = list(pool.map(lambda _: mandaat.diff(example, after).to_json(), range(4)))
    assert fixes == [expected_fix] * 4 and diffs == [expected_diff] * 4


def test_past_the_most_options_a_call_tries_the_findings_say_so(example, monkeypatch):
    from mandaat.whatif import fix as fix_module

    monkeypatch.setattr(fix_module, "MAX_OPTIONS", 4)
    result = mandaat.fix(example)
    tried = [p for p in result.proposals if p.note is None or "niet geprobeerd" not in p.note]
    skipped = [p for p in result.proposals if p.note and "niet geprobeerd" in p.note]
    assert skipped and tried
    # the first findings in the report's order were tried, and every one after them not
    # (escalations, which have no fix, say that instead)
    order = [p in skipped for p in result.proposals if "escalatie" not in (p.note or "")]
    assert order == sorted(order)
    assert sum(len(p.options) for p in tried) <= 4
    assert "ten hoogste 4 wijzigingen" in skipped[0].note
