"""Routes walked on the responsibility graph: each hand-on condition at its boundary,
absence with and without a deputy, cycles, and the escalate answer that follows the walk."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import mandaat
from mandaat.graph import build_graph, supervisors
from mandaat.graph.routes import Case, route_cycle, supervising_ib, walk
from mandaat.school.model import HandOn, Step
from tests.conftest import school_data

AS_OF = "2026-11-22"


def _school(**changes: Any) -> dict[str, Any]:
    data = school_data(**changes)
    data["people"] = [
        {"id": "anna", "name": "Anna Jansen", "roles": ["schoolleider"]},
        {"id": "ilse", "name": "Ilse Bakker", "roles": ["intern_begeleider"],
         "supervises": ["1", "2", "3", "4"]},
        {"id": "nina", "name": "Nina Bos", "roles": ["intern_begeleider"],
         "supervises": ["5", "6", "7", "8"]},
        {"id": "tom", "name": "Tom Mulder", "roles": ["leraar"], "groups": ["3"]},
        {"id": "sara", "roles": ["leraar"], "groups": ["7"]},
    ]
    return data


def _with(data: dict[str, Any], person: str, **fields: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    next(p for p in data["people"] if p["id"] == person).update(fields)
    return data


ROUTE = [Step(role="leraar"), Step(role="ib", when=[HandOn(on_request=True)]),
         Step(role="schoolleider", when=[HandOn(after_weeks=6)]),
         Step(external="swv", when=[HandOn(consent=True, after_times=3)])]


def _walk(data: dict[str, Any], steps=ROUTE, **case: Any):
    school = mandaat.load_school(data)
    return walk(build_graph(school), steps, Case(**case), school.reference_date)


def _externals(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["externals"] = [{"id": "swv", "kind": "samenwerkingsverband"}]
    return data


@pytest.mark.parametrize(("case", "step", "acts"), [
    ({"group": "3"}, 0, "tom"),
    ({"group": "7"}, 0, "sara"),
    ({"group": "3", "asked": 1}, 1, "ilse"),            # on request: the first request
    ({"group": "7", "asked": 1}, 1, "nina"),            # the ib'er of group 7, not the first
    ({"group": "3", "asked": 1, "age_weeks": 5.99}, 1, "ilse"),
    ({"group": "3", "asked": 1, "age_weeks": 6}, 2, "anna"),   # after_weeks at its boundary
    ({"group": "3", "age_weeks": 60}, 0, "tom"),        # no request: the walk stops early
    ({"group": "3", "asked": 1, "age_weeks": 6, "count": 3}, 2, "anna"),   # no consent yet
    ({"group": "3", "asked": 1, "age_weeks": 6, "count": 2, "consent": True}, 2, "anna"),
    ({"group": "3", "asked": 1, "age_weeks": 6, "count": 3, "consent": True}, 3, "swv"),
])
def test_each_hand_on_condition_at_its_boundary(case, step, acts):
    w = _walk(_externals(_school()), **case)
    assert (w.step, w.acts_now) == (step, acts)
    assert w.path[-1] == acts and len(w.path) == len(set(w.path))


def test_an_absent_person_is_passed_to_the_deputy_and_the_path_shows_both():
    data = _with(_school(), "ilse", absent={"from": "2026-11-01", "until": "2027-01-12"},
                 deputy="nina")
    w = _walk(data, group="3", asked=1)
    assert (w.acts_now, w.path, w.substitutes) == (
        "nina", ["tom", "ilse", "nina"], (("ilse", "nina", "2027-01-12"),))


def test_the_absence_boundaries_are_both_days_included():
    for day, away in (("2026-11-22", True), ("2026-11-21", False)):
        data = _with(_school(), "ilse", absent={"from": "2026-11-01", "until": day},
                     deputy="nina")
        assert (_walk(data, group="3", asked=1).acts_now == "nina") is away
    data = _with(_school(), "ilse", absent={"from": "2026-11-23"}, deputy="nina")
    assert _walk(data, group="3", asked=1).acts_now == "ilse"  # not away yet


def test_an_interim_who_replaces_the_absent_ib_er_acts():
    data = _with(_school(), "ilse", absent={"from": "2026-09-01"})
    data["people"].append({"id": "piet", "roles": ["interim_intern_begeleider"],
                           "replaces": "ilse"})
    w = _walk(data, group="3", asked=1)
    assert (w.acts_now, w.substitutes) == ("piet", (("ilse", "piet", ""),))


def test_an_absent_person_without_a_deputy_ends_the_walk_at_nobody():
    data = _with(_school(), "ilse", absent={"from": "2026-11-01"})
    w = _walk(data, group="3", asked=1)
    assert (w.acts_now, w.nobody, w.path) == (None, "absent", ["tom", "ilse"])


def test_deputies_who_stand_in_for_each_other_end_at_nobody_and_never_loop():
    data = _with(_school(), "ilse", absent={"from": "2026-11-01"}, deputy="nina")
    data = _with(data, "nina", absent={"from": "2026-11-01"}, deputy="ilse")
    w = _walk(data, group="3", asked=1)
    assert (w.acts_now, w.nobody) == (None, "cycle")


def test_a_role_nobody_holds_ends_at_nobody():
    w = _walk(_school(), [Step(role="bestuur")], group="3")
    assert (w.acts_now, w.nobody) == (None, "role")


def test_route_cycle_is_found_on_the_steps():
    assert route_cycle([Step(role="leraar"), Step(person="anna"), Step(role="leraar")])
    assert route_cycle([Step(role="leraar"), Step(role="ib"), Step(role="schoolleider")]) == []


# --- escalate follows the school's route, or the pack's default -----------------------------


def _signal(**fields: Any) -> dict[str, Any]:
    return {"id": "s1", "type": "vraag_ouders", "about": "lln-1", "group": "7",
            "since": "2026-10-01", **fields}


def test_escalate_walks_the_packs_default_route_and_says_so():
    data = _school(signals=[_signal()])
    answer = mandaat.escalate(mandaat.load_school(data), "s1")
    assert (answer.acts_now, answer.rule, answer.chain) == ("sara", "PARENT_QUESTION", ["sara"])
    walked = [f for f in answer.explanation.because if f["fact"] == "walk"]
    assert walked[0]["by_default"] is True and walked[0]["route"] == ""
    data = _school(signals=[_signal(asked=1)])
    assert mandaat.escalate(mandaat.load_school(data), "s1").acts_now == "nina"


def test_escalate_follows_the_schools_own_route():
    data = _school(signals=[_signal(asked=1, handled_by="sara")])
    data["routes"] = [{"id": "eigen", "for": {"signal": "vraag_ouders"},
                       "steps": [{"role": "leraar"}, {"person": "anna",
                                                       "when": {"on_request": True}}]}]
    answer = mandaat.escalate(mandaat.load_school(data), "s1")
    assert (answer.acts_now, answer.chain) == ("anna", ["sara", "anna"])
    walked = [f for f in answer.explanation.because if f["fact"] == "walk"]
    assert (walked[0]["route"], walked[0].get("by_default")) == ("eigen", False)


def test_an_escalation_past_an_absent_iber_names_the_deputy_and_says_why():
    data = _with(_school(signals=[{"id": "s1", "type": "extra_ondersteuning_nodig",
                                   "about": "lln-1", "group": "3"}]),
                 "ilse", absent={"from": "2026-11-01", "until": "2027-01-12"}, deputy="nina")
    answer = mandaat.escalate(mandaat.load_school(data), "s1")
    assert (answer.acts_now, answer.chain) == ("nina", ["ilse", "nina"])
    assert answer.message.endswith(
        "Ilse Bakker is afwezig tot 12 januari 2027; Nina Bos is de vervanger.")


def test_an_escalation_that_ends_at_nobody_is_a_violation_with_the_reason():
    data = _with(_school(signals=[{"id": "s1", "type": "extra_ondersteuning_nodig",
                                   "about": "lln-1", "group": "3"}]),
                 "ilse", absent={"from": "2026-11-01", "until": "2027-01-12"})
    report = mandaat.check(mandaat.load_school(data))
    (found,) = [f for f in report.findings if f.subjects == ["s1"]]
    assert (found.rule, found.escalate_to) == ("NO_ESCALATION_TARGET", None)
    assert found.message.endswith("Ilse Bakker is afwezig tot 12 januari 2027 en heeft geen "
                                  "vervanger.")


# --- findings on the routes themselves --------------------------------------------------------


def _route(*steps: dict[str, Any], signal: str = "vraag_ouders") -> dict[str, Any]:
    return {"id": "r1", "for": {"signal": signal}, "steps": list(steps)}


def _rule(data: dict[str, Any], rule: str) -> list[list[str]]:
    report = mandaat.check(mandaat.load_school(data))
    return [f.subjects for f in report.findings if f.rule == rule]


def test_route_ends_nowhere_for_a_role_nobody_holds_or_an_absent_person():
    data = _school(routes=[_route({"role": "leraar"}, {"role": "bestuur"})])
    assert _rule(data, "ROUTE_ENDS_NOWHERE") == [["r1"]]
    data = _school(routes=[_route({"role": "leraar"}, {"person": "ilse"})])
    assert _rule(data, "ROUTE_ENDS_NOWHERE") == []
    away = _with(data, "ilse", absent={"from": "2026-11-01"})
    assert _rule(away, "ROUTE_ENDS_NOWHERE") == [["r1"]]
    assert _rule(_with(away, "ilse", deputy="nina"), "ROUTE_ENDS_NOWHERE") == []


def test_a_handled_by_step_ends_at_the_handler_also_without_an_iber():
    # issue 25: the route check agrees with the walk, which goes to whoever handles it
    data = _school(routes=[_route({"role": "handled_by"}, {"role": "schoolleider"},
                                  signal="afspraak_niet_nagekomen")],
                   signals=[{"id": "s1", "type": "afspraak_niet_nagekomen", "about": "tom",
                             "handled_by": "anna"}])
    data["people"] = [p for p in data["people"] if p["id"] not in ("ilse", "nina")]
    data["tasks"] = []
    answer = mandaat.escalate(mandaat.load_school(data), "s1")
    assert answer.acts_now == "anna"
    assert _rule(data, "ROUTE_ENDS_NOWHERE") == []
    # a role step nobody holds still ends nowhere
    data["routes"][0]["steps"][0] = {"role": "ib"}
    assert _rule(data, "ROUTE_ENDS_NOWHERE") == [["r1"]]


def test_route_cycle_and_the_teacher_first():
    data = _school(routes=[_route({"role": "ib"}, {"role": "leraar"}, {"role": "ib"})])
    assert _rule(data, "ROUTE_CYCLE") == [["r1"]]
    assert _rule(data, "ROUTE_TEACHER_FIRST") == [["r1"]]
    data = _school(routes=[_route({"role": "leraar"}, {"role": "ib"})])
    assert _rule(data, "ROUTE_CYCLE") == [] and _rule(data, "ROUTE_TEACHER_FIRST") == []


def test_route_leader_matter_when_a_staff_route_never_reaches_the_leader():
    steps = ({"role": "ib"}, {"person": "nina", "when": {"after_weeks": 12}})
    data = _school(routes=[_route(*steps, signal="ontwikkeling_blijft_achter")])
    assert _rule(data, "ROUTE_LEADER_MATTER") == [["r1"]]
    data = _school(routes=[_route(*steps, {"role": "schoolleider"},
                                  signal="ontwikkeling_blijft_achter")])
    assert _rule(data, "ROUTE_LEADER_MATTER") == []
    assert _rule(_school(routes=[_route(*steps)]), "ROUTE_LEADER_MATTER") == []


def test_mandate_chain_broken_only_for_a_mandate_given_on_without_a_leader_behind_it():
    mandates = [
        {"id": "m1", "from": "anna", "to": "ilse", "scope": ["studiedag"],
         "communicated_to_team": True},
        {"id": "m2", "from": "ilse", "to": "tom", "scope": ["studiedag"],
         "communicated_to_team": True},
        {"id": "m3", "from": "tom", "to": "sara", "scope": ["studiedag"],
         "communicated_to_team": True},
        {"id": "m4", "from": "sara", "to": "nina", "scope": ["coaching"],
         "communicated_to_team": True},
    ]
    assert _rule(_school(mandates=mandates), "MANDATE_CHAIN_BROKEN") == []
    # without m1 the chain ilse -> tom -> sara no longer reaches the school leader
    assert _rule(_school(mandates=mandates[1:]), "MANDATE_CHAIN_BROKEN") == [["m3"], ["m4"]]


def test_absent_sole_responsible_needs_no_deputy():
    task = {"id": "lvs", "type": "lvs_beheer", "accountable": "anna", "responsible": ["ilse"]}
    data = _with(_school(), "ilse", absent={"from": "2026-11-01"})
    data["tasks"] = data["tasks"] + [task]
    # ilse is also the only one on BASE's study day and mdo
    assert _rule(data, "ABSENT_SOLE_RESPONSIBLE") == [["ilse", "lvs"], ["ilse", "mdo"],
                                                      ["ilse", "studiedag"]]
    assert _rule(_with(data, "ilse", deputy="nina"), "ABSENT_SOLE_RESPONSIBLE") == []


def test_a_schools_route_may_name_a_param_of_the_packs_and_no_other():
    steps = [{"role": "ib"},
             {"role": "schoolleider", "when": {"after_weeks": {"param": "dev_lag_weeks"}}}]
    data = _school(routes=[_route(*steps, signal="ontwikkeling_blijft_achter")],
                   signals=[{"id": "s1", "type": "ontwikkeling_blijft_achter", "about": "tom",
                             "since": "2026-08-01"}])
    assert mandaat.escalate(mandaat.load_school(data), "s1").acts_now == "anna"
    data["params"] = {"dev_lag_weeks": 20}
    assert mandaat.escalate(mandaat.load_school(data), "s1").acts_now == "ilse"
    data["routes"][0]["steps"][1]["when"]["after_weeks"]["param"] = "dev_lag_wekes"
    with pytest.raises(mandaat.SchoolFileError) as info:
        mandaat.check(mandaat.load_school(data))
    (problem,) = info.value.problems
    assert problem.loc == ("routes", 0, "steps", 1, "when", 0, "after_weeks", "param")
    assert problem.msg.startswith("unknown param 'dev_lag_wekes' (did you mean 'dev_lag_weeks'?)")


def test_the_message_says_when_the_schools_own_route_was_walked():
    data = _school(signals=[_signal()])
    default = mandaat.escalate(mandaat.load_school(data), "s1").message
    data["routes"] = [_route({"role": "leraar"}) | {"title": "Ouders eerst naar de leerkracht"}]
    own = mandaat.escalate(mandaat.load_school(data), "s1").message
    assert "eigen route" not in default
    assert own == default + " (Volgens de eigen route van de school: 'Ouders eerst naar de " \
        "leerkracht'.)"


# --- pictures -------------------------------------------------------------------------------


def _run_cli(*args: str) -> tuple[int, str, str]:
    import io

    from mandaat.cli import main
    out, err = io.StringIO(), io.StringIO()
    return main(list(args), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_graph_draws_one_route_and_one_signals_walk(tmp_path):
    import json
    data = _with(_school(signals=[_signal(group="3", asked=1, since="2026-11-10")]), "ilse",
                 absent={"from": "2026-11-01", "until": "2027-01-12"}, deputy="nina")
    data["routes"] = [_route({"role": "leraar"}, {"role": "ib", "when": {"on_request": True}},
                             {"role": "schoolleider", "when": {"after_weeks": 6}})]
    school = tmp_path / "school.json"
    school.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = _run_cli("graph", str(school), "--route", "r1")
    assert code == 0
    assert '  s1["1. de leraar van de groep"]' in out
    assert "  s2 -->|na 6 weken| s3" in out and "  s1 -->|op verzoek| s2" in out
    code, out, _ = _run_cli("graph", str(school), "--signal", "s1")
    assert '  s2["2. de ib\'er: <s>Ilse Bakker</s> → Nina Bos"]' in out
    assert "  class s1 reached\n  class s2 reached\n" in out and "class s3 reached" not in out
    code, out, _ = _run_cli("graph", str(school), "--signal", "s1", "--format", "dot")
    assert "  s2 [label=<2. de ib'er: <s>Ilse Bakker</s> → Nina Bos>, fillcolor=" in out
    code, _, err = _run_cli("graph", str(school), "--route", "r2")
    assert code == 2 and "routes: er is geen route met id 'r2'; routes in deze school: r1" in err


def test_an_absence_on_a_passed_step_is_not_said_of_the_step_that_acts():
    """The teacher (step 1) is away and passed to a deputy; the ib'er (step 2) acts: the
    message speaks of no absence, and the walk names none."""
    data = _with(_school(signals=[_signal(group="7", asked=1, handled_by="nina")]), "sara",
                 absent={"from": "2026-11-01", "until": "2027-01-12"}, deputy="tom")
    answer = mandaat.escalate(mandaat.load_school(data), "s1")
    assert (answer.acts_now, answer.chain) == ("nina", ["nina", "sara", "tom", "nina"])
    assert "afwezig" not in answer.message
    (walked,) = [f for f in answer.explanation.because if f["fact"] == "walk"]
    assert "away" not in walked


# --- deputy cycles and long chains of deputies ------------------------------------------------


def _cycle_school(tmp_path, *ring: str) -> str:
    import json
    data = _school(signals=[{"id": "s1", "type": "extra_ondersteuning_nodig",
                             "about": "lln-1", "group": "3"}])
    data = _with(data, "ilse", supervises=["1", "2", "4"])  # group 3: the first of the ring
    for i, who in enumerate(ring):
        data["people"].append({"id": who, "roles": ["intern_begeleider"],
                               "absent": {"from": "2026-11-01", "until": "2027-01-12"},
                               "deputy": ring[(i + 1) % len(ring)],
                               **({"supervises": ["3"]} if i == 0 else {})})
    path = tmp_path / "school.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_escalate_says_that_deputies_who_stand_in_for_each_other_are_all_away(tmp_path):
    school = _cycle_school(tmp_path, "a", "b")
    code, out, _ = _run_cli("escalate", school, "s1", "--format", "text")
    assert "heeft geen vervanger" not in out and "Wie is nu aan zet: niemand" in out
    assert ("a is afwezig tot 12 januari 2027; de vervanger b is ook afwezig en heeft a als "
            "vervanger: de vervangers vormen een kring en niemand van hen is er.") in out
    code, out, _ = _run_cli("escalate", school, "s1", "--format", "text", "--lang", "en")
    assert ("a is away until 12 January 2027; the deputy b is away too and has a as deputy: "
            "the deputies form a cycle and none of them is present.") in out
    school = _cycle_school(tmp_path, "a", "b", "c")
    code, out, _ = _run_cli("escalate", school, "s1", "--format", "text")
    assert ("a is afwezig tot 12 januari 2027; de vervangers b en c zijn ook afwezig en c "
            "heeft a als vervanger: de vervangers vormen een kring") in out
    school = _cycle_school(tmp_path, "a")
    code, out, _ = _run_cli("escalate", school, "s1", "--format", "text", "--lang", "en")
    assert "a is away until 12 January 2027 and is their own deputy: nobody else" in out


def _chain_school(length: int, steps: int, signals: int) -> dict[str, Any]:
    """A route of ``steps`` steps that all name p0, whose deputies p1, p2, ... are all away
    but the last; ``signals`` signals walk it to its end."""
    data = _school()
    away = {"from": "2026-01-01"}
    data["people"] += [
        {"id": f"p{i}", "roles": ["leraar"], **({"absent": away, "deputy": f"p{i + 1}"}
                                                 if i < length - 1 else {})}
        for i in range(length)]
    data["routes"] = [{"id": "r", "for": {"signal": "extra_ondersteuning_nodig"}, "steps": [
        {"person": "p0", **({"when": {"after_weeks": 0}} if i else {})} for i in range(steps)]}]
    data["signals"] = [{"id": f"s{i}", "type": "extra_ondersteuning_nodig", "about": f"l{i}",
                        "since": "2026-01-01"} for i in range(signals)]
    return data


def test_a_chain_of_deputies_is_followed_at_most_max_deputies_deep():
    from mandaat.graph.routes import MAX_DEPUTIES
    steps = [Step(person="p0")] * 3
    within = _chain_school(MAX_DEPUTIES + 1, 1, 0)   # p10 is present
    w = _walk(within, steps)
    assert (w.acts_now, len(w.path)) == (f"p{MAX_DEPUTIES}", MAX_DEPUTIES + 1)
    beyond = _chain_school(MAX_DEPUTIES + 2, 1, 0)   # p11 would be
    w = _walk(beyond, steps)
    assert (w.acts_now, w.nobody, w.away) == (None, "too_far", f"p{MAX_DEPUTIES}")
    assert w.path == [f"p{i}" for i in range(MAX_DEPUTIES + 1)]
    assert len(w.substitutes) == MAX_DEPUTIES   # three steps naming p0 walk it once
    report = mandaat.check(mandaat.load_school(_chain_school(MAX_DEPUTIES + 2, 2, 1)),
                           lang="en")
    (found,) = [f for f in report.findings if f.subjects == ["s0"]]
    assert found.rule == "NO_ESCALATION_TARGET"
    assert (f"p0 is away; the {MAX_DEPUTIES} deputies after them, up to p{MAX_DEPUTIES}, "
            f"are away too, and mandaat looks no further than {MAX_DEPUTIES} deputies."
            ) in found.message


def test_routes_times_deputies_times_signals_stay_small_and_quick():
    """Twenty steps that all name a person with 300 deputies away, walked by 100 signals:
    the report grows with the signals, not with steps times deputies."""
    import time
    school = mandaat.load_school(_chain_school(300, 20, 100))
    start = time.perf_counter()
    report = mandaat.check(school)
    text = report.to_json()
    seconds = time.perf_counter() - start
    walked = [f for f in report.findings if f.subjects[0].startswith("s")]
    assert len(walked) == 100
    assert max(len(f.explanation.path) for f in walked) <= 11
    assert len(text) < 100 * 3_000, len(text)
    assert seconds < 3, seconds


# --- who a step names: the bouw, the group's leraar, the first by id ----------------------


def _bouw_school(**changes: Any) -> dict[str, Any]:
    """Two ib'ers: aart (first by id and in the file) supervises group 1, nina the bouw of
    groups 4-6, whose leraar tom teaches group 5."""
    data = school_data(**changes)
    data["people"] = [
        {"id": "anna", "roles": ["schoolleider"]},
        {"id": "aart", "roles": ["intern_begeleider"], "supervises": ["1"]},
        {"id": "nina", "roles": ["intern_begeleider"], "supervises": ["bouw-4-6"]},
        {"id": "tom", "roles": ["leraar"], "groups": ["5"]},
        {"id": "sara", "roles": ["leraar"], "groups": ["1"]},
    ]
    data["teams"] = [{"id": "bouw-4-6", "kind": "bouw", "members": ["tom"]}]
    data["tasks"] = []
    return data


def test_the_iber_who_supervises_the_bouw_supervises_its_groups_pupils():
    data = _bouw_school()
    G = build_graph(mandaat.load_school(data))
    assert supervisors(G, group="5") == supervisors(G, "tom") == ["nina"]
    assert supervising_ib(G, Case(group="5")) == "nina"
    assert supervisors(G, group="1") == ["aart"]
    assert _walk(data, group="5", asked=1).acts_now == "nina"
    signal = {"id": "s1", "type": "extra_ondersteuning_nodig", "about": "lln-1", "group": "5",
              "since": "2026-10-01"}
    answer = mandaat.escalate(mandaat.load_school(_bouw_school(signals=[signal])), "s1")
    assert answer.acts_now == "nina"


def test_the_teacher_of_the_group_is_its_leraar_not_the_assistant():
    data = _bouw_school()
    data["people"] += [{"id": "bas", "roles": ["onderwijsassistent"], "groups": ["5", "9"]},
                       {"id": "ria", "roles": ["leraar"], "groups": ["8"]},
                       {"id": "piet", "roles": ["leraar"], "groups": ["8"]}]
    assert _walk(data, group="5").acts_now == "tom"
    assert _walk(data, group="8").acts_now == "piet"       # several leraren: the first id
    w = _walk(data, group="9")                                # only an assistant: nobody
    assert (w.acts_now, w.nobody) == (None, "role")
    w = _walk(data, group="9", asked=1)                       # the next step acts
    assert (w.step, w.acts_now) == (1, "aart")


def test_where_nothing_in_the_school_decides_the_first_by_id_acts():
    data = school_data(tasks=[])
    data["people"] = [{"id": "zoe", "roles": ["schoolleider"]},
                      {"id": "yara", "roles": ["intern_begeleider"]},
                      {"id": "anna", "roles": ["schoolleider"]},
                      {"id": "ilse", "roles": ["intern_begeleider"]},
                      {"id": "tom", "roles": ["leraar"], "groups": ["3"]}]
    data["teams"] = []
    w = _walk(data, group="3", asked=1, age_weeks=6)
    assert w.path == ["tom", "ilse", "anna"]
