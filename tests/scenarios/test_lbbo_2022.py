"""Every rule of the lbbo-2022 catalogue: a school where it fires, and one at the boundary
where it just does not. Expected subjects are read off the catalogue, not off the output."""

from __future__ import annotations

from pathlib import Path

import pytest

import mandaat
from tests.conftest import BASE, findings, school_data, with_tasks


def subjects(found):
    return [f.subjects for f in found]


def test_the_base_school_is_clean():
    assert findings(BASE) == []


# --- NO_SCHOOL_LEADER --------------------------------------------------------------------


def test_no_school_leader_fires_without_anyone_in_the_role():
    data = school_data(people=[p for p in BASE["people"] if p["id"] != "anna"]
                       + [{"id": "anna", "roles": ["adjunct_directeur"]}])
    found = findings(data, "NO_SCHOOL_LEADER")
    assert subjects(found) == [[]]
    assert found[0].severity == "violation"
    assert found[0].explanation.because == [
        {"fact": "person", "absent": True, "schoolleider": True}]


def test_no_school_leader_quiet_when_leader_holds_other_roles_too():
    data = school_data()
    data["people"][0]["roles"] = ["leraar", "schoolleider"]
    assert findings(data, "NO_SCHOOL_LEADER") == []


# --- SINGLE_ACCOUNTABLE --------------------------------------------------------------------


@pytest.mark.parametrize("accountable", [[], ["anna", "ilse"], ["lt-boven"], ["team"]])
def test_single_accountable_fires_unless_exactly_one_person(accountable):
    data = with_tasks({"id": "plan", "type": "planning", "accountable": accountable,
                       "responsible": ["anna"]})
    found = findings(data, "SINGLE_ACCOUNTABLE")
    assert subjects(found) == [["plan"]]


def test_single_accountable_is_one_finding_per_task_even_when_both_branches_match():
    data = with_tasks({"id": "plan", "type": "planning", "accountable": ["anna", "lt-boven"],
                       "responsible": ["anna"]})
    assert subjects(findings(data, "SINGLE_ACCOUNTABLE")) == [["plan"]]


def test_single_accountable_quiet_for_one_person_named_twice_as_a_string():
    data = with_tasks({"id": "plan", "type": "planning", "accountable": "anna",
                       "responsible": ["anna"]})
    assert findings(data, "SINGLE_ACCOUNTABLE") == []


# --- RESPONSIBLE_PRESENT ------------------------------------------------------------------


def test_responsible_present():
    fires = with_tasks({"id": "plan", "type": "planning", "accountable": "anna"})
    quiet = with_tasks({"id": "plan", "type": "planning", "accountable": "anna",
                        "responsible": ["team"]})
    assert subjects(findings(fires, "RESPONSIBLE_PRESENT")) == [["plan"]]
    assert findings(fires, "RESPONSIBLE_PRESENT")[0].severity == "warning"
    assert findings(quiet, "RESPONSIBLE_PRESENT") == []


# --- ACCOUNTABLE_HAS_AUTHORITY ------------------------------------------------------------


def test_accountable_without_mandate_fires_with_task_and_person():
    data = with_tasks({"id": "methode", "type": "methodekeuze", "accountable": "ilse",
                       "responsible": ["lt-boven"]})
    found = findings(data, "ACCOUNTABLE_HAS_AUTHORITY")
    assert subjects(found) == [["methode", "ilse"]]
    because = found[0].explanation.because
    for item in ("methodekeuze", "leren_en_ontwikkeling"):  # neither its type nor its domain
        assert {"fact": "scope", "absent": True, "to": "ilse", "from_leader": True,
                "item": item} in because


@pytest.mark.parametrize("scope", [["methodekeuze"], ["leren_en_ontwikkeling"]])
def test_a_mandate_covering_type_or_domain_gives_authority(scope):
    data = with_tasks({"id": "methode", "type": "methodekeuze", "accountable": "ilse",
                       "responsible": ["lt-boven"]},
                      mandates=[{"id": "m1", "from": "anna", "to": "ilse", "scope": scope,
                                 "communicated_to_team": False}])
    assert findings(data, "ACCOUNTABLE_HAS_AUTHORITY") == []


def test_a_mandate_for_another_type_or_from_a_non_leader_gives_no_authority():
    other_scope = with_tasks(
        {"id": "methode", "type": "methodekeuze", "accountable": "ilse", "responsible": ["tom"]},
        mandates=[{"id": "m1", "from": "anna", "to": "ilse", "scope": ["studiedag"],
                   "communicated_to_team": True}])
    not_leader = with_tasks(
        {"id": "methode", "type": "methodekeuze", "accountable": "ilse", "responsible": ["tom"]},
        mandates=[{"id": "m1", "from": "tom", "to": "ilse", "scope": ["methodekeuze"],
                   "communicated_to_team": True}])
    assert subjects(findings(other_scope, "ACCOUNTABLE_HAS_AUTHORITY")) == [["methode", "ilse"]]
    assert subjects(findings(not_leader, "ACCOUNTABLE_HAS_AUTHORITY")) == [["methode", "ilse"]]


