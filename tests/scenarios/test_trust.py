"""Findings a school leader can trust: each school file in tests/data/trust/ was written
for one way a report said something false, empty or repeated, and each test here reads
the answer a school leader would expect off the rule catalogue and the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mandaat
from mandaat.report.text import render_text
from mandaat.school import vocabulary as V

TRUST = Path(__file__).parent.parent / "data" / "trust"
ROOT = Path(__file__).parent.parent.parent


def check(name: str, **kwargs):
    return mandaat.check(mandaat.load_school(TRUST / name), **kwargs)


def of_rule(report, rule: str):
    return [f for f in report.findings if f.rule == rule]


# --- point 12: the words of KNOWN_TASK_TYPE -------------------------------------------------


def test_known_task_type_finds_compounds_and_plurals_of_its_own_words():
    found = {f.subjects[0]: f.explanation.because[0]["suggested_type"]
             for f in of_rule(check("taaknamen.yaml"), "KNOWN_TASK_TYPE")}
    # Groepshandelingsplannen holds handelingsplannen, the plural of handelingsplan;
    # Kwaliteitsgesprekken the plural of kwaliteitsgesprek; a self-assessment and a
    # school trip are no task type
    assert found == {"ghp": "groepsplan", "kwg": "kwaliteitsdialoog"}


@pytest.mark.parametrize("task_type", sorted(V.type_words()))
def test_every_word_of_a_type_its_plural_and_compound_point_to_that_type(task_type):
    for word in V.type_words()[task_type]:
        longer = [w for t, ws in V.type_words().items() if t != task_type
                  for w in ws if len(w) > len(word) and word in w]
        if longer:  # a longer word of another type holds this one: it wins where it stands
            continue
        for form in V.word_forms(word):
            assert V.suggested_type(form.upper()) == task_type, form
        first = re.split(r"[^a-z]", word)[0]  # of "mt-overleg", "mt"
        compound = V.suggested_type("zorgzq" + word)
        if len(first) >= 6 and word != "beoordeling":
            assert compound == task_type, word
        else:
            assert compound != task_type, word


def test_the_format_page_lists_every_word_of_every_type():
    doc = (ROOT / "docs" / "school-format.md").read_text(encoding="utf-8")
    table = doc.split("### The words that point to a task type", 1)[1].split("\n\n", 3)[2]
    rows = {cells[0].strip("`"): tuple(cells[1].split(", "))
            for cells in (line.strip("| ").split(" | ") for line in table.splitlines()[2:])}
    assert rows == V.type_words()


# --- point 11: a lagging pupil --------------------------------------------------------------


def test_a_pupil_written_as_a_lagging_teacher_is_told_the_signal_type_that_fits():
    with pytest.raises(mandaat.SchoolFileError) as caught:
        mandaat.load_school(TRUST / "leerling-blijft-achter.yaml")
    pupil, typo = caught.value.problems
    assert (pupil.line, pupil.loc, pupil.type) == (11, ("signals", 0, "about"),
                                                   "unknown_reference")
    assert "'extra_ondersteuning_nodig'" in pupil.msg
    assert "een signaal 'extra_ondersteuning_nodig'" in pupil.text("nl")
    # a staff member's id written wrong is still a typo of that id
    assert typo.loc == ("signals", 1, "about")
    assert typo.msg == "no person with id 'tomm' (did you mean 'tom'?)"


def test_the_signalen_sheet_names_the_signal_type_for_a_lagging_pupil(tmp_path):
    school = mandaat.load_school(TRUST / "taaknamen.yaml")
    from mandaat.workbook import write_workbook
    path = tmp_path / "school.xlsx"
    write_workbook(school, path)
    import openpyxl
    book = openpyxl.load_workbook(path)
    sheet = book["Signalen"]
    for column, value in zip("ABCDF", ["s-lln", "Ontwikkeling blijft achter", "lln-0412", "5",
                                      "01-09-2026"]):
        sheet[f"{column}2"] = value
    book.save(path)
    with pytest.raises(mandaat.SchoolFileError) as caught:
        mandaat.load_school(path)
    (problem,) = caught.value.problems
    assert (problem.loc, problem.type) == (("Signalen!C2",), "unknown_reference")
    assert "a pupil whose development lags is a signal 'extra_ondersteuning_nodig'" in \
        problem.msg


def test_parent_consent_is_documented_as_information_for_the_reader():
    doc = (ROOT / "docs" / "school-format.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `tasks[].parent_consent`"))
    assert "no rule of `lbbo-2022` reads it" in row
    pack = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "rules").rglob("*.yaml"))
    assert "parent_consent" not in pack


# --- point 7: what an absent pattern looked for, with all of its conditions ----------------


def test_the_why_of_an_absent_pattern_says_each_of_its_conditions():
    report = check("alleen-ib-coacht.yaml")
    text = render_text(report, "nl")
    assert [f.rule for f in report.findings] == ["SOLE_COACH", "TRENDS_NOT_CALENDAR"]
    assert "Er is geen taak voor coaching waarbij iemand anders dan een ib'er uitvoerend is." \
        in text
    assert "Er is geen taak voor coaching zonder uitvoerende." in text
    assert "Er is geen taak van het soort coaching." not in text
    assert ("Er is geen taak in het domein data, monitoring en reflectie (trendanalist), "
            "anders dan de toetskalender, waarbij een ib'er eindverantwoordelijk, uitvoerend "
            "of meedenkend is.") in text
    # no empty slot in a sentence (the heading of a card keeps its two spaces before the id)
    assert [line for line in text.splitlines()
            if "  " in line.strip() and not line.startswith("[")] == []
    english = render_text(report, "en")
    assert "There is no task for coaching on which anyone other than an ib'er is " \
        "responsible." in english


# --- point 10: titles of rules and sources in the JSON ---------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_json_report_carries_each_rules_title_and_each_sources_title(lang):
    import json

    from mandaat.rules import bundled_rules_path
    from mandaat.rules.sources import registry
    report = check("alleen-ib-coacht.yaml", lang=lang)
    data = json.loads(report.to_json())
    pack = {r.id: r for r in mandaat.default_pack().rules}
    known = registry(bundled_rules_path() / "lbbo-2022")
    assert data["findings"]
    for finding in data["findings"]:
        assert finding["title"] == getattr(pack[finding["rule"]].title, lang)
        source = finding["explanation"]["source"]
        assert source["title"] == known[source["text"]].title
    coach = next(f for f in data["findings"] if f["rule"] == "SOLE_COACH")
    assert coach["explanation"]["source"]["title"] == "De 10 principes van de intern begeleider"
    assert coach["title"] == {"nl": "De ib'er is de enige coach",
                              "en": "The ib'er is the only coach"}[lang]


# --- point 9: one card per problem ------------------------------------------------------------


def test_one_problem_found_many_times_is_one_card_with_everyone_it_concerns():
    import json
    import re

    from mandaat.report.html import render_html
    school = mandaat.load_school(TRUST / "herhalingen.yaml")
    report = mandaat.check(school)
    # the JSON keeps one finding per rule and subjects (the contract)
    found = [(f.rule, f.subjects) for f in report.findings]
    assert sorted(r for r, _ in found) == sorted(
        ["ABSENT_SOLE_RESPONSIBLE"] * 4 + ["IB_NOT_LINE_MANAGER"] * 3 + ["IB_DIRECTS_CARE"])
    assert len(json.loads(report.to_json())["findings"]) == 8
    # the two ib'ers on one parent conversation: one finding, every ib'er, then the task
    assert ("IB_DIRECTS_CARE", ["ilse", "nina", "gesprek"]) in found
    text = render_text(report, "nl")
    cards = re.findall(r"^\[(\d+)\] .*\((\w+): ", text, re.MULTILINE)
    assert [rule for _, rule in cards] == ["ABSENT_SOLE_RESPONSIBLE", "IB_NOT_LINE_MANAGER",
                                           "IB_DIRECTS_CARE"]
    # each card names everyone it concerns, and says what to do for all of them
    assert "Geldt ook voor: Sara de Boer, Tom Mulder." in text
    assert "Net zo voor Sara de Boer en Tom Mulder." in text
    assert "Geldt ook voor: 'Eindmusical', 'Schoolreis', 'Sinterklaasfeest'." in text
    assert "de ib'er (Ilse Bakker en Nina Smit) hoort te regisseren" in text
    # the counts stay the findings' counts
    assert "== Waarschuwingen (7) ==" in text and "== Adviezen (1) ==" in text
    # "Eerst doen": never two items of one rule, and the page names the same ones
    steps = text.split("Eerst doen\n", 1)[1].split("\n\n", 1)[0].splitlines()
    numbers = [re.search(r"\[(\d+)\]$", s)[1] for s in steps]
    assert numbers == ["1", "2"]
    page = render_html(report, school)
    first = page.split('id="eerst-doen"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="#bevinding-(\d+)"', first) == numbers
    assert page.count('<article class="finding') == 3


# --- point 8: escalation texts follow who acts --------------------------------------------------


def test_escalation_texts_follow_the_kind_of_actor_the_schools_route_ends_at():
    report = check("routes-naar-anderen.yaml")
    said = {f.rule: (f.escalate_to, f.message, f.explanation.suggestion)
            for f in report.findings}
    # a team: not told it "directs who comes to the table"; no leerteam in this school
    to, message, todo = said["CARE_TABLE"]
    assert to == "zorgteam"
    assert "volgens de route van de school is Zorgteam (team) aan zet" in message
    assert "regisseert wie wanneer" not in message and "leerteam" not in todo
    # the ib'er the teacher asked to join: not told to go back to the teacher
    to, message, todo = said["PARENT_QUESTION"]
    assert to == "ilse" and "Ilse Bakker (intern begeleider) aan zet" in message
    assert "vraagt de leraar de ib'er erbij" not in todo
    # an outside party
    to, message, _ = said["RESULTS_TO_TEAMS"]
    assert to == "ortho" and "Praktijk De Boog (externe partij) aan zet" in message
    assert "analyseert met het leerteam" not in message
    # a role nobody holds: the rule's title and the role in words, never their ids
    _, message, todo = said["NO_ESCALATION_TARGET"]
    assert "volgens de regel 'Iemand vaart een eigen koers: de schoolleider spreekt aan' " \
        "naar de bouwcoördinator" in message
    assert "OWN_COURSE_TO_LEADER" not in message and "bouwcoordinator" not in message
    assert "de rol de " not in todo


def test_the_default_texts_stay_where_the_rules_own_actor_acts():
    report = mandaat.check(mandaat.load_school(mandaat.example_school_path()))
    care = next(f for f in report.findings if f.rule == "CARE_TABLE")
    assert "Ilse Bakker regisseert wie wanneer aan tafel komt" in care.message


# --- point 6: a route step that joins ----------------------------------------------------------


def test_a_step_that_joins_adds_someone_while_the_one_who_acts_stays():
    school = mandaat.load_school(TRUST / "ib-sluit-aan.yaml")
    big = mandaat.escalate(school, "s-groot")
    assert big.acts_now == "tom" and big.chain == ["tom"]
    assert "Ilse Bakker sluit aan bij het gesprek; Tom Mulder blijft aan zet." in big.message
    assert "aan zet is Tom Mulder" in big.message
    walked = next(f for f in big.explanation.because if f["fact"] == "walk")
    assert (walked["person"], walked["joined"], walked["step"]) == ("tom", "ilse", 0)
    text = render_text(mandaat.check(school), "nl")
    assert "Tom Mulder is aan zet; Ilse Bakker sluit aan." in text
    # without a request the ib'er does not join
    small = mandaat.escalate(school, "s-klein")
    assert small.acts_now == "tom" and "Ilse Bakker sluit aan" not in small.message
    english = mandaat.escalate(school, "s-groot", lang="en")
    assert "Ilse Bakker joins the conversation; Tom Mulder stays the one who acts." in \
        english.message


def test_the_first_step_of_a_route_cannot_join():
    text = (TRUST / "ib-sluit-aan.yaml").read_text(encoding="utf-8").replace(
        "      - {role: leraar}\n", "      - {role: leraar, joins: true}\n")
    with pytest.raises(mandaat.SchoolFileError) as caught:
        mandaat.load_school(text, name="ib-sluit-aan.yaml")
    (problem,) = caught.value.problems
    assert problem.loc == ("routes", 0) and "'joins' is for a later step" in problem.msg
    assert "aansluit bij wie handelt" in problem.text("nl")


# --- point 1: a team named on a task stands for its members ------------------------------------


def test_the_management_team_named_on_its_meeting_is_a_standing_quality_dialogue():
    assert of_rule(check("mt-als-team.yaml"), "QUALITY_DIALOGUE") == []
    # without the ib'er in the MT, the dialogue is missing, and the why says what was
    # looked for: someone on the meeting directly or through a team
    text = (TRUST / "mt-als-team.yaml").read_text(encoding="utf-8").replace(
        "members: [anna, ilse, bram]", "members: [anna, bram]")
    report = mandaat.check(mandaat.load_school(text, name="mt.yaml"))
    (found,) = of_rule(report, "QUALITY_DIALOGUE")
    assert found.subjects == ["ilse"]
    assert "waarbij een ib'er eindverantwoordelijk, uitvoerend of meedenkend via een team " \
        "is" in render_text(report, "nl")


# --- list order: where several qualify, the first by id, and the message says so -----------


def test_where_several_qualify_the_message_names_them_and_what_would_decide():
    school = mandaat.load_school(TRUST / "twee-ibers.yaml")
    answer = mandaat.escalate(school, "s-lln")
    assert answer.acts_now == "ilse"  # by id, though nina comes first in the file
    assert ("Meer mensen komen in aanmerking (Ilse Bakker en Nina Smit); niets in de school "
            "kiest tussen hen, dus is het de eerste op id. Wat zou beslissen: 'supervises'"
            ) in answer.message
    # supervises decides: the note is gone
    text = (TRUST / "twee-ibers.yaml").read_text(encoding="utf-8").replace(
        "{id: nina, name: Nina Smit, roles: [intern_begeleider]}",
        "{id: nina, name: Nina Smit, roles: [intern_begeleider], supervises: [\"5\"]}")
    decided = mandaat.escalate(mandaat.load_school(text, name="twee.yaml"), "s-lln")
    assert decided.acts_now == "nina" and "aanmerking" not in decided.message


def test_supervises_on_someone_without_an_ib_role_is_refused_with_leads_suggested():
    text = (TRUST / "twee-ibers.yaml").read_text(encoding="utf-8").replace(
        "{id: anna, name: Anna Jansen, roles: [schoolleider]}",
        "{id: anna, name: Anna Jansen, roles: [schoolleider], supervises: [\"5\"]}")
    with pytest.raises(mandaat.SchoolFileError) as caught:
        mandaat.load_school(text, name="twee.yaml")
    (problem,) = caught.value.problems
    assert (problem.loc, problem.type, problem.line) == (
        ("people", 1, "supervises"), "supervises_without_ib", 8)
    assert "for line management write 'leads'" in problem.msg
    assert "leidinggeven schrijft u als 'leads'" in problem.text("nl")


def test_trends_not_calendar_lists_its_ibers_by_id_whatever_their_letters():
    from tests.conftest import school_data
    data = school_data()
    data["people"].append({"id": "bea", "roles": ["intern_begeleider"]})
    data["tasks"] = [t for t in data["tasks"] if t["id"] not in ("trend", "kwaliteit")]
    data["tasks"].append({"id": "tk", "type": "toetskalender", "accountable": "anna",
                          "responsible": ["ilse"], "consulted": ["bea"]})
    (found,) = of_rule(mandaat.check(mandaat.load_school(data)), "TRENDS_NOT_CALENDAR")
    assert found.subjects == ["bea", "ilse"]  # bea is only consulted, and comes first by id
