"""Every class of bad input in school-format.md gives a located, helpful SchoolFileError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mandaat
from mandaat import SchoolFileError
from mandaat.errors import ERROR_TYPES, Problem
from mandaat.school import _source
from tests.conftest import BASE, GOOD, school_data


def error_of(text: str) -> SchoolFileError:
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(text)
    return info.value


def one(text: str) -> str:
    err = error_of(text)
    assert len(err.problems) == 1, str(err)
    return str(err.problems[0])


def test_the_good_file_loads():
    school = mandaat.load_school(GOOD)
    assert [p.id for p in school.people] == ["anna", "ilse"]
    assert school.tasks[0].accountable == ["anna"]
    assert school.mandates[0].from_ == "anna"


def test_unknown_top_level_key():
    msg = one(GOOD.replace("as_of:", "as_off:"))
    assert msg == ("<string>:3: as_off: unknown field 'as_off' (did you mean 'as_of'?); "
                   "allowed: as_of, defaults, externals, format, mandates, params, people, "
                   "routes, school, signals, tasks, teams")


def test_missing_required_field():
    assert one(GOOD.replace(" communicated_to_team: true", "")) == (
        "<string>:12: mandates[0].communicated_to_team: missing required field "
        "'communicated_to_team'")


def test_unknown_role_suggests_the_closest():
    assert one(GOOD.replace("[intern_begeleider]", "[intern-begeleider]")) == (
        "<string>:6: people[1].roles[0]: unknown role 'intern-begeleider' "
        "(did you mean 'intern_begeleider'?)")


@pytest.mark.parametrize("written, meant", [
    ("directeur", "schoolleider"),  # not adjunct_directeur, the closest spelling
    ("IB'er", "intern_begeleider"), ("ib-er", "intern_begeleider"), ("IB", "intern_begeleider"),
    ("Leerkracht", "leraar"), ("juf", "leraar"), ("Intern begeleider", "intern_begeleider"),
])
def test_an_unknown_role_suggests_the_role_school_leaders_mean_by_their_word(written, meant):
    assert one(GOOD.replace("[intern_begeleider]", f'["{written}"]')) == (
        f"<string>:6: people[1].roles[0]: unknown role '{written}' (did you mean '{meant}'?)")


@pytest.mark.parametrize("old, new, expected", [
    ("type: schoolanalyse", "type: schoolanalyze",
     "unknown task type 'schoolanalyze' (did you mean 'schoolanalyse'?)"),
    ("type: ontwikkeling_blijft_achter", "type: ontwikkeling_blijft_achterr",
     "unknown signal type 'ontwikkeling_blijft_achterr' (did you mean "
     "'ontwikkeling_blijft_achter'?)"),
    ("kind: leerteam", "kind: leerteams", "unknown team kind 'leerteams' (did you mean "
     "'leerteam'?)"),
])
def test_unknown_vocabulary(old, new, expected):
    assert one(GOOD.replace(old, new)).endswith(expected)


@pytest.mark.parametrize("old, new, loc, expected", [
    ("accountable: anna", "accountable: anne", "tasks[0].accountable",
     "no person or team with id 'anne' (did you mean 'anna'?)"),
    ("responsible: [lt]", "responsible: [ltt]", "tasks[0].responsible[0]",
     "no person or team with id 'ltt' (did you mean 'lt'?)"),
    ("from: anna", "from: ana", "mandates[0].from", "no person with id 'ana'"),
    ("about: ilse", "about: ils", "signals[0].about", "no person with id 'ils'"),
    ("members: [anna]", "members: [bob]", "teams[0].members[0]", "no person with id 'bob'"),
    ("hours: {ilse: 3}", "hours: {ilsa: 3}", "tasks[0].hours.ilsa",
     "no person with id 'ilsa'"),
])
def test_references_to_ids_that_do_not_exist(old, new, loc, expected):
    msg = one(GOOD.replace(old, new))
    assert f": {loc}: " in msg
    assert expected in msg


def test_duplicate_ids_across_the_whole_file():
    err = error_of(GOOD.replace("{id: t1,", "{id: ilse,"))
    assert [str(p) for p in err.problems] == [
        "<string>:10: tasks[0].id: duplicate id 'ilse' (also people[1])"]


def test_negative_hours():
    assert one(GOOD.replace("{ilse: 3}", "{ilse: -3}")) == (
        "<string>:10: tasks[0].hours.ilse: must be 0 or more, not -3")


def test_since_after_as_of():
    assert one(GOOD.replace("since: 2026-09-01", "since: 2026-12-01")) == (
        "<string>:14: signals[0].since: 'since' 2026-12-01 is after 'as_of' 2026-11-22")


def test_lagging_development_needs_since():
    assert one(GOOD.replace(", since: 2026-09-01", "")).endswith(
        "signals[0]: a signal 'ontwikkeling_blijft_achter' needs 'since': the lag is measured "
        "from that date")


@pytest.mark.parametrize("text, expected", [
    ("- just\n- a list\n", "a school file is a mapping of keys, not list"),
    ("", "a school file is a mapping of keys, not empty"),
    ("format: [unclosed\n", "not valid YAML"),
    ("a: b\n\tc: d\n", "not valid YAML"),
])
def test_not_yaml_or_not_a_mapping(text, expected):
    assert expected in one(text if "\n" in text else text + "\n")


def test_wrong_format_names_the_supported_ones():
    assert "unsupported format 'mandaat/2'; supported: mandaat/1" in str(
        error_of(GOOD.replace("mandaat/1", "mandaat/2")))


def test_yaml_tags_that_construct_objects_are_refused_and_never_run(tmp_path: Path):
    marker = tmp_path / "ran"
    text = f"!!python/object/apply:os.system ['touch {marker}']\n"
    msg = one(text)
    assert "YAML tag '!!python/object/apply:os.system' is not allowed" in msg
    assert not marker.exists()
    nested = GOOD.replace("name: OBS De Regenboog", f"name: !!python/object/apply:os.system "
                                                    f"['touch {marker}']")
    assert "is not allowed" in one(nested)
    assert not marker.exists()


def test_duplicate_yaml_keys_are_refused():
    assert "duplicate key 'as_of' (first on line 3)" in one(
        GOOD.replace("as_of: 2026-11-22\n", "as_of: 2026-11-22\nas_of: 2026-11-21\n"))


@settings(max_examples=300)
@given(st.text(max_size=12) | st.sampled_from(
    ["yes", "No", "on", "~", "", "null", "1_000", "0x1F", ".inf", "-.5", "2026-11-22", "<<",
     "=", "true", "Anna", "p01", "groep 5", "ib'er", "éen"]))
def test_a_plain_scalar_whose_first_character_no_resolver_claims_is_text(text):
    """The reader takes such a scalar as text without asking the resolver: the resolver
    would say the same."""
    resolver = _source._RESOLVER
    assert None not in resolver.yaml_implicit_resolvers and not resolver.yaml_path_resolvers
    assert {"y", "1", "~", ""} <= _source._RESOLVED_FIRST and "A" not in _source._RESOLVED_FIRST
    if text[:1] not in _source._RESOLVED_FIRST:
        assert resolver.resolve(yaml.ScalarNode, text, (True, False)) == _source._STR


def test_all_problems_of_a_file_come_at_once():
    text = (GOOD.replace("[intern_begeleider]", "[ib]")
                .replace("accountable: anna", "accountable: nobody")
                .replace("{ilse: 3}", "{ilse: -1}"))
    err = error_of(text)
    assert [p.loc for p in err.problems] == [
        ("people", 1, "roles", 0), ("tasks", 0, "accountable"), ("tasks", 0, "hours", "ilse")]
    assert [p.type for p in err.problems] == ["unknown_value", "unknown_reference", "negative"]


def test_files_json_and_dicts(tmp_path: Path):
    yaml_file = tmp_path / "school.yaml"
    yaml_file.write_text(GOOD, encoding="utf-8")
    json_file = tmp_path / "school.json"
    data = json.loads(json.dumps(school_data()))
    json_file.write_text(json.dumps(data), encoding="utf-8")
    assert mandaat.load_school(yaml_file).school.name == "OBS De Regenboog"
    assert mandaat.load_school(str(json_file)).school.name == "OBS Testschool"
    assert mandaat.load_school(BASE) == mandaat.load_school(json_file)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mandaat/1",\n "school": }', encoding="utf-8")
    with pytest.raises(SchoolFileError, match=r"bad.json:2: \(file\): not valid JSON"):
        mandaat.load_school(bad)


def test_missing_file_and_bad_encoding(tmp_path: Path):
    with pytest.raises(SchoolFileError, match="no such file"):
        mandaat.load_school(tmp_path / "nope.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("school: {name: caf\xe9}\n".encode("latin-1"))
    with pytest.raises(SchoolFileError, match="not UTF-8"):
        mandaat.load_school(latin)


def test_a_failed_load_leaves_the_library_as_it_was(example):
    before = mandaat.check(example).to_json()
    for text in ("!!python/object:os.system {}\n", "format: [\n", "- 1\n"):
        with pytest.raises(SchoolFileError):
            mandaat.load_school(text)
    assert mandaat.check(example).to_json() == before


def test_dump_and_load_round_trip(example):
    assert mandaat.load_school(mandaat.dump_school(example)) == example
    again = mandaat.load_school(mandaat.dump_school(example, format="json"), name="x.json")
    assert again == example


def test_every_error_type_is_documented():
    doc = (Path(__file__).parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")
    undocumented = sorted(t for t in ERROR_TYPES if f"`{t}`" not in doc)
    assert undocumented == []


def test_a_problem_type_outside_the_registry_is_a_bug():
    with pytest.raises(ValueError, match="undocumented problem type"):
        Problem("f", 1, (), "made_up", "msg")


@pytest.mark.parametrize("old, new, expected", [
    ("{ilse: 3}", "{ilse: 1.0e+308}", "tasks[0].hours.ilse: must be 8760 or less"),
    ("{id: anna, roles", "{id: anna, hours_per_week: 200, roles",
     "people[0].hours_per_week: must be 168 or less, not 200"),
])
def test_numbers_beyond_what_a_year_or_week_holds(old, new, expected):
    assert expected in one(GOOD.replace(old, new))


# --- the public API gives no unchecked School ---------------------------------------------


def _nobody_signal() -> dict:
    data = school_data()
    data["signals"] = [{"id": "s1", "type": "ontwikkeling_blijft_achter", "about": "nobody",
                        "since": "2019-12-01"}]
    return data


def test_model_validate_refuses_a_reference_to_an_id_that_does_not_exist():
    with pytest.raises(ValidationError) as info:
        mandaat.School.model_validate(_nobody_signal())
    (error,) = info.value.errors()
    assert error["type"] == "invalid_reference"
    assert "signals[0].about: no person with id 'nobody'" in error["msg"]


def test_the_model_constructor_refuses_broken_references_duplicates_and_late_dates():
    data = school_data()
    data["tasks"][0]["accountable"] = "anne"
    data["people"].append({"id": "tom", "roles": ["leraar"]})
    data["mandates"] = [{"id": "m", "from": "anna", "to": "ilse", "scope": ["studiedag"],
                         "communicated_to_team": True, "since": "2027-01-01"}]
    with pytest.raises(ValidationError) as info:
        mandaat.School(**data)
    msg = info.value.errors()[0]["msg"]
    assert "tasks[0].accountable[0]: no person or team with id 'anne' (did you mean 'anna'?)" in msg
    assert "people[4].id: duplicate id 'tom'" in msg
    assert "'since' 2027-01-01 is after 'as_of' 2026-11-22" in msg


def test_model_validate_still_takes_a_valid_school():
    school = mandaat.School.model_validate(school_data())
    assert school == mandaat.load_school(school_data())
    assert mandaat.check(school).summary == mandaat.check(mandaat.load_school(school_data())).summary


@pytest.mark.parametrize("given", [_nobody_signal(), "school.yaml", Path("school.yaml")])
def test_check_and_escalate_refuse_what_is_not_a_school(given):
    with pytest.raises(TypeError, match=r"takes a School, not .*mandaat.load_school"):
        mandaat.check(given)
    with pytest.raises(TypeError, match=r"escalate\(\) takes a School"):
        mandaat.escalate(given, "s1")


def test_problems_in_a_mapping_carry_no_invented_line_numbers():
    with pytest.raises(mandaat.SchoolFileError) as info:
        mandaat.load_school(_nobody_signal())
    (problem,) = info.value.problems
    assert problem.line is None
    assert str(problem) == ("<data>: signals[0].about: no person with id 'nobody': a signal "
                            "'ontwikkeling_blijft_achter' is about a staff member; a pupil "
                            "whose development lags is a signal 'extra_ondersteuning_nodig'")


# --- real schools' fields: externals, parents, defaults, supervision, line management -----


def test_the_new_fields_load_and_round_trip():
    data = school_data(
        defaults={"accountable": "anna"},
        externals=[{"id": "swv", "kind": "samenwerkingsverband", "name": "SWV De Brug"}])
    data["people"][1].update({"supervises": ["1", "2", 3], "days_per_week": 2.5})
    data["people"][0]["leads"] = ["lt-boven", "ilse"]
    data["tasks"].append({"id": "arr", "type": "arrangement_swv", "responsible": ["swv"],
                          "consulted": ["ouders"], "parent_consent": True})
    data["signals"] = [{"id": "s1", "type": "extra_ondersteuning_nodig", "about": "lln-1",
                        "group": 4}]
    school = mandaat.load_school(data)
    assert school.people[1].supervises == ["1", "2", "3"]
    assert school.signals[0].group == "4"
    assert school.accountable_of(school.tasks[-1]) == (["anna"], True)
    assert school.accountable_of(school.tasks[0]) == (["anna"], False)
    assert mandaat.load_school(mandaat.dump_school(school)) == school


@pytest.mark.parametrize(("change", "loc", "message"), [
    (lambda d: d["people"].append({"id": "ouders", "roles": ["leraar"]}),
     ("people", 4, "id"), "id 'ouders' is reserved: it means the pupil's parents"),
    (lambda d: d.update(defaults={"accountable": "anne"}),
     ("defaults", "accountable"), "no person with id 'anne' (did you mean 'anna'?)"),
    (lambda d: d["people"][0].update(leads=["lt-bovn"]),
     ("people", 0, "leads", 0), "no person or team with id 'lt-bovn' (did you mean 'lt-boven'?)"),
    (lambda d: d["tasks"][0].update(consulted=["swv"]),
     ("tasks", 0, "consulted", 0), "no person or team with id 'swv'"),
    (lambda d: d.update(externals=[{"id": "ggd", "kind": "ggd"}]),
     ("externals", 0, "kind"), "unknown external kind 'ggd'"),
    (lambda d: d.update(externals=[{"id": "anna", "kind": "ggd_jgz"}]),
     ("externals", 0, "id"), "duplicate id 'anna' (also people[0])"),
    (lambda d: d["people"][1].update(days_per_week=8),
     ("people", 1, "days_per_week"), "must be 7 or less, not 8"),
])
def test_bad_new_fields_are_located(change, loc, message):
    data = school_data()
    change(data)
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(data)
    assert any(p.loc == loc and p.msg.startswith(message) for p in info.value.problems), (
        [str(p) for p in info.value.problems])


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_a_json_number_json_does_not_allow_is_located_at_its_line(tmp_path, word):
    path = tmp_path / "school.json"
    path.write_text('{"format": "mandaat/1",\n "school": {"name": "NaN Infinity"},\n'
                    f' "params": {{"dev_lag_weeks": {word}}}}}\n', encoding="utf-8")
    with pytest.raises(mandaat.SchoolFileError) as info:
        mandaat.load_school(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.type) == (3, "not_json")  # not the name's words on line 2
    assert problem.msg == f"{word} is not a number JSON allows: write a number"


def test_a_rule_pack_in_json_is_told_the_same_line(tmp_path):
    path = tmp_path / "pack.json"
    path.write_text('{"pack": "x", "version": "1",\n "params": {"a": Infinity}, "rules": []}\n',
                    encoding="utf-8")
    with pytest.raises(mandaat.RulePackError) as info:
        mandaat.load_rules(path)
    assert [(p.line, p.type) for p in info.value.problems] == [(2, "not_json")]


@pytest.mark.parametrize(("change", "loc"), [
    ({"params": {"dev_lag_weeks": 10**400}}, ("params", "dev_lag_weeks")),
    ({"signals": [{"id": "s", "type": "eigen_koers", "about": "tom", "count": 10**400}]},
     ("signals", 0, "count")),
    ({"people": [dict(BASE["people"][0], hours_per_week=-(10**400)), *BASE["people"][1:]]},
     ("people", 0, "hours_per_week"))])
def test_a_whole_number_beyond_a_float_in_a_school_is_located_bad_input(tmp_path, change, loc):
    """A number a float cannot hold is refused where it is, as the rule packs refuse it."""
    path = tmp_path / "school.json"
    path.write_text(json.dumps(BASE | change, indent=1), encoding="utf-8")
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(path)
    (problem,) = info.value.problems
    assert problem.loc == loc and problem.line and "~2**1328" in problem.msg


@pytest.mark.parametrize(("text", "line", "msg"), [
    ('{"format": "mandaat/1",\n "as_of": "2026-11-22",\n "as_of": "2026-11-21"}',
     3, "duplicate key 'as_of' (first on line 2)"),
    ('{"format": "mandaat/1", "people": [\n {"id": "anna", "roles": [],\n'
     '  "name": "{\\"id\\": 1}", "r\\u006fles": ["leraar"]}]}',
     3, "duplicate key 'roles' (first on line 2)"),
])
def test_a_duplicate_key_in_a_json_school_is_refused_with_its_line(tmp_path, text, line, msg):
    """The last of two equal keys silently won; YAML refuses them, and so does JSON now."""
    path = tmp_path / "school.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.type, problem.msg) == (line, "not_json", msg)


@pytest.mark.parametrize("number", ["1e1", "5e-324", "+2E+3", "1.5e2"])
def test_a_json_school_given_as_text_reads_numbers_as_json_writes_them(number):
    """JSON writes 1e1 where YAML 1.1 wants 1.0e+1: a JSON school on standard input or in a
    request body is read as YAML, and its numbers stay numbers."""
    text = ('{"format": "mandaat/1", "school": {"name": "X"}, "people": [{"id": "a", '
            '"roles": ["schoolleider"]}], "tasks": [{"id": "t", "type": "planning", '
            '"accountable": "a", "responsible": ["a"], "hours": {"a": ' + number + '}}]}')
    school = mandaat.load_school(text)
    assert school.tasks[0].hours["a"] == float(number)
    assert mandaat.load_school(mandaat.dump_school(school, format="json")) == school