def test_bestuur_needs_no_mandate():
    data = with_tasks({"id": "bov", "type": "bovenschools_overleg", "accountable": "rob",
                       "responsible": ["ilse"]})
    data["people"].append({"id": "rob", "roles": ["bestuur"]})
    assert findings(data, "ACCOUNTABLE_HAS_AUTHORITY") == []


# --- MANDATE_FROM_LEADER and MANDATE_COMMUNICATED ----------------------------------------


def test_mandate_rules():
    data = school_data(mandates=[
        {"id": "m-ok", "from": "anna", "to": "ilse", "scope": ["studiedag"],
         "communicated_to_team": True},
        {"id": "m-tom", "from": "tom", "to": "sara", "scope": ["studiedag"],
         "communicated_to_team": True},
        {"id": "m-stil", "from": "anna", "to": "ilse", "scope": ["methodekeuze"],
         "communicated_to_team": False},
    ])
    assert subjects(findings(data, "MANDATE_FROM_LEADER")) == [["m-tom", "tom"]]
    communicated = findings(data, "MANDATE_COMMUNICATED")
    assert subjects(communicated) == [["m-stil"]]
    assert communicated[0].explanation.path == ["anna", "m-stil", "ilse"]


# --- FUNCTIONING_IS_LEADER, IB_NO_ASSESSOR, PERSONNEL_DATA_ACCESS -------------------------


def test_functioning_is_leader():
    fires = with_tasks({"id": "fg", "type": "functioneringsgesprek", "accountable": "tom",
                        "responsible": ["anna"]})
    quiet = with_tasks({"id": "fg", "type": "functioneringsgesprek", "accountable": "anna",
                        "responsible": ["anna"]})
    assert subjects(findings(fires, "FUNCTIONING_IS_LEADER")) == [["fg", "tom"]]
    assert findings(quiet, "FUNCTIONING_IS_LEADER") == []


def test_ib_no_assessor_as_responsible_and_accountable_gives_one_finding():
    data = with_tasks({"id": "beoordeling", "type": "beoordelingsgesprek",
                       "accountable": "ilse", "responsible": ["ilse"]})
    found = findings(data, "IB_NO_ASSESSOR")
    assert subjects(found) == [["ilse", "beoordeling"]]
    assert "eindverantwoordelijk en uitvoerend" in found[0].message


def test_ib_no_assessor_quiet_when_ib_is_only_consulted_on_a_non_personnel_task():
    data = with_tasks({"id": "beoordeling", "type": "beoordelingsgesprek",
                       "accountable": "anna", "responsible": ["anna"]})
    assert findings(data, "IB_NO_ASSESSOR") == []


def test_ib_no_assessor_path_runs_ib_task_accountable():
    data = with_tasks({"id": "beoordeling", "type": "beoordelingsgesprek",
                       "accountable": "anna", "responsible": ["anna", "ilse"]})
    (found,) = findings(data, "IB_NO_ASSESSOR")
    assert found.explanation.path == ["ilse", "beoordeling", "anna"]
    assert found.explanation.source.text == "000_6fab9eb3bb0d62ef.txt"


def test_personnel_data_access_lists_offenders_consulted_then_informed_once_each():
    data = with_tasks({"id": "dossier", "type": "personeelsdossier", "accountable": "anna",
                       "responsible": ["anna"], "about": "tom",
                       "consulted": ["sara", "ilse", "tom"],
                       "informed": ["lt-boven", "ilse", "team", "anna"]})
    found = findings(data, "PERSONNEL_DATA_ACCESS")
    # consulted offenders (by id), then informed offenders not already named; the person
    # it is about (tom) and the school leader (anna) may see it
    assert subjects(found) == [["dossier", "ilse", "sara", "lt-boven", "team"]]


def test_personnel_data_access_quiet_for_leader_board_and_the_person_concerned():
    data = with_tasks({"id": "dossier", "type": "personeelsdossier", "accountable": "anna",
                       "responsible": ["anna"], "about": "tom", "consulted": ["rob"],
                       "informed": ["tom"]})
    data["people"].append({"id": "rob", "roles": ["bestuur"]})
    assert findings(data, "PERSONNEL_DATA_ACCESS") == []


# --- NO_CHECKLIST_ROUNDS, CASE_HOLDER_IS_TEACHER, IB_DIRECTS_CARE, TEAMS_OWN_DATA ---------


def test_no_checklist_rounds():
    fires = with_tasks({"id": "rondes", "type": "klassenbezoek_checklist",
                        "accountable": "anna", "responsible": ["ilse"]})
    quiet = with_tasks({"id": "rondes", "type": "klassenbezoek_checklist",
                        "accountable": "anna", "responsible": ["anna"], "consulted": ["ilse"]})
    assert subjects(findings(fires, "NO_CHECKLIST_ROUNDS")) == [["ilse", "rondes"]]
    assert findings(quiet, "NO_CHECKLIST_ROUNDS") == []


@pytest.mark.parametrize("case_holder", [None, "ilse", "anna"])
def test_case_holder_must_be_a_teacher(case_holder):
    task = {"id": "casus", "type": "zorgcasus", "accountable": "anna", "responsible": ["tom"]}
    if case_holder:
        task["case_holder"] = case_holder
    assert subjects(findings(with_tasks(task), "CASE_HOLDER_IS_TEACHER")) == [["casus"]]


