"""Rule packs: loading, the errors a pack author gets, lint, and the bundled pack's sources."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import mandaat
from mandaat import RulePackError, load_rules
from mandaat.rules import bundled_rules_path
from tests.conftest import BASE, findings, with_tasks

SOURCES = Path(__file__).parents[3] / "shared" / "sources"

HEADER = """\
pack: my-pack
version: "1"
params:
  max_ib_tasks: {default: 3, description: How many tasks an ib'er may carry.}
rules:
"""

RULE = """\
  - id: IB_TOO_BUSY
    severity: advice
    when:
      - fact: person
        as: p
        where: {ib: true, n_responsible: {gt: {param: max_ib_tasks}}}
    subjects: [p.person]
    message: {nl: "{p.person|name} doet {p.n_responsible} taken.", en: "{p.person|name} does {p.n_responsible} tasks."}
    suggestion: {nl: Minder taken., en: Fewer tasks.}
    source: {text: 001_7e2a7906d0b92de6.txt, quote: niet zelf coachen}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RulePackError) as info:
        load_rules(write(tmp_path, text))
    return [str(p) for p in info.value.problems]


def test_a_users_pack_loads_and_adds_a_rule_without_code(tmp_path: Path):
    pack = load_rules(write(tmp_path, HEADER + RULE))
    assert [r.id for r in pack.rules] == ["IB_TOO_BUSY"]
    data = with_tasks(*[{"id": f"t{i}", "type": "overig", "accountable": "anna",
                         "responsible": ["ilse"]} for i in range(2)])
    found = findings(data, "IB_TOO_BUSY", rules=[pack])
    assert [f.subjects for f in found] == [["ilse"]]
    assert found[0].message == "Ilse Bakker doet 4 taken."
    assert found[0].explanation.params == {"max_ib_tasks": 3}
    assert findings(BASE, "IB_TOO_BUSY", rules=[pack]) == []


def test_a_folder_pack_and_rules_only(tmp_path: Path):
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "pack.yaml").write_text(HEADER.replace("rules:\n", ""), encoding="utf-8")
    (folder / "extra.yaml").write_text("rules:\n" + RULE, encoding="utf-8")
    pack = load_rules(folder)
    report = mandaat.check(mandaat.load_school(BASE), rules=[pack], rules_only=True)
    assert [p.name for p in report.rule_packs] == ["my-pack"]


@pytest.mark.parametrize("change, expected", [
    (("fact: person", "fact: persn"),
     "rules[0].when[0].fact: unknown fact kind 'persn' (did you mean 'person'?)"),
    (("{ib: true,", "{ibb: true,"),
     "rules[0].when[0].where.ibb: fact 'person' has no field 'ibb' (did you mean 'ib'?)"),
    (("{gt: {param", "{gtt: {param"),
     "rules[0].when[0].where.n_responsible.gtt: unknown operator 'gtt' (did you mean 'gt'?)"),
    (("{param: max_ib_tasks}", "{param: max_ib_task}"),
     "param 'max_ib_task' is not defined in the pack (did you mean 'max_ib_tasks'?)"),
    (("subjects: [p.person]", "subjects: [q.person]"),
     "rules[0].subjects[0]: 'q.person': alias 'q' is not defined in every branch"),
    (("{ib: true,", "{ib: yes-please,"), "expected a bool value, got 'yes-please'"),
    (("severity: advice", "severity: advise"),
     "rules[0].severity: expected one of 'violation', 'warning' or 'advice', got 'advise' "
     "(did you mean 'advice'?)"),
    (("{p.person|name} doet", "{p.person|naam} doet"),
     "rules[0].message.nl: {p.person|naam}: unknown format 'naam' (did you mean 'name'?)"),
    (("    subjects:", "    colour: blue\n    subjects:"),
     "rules[0].colour: unknown field 'colour'"),
])
def test_mistakes_in_a_pack_are_located_with_a_suggestion(tmp_path, change, expected):
    found = problems(tmp_path, HEADER + RULE.replace(*change))
    assert any(expected in p for p in found), found
    assert all(re.match(r".*pack\.yaml:\d+: ", p) for p in found), found


def test_a_join_to_an_alias_defined_later_is_refused(tmp_path: Path):
    rule = RULE.replace("""      - fact: person
        as: p
        where: {ib: true, n_responsible: {gt: {param: max_ib_tasks}}}""", """      - fact: assignment
        as: a
        where: {who: {same_as: p.person}}
      - fact: person
        as: p
        where: {ib: true, n_responsible: {gt: {param: max_ib_tasks}}}""")
    assert any("'p.person': alias 'p' is not defined by an earlier 'fact' pattern" in p
               for p in problems(tmp_path, HEADER + rule))


