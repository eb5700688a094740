"""Bad input as one JSON document (RFC 9457) for apps, the report's JSON Schema, and
``load_school`` that takes a path or ``text=`` without guessing which a string is."""

from __future__ import annotations

import io
import json
import warnings

import jsonschema
import pytest

import mandaat
from mandaat.cli import main
from mandaat.errors import CheckTimeoutError, Problem, RulePackError, SchoolFileError
from mandaat.problem_details import problem_document, problem_json, status_of
from tests.conftest import GOOD


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --- the document -------------------------------------------------------------------------


def test_each_kind_of_bad_input_has_its_status():
    def error(*types: str) -> SchoolFileError:
        return SchoolFileError([Problem("s.yaml", 1, (), t, "x") for t in types])

    assert status_of(error("unknown_value")) == 422
    assert status_of(error("not_yaml")) == 400
    assert status_of(error("not_yaml", "unknown_value")) == 422  # parsed far enough
    assert status_of(error("file_too_large")) == 413
    assert status_of(CheckTimeoutError.after("s.yaml", 2)) == 503
    assert status_of(RulePackError([Problem("p.yaml", 3, (), "bad_value", "x")])) == 422


def test_a_workbooks_problem_names_its_cell_and_a_files_its_line():
    error = SchoolFileError([
        Problem("w.xlsx", None, ("Personen!C3",), "unknown_value",
                "unknown role 'ib-er' (did you mean 'intern_begeleider'?)"),
        Problem("s.yaml", 4, ("people", 0, "id"), "missing", "missing required field 'id'"),
    ])
    doc = problem_document(error, "nl")
    assert [(p["file"], p["line"], p["cell"], p["suggestion"]) for p in doc["problems"]] == [
        ("s.yaml", 4, None, None), ("w.xlsx", None, "Personen!C3", "intern_begeleider")]
    assert doc["problems"][1]["message"] == (
        "onbekende rol 'ib-er' (bedoelde u 'intern_begeleider'?)")
    assert doc["detail"] == "2 problemen in s.yaml, w.xlsx"
    english = problem_document(error, "en")
    assert english["title"] == "The school cannot be read"
    assert english["problems"][0]["message"] == "missing required field 'id'"


def test_the_timeout_problem_reads_in_dutch_as_the_command_line_writes_it():
    error = CheckTimeoutError.after("s.yaml", 1.5)
    entry = problem_document(error, "nl")["problems"][0]
    assert error.render("nl") == f"s.yaml: (bestand): {entry['message']}"


def test_every_new_problem_type_of_the_service_has_a_dutch_message():
    from mandaat._dutch import translate

    english = [
        "missing query parameter 'signal'",
        "query parameter 'lang' must be one of 'nl' or 'en', not 'de'",
        "no endpoint GET /v2/check; the service's endpoints are listed at /docs",
        "no rule pack named 'lbbo' (did you mean 'lbbo-2022'?); this server has: lbbo-2022",
        "a body of type 'text/plain' is not read; send application/json, application/yaml "
        "or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "this server needs a bearer token (Authorization: Bearer ...); none was given",
        "this server needs a bearer token (Authorization: Bearer ...); the one given is not "
        "right",
        "the server is checking as many schools as it takes at once (32); try again in 1 s",
    ]
    for msg in english:
        dutch = translate(msg)
        assert dutch != msg, msg
        assert " or " not in dutch and "the " not in dutch, dutch


# --- the command line ---------------------------------------------------------------------


def test_check_format_json_of_a_school_that_does_not_load_prints_the_document(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("roles: [schoolleider]", "roles: [schoolleidr]", 1),
                   encoding="utf-8")
    code, out, err = run("check", str(bad), "--format", "json", "--lang", "nl")
    assert code == 2
    assert out == problem_json(_error_of(bad), "nl")
    assert json.loads(out)["problems"][0]["suggestion"] == "schoolleider"
    assert err.strip() == _error_of(bad).render("nl")


def _error_of(path) -> SchoolFileError:
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(path)
    return info.value


def test_a_board_in_json_lines_gives_each_problem_in_the_language_asked(tmp_path):
    board = tmp_path / "board"
    board.mkdir()
    (board / "a.yaml").write_text(GOOD, encoding="utf-8")
    (board / "b.yaml").write_text(GOOD.replace("roles: [schoolleider]", "roles: [x]", 1),
                                  encoding="utf-8")
    for lang, message in (("nl", "onbekende rol 'x'"), ("en", "unknown role 'x'")):
        code, out, _ = run("check", str(board), "--format", "json", "--lang", lang,
                           "--jobs", "1")
        assert code == 2
        error = json.loads(out.splitlines()[1])
        assert [e["message"] for e in error["errors"]] == [message]
        assert error["errors"][0]["msg"] == "unknown role 'x'"  # as before: English


def test_an_empty_board_folder_in_json_lines_is_one_error_line(tmp_path):
    code, out, err = run("check", str(tmp_path), "--format", "json", "--lang", "nl")
    assert code == 2
    (line,) = out.splitlines()
    record = json.loads(line)
    assert record["file"] == str(tmp_path)
    assert [e["type"] for e in record["errors"]] == ["empty"]
    assert "geen schoolbestanden" in record["errors"][0]["message"] and err


def test_schema_report_describes_every_report_and_escalation_stays_its_own():
    code, out, _ = run("schema", "--report")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    report = json.loads(mandaat.check(mandaat.load_school(mandaat.example_school_path()))
                        .to_json())
    jsonschema.validate(report, schema)
    broken = dict(report, format="mandaat-report/2")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    without_notes = {k: v for k, v in report.items() if k != "notes"}
    with pytest.raises(jsonschema.ValidationError):  # every field is always written
        jsonschema.validate(without_notes, schema)
    code, out, _ = run("schema")
    assert json.loads(out)["title"] != schema["title"]  # still the school file's schema


# --- load_school: a path, or text= --------------------------------------------------------


def test_load_school_reads_text_given_as_text_and_json_by_its_name():
    school = mandaat.load_school(text=GOOD)
    assert school.school.name == "OBS De Regenboog"
    as_json = json.dumps(mandaat.dump_school(school, format="json") and
                         json.loads(mandaat.dump_school(school, format="json")))
    assert mandaat.load_school(text=as_json, name="body.json") == school
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(text='{"format": "mandaat/1",\n "format": 1}', name="b.json")
    assert info.value.problems[0].type == "not_json"  # read as JSON, which refuses the key


def test_a_str_is_a_path_and_text_in_a_str_is_still_read_with_a_deprecation_warning(
        tmp_path):
    path = tmp_path / "school.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mandaat.load_school(str(path)) == mandaat.load_school(path)
    with pytest.warns(DeprecationWarning, match=r"load_school\(text=\.\.\.\)"):
        old = mandaat.load_school(GOOD)
    assert old == mandaat.load_school(text=GOOD)
    one_line = json.dumps(mandaat.load_school(text=GOOD).model_dump(mode="json", by_alias=True,
                                                                   exclude_defaults=True))
    with pytest.warns(DeprecationWarning):  # no newline, but a '{' in front: text, as in 0.1
        assert mandaat.load_school(one_line).school.name == "OBS De Regenboog"


def test_load_school_refuses_both_or_neither_and_text_that_is_not_a_str(tmp_path):
    with pytest.raises(TypeError, match="neither"):
        mandaat.load_school()
    with pytest.raises(TypeError, match="not both"):
        mandaat.load_school(tmp_path / "s.yaml", text=GOOD)
    with pytest.raises(TypeError, match="takes a str, not bytes"):
        mandaat.load_school(text=GOOD.encode())
