"""Regression tests for each durable_rules behaviour the engine wrapper designs around."""

from __future__ import annotations

import dataclasses
import importlib
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pydantic import BaseModel

import mandaat
from mandaat.report import render_text
from mandaat.rules import _engine
from tests.conftest import BASE, school_data, with_tasks

_check = importlib.import_module("mandaat.evaluation")  # the module, not the function


def test_no_background_threads_however_many_checks(example):
    mandaat.check(example)
    before = threading.active_count()
    for _ in range(50):
        mandaat.check(example)
    assert threading.active_count() == before


def test_more_checks_than_durable_rules_has_session_slots(example):
    """1,024 live sessions raise MemoryError: each check deletes its own."""
    expected = mandaat.check(example).to_json()
    school = mandaat.load_school(BASE)
    for _ in range(1100):
        mandaat.check(school)
    assert mandaat.check(example).to_json() == expected


def test_a_pack_is_registered_once_per_process(example):
    mandaat.check(example)
    count = _engine._ENGINE.live_rulesets()
    for _ in range(5):
        mandaat.check(example, lang="en")
        mandaat.check(mandaat.load_school(BASE))
    assert _engine._ENGINE.live_rulesets() == count


def test_a_rule_starting_with_absence_fires_and_sees_facts_asserted_late():
    """A rule that starts with a negation never fires in durable_rules; ``$not`` ignores
    facts asserted after it. The trigger fact makes both correct."""
    no_leader = school_data(people=[{"id": "ilse", "roles": ["intern_begeleider"]}],
                            tasks=[], teams=[])
    assert [f.rule for f in mandaat.check(mandaat.load_school(no_leader)).findings
            ].count("NO_SCHOOL_LEADER") == 1
    # 'zz-late' sorts after everything else, so its facts are asserted late in the batch
    late = with_tasks({"id": "zz-late", "type": "coaching", "accountable": "anna",
                       "responsible": ["ilse", "tom"]},
                      {"id": "aa-early", "type": "coaching", "accountable": "anna",
                       "responsible": ["ilse"]})
    assert not [f for f in mandaat.check(mandaat.load_school(late)).findings
                if f.rule == "SOLE_COACH"]


def test_branches_do_not_combine():
    """Native ``any`` fires on combinations of branches; each branch is its own rule."""
    data = school_data(signals=[{"id": "s1", "type": "afspraak_niet_nagekomen", "about": "tom",
                                 "willful": True, "conversation_held": True, "count": 9}])
    report = mandaat.check(mandaat.load_school(data))
    assert [(f.rule, f.subjects) for f in report.findings] == [("BREACH_TO_LEADER", ["s1"])]


def test_a_school_where_nothing_fires_twice_in_a_row():
    """delete_state crashed on a session in which no action had run."""
    school = mandaat.load_school(BASE)
    assert mandaat.check(school).findings == []
    assert mandaat.check(school).findings == []


def test_threads_get_the_serial_results(example):
    schools = [example, mandaat.load_school(BASE)] + [
        mandaat.load_school(with_tasks({"id": f"x{i}", "type": "coaching",
                                        "accountable": "ilse", "responsible": ["ilse"]}))
        for i in range(6)]
    serial = [mandaat.check(s).to_json() for s in schools]
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = [mandaat.check(schools[(i + k) % len(schools)]).to_json()
                          for k in range(len(schools))]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for i, got in results.items():
        assert got == [serial[(i + k) % len(schools)] for k in range(len(schools))]


_VALGRIND_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
import mandaat
from tests.conftest import BASE, school_data, with_tasks
# A school where nothing fires comes first: a fresh session slot is what crashed.
schools = [mandaat.load_school(BASE), mandaat.load_school(mandaat.example_school_path())]
schools.append(mandaat.load_school(school_data(people=[{{"id": "x", "roles": ["leraar"]}}],
    tasks=[], teams=[], signals=[{{"id": "s", "type": "eigen_koers", "about": "x"}}])))
schools.append(mandaat.load_school(with_tasks({{"id": "tiny", "type": "administratie",
    "accountable": "anna", "responsible": ["ilse"], "hours": {{"ilse": 1e-05}}}})))
schools.append(mandaat.load_school(with_tasks(*[{{"id": f"t{{i}}", "type": "coaching",
    "accountable": "ilse", "responsible": ["ilse"], "hours": {{"ilse": i}}}} for i in range(40)])))