def test_a_join_between_fields_of_different_types_is_refused(tmp_path: Path):
    rule = RULE.replace("where: {ib: true, n_responsible: {gt: {param: max_ib_tasks}}}",
                        "where: {ib: true}\n      - fact: task\n        as: t\n"
                        "        where: {personnel: {same_as: p.person}}")
    assert any("cannot join a bool field with p.person (a id)" in p
               for p in problems(tmp_path, HEADER + rule))


def test_duplicate_rule_ids(tmp_path: Path):
    assert any("duplicate rule id 'IB_TOO_BUSY'" in p
               for p in problems(tmp_path, HEADER + RULE + RULE))


def test_duplicate_rule_ids_across_packs(tmp_path: Path):
    clash = load_rules(write(tmp_path, HEADER + RULE.replace("IB_TOO_BUSY", "SOLE_COACH")))
    with pytest.raises(RulePackError, match="rule 'SOLE_COACH' is also defined by pack "
                                            "'lbbo-2022'"):
        mandaat.check(mandaat.load_school(BASE), rules=[clash])


def test_an_escalation_without_a_target(tmp_path: Path):
    rule = RULE.replace("severity: advice", "severity: advice\n    kind: escalation")
    assert any("an escalation rule needs 'escalate_to'" in p
               for p in problems(tmp_path, HEADER + rule))
    unknown = rule.replace("    subjects:", "    escalate_to: [{target: schooleider}]\n"
                                            "    subjects:")
    assert any("unknown target 'schooleider' (did you mean 'schoolleider'?)" in p
               for p in problems(tmp_path, HEADER + unknown))


def test_lint_finds_unused_params_unreachable_and_duplicate_rules(tmp_path: Path):
    unused = HEADER.replace("params:\n", "params:\n  never_used: {default: 1, description: x}\n")
    unreachable = RULE.replace("{ib: true,", "{ib: {eq: true, ne: true},")
    twin = RULE.replace("IB_TOO_BUSY", "IB_TOO_BUSY_AGAIN")
    pack = load_rules(write(tmp_path, unused + unreachable + twin.replace(
        "{ib: true,", "{ib: {eq: true, ne: true},")))
    kinds = sorted(p.type for p in pack.lint)
    assert kinds == ["duplicate_conditions", "unreachable", "unreachable", "unused_param"]
    messages = " | ".join(str(p) for p in pack.lint)
    assert "param 'never_used' is used by no rule" in messages
    assert "rule 'IB_TOO_BUSY' can never fire" in messages
    assert "'IB_TOO_BUSY_AGAIN' has the same conditions as 'IB_TOO_BUSY'" in messages


def test_the_bundled_pack_is_lint_clean_and_complete():
    pack = mandaat.default_pack()
    assert pack.lint == ()
    assert (pack.name, pack.version, len(pack.rules)) == ("lbbo-2022", "1", 28)
    catalogue = (Path(__file__).parents[3] / "shared" / "spec" / "rule-catalogue.md")
    if catalogue.exists():
        ids = set(re.findall(r"^\| `([A-Z_]+)` \|", catalogue.read_text(encoding="utf-8"),
                             re.MULTILINE))
        assert ids == {r.id for r in pack.rules}


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.skipif(not SOURCES.exists(), reason="shared/sources is not beside the repo")
@pytest.mark.parametrize("rule", mandaat.default_pack().rules, ids=lambda r: r.id)
def test_every_quote_stands_in_its_source(rule):
    text = _normalise((SOURCES / rule.source.text).read_text(encoding="utf-8"))
    assert _normalise(rule.source.quote) in text


@pytest.mark.parametrize("rule", mandaat.default_pack().rules, ids=lambda r: r.id)
def test_every_rule_has_both_languages_and_a_known_source(rule):
    assert rule.source.text in {
        "000_6fab9eb3bb0d62ef.txt", "001_7e2a7906d0b92de6.txt", "002_2fedd0efdcbb483b.txt",
        "003_cd09840b5089f87d.txt", "004_7754bebcc107af5f.txt"}
    assert rule.message.nl != rule.message.en
    assert rule.suggestion.nl != rule.suggestion.en


def test_rules_lint_cli_and_the_bundled_pack_path(tmp_path: Path, capsys):
    from mandaat.cli import main
    bad = write(tmp_path, HEADER.replace("params:\n", "params:\n  x: {default: 1, description: y}\n")
                + RULE)
    assert main(["rules", "lint", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "param 'x' is used by no rule" in out
    folder = bundled_rules_path() / "lbbo-2022"
    assert main(["rules", "lint", str(folder)]) == 0
    assert textwrap.dedent("lbbo-2022 v1: 28 rules, 0 lint finding(s)") in capsys.readouterr().out