def test_case_holder_teacher_is_quiet_and_other_task_types_are_ignored():
    teacher = with_tasks({"id": "casus", "type": "oudergesprek_zorg", "accountable": "anna",
                          "responsible": ["tom"], "case_holder": "tom"})
    other = with_tasks({"id": "opp", "type": "opp_opstellen", "accountable": "anna",
                        "responsible": ["tom"]})
    assert findings(teacher, "CASE_HOLDER_IS_TEACHER") == []
    assert findings(other, "CASE_HOLDER_IS_TEACHER") == []


def test_ib_directs_care_mdo_without_ib():
    data = with_tasks({"id": "mdo2", "type": "mdo_organiseren", "accountable": "anna",
                       "responsible": ["tom"]})
    assert subjects(findings(data, "IB_DIRECTS_CARE")) == [["ilse", "mdo2"]]


def test_ib_directs_care_with_two_ibers_asks_that_one_of_them_directs_each_mdo():
    data = with_tasks(
        {"id": "mdo-onder", "type": "mdo_organiseren", "accountable": "anna",
         "responsible": ["nina"]},
        {"id": "mdo-los", "type": "mdo_organiseren", "accountable": "anna",
         "responsible": ["tom"]})
    data["people"].append({"id": "nina", "roles": ["intern_begeleider"]})
    found = findings(data, "IB_DIRECTS_CARE")
    # 'mdo' (BASE) has ilse, 'mdo-onder' has nina: directed. 'mdo-los' has no ib'er at all,
    # and one finding names every ib'er, by id, then the task (the catalogue): nothing in
    # the school says which of them should direct it.
    assert subjects(found) == [["ilse", "nina", "mdo-los"]]
    because = found[0].explanation.because
    assert [f["person"] for f in because if f["fact"] == "person"] == ["ilse", "nina"]
    assert {"fact": "assignment", "absent": True, "task": "mdo-los", "as": "responsible",
            "who_ib": True} in because


def test_ib_directs_care_names_the_ibers_who_are_not_the_school_leader():
    """The first ib role holder is the school leader: the finding names the other ib'ers."""
    data = school_data(
        people=[{"id": "anna", "roles": ["schoolleider", "intern_begeleider"]},
                {"id": "ilse", "roles": ["intern_begeleider"]},
                {"id": "nina", "roles": ["intern_begeleider"]},
                {"id": "tom", "roles": ["leraar"]}],
        teams=[],
        tasks=[{"id": "mdo", "type": "mdo_organiseren", "accountable": "anna",
                "responsible": ["tom"]}])
    assert subjects(findings(data, "IB_DIRECTS_CARE")) == [["ilse", "nina", "mdo"]]


def test_ib_directs_care_parent_talk_by_ib_without_teacher():
    alone = with_tasks({"id": "og", "type": "oudergesprek_zorg", "accountable": "anna",
                        "responsible": ["ilse"], "case_holder": "tom"})
    with_teacher = with_tasks({"id": "og", "type": "oudergesprek_zorg", "accountable": "anna",
                               "responsible": ["ilse", "tom"], "case_holder": "tom"})
    assert subjects(findings(alone, "IB_DIRECTS_CARE")) == [["ilse", "og"]]
    assert findings(with_teacher, "IB_DIRECTS_CARE") == []


def test_teams_own_data():
    alone = with_tasks({"id": "analyse", "type": "schoolanalyse", "accountable": "anna",
                        "responsible": ["ilse"]})
    with_team = with_tasks({"id": "analyse", "type": "schoolanalyse", "accountable": "anna",
                            "responsible": ["ilse", "lt-boven"]})
    assert subjects(findings(alone, "TEAMS_OWN_DATA")) == [["analyse"]]
    assert findings(with_team, "TEAMS_OWN_DATA") == []


# --- SOLE_COACH ---------------------------------------------------------------------------


def coaching(task_id: str, responsible: list[str]) -> dict:
    return {"id": task_id, "type": "coaching", "accountable": "anna", "responsible": responsible}


def test_sole_coach_fires_when_ib_coaches_alone_everywhere_and_no_peer_coaching():
    data = with_tasks(coaching("c1", ["ilse"]), coaching("c2", ["ilse"]))
    found = findings(data, "SOLE_COACH")
    assert subjects(found) == [["ilse"]]
    tasks = {f["task"] for f in found[0].explanation.because
             if f["fact"] == "task" and not f.get("absent")}
    assert tasks == {"c1", "c2"}


def test_sole_coach_quiet_with_a_second_coach_or_peer_coaching():
    shared = with_tasks(coaching("c1", ["ilse"]), coaching("c2", ["ilse", "tom"]))
    peer = with_tasks(coaching("c1", ["ilse"]),
                      {"id": "cc", "type": "collegiale_consultatie", "accountable": "anna",
                       "responsible": ["lt-boven"]})
    assert findings(shared, "SOLE_COACH") == []
    assert findings(peer, "SOLE_COACH") == []


# --- BEHEER_OVERLOAD and CURATIVE_OVER_PREVENTIVE -----------------------------------------