for school in schools:
    for lang in ("nl", "en"):
        mandaat.check(school, lang=lang)
print("checked", len(schools))
"""


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_no_invalid_memory_use_in_the_engine_under_valgrind(tmp_path: Path):
    """durable_rules read past an expression array and freed an uninitialised pointer on
    some inputs; both crashed only under some memory layouts. valgrind sees them always."""
    root = str(Path(__file__).parents[2])
    script = tmp_path / "run.py"
    script.write_text(_VALGRIND_SCRIPT.format(root=root), encoding="utf-8")
    run = subprocess.run(
        ["valgrind", "--error-exitcode=99", sys.executable, str(script)],
        capture_output=True, text=True, timeout=900, check=False)
    assert "checked 5" in run.stdout, run.stderr[-3000:]
    assert "ERROR SUMMARY: 0 errors" in run.stderr, run.stderr[-3000:]


def test_a_join_is_not_skipped_after_a_choice_in_the_same_pattern():
    """durable_rules skips a join test that follows an ``$or`` in the same ``$and``: the
    consulted offender of one personnel task would then show up on every other one."""
    data = with_tasks(
        {"id": "dossier-a", "type": "personeelsdossier", "accountable": "anna",
         "responsible": ["anna"], "consulted": ["sara"]},
        {"id": "dossier-b", "type": "personeelsdossier", "accountable": "anna",
         "responsible": ["anna"]})
    report = mandaat.check(mandaat.load_school(data))
    assert [f.subjects for f in report.findings if f.rule == "PERSONNEL_DATA_ACCESS"] == [
        ["dossier-a", "sara"]]


@pytest.mark.parametrize("hours", [1e-05, 5e-324, 1e-300, 2e-07])
def test_floats_written_with_an_exponent_and_no_point(hours):
    """durable_rules' JSON parser reads ``1e-05`` as ``1`` and corrupts the session; the
    report still shows the value as the school gave it."""
    data = with_tasks({"id": "adm", "type": "administratie", "accountable": "anna",
                       "responsible": ["ilse"], "hours": {"ilse": hours}})
    report = mandaat.check(mandaat.load_school(data))
    (overload,) = [f for f in report.findings if f.rule == "BEHEER_OVERLOAD"]
    workload = next(f for f in overload.explanation.because if f["fact"] == "workload")
    assert workload["hours"] == hours
    assert workload["share"] == 1.0



SMALL_PACK = """\
pack: small
version: "1"
rules:
  - id: NO_TEACHER
    severity: advice
    when:
      - absent: person
        where: {teacher: true}
    message: {nl: Geen leraar., en: No teacher.}
    suggestion: {nl: Neem een leraar aan., en: Hire a teacher.}
    source: {text: 001_7e2a7906d0b92de6.txt, quote: niet zelf coachen}
