"""The facts layer: which facts a school gives, and that a check builds only what it reads."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import mandaat
from mandaat.rules.facts import FACT_KINDS, school_facts
from mandaat.school import vocabulary as V
from tests.conftest import findings, school_data, with_tasks

MANDATES = [
    {"id": "m2", "from": "anna", "to": "ilse", "scope": ["studiedag", "zorg_en_ondersteuning",
                                                          "studiedag"],
     "communicated_to_team": False},
    {"id": "m1", "from": "tom", "to": "ilse", "scope": "methodekeuze",
     "communicated_to_team": True},
]


def kinds_of(facts) -> Counter:
    return Counter(f["k"] for f in facts)


def test_a_scope_fact_per_distinct_scope_item_in_id_order():
    school = mandaat.load_school(school_data(mandates=MANDATES))
    scopes = [f for f in school_facts(school).facts if f["k"] == "scope"]
    assert [(f["mandate"], f["item"]) for f in scopes] == [
        ("m1", "methodekeuze"), ("m2", "studiedag"), ("m2", "zorg_en_ondersteuning")]
    assert scopes[0] == {"k": "scope", "mandate": "m1", "from": "tom", "to": "ilse",
                         "from_leader": False, "communicated_to_team": True,
                         "item": "methodekeuze"}
    assert all(set(f) - {"k"} == set(FACT_KINDS["scope"]) for f in scopes)


def test_covers_still_pairs_each_mandate_with_each_task_in_scope():
    school = mandaat.load_school(school_data(mandates=MANDATES))
    covers = [(f["mandate"], f["task"]) for f in school_facts(school).facts
              if f["k"] == "covers"]
    # m2 covers the studiedag by type and the mdo by its domain (zorg en ondersteuning)
    assert covers == [("m2", "mdo"), ("m2", "studiedag")]


def test_only_the_kinds_asked_for_are_built_and_they_are_the_same_facts():
    school = mandaat.load_school(school_data(mandates=MANDATES))
    everything = school_facts(school).facts
    some = school_facts(school, kinds={"task", "scope"}).facts
    assert set(kinds_of(some)) == {"task", "scope"}
    assert list(some) == [f for f in everything if f["k"] in ("task", "scope")]
    assert kinds_of(school_facts(school, kinds={"assignment"}).facts) == Counter(
        {"assignment": kinds_of(everything)["assignment"]})
    assert school_facts(school, kinds=()).facts == ()


def test_a_pack_reading_covers_still_gets_covers_facts(tmp_path: Path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("""\
pack: covers-pack
version: "1"
rules:
  - id: COVERED_TASK
    severity: advice
    when:
      - fact: covers
        as: c
        where: {from_leader: true}
    subjects: [c.mandate, c.task]
    message: {nl: "{c.task} valt onder {c.mandate}.", en: "{c.task} falls under {c.mandate}."}
    suggestion: {nl: Niets., en: Nothing.}
    source: {text: 003_cd09840b5089f87d.txt, quote: mandaat}
""", encoding="utf-8")
    data = with_tasks(mandates=MANDATES)
    found = findings(data, rules=[pack], rules_only=True)
    assert [f.subjects for f in found] == [["m2", "mdo"], ["m2", "studiedag"]]
    assert found[0].explanation.because == [
        {"fact": "covers", "mandate": "m2", "task": "mdo", "from": "anna", "to": "ilse",
         "from_leader": True, "communicated_to_team": False,
         "task_type": "mdo_organiseren", "domain": "zorg_en_ondersteuning"}]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["coachen", "xcoachen", "coachen2", "groepsbespreking", "groepsbesprekingen", "taak", "3",
     "sbo", "aanmelding", "aanmelding sbo", "lesson study", "M-toets", "é", " ", "-", "_"]),
    max_size=6).map("".join) | st.text(max_size=30))
def test_the_one_search_for_any_type_word_agrees_with_the_searches_word_by_word(title):
    """``suggested_type`` looks words up without patterns; what it finds must be what the
    first of the patterns word by word finds (longest word first, on the title read
    backwards), and the combined pattern finds something exactly where one of them does."""
    backwards = V._plain(title)[::-1]
    some = [t for pattern, t in V._TYPE_PATTERNS if pattern.search(backwards)]
    assert (V._ANY_TYPE_WORD.search(backwards) is not None) == bool(some)
    assert V.suggested_type(title) == (some[0] if some else "")


def test_an_assignment_says_whether_its_holder_is_a_schoolleider_not_only_a_leader():
    data = school_data()
    data["people"] = data["people"] + [{"id": "bert", "roles": ["bestuur"]}]
    data["tasks"] = [{"id": "overleg", "type": "overleg_schoolleiding", "accountable": "anna",
                      "responsible": ["bert", "lt-boven"]}]
    facts = school_facts(mandaat.load_school(data)).facts
    named = {f["who"]: (f["who_schoolleider"], f["who_leader"])
             for f in facts if f["k"] == "assignment"}
    assert named == {"anna": (True, True), "bert": (False, True), "lt-boven": (False, False)}


def test_a_member_assignment_per_member_of_a_team_on_a_task_and_none_for_direct_names():
    data = school_data()
    data["people"] = data["people"] + [{"id": "bert", "roles": ["bestuur"]}]
    data["teams"] = data["teams"] + [
        {"id": "mt", "kind": "managementteam", "members": ["ilse", "anna", "bert"]}]
    data["tasks"] = [{"id": "overleg", "type": "overleg_schoolleiding", "accountable": "anna",
                      "responsible": ["mt"], "informed": ["team"]}]
    facts = school_facts(mandaat.load_school(data)).facts
    members = [f for f in facts if f["k"] == "member_assignment"]
    assert [(f["who"], f["via_team"], f["as"], f["who_schoolleider"], f["who_leader"])
            for f in members] == [("anna", "mt", "responsible", True, True),
                                  ("bert", "mt", "responsible", False, True),
                                  ("ilse", "mt", "responsible", False, False)]
    assert all(set(f) - {"k"} == set(FACT_KINDS["member_assignment"]) for f in members)
    named = {f["who"]: f["who_schoolleider"] for f in facts if f["k"] == "assignment"}
    assert named == {"anna": True, "mt": False, "team": False}


def test_member_flags_keep_exactly_the_members_who_hold_one_of_them():
    """Each ``who_*`` flag a rule can ask of a member keeps the members whose fact has it:
    the same facts as made for every member, filtered on that flag."""
    import sys

    from mandaat.evaluation import _WHO_FLAGS

    folder = str(Path(__file__).parents[2] / "bench")
    sys.path.insert(0, folder)
    try:
        from bench import SIZES, generate
    finally:
        sys.path.remove(folder)
    school = mandaat.load_school(generate(60, *SIZES[60]))
    every = [f for f in school_facts(school).facts if f["k"] == "member_assignment"]
    assert len({f["who"] for f in every}) > 10  # teams with members stand on tasks
    sizes = []
    for flags in [{flag} for flag in _WHO_FLAGS] + [set(_WHO_FLAGS)]:
        kept = [f for f in school_facts(school, member_flags=flags).facts
                if f["k"] == "member_assignment"]
        assert kept == [f for f in every if any(f[flag] for flag in flags)], flags
        sizes.append(len(kept))
    assert max(sizes) > 0 and min(sizes) < len(every)  # some kept, some left out
