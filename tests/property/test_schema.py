"""``mandaat schema`` tells the truth: it accepts what the loader accepts and refuses, where
JSON Schema can say it, what the loader refuses.

The schema describes the JSON form of a file; a YAML file is validated as its JSON
equivalent, each date YAML read as a date written as its ISO string (docs/school-format.md).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import yaml
from hypothesis import given, note
from jsonschema import Draft202012Validator

import mandaat
import tests.property.test_properties  # noqa: F401 - registers and loads the hypothesis profile
from mandaat import SchoolFileError
from mandaat.school._source import Source, parse, read_source
from tests.strategies import schools, shape_errors, spelled_schools

SCHEMA = mandaat.json_schema()
#: Asserts ``format`` too: the stricter of the two, for what must be accepted.
STRICT = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
#: Leaves ``format`` an annotation, as most validators do: for what must be refused.
LENIENT = Draft202012Validator(SCHEMA)


def json_equivalent(parsed: Any) -> Any:
    """The JSON form of a parsed file: dates (and date-times) as their ISO strings."""
    def iso(value: Any) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} has no JSON form")

    return json.loads(json.dumps(parsed, default=iso))


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def with_dates(data: dict[str, Any]) -> dict[str, Any]:
    """The school with ``as_of`` and every ``since`` as a date, as YAML writes them."""
    def date(value: Any) -> Any:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    out = {**data, "as_of": date(data["as_of"])}
    for section in ("mandates", "signals"):
        if section in data:
            out[section] = [{**item, "since": date(item["since"])} if "since" in item else item
                            for item in data[section]]
    return out


def test_the_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_the_bundled_example_validates_with_zero_errors():
    parsed = parse(read_source(mandaat.example_school_path()))
    # The example writes single ids, YAML dates and integer hours: what the issue was about.
    assert parsed["tasks"][0]["accountable"] == "anna"
    assert isinstance(parsed["as_of"], dt.date)
    mandaat.load_school(mandaat.example_school_path())
    assert errors(STRICT, json_equivalent(parsed)) == []
    assert errors(LENIENT, json_equivalent(parsed)) == []


@pytest.mark.parametrize("change, accepted", [
    ({"groups": [5, "3a"]}, True),
    ({"groups": [True]}, False),
    ({"groups": [5.5]}, False),
    ({"roles": []}, False),
    ({"roles": "leraar"}, False),
    ({"hours_per_week": 16.5}, True),
    ({"hours_per_week": -1}, False),
    ({"id": "team"}, False),
    ({"id": "ouders"}, False),
    ({"id": "Anna"}, False),
])
def test_a_person_is_refused_by_the_schema_where_the_loader_refuses_it(change, accepted):
    data = {"format": "mandaat/1", "school": {"name": "X"},
            "people": [{"id": "anna", "roles": ["leraar"], **change}]}
    loads = True
    try:
        mandaat.load_school(data)
    except SchoolFileError:
        loads = False
    assert (loads, LENIENT.is_valid(data)) == (accepted, accepted)


def test_only_the_loader_checks_references_duplicates_and_since_after_as_of():
    base = {"format": "mandaat/1", "school": {"name": "X"}, "as_of": "2026-11-22",
            "people": [{"id": "anna", "roles": ["schoolleider"]}]}
    loader_only = [
        {**base, "tasks": [{"id": "t", "type": "planning", "accountable": "nobody"}]},
        {**base, "teams": [{"id": "anna", "kind": "bouw"}]},
        {**base, "signals": [{"id": "s", "type": "eigen_koers", "about": "anna",
                              "since": "2027-01-01"}]},
    ]
    for data in loader_only:
        with pytest.raises(SchoolFileError):
            mandaat.load_school(data)
        assert errors(STRICT, data) == []


@given(spelled_schools())
def test_every_school_the_loader_accepts_validates_as_json(data):
    """Completeness, JSON: a school the loader accepts, in any spelling it reads (one id or
    a list, integer groups, ints for floats, optional fields, nulls), written as JSON and
    read back, validates against json_schema() with no errors."""
    as_json = json.loads(json.dumps(data))
    mandaat.load_school(json.dumps(as_json), name="school.json")
    assert errors(STRICT, as_json) == []


@given(spelled_schools())
def test_every_yaml_school_validates_as_its_json_equivalent(data):
    """Completeness, YAML: a school the loader accepts, written as YAML with real dates and
    parsed the way the loader parses, validates once its dates are ISO strings."""
    text = yaml.safe_dump(with_dates(data), allow_unicode=True)
    parsed = parse(Source("school.yaml", text))
    assert isinstance(parsed["as_of"], dt.date)  # YAML read a date, not text
    mandaat.load_school(text)
    assert errors(STRICT, json_equivalent(parsed)) == []


@given(schools(max_people=4, max_tasks=4))
def test_a_yaml_date_time_is_not_a_date_of_the_schema(data):
    """The documented rule for YAML is exact: a date-time (which has a time) is written with
    its time and is not a date of the schema, so only real dates pass."""
    moment = dt.datetime.combine(dt.date.fromisoformat(data["as_of"]), dt.time(9, 30))
    parsed = parse(Source("school.yaml", yaml.safe_dump({**data, "as_of": moment})))
    assert isinstance(parsed["as_of"], dt.datetime)
    with pytest.raises(SchoolFileError):
        mandaat.load_school(parsed)
    assert not LENIENT.is_valid(json_equivalent(parsed))


@given(shape_errors())
def test_every_shape_error_is_refused_by_the_loader_and_the_schema(case):
    """Soundness: a valid school broken in one way the format forbids (unknown key, unknown
    vocabulary, number out of bounds, bad id, wrong type, empty list or text, missing field,
    bad date) is refused by load_school with a SchoolFileError and by json_schema(), even by
    a validator that does not assert ``format``."""
    what, data = case
    note(f"broken: {what}")
    with pytest.raises(SchoolFileError):
        mandaat.load_school(data)
    as_json = json.loads(json.dumps(data))
    assert not LENIENT.is_valid(as_json), what