"""


def test_packs_loaded_anew_on_every_call_do_not_pile_up(tmp_path: Path):
    module = sys.modules["mandaat.evaluation"]
    pack = tmp_path / "small.yaml"
    pack.write_text(SMALL_PACK, encoding="utf-8")
    school = mandaat.load_school(BASE)
    mandaat.check(school, rules=[pack])
    registered = _engine._ENGINE.live_rulesets()
    for _ in range(module._COMPILED_MAX + 5):
        assert [f.rule for f in mandaat.check(school, rules=[pack]).findings] == []
    assert len(module._COMPILED) <= module._COMPILED_MAX
    assert _engine._ENGINE.live_rulesets() == registered


@pytest.mark.parametrize("cap", [1, 3])
def test_every_match_arrives_however_many_one_action_carries(monkeypatch, cap):
    # One action receives up to _CAP matches of its rule; beyond that durable_rules runs
    # the action again. 25 tasks with nobody responsible, 25 matches either way.
    data = with_tasks(*[{"id": f"x{i:02d}", "type": "planning", "accountable": "anna"}
                        for i in range(25)])
    expected = [(f.rule, f.subjects) for f in mandaat.check(mandaat.load_school(data)).findings]
    monkeypatch.setattr(_engine, "_CAP", cap)
    monkeypatch.setattr(sys.modules["mandaat.evaluation"], "_COMPILED", {})
    got = [(f.rule, f.subjects) for f in mandaat.check(mandaat.load_school(data)).findings]
    assert len(expected) == 25 and [r for r, _ in expected] == ["RESPONSIBLE_PRESENT"] * 25
    assert got == expected


# --- hostile and oversized packs (durable_rules' fixed tables) ------------------------------

from tests.strategies_packs import a_pack, a_rule, write_pack  # noqa: E402

ROOT = Path(__file__).parents[2]


def _in_a_child(script: str, timeout: float = 120) -> str:
    """Run ``script`` in a fresh interpreter: a hang fails the test instead of hanging the
    suite, and a crash of durable_rules fails it instead of ending the run."""
    try:
        run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                             text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {timeout} s: durable_rules hangs")
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def _people_check(pack: dict, school: mandaat.School | None = None,
                  tmp_path: Path | None = None) -> list[list[str]]:
    assert tmp_path is not None
    report = mandaat.check(school or mandaat.load_school(mandaat.example_school_path()),
                           rules=[mandaat.load_rules(write_pack(tmp_path, pack))],
                           rules_only=True)
    return sorted(f.subjects for f in report.findings)


_LONG_IN = """
import mandaat, pathlib, tempfile
from tests.strategies_packs import a_pack, a_rule, write_pack
folder = pathlib.Path(tempfile.mkdtemp())
names = [f"n{{i}}" for i in range({n})] + ["Anna Jansen"]
pack = a_pack([a_rule("NAMED", [{{"fact": "person", "as": "p",
                                  "where": {{"name": {{"in": names}}}}}}])])
school = mandaat.load_school(mandaat.example_school_path())
report = mandaat.check(school, rules=[write_pack(folder, pack)])
print([f.subjects for f in report.findings if f.rule == "NAMED"])
"""


@pytest.mark.parametrize("n", [503, 504, 505, 2000])
def test_an_in_list_of_hundreds_of_values_returns(n: int):
    """An ``$or`` of more than 504 values filled a 512-entry table of durable_rules', whose
    probing then never ended: 100% CPU inside ``assert_facts``, holding the GIL. A long list
    is now tested on a field computed per fact."""
    assert _in_a_child(_LONG_IN.format(n=n)).strip() == "[['anna']]"


_MANY_TESTS = """
import mandaat, pathlib, tempfile
from tests.strategies_packs import a_pack, a_rule, write_pack
folder = pathlib.Path(tempfile.mkdtemp())
{rules}
school = mandaat.load_school(mandaat.example_school_path())
report = mandaat.check(school, rules=[write_pack(folder, a_pack(rules))], rules_only=True)
print(len(report.findings), sorted({{f.rule for f in report.findings}})[:3])
"""


def test_six_hundred_rules_testing_one_field_register_and_run():
    """600 rules whose patterns differ in one constant put 600 tests after one alpha node;
    durable_rules' table holds 512, and registering the 513th never returned."""
    rules = ('rules = [a_rule(f"R{i}", [{"fact": "person", "as": "p", '
             '"where": {"name": f"nobody{i}"}}]) for i in range(599)]\n'
             'rules.append(a_rule("ANNA", [{"fact": "person", "as": "p", '
             '"where": {"name": "Anna Jansen"}}]))')
    assert _in_a_child(_MANY_TESTS.format(rules=rules)).split()[0] == "1"


def test_one_fact_matching_two_hundred_rules_at_once():
    """durable_rules pushes every alpha node a fact matches on a stack of 64; the 65th
    crashed the process (``double free or corruption``). 200 rules that every person
    matches are shared out over rulesets small enough for it."""
    rules = ('rules = [a_rule(f"R{i}", [{"fact": "person", "as": "p", '
             '"where": {"n_responsible": {"gte": -i}}}]) for i in range(200)]')
    people = len(mandaat.load_school(mandaat.example_school_path()).people)
    assert _in_a_child(_MANY_TESTS.format(rules=rules)).split()[0] == str(200 * people)


