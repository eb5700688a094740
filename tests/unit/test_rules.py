"""Rule packs: loading, the errors a pack author gets, lint, and the bundled pack's sources."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest

import mandaat
from mandaat import RulePackError, load_rules
from mandaat.rules import bundled_rules_path
from tests import quotes
from tests.conftest import BASE, findings, with_tasks

SOURCES = quotes.SOURCES

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
    assert found[0].message == "Ilse Bakker doet 5 taken."
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
    assert (pack.name, pack.version, len(pack.rules)) == ("lbbo-2022", "1", 41)
    catalogue = (Path(__file__).parents[3] / "shared" / "spec" / "rule-catalogue.md")
    if catalogue.exists():
        ids = set(re.findall(r"^\| `([A-Z_]+)` \|", catalogue.read_text(encoding="utf-8"),
                             re.MULTILINE))
        # every rule of the catalogue, and the rules the pack adds for real schools
        assert {r.id for r in pack.rules} == ids | ADDED_RULES


#: The rules lbbo-2022 has beyond the catalogue, each documented in docs/lbbo-2022.md.
ADDED_RULES = {"ACCOUNTABLE_IS_STAFF", "KNOWN_TASK_TYPE", "IB_NOT_LINE_MANAGER",
               "QUALITY_DIALOGUE", "NO_FILE_SUPERVISION", "TRENDS_NOT_CALENDAR",
               "PARENT_QUESTION", "ROUTE_ENDS_NOWHERE", "ROUTE_CYCLE", "ROUTE_LEADER_MATTER",
               "ROUTE_TEACHER_FIRST", "MANDATE_CHAIN_BROKEN", "ABSENT_SOLE_RESPONSIBLE"}


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("rule", mandaat.default_pack().rules, ids=lambda r: r.id)
def test_every_quote_stands_in_its_source(rule):
    """A quote stands in its text, once the registry's scanning corrections are made: as
    the record found it there (tests/quotes.py), and in the text itself where it is here."""
    place = quotes.recorded()[rule.source.text]["quotes"].get(_normalise(rule.source.quote))
    assert isinstance(place, int)
    if SOURCES.exists():
        text = quotes.text_of(SOURCES, rule.source.text)
        assert text[place:].startswith(_normalise(rule.source.quote))


@pytest.mark.skipif(not SOURCES.exists(), reason=f"needs the source texts, which are not in "
                    f"the repository ({SOURCES}); meanwhile the quotes are checked against "
                    "the record of them, tests/data/source-quotes.json")
def test_the_record_of_the_quotes_holds_against_the_source_texts():
    assert quotes.record_of(SOURCES) == quotes.recorded(), (
        "a quote or a source text changed: python -m tests.quotes ../shared/sources")


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
    assert textwrap.dedent("lbbo-2022 v1: 41 rules, 0 lint finding(s)") in capsys.readouterr().out


# --- lint reports every problem at once -------------------------------------------------------

THREE_MISTAKES = HEADER + RULE.replace("    severity: advice\n", "") + RULE.replace(
    "IB_TOO_BUSY", "IB_SECOND").replace("{ib: true,", "{ibb: true,") + RULE.replace(
    "IB_TOO_BUSY", "IB_THIRD").replace("{param: max_ib_tasks}", "{param: max_ib_task}")


def test_three_independent_mistakes_are_all_reported_by_load_rules(tmp_path: Path):
    with pytest.raises(RulePackError) as info:
        load_rules(write(tmp_path, THREE_MISTAKES))
    found = {(p.type, p.loc) for p in info.value.problems}
    assert found == {
        ("missing", ("rules", 0, "severity")),
        ("unknown_field", ("rules", 1, "when", 0, "where", "ibb")),
        ("undefined_param", ("rules", 2, "when", 0, "where", "n_responsible", "gt")),
    }


def test_three_independent_mistakes_are_all_reported_by_rules_lint(tmp_path: Path):
    from mandaat.cli import main
    out, err = io.StringIO(), io.StringIO()
    assert main(["rules", "lint", str(write(tmp_path, THREE_MISTAKES))],
                stdout=out, stderr=err) == 2
    assert out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert "rules[0].severity: missing required field 'severity'" in lines[0]
    assert "rules[1].when[0].where.ibb: fact 'person' has no field 'ibb'" in lines[1]
    assert "param 'max_ib_task' is not defined in the pack" in lines[2]


def test_a_shape_error_in_the_header_does_not_hide_the_rules_errors(tmp_path: Path):
    text = HEADER.replace('version: "1"\n', "") + RULE.replace("{ib: true,", "{ibb: true,")
    with pytest.raises(RulePackError) as info:
        load_rules(write(tmp_path, text))
    assert sorted(p.type for p in info.value.problems) == ["missing", "unknown_field"]


def test_a_param_with_a_bad_shape_is_not_also_undefined(tmp_path: Path):
    text = HEADER.replace("{default: 3,", "{default: drie,") + RULE.replace(
        "{ib: true,", "{ibb: true,")
    with pytest.raises(RulePackError) as info:
        load_rules(write(tmp_path, text))
    assert [(p.type, p.loc) for p in info.value.problems] == [
        ("invalid_value", ("params", "max_ib_tasks", "default")),
        ("unknown_field", ("rules", 0, "when", 0, "where", "ibb"))]


@pytest.mark.parametrize("rule", [
    RULE.replace("fact: person", "fact: persn"),
    # the alias of the mistyped pattern is joined and used in every template
    RULE.replace("fact: person", "fact: persn").replace(
        "    subjects:", "      - fact: assignment\n        as: a\n"
                        "        where: {who: {same_as: p.person}}\n    subjects:"),
    # a mistyped 'absent' kind whose alias a template uses
    RULE.replace("    subjects:", "      - absent: assignmnt\n        as: m\n"
                               "        where: {task_type: mdo_organiseren}\n    subjects:")
        .replace("doet {p.n_responsible} taken.", "doet {p.n_responsible} taken, {m.task}."),
], ids=["fact", "joined", "absent"])
def test_a_typo_in_a_fact_kind_is_exactly_one_problem(tmp_path: Path, rule: str):
    with pytest.raises(RulePackError) as info:
        load_rules(write(tmp_path, HEADER + rule))
    assert [p.type for p in info.value.problems] == ["unknown_fact"], info.value.problems


def test_an_unknown_fact_kind_still_has_its_other_mistakes_reported(tmp_path: Path):
    rule = RULE.replace("fact: person", "fact: persn").replace(
        "{param: max_ib_tasks}", "{param: max_ib_task}")
    with pytest.raises(RulePackError) as info:
        load_rules(write(tmp_path, HEADER + rule))
    assert sorted(p.type for p in info.value.problems) == ["undefined_param", "unknown_fact"]


# --- conditions that can never hold ------------------------------------------------------------

def _lint_of_condition(tmp_path: Path, cond: str) -> list[str]:
    rule = RULE.replace("{ib: true,", f"{{ib: true, task_hours: {cond},")
    return [str(p) for p in load_rules(write(tmp_path, HEADER + rule)).lint]


@pytest.mark.parametrize("cond", [
    "{gt: 5, lt: 2}",
    "{gte: 3, lt: 3}",
    "{gt: 3, lte: 3}",
    "{eq: 4, gt: 9}",
    "{eq: 4, lte: 3.5}",
    "{in: [1, 2], eq: 3}",
    "{in: [1, 2], not_in: [2, 3, 1]}",
    "{eq: 4, not_in: [4, 5]}",
    "{in: [4, 6], gt: 7}",
    "{gte: 3, lte: 3, ne: 3}",
])
def test_an_empty_range_is_unreachable(tmp_path: Path, cond: str):
    found = _lint_of_condition(tmp_path, cond)
    assert len(found) == 1, found
    assert "rules[0].when[0].where.task_hours: rule 'IB_TOO_BUSY' can never fire" in found[0]


@pytest.mark.parametrize("cond", [
    "{gt: 2, lt: 5}",
    "{gte: 3, lte: 3}",
    "{in: [1, 2], not_in: [1]}",
    "{eq: 4, gte: 4, ne: 5}",
    "{in: [4, 8], gt: 7}",
    # a param is not a constant: a school may override its default
    "{gt: {param: max_ib_tasks}, lt: 2}",
    "{eq: 4, gt: {param: max_ib_tasks}}",
])
def test_a_satisfiable_range_is_not_reported(tmp_path: Path, cond: str):
    assert _lint_of_condition(tmp_path, cond) == []


def test_a_vocabulary_field_with_every_value_excluded_is_unreachable(tmp_path: Path):
    rule = RULE.replace("{ib: true,", "{ib: {not_in: [true, false]},")
    assert [p.type for p in load_rules(write(tmp_path, HEADER + rule)).lint] == ["unreachable"]


def test_an_empty_range_in_one_branch_or_an_absent_pattern_says_so(tmp_path: Path):
    two = RULE.replace("""    when:
      - fact: person
        as: p
        where: {ib: true, n_responsible: {gt: {param: max_ib_tasks}}}""", """    any_of:
      - - fact: person
          as: p
          where: {ib: true, n_responsible: {gt: {param: max_ib_tasks}}}
      - - fact: person
          as: p
          where: {leader: true, n_responsible: {gt: 5, lt: 2}}""")
    absent = RULE.replace("IB_TOO_BUSY", "IB_ALONE").replace(
        "    subjects:", "      - absent: person\n        where: {task_hours: {gt: 5, lt: 2}}\n"
                        "    subjects:")
    found = [str(p) for p in load_rules(write(tmp_path, HEADER + two + absent)).lint]
    assert len(found) == 2, found
    assert "rules[0].any_of[1][0].where.n_responsible: rule 'IB_TOO_BUSY': branch 1 can " \
           "never hold" in found[0]
    assert "rules[1].when[1].where.task_hours: rule 'IB_ALONE': this 'absent' pattern can " \
           "never match, so it always holds" in found[1]


# --- sources -------------------------------------------------------------------------------------

SOURCE_TEXT = "Het samenspel.\nDe ib\u2019er   is de \u201cregisseur\u201d\nvan de zorg.\n"


def _pack_with_source(tmp_path: Path, text: str, quote: str) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "samenspel.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    escaped = quote.replace("'", "''")  # YAML's single-quoted style
    rule = RULE.replace("source: {text: 001_7e2a7906d0b92de6.txt, quote: niet zelf coachen}",
                        f"source: {{text: {text}, quote: '{escaped}'}}")
    return write(tmp_path, HEADER + rule)


def test_a_quote_with_plain_or_typographic_quotes_is_found(tmp_path: Path):
    from mandaat.rules import lint_rules
    plain = _pack_with_source(tmp_path, "samenspel.txt", "De ib'er is de \"regisseur\" van")
    assert lint_rules(plain, sources=tmp_path / "sources") == []
    curly = _pack_with_source(tmp_path, "samenspel.txt", "ib\u2019er is  de \u201cregisseur")
    assert lint_rules(curly) == []  # the sources/ folder beside the pack


def test_an_unknown_source_and_a_missing_quote_are_lint_findings(tmp_path: Path):
    from mandaat.rules import lint_rules
    unknown = _pack_with_source(tmp_path, "samenspl.txt", "van de zorg")
    found = lint_rules(unknown, sources=tmp_path / "sources")
    assert [(p.type, p.loc) for p in found] == [
        ("unknown_source", ("rules", 0, "source", "text"))]
    assert "no source text 'samenspl.txt'" in found[0].msg
    assert "(did you mean 'samenspel.txt'?)" in found[0].msg
    missing = _pack_with_source(tmp_path, "samenspel.txt", "De ib'er is de spin in het web")
    found = lint_rules(missing, sources=tmp_path / "sources")
    assert [(p.type, p.loc) for p in found] == [
        ("quote_not_found", ("rules", 0, "source", "quote"))]
    assert "not in 'samenspel.txt'" in found[0].msg
    assert found[0].line == 15  # the line of its source


def test_a_missing_quote_says_how_far_its_text_holds_it_in_time_linear_in_its_length(
        tmp_path: Path):
    """A quote of 20,000 words that its text holds but for the last word (6 s before, as
    every first n words were joined and looked for)."""
    import time

    from mandaat.rules import lint_rules
    missing = _pack_with_source(tmp_path, "samenspel.txt", "De ib'er is de spin in het web")
    (found,) = lint_rules(missing, sources=tmp_path / "sources")
    assert found.msg.endswith("; the text has its first 4 of 8 words, up to "
                              "'De ib'er is de'")
    words = 20_000
    (tmp_path / "sources" / "lang.txt").write_text("woord " * words, encoding="utf-8")
    long = _pack_with_source(tmp_path, "lang.txt", "woord " * words + "niet")
    start = time.perf_counter()
    (found,) = lint_rules(long, sources=tmp_path / "sources")
    assert time.perf_counter() - start < 1.5
    assert found.msg.endswith(f"; the text has its first {words:,} of {words + 1:,} words, "
                              "up to 'woord woord woord woord'")


def test_rules_lint_checks_sources_and_says_when_it_cannot(tmp_path: Path):
    from mandaat.cli import main
    pack = _pack_with_source(tmp_path, "samenspel.txt", "de spin in het web")
    out = io.StringIO()
    assert main(["rules", "lint", str(pack)], stdout=out, stderr=io.StringIO()) == 1
    assert "quote_not_found" not in out.getvalue()
    assert "rules[0].source.quote: the quote is not in 'samenspel.txt'" in out.getvalue()
    assert "quotes not checked" not in out.getvalue()
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    (tmp_path / "sources").rename(elsewhere / "bronnen")
    out = io.StringIO()
    assert main(["rules", "lint", str(pack)], stdout=out, stderr=io.StringIO()) == 0
    assert out.getvalue().count("\n") == 2
    assert "quotes not checked" in out.getvalue() and "--sources DIR" in out.getvalue()
    out = io.StringIO()
    assert main(["rules", "lint", str(pack), "--sources", str(elsewhere / "bronnen")],
                stdout=out, stderr=io.StringIO()) == 1
    assert "the quote is not in 'samenspel.txt'" in out.getvalue()
    err = io.StringIO()
    assert main(["rules", "lint", str(pack), "--sources", str(tmp_path / "nergens")],
                stdout=io.StringIO(), stderr=err) == 2
    assert "nergens" in err.getvalue()


@pytest.mark.skipif(not SOURCES.exists(), reason=f"needs the source texts, which are not in "
                    f"the repository ({SOURCES}); the quotes are checked against their record "
                    "meanwhile")
def test_the_bundled_pack_lints_clean_against_its_sources():
    from mandaat.cli import main
    from mandaat.rules import lint_rules
    folder = bundled_rules_path() / "lbbo-2022"
    assert lint_rules(folder, sources=SOURCES) == []
    out = io.StringIO()
    assert main(["rules", "lint", str(folder), "--sources", str(SOURCES)], stdout=out,
                stderr=io.StringIO()) == 0
    assert out.getvalue() == "lbbo-2022 v1: 41 rules, 0 lint finding(s)\n"


# --- hostile and oversized packs ----------------------------------------------------------------

from tests.strategies_packs import a_pack, a_rule, write_pack  # noqa: E402


def _refused(tmp_path: Path, data) -> list:
    with pytest.raises(RulePackError) as info:
        load_rules(write_pack(tmp_path, data))
    return list(info.value.problems)


@pytest.mark.parametrize("name", ["$not", "a$not", "m$not", "x$any", "x$all"])
def test_a_param_name_the_engine_would_read_as_an_operator_is_refused(tmp_path: Path,
                                                                      name: str):
    """A param named '...$not' made its rule a negation in durable_rules (it never fired);
    '$any'/'$all' failed at registration."""
    rule = a_rule("BUSY", [{"fact": "person", "as": "p",
                            "where": {"n_responsible": {"gt": {"param": name}}}}])
    problems = _refused(tmp_path, a_pack([rule], {name: 1}))
    assert ("params", name) in [p.loc[:2] for p in problems], problems
    assert all(p.line is not None for p in problems)


@pytest.mark.parametrize("number", ["inf", "-inf", "nan"])
def test_a_number_in_a_rule_must_be_finite(tmp_path: Path, number: str):
    rule = a_rule("HOURS", [{"fact": "person", "as": "p",
                             "where": {"task_hours": {"lt": float(number)}}}])
    (problem,) = _refused(tmp_path, a_pack([rule]))
    assert problem.loc == ("rules", 0, "when", 0, "where", "task_hours", "lt")
    assert problem.type in ("bad_value", "type_mismatch") and problem.line


def test_pct_on_a_field_that_is_no_number_is_refused_on_load(tmp_path: Path):
    """``{p.name|pct}`` loaded, then failed while the report was rendered."""
    rule = a_rule("PCT", [{"fact": "person", "as": "p"},
                          {"absent": "workload", "as": "w", "where": {"share": {"gt": 0.5}}}],
                  message={"nl": "{p.name|pct} {w.share|pct}", "en": "{p.task_hours|pct}"})
    problems = _refused(tmp_path, a_pack([rule]))
    assert sorted((p.loc, p.type) for p in problems) == [
        (("rules", 0, "message", "nl"), "type_mismatch"),
        (("rules", 0, "message", "nl"), "type_mismatch")]
    messages = " | ".join(p.msg for p in problems)
    assert "'p.name' is text" in messages and "'w' is an 'absent' pattern" in messages


def test_a_pack_nested_twelve_hundred_deep_is_a_located_problem(tmp_path: Path):
    from mandaat.cli import main
    path = write_pack(tmp_path, {**a_pack([a_rule("DEEP")]), "description": "DEEP_1200"})
    with pytest.raises(RulePackError) as info:
        load_rules(path)
    assert all(p.file == str(path) and p.line for p in info.value.problems)
    err = io.StringIO()
    assert main(["rules", "lint", str(path)], stdout=io.StringIO(), stderr=err) == 2
    assert "Traceback" not in err.getvalue() and str(path) in err.getvalue()


def _branch(b: int) -> list[dict]:
    return [{"fact": "person", "as": "p", "where": {"n_responsible": {"gte": b}}}]


@pytest.mark.parametrize("rule, loc, words", [
    (a_rule("WIDE", any_of=[_branch(b) for b in range(257)]), ("rules", 0, "any_of"),
     "257 branches; a rule may have at most 256"),
    (a_rule("LONG", kind="escalation",
            escalate_to=[{"target": "schoolleider"}] * 17), ("rules", 0, "escalate_to"),
     "17 alternatives; a rule may have at most 16"),
    (a_rule("MANY", [{"fact": "person", "as": "p"}]
            + [{"absent": "task", "where": {"n_responsible": i}} for i in range(16)]),
     ("rules", 0, "when"), "17 patterns; a branch may have at most 16"),
    (a_rule("BOUND", [{"fact": "person", "as": f"p{i}" if i else "p"} for i in range(15)]),
     ("rules", 0, "when"), "15 'fact' patterns and params compared with; a branch may "
                           "have at most 14 together"),
    (a_rule("JOINS", [{"fact": "person", "as": "p"},
                      {"fact": "person", "as": "q",
                       "where": {name: {"same_as": f"p.{name}"} for name in sorted(
                           mandaat.rules.facts.FACT_KINDS["person"])[:17]}}]),
     ("rules", 0, "when", 1, "where"), "17 conditions compare with another fact or a "
                                       "param; a pattern may have at most 16"),
], ids=["branches", "alternatives", "patterns", "bound", "joins"])
def test_a_rule_beyond_a_limit_is_refused_where_it_stands(tmp_path: Path, rule, loc, words):
    problems = _refused(tmp_path, a_pack([rule]))
    found = [p for p in problems if p.type == "pack_limit"]
    assert [(p.loc, p.msg) for p in found] == [(loc, words)], problems
    assert found[0].line is not None


def test_more_rules_than_a_pack_may_have(tmp_path: Path):
    from mandaat.rules import MAX_RULES
    rules = [a_rule(f"R{i:04d}") for i in range(MAX_RULES + 5)]
    problems = _refused(tmp_path, a_pack(rules))
    assert [(p.type, p.loc) for p in problems] == [("pack_limit", ("rules", MAX_RULES))]


def test_more_engine_rules_than_a_check_may_have(tmp_path: Path):
    from mandaat.rules import MAX_ENGINE_RULES
    rule = lambda i: a_rule(f"R{i:04d}", any_of=[_branch(b) for b in range(200)])  # noqa: E731
    n = MAX_ENGINE_RULES // 200
    problems = _refused(tmp_path, a_pack([rule(i) for i in range(n + 1)]))
    assert [(p.type, p.loc) for p in problems] == [("pack_limit", ("rules", n))]
    # two packs that are each within the limit, together beyond it
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    half = [rule(i) for i in range(n // 2 + 1)]
    one = load_rules(write_pack(tmp_path / "a", a_pack(half)))
    two = load_rules(write_pack(tmp_path / "b", a_pack(
        [dict(r, id=r["id"] + "_B") for r in half])))
    with pytest.raises(RulePackError) as info:
        mandaat.check(mandaat.load_school(BASE), rules=[one, two], rules_only=True)
    assert [p.type for p in info.value.problems] == ["pack_limit"]


def test_many_rules_with_mistakes_are_each_located(tmp_path: Path):
    rules = [dict(a_rule(f"R{i:03d}"), severity="sometimes") for i in range(300)]
    problems = _refused(tmp_path, a_pack(rules))
    assert len(problems) == 300
    assert len({p.line for p in problems}) == 300


@pytest.mark.parametrize("where", [
    {"n_accountable": 10**400}, {"n_accountable": {"gt": 10**400}},
    {"n_accountable": {"lte": -(2**1024)}}, {"n_accountable": {"in": [1, 10**4000]}},
    {"n_accountable": {"gt": 2**1024, "lt": 1}}])
def test_a_whole_number_beyond_a_float_in_a_rule_is_refused_on_load(tmp_path: Path, where):
    """10**400 made the loader convert it to a float: an OverflowError traceback."""
    rule = a_rule("BIG", [{"fact": "person", "as": "p", "where": where}])
    problems = _refused(tmp_path, a_pack([rule]))
    assert [(p.loc[:6], p.type) for p in problems] == [
        (("rules", 0, "when", 0, "where", "n_accountable"), "bad_value")], problems
    assert problems[0].line and "~2**" in problems[0].msg


def test_a_whole_number_within_a_float_in_a_rule_is_compared_as_it_is(tmp_path: Path):
    big = load_rules(write_pack(tmp_path, a_pack([a_rule("BIG", [
        {"fact": "person", "as": "p", "where": {"n_accountable": {"lt": 2**1000}}}])])))
    report = mandaat.check(mandaat.load_school(BASE), rules=[big], rules_only=True)
    assert report.summary["advice"] == len(BASE["people"])