def hours_tasks(beheer: float, zorg: float, leren: float) -> list[dict]:
    return [
        {"id": "adm", "type": "administratie", "accountable": "anna", "responsible": ["ilse"],
         "hours": {"ilse": beheer}},
        {"id": "llb", "type": "leerlingbespreking", "accountable": "anna",
         "responsible": ["ilse"], "hours": {"ilse": zorg}},
        {"id": "lt", "type": "leerteam_begeleiden", "accountable": "anna",
         "responsible": ["ilse"], "hours": {"ilse": leren}},
    ]


def test_beheer_overload_boundary_is_strictly_more_than_half():
    at = findings(with_tasks(*hours_tasks(50, 10, 40)), "BEHEER_OVERLOAD")
    over = findings(with_tasks(*hours_tasks(51, 10, 39)), "BEHEER_OVERLOAD")
    assert at == []
    assert subjects(over) == [["ilse"]]
    assert over[0].explanation.params == {"max_beheer_share": 0.5}
    assert "51%" in over[0].message


def test_curative_over_preventive_boundary_and_param_override():
    at = with_tasks(*hours_tasks(40, 35, 25))
    over = with_tasks(*hours_tasks(40, 36, 24))
    assert findings(at, "CURATIVE_OVER_PREVENTIVE") == []
    assert subjects(findings(over, "CURATIVE_OVER_PREVENTIVE")) == [["ilse"]]
    at["params"] = {"max_curative_share": 0.7}
    assert subjects(findings(at, "CURATIVE_OVER_PREVENTIVE")) == [["ilse"]]


def test_hour_rules_ignore_people_without_hours():
    data = with_tasks({"id": "adm", "type": "administratie", "accountable": "anna",
                       "responsible": ["ilse"], "hours": {"ilse": 0}})
    assert findings(data, "BEHEER_OVERLOAD") == []
    assert findings(data, "CURATIVE_OVER_PREVENTIVE") == []


# --- ALL_THREE_ROLES, LEADER_IS_NOT_IB, INTERIM_NEEDS_MANDATE, TOO_MANY_ACCOUNTABILITIES ---


def test_all_three_roles_is_one_finding_naming_every_missing_domain():
    data = school_data(tasks=[BASE["tasks"][0]])  # only leren_en_ontwikkeling left
    found = findings(data, "ALL_THREE_ROLES")
    assert subjects(found) == [["ilse"]]
    missing = {f["domain"] for f in found[0].explanation.because if f.get("absent")}
    assert missing == {"data_monitoring_reflectie", "zorg_en_ondersteuning"}
    assert "data, monitoring en reflectie" in found[0].message
    assert "zorg en ondersteuning" in found[0].message


def test_all_three_roles_counts_consulted_but_not_informed():
    data = school_data()
    data["tasks"] = [t for t in data["tasks"] if t["id"] != "kwaliteit"]
    data["tasks"][1]["consulted"] = []
    data["tasks"][1]["informed"] = ["ilse"]
    found = findings(data, "ALL_THREE_ROLES")
    assert [f["domain"] for f in found[0].explanation.because if f.get("absent")] == [
        "data_monitoring_reflectie"]


def test_leader_is_not_ib():
    data = school_data()
    data["people"][0]["roles"] = ["schoolleider", "intern_begeleider"]
    assert subjects(findings(data, "LEADER_IS_NOT_IB")) == [["anna"]]
    assert findings(BASE, "LEADER_IS_NOT_IB") == []


def interim_school(**changes) -> dict:
    data = school_data(**changes)
    data["people"][1]["roles"] = ["interim_intern_begeleider"]
    return data


def test_interim_needs_mandate_and_tasks():
    no_mandate = interim_school()
    assert subjects(findings(no_mandate, "INTERIM_NEEDS_MANDATE")) == [["ilse"]]
    mandate = [{"id": "m", "from": "anna", "to": "ilse", "scope": ["zorg_en_ondersteuning"],
                "communicated_to_team": True}]
    complete = interim_school(mandates=mandate)
    assert findings(complete, "INTERIM_NEEDS_MANDATE") == []
    no_tasks = interim_school(mandates=mandate, tasks=[])
    found = findings(no_tasks, "INTERIM_NEEDS_MANDATE")
    assert subjects(found) == [["ilse"]]
    assert [f["fact"] for f in found[0].explanation.because if f.get("absent")] == ["assignment"]


def test_too_many_accountabilities_boundary_and_school_leader_exempt():
    def tasks(owner: str, n: int) -> list[dict]:
        return [{"id": f"t{i}", "type": "overig", "accountable": owner, "responsible": ["tom"]}
                for i in range(n)]
    mandate = [{"id": "m", "from": "anna", "to": "ilse", "scope": ["overig",
                "beleid_en_beheer"], "communicated_to_team": True}]
    assert findings(with_tasks(*tasks("ilse", 10), mandates=mandate),
                    "TOO_MANY_ACCOUNTABILITIES") == []
    assert subjects(findings(with_tasks(*tasks("ilse", 11), mandates=mandate),
                             "TOO_MANY_ACCOUNTABILITIES")) == [["ilse"]]
    assert findings(with_tasks(*tasks("anna", 30)), "TOO_MANY_ACCOUNTABILITIES") == []