def test_more_rules_than_one_ruleset_registers(tmp_path: Path):
    """Beyond about 256 rules in one ruleset registration failed (code 108); 400 rules are
    shared out over several rulesets and give what each rule gives alone."""
    from importlib import import_module
    rules = [a_rule(f"R{i:03d}", [{"fact": "person", "as": "p",
                                   "where": {"n_responsible": {"gte": i % 7}}}])
             for i in range(400)]
    pack = mandaat.load_rules(write_pack(tmp_path, a_pack(rules)))
    compiled = import_module("mandaat.evaluation")._compiled((pack,))
    assert len(compiled.rulesets) > 1
    school = mandaat.load_school(mandaat.example_school_path())
    found = {}
    for f in mandaat.check(school, rules=[pack], rules_only=True).findings:
        found.setdefault(f.rule, []).append(f.subjects[0])
    from mandaat.rules.facts import school_facts
    people = [f for f in school_facts(school).facts if f["k"] == "person"]
    for i in range(400):
        expected = sorted(p["person"] for p in people if p["n_responsible"] >= i % 7)
        assert sorted(found.get(f"R{i:03d}", [])) == expected


def test_two_hundred_and_thirteen_branches(tmp_path: Path):
    branches = [[{"fact": "person", "as": "p", "where": {"n_accountable": {"gte": b}}}]
                for b in range(213)]
    people = len(mandaat.load_school(mandaat.example_school_path()).people)
    found = _people_check(a_pack([a_rule("MANY", any_of=branches)]), tmp_path=tmp_path)
    assert len(found) == people  # every person matches branch 0; one finding each


@pytest.mark.parametrize("condition, holds", [
    ({"gt": 0.00001}, lambda h: h > 0.00001),
    ({"lt": 1.0e16}, lambda h: h < 1e16),
    ({"lt": 1.0e300}, lambda h: h < 1e300),
    ({"gte": 1.0e-300}, lambda h: h >= 1e-300),
    ({"lt": 10**30}, lambda h: h < 10**30),
    ({"ne": -(2**70)}, lambda h: True),
    ({"in": [0.00001, 0, 2.5, 1.0e16]}, lambda h: h in (0.00001, 0, 2.5, 1e16)),
])
def test_float_constants_in_a_rule(tmp_path: Path, condition, holds):
    """``1e-05``, ``1e+16`` and ``1e+300`` failed registration (durable_rules' parser reads
    an exponent only after a point), an integer beyond 64 bits was read as another number."""
    school = mandaat.load_school(mandaat.example_school_path())
    pack = a_pack([a_rule("HOURS", [{"fact": "person", "as": "p",
                                     "where": {"task_hours": condition}}])])
    from mandaat.rules.facts import school_facts
    expected = sorted([f["person"]] for f in school_facts(school).facts
                      if f["k"] == "person" and holds(f["task_hours"]))
    assert _people_check(pack, school, tmp_path) == expected


def test_domain_sets_in_a_list(tmp_path: Path):
    """``domains: {in: [[...], [...]]}`` failed to compile; each set is a workload group."""
    from mandaat.rules.facts import domain_set_key, school_facts
    school = mandaat.load_school(mandaat.example_school_path())
    sets = [["zorg_en_ondersteuning", "beleid_en_beheer"], ["leren_en_ontwikkeling"]]
    keys = {domain_set_key(s) for s in sets}
    workload = [f for f in school_facts(school, workload_groups=keys).facts
                if f["k"] == "workload"]
    for op in ("in", "not_in"):
        pack = a_pack([a_rule("SETS", [{"fact": "workload", "as": "p",
                                        "where": {"domains": {op: sets}}}])])
        expected = sorted({(f["person"],) for f in workload
                           if (f["domains"] in keys) == (op == "in")})
        assert expected
        assert [tuple(s) for s in _people_check(pack, school, tmp_path)] == expected


def test_two_patterns_of_one_kind_may_bind_the_same_fact(tmp_path: Path):
    """durable_rules never bound one fact to two patterns of a rule unless told ``dist: 0``:
    ``q.person same_as p.person`` found nothing, and an 'absent' pattern about the matched
    fact itself always held."""
    school = mandaat.load_school(mandaat.example_school_path())
    same = a_pack([a_rule("SAME", [{"fact": "person", "as": "p"},
                                   {"fact": "person", "as": "q",
                                    "where": {"person": {"same_as": "p.person"}}}])])
    assert len(_people_check(same, school, tmp_path)) == len(school.people)
    not_ib = a_pack([a_rule("NOT_IB", [{"fact": "person", "as": "p"},
                                       {"absent": "person",
                                        "where": {"person": {"same_as": "p.person"},
                                                  "ib": True}}])])
    from mandaat.rules.facts import school_facts
    expected = sorted([f["person"]] for f in school_facts(school).facts
                      if f["k"] == "person" and not f["ib"])
    assert _people_check(not_ib, school, tmp_path) == expected