# --- escalation ---------------------------------------------------------------------------


def signal_school(*signals: dict, **changes) -> dict:
    return school_data(signals=list(signals), **changes)


def dev_lag(days: int) -> dict:
    import datetime as dt
    since = dt.date(2026, 11, 22) - dt.timedelta(days=days)
    return {"id": "s1", "type": "ontwikkeling_blijft_achter", "about": "tom",
            "handled_by": "ilse", "since": since.isoformat()}


def test_dev_lag_boundary_83_versus_84_days():
    young = findings(signal_school(dev_lag(83)))
    old = findings(signal_school(dev_lag(84)))
    assert [(f.rule, f.subjects, f.escalate_to) for f in young] == [
        ("DEV_LAG_SUPPORT", ["s1"], "ilse")]
    assert [(f.rule, f.subjects, f.escalate_to) for f in old] == [
        ("DEV_LAG_TO_LEADER", ["s1"], "anna")]
    assert old[0].explanation.path == ["ilse", "anna"]
    assert old[0].explanation.params == {"dev_lag_weeks": 12}


def test_dev_lag_param_from_the_school_moves_the_boundary():
    data = signal_school(dev_lag(50), params={"dev_lag_weeks": 7})
    assert [f.rule for f in findings(data)] == ["DEV_LAG_TO_LEADER"]


def test_own_course_goes_to_the_first_school_leader_in_file_order():
    data = signal_school({"id": "s1", "type": "eigen_koers", "about": "tom",
                          "handled_by": "ilse"})
    data["people"].append({"id": "bert", "roles": ["schoolleider"]})
    (found,) = findings(data, "OWN_COURSE_TO_LEADER")
    assert found.escalate_to == "anna"


@pytest.mark.parametrize("signal, rule, target", [
    ({"willful": True}, "BREACH_TO_LEADER", "anna"),
    ({"conversation_held": True, "count": 2}, "BREACH_TO_LEADER", "anna"),
    ({"conversation_held": True, "willful": True, "count": 3}, "BREACH_TO_LEADER", "anna"),
    ({"conversation_held": False, "count": 5}, "ADDRESS_FIRST", "tom"),
    ({"conversation_held": True, "count": 1}, None, None),
])
def test_broken_agreements(signal, rule, target):
    base = {"id": "s1", "type": "afspraak_niet_nagekomen", "about": "sara", "handled_by": "tom"}
    found = findings(signal_school({**base, **signal}))
    assert [(f.rule, f.escalate_to) for f in found] == ([(rule, target)] if rule else [])


def test_address_first_without_handler_goes_to_the_ib():
    data = signal_school({"id": "s1", "type": "afspraak_niet_nagekomen", "about": "sara"})
    (found,) = findings(data)
    assert (found.rule, found.escalate_to) == ("ADDRESS_FIRST", "ilse")


def test_care_table_and_results_go_to_the_ib_even_an_interim_one():
    data = interim_school(signals=[
        {"id": "s1", "type": "extra_ondersteuning_nodig", "about": "lln-4711", "handled_by": "tom"},
        {"id": "s2", "type": "resultaten_onder_signaleringswaarde", "about": "lt-boven"},
    ], mandates=[{"id": "m", "from": "anna", "to": "ilse", "scope": ["zorg_en_ondersteuning"],
                  "communicated_to_team": True}])
    found = {f.rule: f for f in findings(data) if f.rule in ("CARE_TABLE", "RESULTS_TO_TEAMS")}
    assert found["CARE_TABLE"].escalate_to == "ilse"
    assert found["CARE_TABLE"].explanation.path == ["tom", "ilse"]
    assert found["RESULTS_TO_TEAMS"].escalate_to == "ilse"


def test_school_leader_who_is_also_ib_is_the_ib_target():
    data = signal_school({"id": "s1", "type": "extra_ondersteuning_nodig", "about": "lln-1"},
                         people=[{"id": "anna", "roles": ["schoolleider", "intern_begeleider"]},
                                 {"id": "tom", "roles": ["leraar"]}],
                         tasks=[], teams=[])
    (found,) = findings(data, "CARE_TABLE")
    assert found.escalate_to == "anna"


def test_no_escalation_target_replaces_the_rule_that_would_fire():
    data = signal_school(dev_lag(100), dev_lag(10) | {"id": "s2"},
                         people=[{"id": "ilse", "roles": ["intern_begeleider"]},
                                 {"id": "tom", "roles": ["leraar"]}],
                         tasks=[], teams=[])
    found = findings(data)
    by_rule = {(f.rule, tuple(f.subjects)): f for f in found}
    assert ("DEV_LAG_TO_LEADER", ("s1",)) not in by_rule
    missing = by_rule[("NO_ESCALATION_TARGET", ("s1",))]
    assert missing.escalate_to is None
    assert missing.severity == "violation"
    # the rule that could not end at a person, by its title: a sentence has no rule ids
    assert "'De ontwikkeling blijft te lang uit: de schoolleider neemt het over'" in \
        missing.message and "DEV_LAG_TO_LEADER" not in missing.message
    # the signal's route (the pack's default) ends at a role nobody holds
    walked = [f for f in missing.explanation.because if f["fact"] == "walk"]
    assert [(f["role"], f["person"], f["nobody"]) for f in walked] == [("schoolleider", "", "role")]
    assert by_rule[("DEV_LAG_SUPPORT", ("s2",))].escalate_to == "ilse"