def test_many_short_in_lists_in_one_pattern(tmp_path: Path):
    """Each ``$or`` takes two of the 31 entries durable_rules keeps for a pattern (code 113
    beyond): lists past that budget are tested on a computed field."""
    school = mandaat.load_school(mandaat.example_school_path())
    from mandaat.school.vocabulary import ROLES
    where = {role: {"in": [True, False]} for role in ROLES}
    where |= {"leader": {"in": [True, False]}, "teacher": {"in": [True, False]},
              "away": {"in": [True, False]}, "has_deputy": {"in": [True, False]},
              "ib": {"in": [True, False]}, "name": {"in": ["Anna Jansen", "Ilse Bakker"]}}
    assert len(where) > 14
    pack = a_pack([a_rule("ROLES", [{"fact": "person", "as": "p", "where": where}])])
    assert _people_check(pack, school, tmp_path) == [["anna"], ["ilse"]]


def _eighty_staff_and_three_free_patterns() -> tuple[mandaat.School, dict]:
    """A school of 80 staff, and a pack whose rule joins three person patterns freely."""
    people = [{"id": f"p{i:02d}", "roles": ["leraar"]} for i in range(78)]
    school = mandaat.load_school(school_data(people=BASE["people"][:2] + people, teams=[],
                                             tasks=[]))
    return school, a_pack([a_rule("THREE", [{"fact": "person", "as": "p"},
                                            {"fact": "person", "as": "q"},
                                            {"fact": "person", "as": "r"}])])


def test_a_join_too_large_for_the_school_is_refused_before_evaluation(tmp_path: Path):
    """Three unconstrained person patterns on a school of 80 staff: 512,000 matches (36 s
    and 3.7 GB, or a MemoryError, before). Refused with the rule's place and the sizes."""
    school, three = _eighty_staff_and_three_free_patterns()
    path = write_pack(tmp_path, three)
    start = time.monotonic()
    with pytest.raises(mandaat.RulePackError) as info:
        mandaat.check(school, rules=[path], rules_only=True)
    assert time.monotonic() - start < 5
    (problem,) = info.value.problems
    line = path.read_text(encoding="utf-8").splitlines().index("- id: THREE") + 1
    assert (problem.type, problem.file, problem.line) == ("join_too_large", str(path), line)
    assert "512,000 combinations" in problem.msg and "80 person × 80 person" in problem.msg
    # joined, or narrowed by constants, the same three patterns are fine
    joined = a_pack([a_rule("THREE", [{"fact": "person", "as": "p"},
                                      {"fact": "person", "as": "q",
                                       "where": {"person": {"same_as": "p.person"}}},
                                      {"fact": "person", "as": "r",
                                       "where": {"leader": True}}])])
    assert len(_people_check(joined, school, tmp_path)) == 80


def _free_threes(n: int) -> dict:
    """A pack of ``n`` rules, each joining three person patterns freely."""
    return a_pack([a_rule(f"THREE_{i:03d}", [{"fact": "person", "as": "p"},
                                             {"fact": "person", "as": "q"},
                                             {"fact": "person", "as": "r"}])
                   for i in range(n)])


def test_rules_each_within_the_join_limit_but_too_large_together_are_refused(tmp_path: Path):
    """100 rules of 3,375 combinations each on the example school's 15 staff (47 s, 2.1 GB
    and 462 MB of JSON before): refused before evaluation, at the largest rule; ten of them
    are checked."""
    from mandaat.rules import MAX_CHECK_JOIN_SIZE
    school = mandaat.load_school(mandaat.example_school_path())
    path = write_pack(tmp_path, _free_threes(100))
    start = time.monotonic()
    with pytest.raises(mandaat.RulePackError) as info:
        mandaat.check(school, rules=[path], rules_only=True)
    assert time.monotonic() - start < 5
    (problem,) = info.value.problems
    line = path.read_text(encoding="utf-8").splitlines().index("- id: THREE_000") + 1
    assert (problem.type, problem.file, problem.line) == ("check_too_large", str(path), line)
    assert "337,500 combinations" in problem.msg
    assert "THREE_000 3,375, THREE_001 3,375, THREE_002 3,375 and 97 more rules)" in problem.msg
    assert f"{MAX_CHECK_JOIN_SIZE:,}" in problem.msg
    ten = write_pack(tmp_path, _free_threes(10), "ten.yaml")
    assert len(mandaat.check(school, rules=[ten], rules_only=True).findings) == 10 * 15