def test_every_signal_is_matched_by_at_most_one_escalation_rule(example):
    report = mandaat.check(example)
    signal_ids = {s.id for s in example.signals}
    per_signal = [f.subjects[0] for f in report.findings if f.subjects[:1]
                  and f.subjects[0] in signal_ids]
    assert len(per_signal) == len(set(per_signal))


# --- the whole catalogue is covered by this file --------------------------------------------


def test_every_rule_of_the_pack_is_named_in_this_file():
    # the rules on routes, absence and mandates given on are tested in test_routes.py
    routes = Path(__file__).parents[1] / "unit" / "test_routes.py"
    text = Path(__file__).read_text(encoding="utf-8") + routes.read_text(encoding="utf-8")
    missing = [r.id for r in mandaat.default_pack().rules if f'"{r.id}"' not in text]
    assert missing == []


# --- real schools: externals, parents, defaults, several ib'ers, line management ---------


def _with_externals(*tasks, **changes):
    data = with_tasks(*tasks, **changes)
    data["externals"] = [{"id": "swv", "kind": "samenwerkingsverband",
                          "name": "Samenwerkingsverband De Brug"},
                         {"id": "ggd", "kind": "ggd_jgz"}]
    return data


def test_accountable_is_staff_fires_for_an_external_or_the_parents():
    data = _with_externals(
        {"id": "arr", "type": "arrangement_swv", "accountable": "swv", "responsible": ["ilse"]},
        {"id": "og", "type": "oudergesprek_zorg", "accountable": "ouders",
         "responsible": ["tom"], "case_holder": "tom"})
    assert subjects(findings(data, "ACCOUNTABLE_IS_STAFF")) == [["arr", "swv"], ["og", "ouders"]]
    found = findings(data, "ACCOUNTABLE_IS_STAFF")[0]
    assert found.message.startswith("Samenwerkingsverband De Brug is eindverantwoordelijk")


def test_externals_and_parents_may_be_responsible_consulted_or_informed():
    data = _with_externals(
        {"id": "arr", "type": "arrangement_swv", "accountable": "anna",
         "responsible": ["ilse", "swv"], "consulted": ["ouders", "ggd"], "informed": ["tom"],
         "parent_consent": True})
    assert findings(data) == []


def test_personnel_data_access_counts_externals_and_parents():
    data = _with_externals(
        {"id": "fg", "type": "functioneringsgesprek", "accountable": "anna",
         "responsible": ["anna"], "about": "tom", "informed": ["ggd", "ouders"]})
    assert subjects(findings(data, "PERSONNEL_DATA_ACCESS")) == [["fg", "ggd", "ouders"]]


def test_a_task_without_accountable_takes_the_schools_default():
    data = with_tasks({"id": "gb", "type": "groepsbespreking", "responsible": ["ilse"]})
    assert subjects(findings(data, "SINGLE_ACCOUNTABLE")) == [["gb"]]
    data["defaults"] = {"accountable": "anna"}
    assert findings(data) == []
    # a default accountable without authority is judged like a written one, and says so
    data["defaults"] = {"accountable": "tom"}
    (found,) = findings(data, "ACCOUNTABLE_HAS_AUTHORITY")
    assert found.subjects == ["gb", "tom"]
    assert {"fact": "assignment", "task": "gb", "as": "accountable", "who": "tom",
            "by_default": True} in [{k: f[k] for k in ("fact", "task", "as", "who", "by_default")
                                     if k in f} for f in found.explanation.because]
    assert found.message.endswith("Dat Tom Mulder hier eindverantwoordelijk is, volgt uit de "
                                  "standaard die de school voor alle taken heeft vastgelegd, "
                                  "niet uit de taak zelf.")


def test_a_tasks_own_accountable_wins_over_the_default():
    data = with_tasks({"id": "gb", "type": "groepsbespreking", "accountable": "anna",
                       "responsible": ["ilse"]}, defaults={"accountable": "tom"})
    assert findings(data) == []


def test_known_task_type_nudges_an_other_task_whose_title_names_a_type():
    data = with_tasks({"id": "vo", "type": "overig", "title": "Overdracht naar het VO",
                       "accountable": "anna", "responsible": ["tom"]},
                      {"id": "reis", "type": "overig", "title": "Schoolreisje",
                       "accountable": "anna", "responsible": ["tom"]})
    (found,) = findings(data, "KNOWN_TASK_TYPE")
    assert found.subjects == ["vo"]
    assert "de overdracht naar het vo" in found.message
    assert "overdracht_vo" in found.explanation.suggestion


def _two_ibers(**changes):
    data = school_data(**changes)
    data["people"] = [
        {"id": "anna", "roles": ["schoolleider"]},
        {"id": "ilse", "roles": ["intern_begeleider"], "supervises": ["1", "2", "3", "4"]},
        {"id": "nina", "roles": ["intern_begeleider"], "supervises": ["bovenbouw"]},
        {"id": "tom", "roles": ["leraar"], "groups": ["3"]},
        {"id": "sara", "roles": ["leraar"], "groups": ["7"]},
    ]
    data["teams"] = [{"id": "lt-boven", "kind": "leerteam", "members": ["tom", "sara"]},
                     {"id": "bovenbouw", "kind": "bouw", "members": ["sara"]}]
    return data