def _refused_at(school: mandaat.School, packs: list) -> tuple[str, int | None]:
    """The file and line of the one problem a check with ``packs`` is refused with."""
    with pytest.raises(mandaat.RulePackError) as info:
        mandaat.check(school, rules=packs, rules_only=True)
    (problem,) = info.value.problems
    return problem.file, problem.line


def test_a_pack_edited_above_its_rules_names_its_own_lines(tmp_path: Path):
    """Rule lines are found only for an error, and a pack file loaded, edited above its
    rules and loaded again gives a pack of its own: each error names the line it had."""
    school, three = _eighty_staff_and_three_free_patterns()
    path = write_pack(tmp_path, three)
    text = path.read_text(encoding="utf-8")
    before = mandaat.load_rules(path)
    path.write_text("# een regel erbij\n# en nog een\n" + text, encoding="utf-8")
    after = mandaat.load_rules(path)
    assert before.locations._found is None and after.locations._found is None
    assert before != after and after == mandaat.load_rules(path)
    first = text.splitlines().index("- id: THREE") + 1
    assert [_refused_at(school, [pack]) for pack in (before, after, before)] == [
        (str(path), first), (str(path), first + 2), (str(path), first)]


def test_a_rule_s_error_names_the_pack_that_holds_it(tmp_path: Path):
    """A pack that leaves out a rule and a pack that brings its own: the error names the
    second, in either order, though the first's locations still hold the rule."""
    school, three = _eighty_staff_and_three_free_patterns()
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    old = mandaat.load_rules(write_pack(tmp_path / "a", three))
    path = tmp_path / "b" / "pack.yaml"
    path.write_text("\n" * 5 + (tmp_path / "a" / "pack.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    mine = mandaat.load_rules(path)
    without = dataclasses.replace(old, rules=(), name="zonder")
    assert "THREE" in without.locations
    line = path.read_text(encoding="utf-8").splitlines().index("- id: THREE") + 1
    assert _refused_at(school, [without, mine]) == (str(path), line)
    assert _refused_at(school, [mine, without]) == (str(path), line)


def test_changing_the_locations_a_caller_gave_changes_no_later_check(tmp_path: Path):
    school, three = _eighty_staff_and_three_free_patterns()
    loaded = mandaat.load_rules(write_pack(tmp_path, three))
    given = {"THREE": ("mijn.yaml", 3)}
    first = dataclasses.replace(loaded, locations=given)
    same = dataclasses.replace(loaded, locations={"THREE": ("mijn.yaml", 3)})
    assert _refused_at(school, [first]) == _refused_at(school, [same]) == ("mijn.yaml", 3)
    given["THREE"] = ("elders.yaml", 99)
    assert _refused_at(school, [same]) == ("mijn.yaml", 3)


def test_a_check_with_the_bundled_pack_finds_no_rule_lines(example):
    """Finding the line of each rule reads the pack's YAML a second time: a third of
    loading it. A check that raises nothing never needs them."""
    pack = mandaat.load_rules(mandaat.rules.bundled_rules_path() / "lbbo-2022")
    mandaat.check(example, rules=[pack], rules_only=True)
    assert pack.locations._found is None
    assert pack.locations["NO_SCHOOL_LEADER"][1] > 1 and len(pack.locations) == len(pack.rules)


_VALGRIND_HOSTILE = """
import sys, pathlib, tempfile
sys.path.insert(0, {root!r})
import mandaat
from tests.conftest import BASE
from tests.strategies_packs import a_pack, a_rule, write_pack
folder = pathlib.Path(tempfile.mkdtemp())
# 70 rules every person matches: two rulesets; a list of 600 names; two patterns on one fact
rules = [a_rule(f"R{{i}}", [{{"fact": "person", "as": "p",
                             "where": {{"n_responsible": {{"gte": -i}}}}}}]) for i in range(70)]
rules.append(a_rule("LONG", [
    {{"fact": "person", "as": "p",
      "where": {{"name": {{"in": [f"n{{i}}" for i in range(600)] + ["Anna Jansen"]}}}}}},
    {{"fact": "person", "as": "q",
      "where": {{"person": {{"same_as": "p.person"}}, "task_hours": {{"gte": 0.00001}}}}}}]))
pack = mandaat.load_rules(write_pack(folder, a_pack(rules)))
report = mandaat.check(mandaat.load_school(BASE), rules=[pack], rules_only=True)
print("checked", len(report.findings))
"""


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_no_invalid_memory_use_with_several_rulesets_and_computed_fields(tmp_path: Path):
    root = str(Path(__file__).parents[2])
    script = tmp_path / "run.py"
    script.write_text(_VALGRIND_HOSTILE.format(root=root), encoding="utf-8")
    run = subprocess.run(
        ["valgrind", "--error-exitcode=99", sys.executable, str(script)],
        capture_output=True, text=True, timeout=900, check=False)
    people = len(BASE["people"])
    assert f"checked {70 * people}" in run.stdout, run.stderr[-3000:]
    assert "ERROR SUMMARY: 0 errors" in run.stderr, run.stderr[-3000:]


def test_the_session_pools_stay_in_the_heap_unless_the_process_chose(monkeypatch):
    """glibc mapped durable_rules' large session pools afresh for every check."""
    import platform

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert _engine.keep_pools_in_the_heap() is False
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    assert _engine.keep_pools_in_the_heap() is (platform.libc_ver()[0] == "glibc")


def test_a_check_leaves_the_cycle_collector_as_it_found_it(example):
    import gc

    assert gc.isenabled()
    seen = []
    original = sys.modules["mandaat.evaluation"]._evaluate_compiled

    def spy(*args):
        seen.append(gc.isenabled())
        return original(*args)

    sys.modules["mandaat.evaluation"]._evaluate_compiled = spy
    try:
        mandaat.check(example)
        assert seen == [False] and gc.isenabled()
        gc.disable()
        mandaat.check(example)
        assert not gc.isenabled()
    finally:
        gc.enable()
        sys.modules["mandaat.evaluation"]._evaluate_compiled = original

    def failing(*args):
        raise RuntimeError("inside the check")

    sys.modules["mandaat.evaluation"]._evaluate_compiled = failing
    try:
        with pytest.raises(RuntimeError):
            mandaat.check(example)
    finally:
        sys.modules["mandaat.evaluation"]._evaluate_compiled = original
    assert gc.isenabled()


def test_an_explanation_holds_its_own_copy_of_what_an_absent_pattern_looked_for():
    """A list in what an ``absent`` pattern looked for is the explanation's own: changing
    it changes neither the rule pack nor the explanations of later checks."""
    real = Path(__file__).parents[1] / "scenarios" / "real"
    school = mandaat.load_school(real / "erve-hooyerinck.yaml")
    first = mandaat.check(school)
    expected = first.to_json()
    looked_for = [value for f in first.findings for item in f.explanation.because
                  if item.get("absent") for value in item.values()
                  if isinstance(value, dict) and isinstance(value.get("in"), list)]
    assert looked_for, "the school no longer has a finding with an absent 'in' list"
    for value in looked_for:
        value["in"].append("changed")
    again = mandaat.check(school).to_json()
    assert again == expected
    assert "changed" not in again


def _change_everything(value: object, seen: set[int]) -> None:
    """Append to every list and add a key to every dict reachable from ``value`` (through
    models, their private attributes, dataclasses, lists, dicts and tuples)."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            _change_everything(getattr(value, field.name), seen)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _change_everything(getattr(value, name), seen)
        for private in (value.__pydantic_private__ or {}).values():
            _change_everything(private, seen)
    elif isinstance(value, list | tuple):
        for item in list(value):
            _change_everything(item, seen)
        if isinstance(value, list):
            value.append("changed")
    elif isinstance(value, dict):
        for item in list(value.values()):
            _change_everything(item, seen)
        value["changed"] = "changed"


@pytest.mark.parametrize("name", ["example", "erve-hooyerinck", "koning-david-school"])
def test_changing_a_report_or_an_answer_changes_no_later_one(name: str):
    """Whatever a caller does to a report or an escalation answer, the next check and the
    next answer are as they would have been: nothing in them is shared with what the
    process keeps (the compiled rule packs, caches)."""
    real = Path(__file__).parents[1] / "scenarios" / "real"
    school = mandaat.load_school(mandaat.example_school_path() if name == "example"
                                 else real / f"{name}.yaml")
    report = mandaat.check(school)
    expected = report.to_json(), render_text(report, "nl", explain=True)
    answers = {s.id: mandaat.escalate(school, s.id) for s in school.signals}
    expected_answers = {sid: a.model_dump_json() for sid, a in answers.items()}
    _change_everything(report, set())
    _change_everything(answers, set())
    again = mandaat.check(school)
    assert (again.to_json(), render_text(again, "nl", explain=True)) == expected
    assert {s.id: mandaat.escalate(school, s.id).model_dump_json()
            for s in school.signals} == expected_answers


def test_changing_the_default_pack_a_caller_was_given_changes_no_check(example):
    """``default_pack()`` gives each caller a copy of its own; checks use the bundled pack
    as the process keeps it, and a copy given back as a pack is compiled only once."""
    expected = mandaat.check(example).to_json()
    given = mandaat.default_pack()
    assert given == mandaat.default_pack() and given is not mandaat.default_pack()
    _change_everything(given, set())
    assert mandaat.check(example).to_json() == expected
    compiled = _check._compiled((mandaat.default_pack(),))
    assert _check._compiled((mandaat.default_pack(),)) is compiled
    assert mandaat.check(example, rules=[mandaat.default_pack()],
                         rules_only=True).to_json() == expected


@pytest.mark.parametrize("prefilter", [True, False])
def test_a_batch_is_the_json_of_each_fact_sent_with_the_fields_it_reads(monkeypatch, prefilter):
    """A batch is written straight from the facts, not by ``json.dumps`` of a row per fact:
    it parses to exactly those rows, with texts JSON must escape, and each float as
    durable_rules reads it back."""
    from mandaat.rules import packs_routes, shared_default_pack
    from mandaat.rules.facts import school_facts

    packs = (shared_default_pack(),)
    compiled = _check._compiled(packs)
    school = mandaat.load_school(mandaat.example_school_path())
    params = _check._params(school, packs)
    facts = [dict(f) for f in school_facts(
        school, workload_groups=compiled.workload_groups, kinds=compiled.fields,
        routes=packs_routes(packs), params=params).facts]
    odd = 'taak "1" 100%s\\ \n\x01 zoë ✓'
    floats = iter([1e-05, 1e16, 5e-324, 0.1, 2.5e-07, 3.0])
    for fact in facts:
        if fact["k"] in ("task", "assignment"):
            fact["task"] = odd + fact["task"]
        elif fact["k"] == "workload":
            fact["share"] = next(floats, 0.25)
    batches: list[str] = []
    real_run = _engine._ENGINE.run
    monkeypatch.setattr(_engine._ENGINE, "run",
                        lambda work: batches.extend(b for _, b in work) or real_run(work))
    compiled.evaluate(facts, params, prefilter=prefilter)
    sent_params = {p: _engine._durable_number(params[p]) for p in compiled.params_used}
    assert len(batches) == len(compiled.rulesets)
    for j, (rs, batch) in enumerate(zip(compiled.rulesets, batches, strict=True)):
        chosen = (compiled._prefilters[j].keep(facts, sent_params) if prefilter else
                  {i: rs.fields[f["k"]] + rs.members.get(f["k"], ())
                   for i, f in enumerate(facts) if f["k"] in rs.fields})
        expected = [{"k": facts[i]["k"], "sid": "1",
                     **{name: _engine._durable_number(facts[i][name])
                        for name in read if not name.startswith("__")}}
                    for i, read in chosen.items()]
        rows = json.loads(batch)
        facts_sent = [{k: v for k, v in row.items() if k != "id" and not k.startswith("__")}
                      for row in rows if row["k"] not in ("param", "trigger")]
        assert facts_sent == expected
        assert any(odd in str(row.get("task")) for row in rows)
        assert [row for row in rows if row["k"] == "param"] == [
            {"k": "param", "name": p, "value": sent_params[p], "id": row_id, "sid": "1"}
            for p, row_id in zip(rs.params, [r["id"] for r in rows if r["k"] == "param"],
                                 strict=True)]
        assert rows[-1]["k"] == "trigger"
    if not prefilter:  # the pre-filter drops the workload facts with these shares
        assert any(0 < row.get("share", 1) < 1e-04 for row in json.loads(batches[0]))