def test_the_iber_of_a_signal_is_the_one_who_supervises_its_subject():
    data = _two_ibers(signals=[
        {"id": "s-sara", "type": "ontwikkeling_blijft_achter", "about": "sara",
         "since": "2026-11-01"},
        {"id": "s-tom", "type": "ontwikkeling_blijft_achter", "about": "tom",
         "since": "2026-11-01"},
        {"id": "s-lln", "type": "extra_ondersteuning_nodig", "about": "lln-7", "group": "1"},
        {"id": "s-los", "type": "extra_ondersteuning_nodig", "about": "lln-8"}])
    # nina comes later in the file than ilse: the graph decides, not the order
    found = {f.subjects[0]: f.escalate_to for f in findings(data)
             if f.rule in ("DEV_LAG_SUPPORT", "CARE_TABLE")}
    assert found == {"s-sara": "nina", "s-tom": "ilse", "s-lln": "ilse", "s-los": "ilse"}
    data["people"][1], data["people"][2] = data["people"][2], data["people"][1]
    # with no supervising ib'er the first by id is named, whatever the order of the file
    found = {f.subjects[0]: f.escalate_to for f in findings(data)
             if f.rule in ("DEV_LAG_SUPPORT", "CARE_TABLE")}
    assert found == {"s-sara": "nina", "s-tom": "ilse", "s-lln": "ilse", "s-los": "ilse"}


def test_sole_coach_considers_the_ibers_together():
    data = _two_ibers()
    data["tasks"] = data["tasks"] + [
        {"id": "c1", "type": "coaching", "accountable": "anna", "responsible": ["ilse"]},
        {"id": "c2", "type": "coaching", "accountable": "anna", "responsible": ["nina"]}]
    (found,) = findings(data, "SOLE_COACH")
    assert found.subjects == ["ilse", "nina"]
    data["tasks"][-1]["responsible"] = ["nina", "sara"]  # a teacher coaches too: quiet
    assert findings(data, "SOLE_COACH") == []


def test_all_three_roles_judges_the_ibers_together_and_reports_a_gap_once():
    data = _two_ibers()
    # ilse: learning and care; nina: data (in BASE's 'trend' as consulted)
    data["tasks"][1]["consulted"] = ["nina"]
    data["tasks"] = [t for t in data["tasks"] if t["id"] != "kwaliteit"]
    data["tasks"].append({"id": "kwaliteit", "type": "kwaliteitsdialoog", "accountable": "anna",
                          "responsible": ["anna"], "consulted": ["nina"]})
    assert findings(data, "ALL_THREE_ROLES") == []
    data["tasks"] = [t for t in data["tasks"] if t["type"] != "mdo_organiseren"]
    (found,) = findings(data, "ALL_THREE_ROLES")
    assert found.subjects == ["ilse", "nina"]
    assert "zorg en ondersteuning" in found.message


def test_ib_not_line_manager_fires_when_an_iber_leads_people():
    data = _two_ibers()
    data["people"][2]["leads"] = ["bovenbouw"]  # nina leads the bouw she coaches
    data["people"][0]["leads"] = ["tom"]       # the school leader leading is fine
    assert subjects(findings(data, "IB_NOT_LINE_MANAGER")) == [["nina", "sara"]]
    data["people"][2]["leads"] = []
    assert findings(data, "IB_NOT_LINE_MANAGER") == []


def test_quality_dialogue_needs_leader_and_iber_on_one_standing_consultation():
    data = school_data()
    data["tasks"] = [t for t in data["tasks"] if t["id"] != "kwaliteit"]
    (found,) = findings(data, "QUALITY_DIALOGUE")
    assert found.subjects == ["ilse"]
    mt = {"id": "mt", "type": "overleg_schoolleiding", "accountable": "anna",
          "responsible": ["anna"]}
    assert subjects(findings(with_tasks(mt, tasks=data["tasks"]), "QUALITY_DIALOGUE")) == [
        ["ilse"]]
    mt["consulted"] = ["ilse"]
    assert findings(with_tasks(mt, tasks=data["tasks"]), "QUALITY_DIALOGUE") == []


def _without_dialogue() -> dict:
    data = school_data()
    data["tasks"] = [t for t in data["tasks"] if t["id"] != "kwaliteit"]
    return data


def test_quality_dialogue_sees_the_members_of_a_team_on_the_consultation():
    # issue 25: the MT named as a team on the schoolleiding-overleg stands for its members
    data = _without_dialogue()
    data["teams"] = data["teams"] + [
        {"id": "mt", "kind": "managementteam", "members": ["anna", "ilse"]}]
    overleg = {"id": "overleg", "type": "overleg_schoolleiding", "accountable": "anna",
               "responsible": ["mt"]}
    assert findings(with_tasks(overleg, tasks=data["tasks"], teams=data["teams"]),
                    "QUALITY_DIALOGUE") == []
    # a team without the ib'er does not bring her to the table
    data["teams"][-1]["members"] = ["anna", "tom"]
    (found,) = findings(with_tasks(overleg, tasks=data["tasks"], teams=data["teams"]),
                        "QUALITY_DIALOGUE")
    assert found.subjects == ["ilse"]
    assert {"fact": "member_assignment", "absent": True, "who_ib": True,
            "as": {"in": ["accountable", "responsible", "consulted"]},
            "task_type": {"in": ["kwaliteitsdialoog", "overleg_schoolleiding"]}
            } in found.explanation.because


def test_quality_dialogue_a_board_member_is_not_the_school_leader():
    # issue 25: a bestuur member on the dialogue does not stand in for the school leader
    data = _without_dialogue()
    data["people"] = data["people"] + [{"id": "bert", "roles": ["bestuur"]}]
    dialogue = {"id": "dialoog", "type": "kwaliteitsdialoog", "accountable": "bert",
                "responsible": ["bert", "ilse"]}
    (found,) = findings(with_tasks(dialogue, tasks=data["tasks"], people=data["people"]),
                        "QUALITY_DIALOGUE")
    assert found.subjects == ["ilse"]
    dialogue["consulted"] = ["anna"]
    assert findings(with_tasks(dialogue, tasks=data["tasks"], people=data["people"]),
                    "QUALITY_DIALOGUE") == []


def test_trends_not_calendar_sees_the_iber_in_a_team_on_a_data_task():
    calendar = {"id": "kalender", "type": "toetskalender", "accountable": "anna",
                "responsible": ["ilse"]}
    data = with_tasks(calendar)
    data["tasks"][1]["consulted"] = []  # BASE's trendanalyse without the ib'er
    data["tasks"][3]["responsible"] = ["anna"]  # and the quality dialogue too
    (found,) = findings(data, "TRENDS_NOT_CALENDAR")
    assert found.subjects == ["ilse"]
    data["teams"][0]["members"] = ["tom", "sara", "ilse"]  # the leerteam on the trend analysis
    assert findings(data, "TRENDS_NOT_CALENDAR") == []


def test_catalogue_rules_still_count_only_direct_naming():
    # "Responsible" in the catalogue means named directly, not via a team
    rounds = {"id": "rondes", "type": "klassenbezoek_checklist", "accountable": "anna",
              "responsible": ["lt-boven"]}
    data = with_tasks(rounds)
    data["teams"][0]["members"] = ["tom", "sara", "ilse"]
    assert findings(data, "NO_CHECKLIST_ROUNDS") == []


def test_no_file_supervision_fires_for_the_iber_only():
    task = {"id": "dossiers", "type": "dossiertoezicht", "accountable": "anna",
            "responsible": ["ilse"]}
    assert subjects(findings(with_tasks(task), "NO_FILE_SUPERVISION")) == [["ilse", "dossiers"]]
    task["responsible"] = ["anna"]
    assert findings(with_tasks(task), "NO_FILE_SUPERVISION") == []


def test_trends_not_calendar_when_the_test_calendar_is_all_of_the_data_role():
    data = school_data()
    data["tasks"] = [t for t in data["tasks"] if t["id"] not in ("trend", "kwaliteit")]
    data["tasks"].append({"id": "tk", "type": "toetskalender", "accountable": "anna",
                          "responsible": ["ilse"]})
    (found,) = findings(data, "TRENDS_NOT_CALENDAR")
    assert found.subjects == ["ilse"]
    data["tasks"].append({"id": "sa", "type": "schoolanalyse", "accountable": "anna",
                          "responsible": ["lt-boven"], "consulted": ["ilse"]})
    assert findings(data, "TRENDS_NOT_CALENDAR") == []


def test_the_report_says_when_workload_could_not_be_judged(tmp_path):
    data = school_data()
    data["people"][1]["days_per_week"] = 2.5
    report = mandaat.check(mandaat.load_school(data))
    assert [(n.kind, n.subjects) for n in report.notes] == [("workload_not_judged", ["ilse"])]
    assert report.notes[0].message.startswith(
        "De werkdruk van Ilse Bakker (ib'er, 2,5 dagen per week) is niet beoordeeld")
    data["tasks"][0]["hours"] = {"ilse": 40}
    assert mandaat.check(mandaat.load_school(data)).notes == []
    # a pack without hour rules has nothing it could not judge
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: p\nversion: '1'\nrules:\n  - id: NO_STUDY_DAY\n"
                    "    severity: advice\n    when: [{absent: task, where: {type: studiedag}}]\n"
                    "    message: {nl: x, en: x}\n    suggestion: {nl: x, en: x}\n"
                    "    source: {text: a.txt, quote: x}\n", encoding="utf-8")
    report = mandaat.check(mandaat.load_school(school_data()), rules=[pack], rules_only=True)
    assert report.notes == []


def test_the_route_to_a_tasks_accountable_follows_the_default():
    data = with_tasks({"id": "gb", "type": "groepsbespreking"}, defaults={"accountable": "anna"})
    (found,) = findings(data, "RESPONSIBLE_PRESENT")
    assert found.explanation.path == ["gb", "anna"]
