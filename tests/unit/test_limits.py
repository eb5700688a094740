"""Hostile and oversized input: every limit refused with a located problem, in bounded time.

Each reproduction of issue 12 (part A) is here, ending in a located ``SchoolFileError`` or
a correct school, well within the time it used to take.
"""

from __future__ import annotations

import io
import json
import re
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml

import mandaat
from mandaat import SchoolFileError
from mandaat._dutch import problem_text
from mandaat.cli import main
from mandaat.errors import ERROR_TYPES, Problem
from mandaat.limits import LIMITS, SHOWN_CHARS
from mandaat.school import _source
from tests.conftest import BASE, GOOD, school_data
from tests.unit.test_dutch import english_words

ROOT = Path(__file__).parents[2]
HEAD = "format: mandaat/1\nschool: {name: X}\n"
#: The longest a problem's message may be, whatever the input.
MOST_MSG = 300


def refused(source: Any, **kwargs: Any) -> tuple[Problem, ...]:
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(source, **kwargs)
    return info.value.problems


def the_problem(source: Any, **kwargs: Any) -> Problem:
    problems = refused(source, **kwargs)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def run(*args: str, stdin: Any = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err, stdin=stdin)
    return code, out.getvalue(), err.getvalue()


# --- the limits, in code and in the docs ----------------------------------------------------


def documented_limits() -> dict[str, int]:
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    section = doc.split("## Limits\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([\d,]+) \|", section, re.MULTILINE)
    return {name: int(number.replace(",", "")) for name, number in rows}


def test_the_docs_give_the_limits_the_code_holds():
    assert documented_limits() == dict(LIMITS)


def test_every_limit_type_is_registered_and_documented_under_limits():
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    section = doc.split("## Limits\n", 1)[1].split("\n## ", 1)[0]
    for kind in ("file_too_large", "too_deep", "too_many_items", "too_many_values",
                 "too_many_aliases", "loop", "too_many_problems"):
        assert kind in ERROR_TYPES
        assert f"| `{kind}` |" in section, kind


def test_the_school_format_mentions_the_limits_and_aliases():
    doc = (ROOT / "docs" / "school-format.md").read_text(encoding="utf-8")
    assert "errors.md#limits" in doc and "Anchors and aliases" in doc


# --- tiny input, huge cost: aliases ---------------------------------------------------------


def alias_bomb(levels: int = 9, width: int = 9, where: str = "name") -> str:
    """A few hundred bytes whose aliases expand to ``width ** levels`` values."""
    names = [f"l{i}" for i in range(levels)]
    lines = [HEAD + "bomb:", f"  {names[0]}: &{names[0]} [" + ", ".join(["lol"] * width) + "]"]
    for prev, name in zip(names, names[1:]):
        lines.append(f"  {name}: &{name} [" + ", ".join([f"*{prev}"] * width) + "]")
    last = names[-1]
    if where == "people":
        lines.append(f"people: *{last}")
    else:
        lines.append(f"people: [{{id: p, roles: [leraar], name: *{last}}}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["name", "people"])
def test_an_alias_bomb_is_refused_at_once_with_its_line(where):
    text = alias_bomb(where=where)
    assert len(text) < 600
    tracemalloc.start()
    try:
        with Timer() as timer:
            problem = the_problem(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problem.type == "too_many_values"
    assert problem.line is not None and 3 <= problem.line <= 12
    assert problem.loc[0] == "bomb"
    assert timer.seconds < 2  # it took 56 s (name) and 30 s (people) before
    assert peak < 50 * 2**20  # and 5.9 GB


def test_aliases_that_stay_small_are_read_as_written_out():
    data = school_data()
    shared = ["anna"]
    for task in data["tasks"]:
        task["accountable"] = shared  # PyYAML writes &id001 once and *id001 after it
    text = yaml.safe_dump(data)
    assert "&id001" in text and "*id001" in text
    assert mandaat.load_school(text) == mandaat.load_school(json.loads(json.dumps(data)))


def test_an_alias_inside_its_own_anchor_is_a_loop():
    problem = the_problem(HEAD + "people: &p [{id: a, roles: [leraar]}, *p]\n")
    assert (problem.type, problem.line, problem.loc) == ("loop", 3, ("people", 1))
    assert "*p" in problem.msg


def test_too_many_aliases():
    count = LIMITS["aliases"] + 1
    text = HEAD + "people: []\nx: &a 1\ny: [" + ", ".join(["*a"] * count) + "]\n"
    problem = the_problem(text)
    assert (problem.type, problem.line, problem.loc) == ("too_many_aliases", 5,
                                                         ("y", LIMITS["aliases"]))


def test_aliases_count_against_the_text_limit(monkeypatch):
    monkeypatch.setattr(_source, "LIMITS", {**LIMITS, "text_chars": 1000})
    text = HEAD + "people: []\nx: &a " + "y" * 400 + "\nz: [*a, *a]\n"
    once = refused(text.replace(", *a]", "]"))  # read: only its unknown fields are wrong
    assert {p.type for p in once} == {"unknown_field"}
    problem = the_problem(text)
    assert (problem.type, problem.loc) == ("too_many_values", ("z", 1))
    assert "characters of text" in problem.msg


def test_an_alias_counts_its_depth_where_it_stands(monkeypatch):
    monkeypatch.setattr(_source, "LIMITS", {**LIMITS, "depth": 4})
    ok = HEAD + "people: []\nparams: {x: &a [[1]], y: *a}\n"  # 3 deep where it stands
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(ok)
    assert {p.type for p in info.value.problems} != {"too_deep"}
    problem = the_problem(HEAD + "people: []\nparams: {x: &a [[1]], y: [*a]}\n")
    assert (problem.type, problem.loc) == ("too_deep", ("params", "y", 0))


# --- locating many problems -----------------------------------------------------------------


def many_people(n: int, role: str = "zwemleraar") -> str:
    return HEAD + "people:\n" + "".join(f"  - {{id: p{i}, roles: [{role}]}}\n" for i in range(n))


def many_informed(n: int) -> str:
    ids = ", ".join(f"x{i}" for i in range(n))
    return (HEAD + "people: [{id: a, roles: [schoolleider]}]\ntasks:\n  - id: t\n"
            f"    type: studiedag\n    accountable: a\n    informed: [{ids}]\n")


def test_a_thousand_people_with_an_unknown_role_are_located_in_one_reading(monkeypatch):
    readings = []
    real = _source._index
    monkeypatch.setattr(_source, "_index", lambda text: readings.append(1) or real(text))
    with Timer() as timer:
        problems = refused(many_people(1000))
    assert timer.seconds < 5  # 20 s before
    assert len(problems) == 1000 and readings == [1]
    assert [(p.line, p.loc) for p in problems[:2]] == [(4, ("people", 0, "roles", 0)),
                                                       (5, ("people", 1, "roles", 0))]
    assert problems[-1].line == 1003
    assert problems[0].msg == "unknown role 'zwemleraar' (did you mean 'leraar'?)"


def test_five_thousand_unknown_informed_ids_are_located():
    with Timer() as timer:
        problems = refused(many_informed(5000))
    assert timer.seconds < 5  # 67 s before
    # more than the problems limit: the first by line, and one that says there are more
    assert len(problems) == LIMITS["problems"] + 1
    assert problems[-1].type == "too_many_problems" and problems[-1].line is None
    assert problems[0].loc == ("tasks", 0, "informed", 0) and problems[0].line == 8
    assert all(p.type == "unknown_reference" for p in problems[:-1])


def test_more_problems_than_the_limit_are_cut_to_the_first_by_line():
    problems = refused(many_people(2500))
    assert len(problems) == LIMITS["problems"] + 1
    assert problems[-1].msg == "more than 1,000 problems; the first 1,000 are shown"
    assert problem_text(problems[-1], "nl") == (
        "meer dan 1.000 problemen; alleen de eerste 1.000 staan hier")
    assert [p.loc[1] for p in problems[:-1]] == list(range(LIMITS["problems"]))


def test_unknown_ids_among_many_known_ones_stay_quick():
    people = ", ".join(f"{{id: p{i}, roles: [leraar]}}" for i in range(3000))
    ids = ", ".join(f"q{i}" for i in range(3000))
    text = (HEAD + f"people: [{{id: a, roles: [schoolleider]}}, {people}]\ntasks:\n"
            f"  - {{id: t, type: studiedag, accountable: a, informed: [{ids}]}}\n")
    with Timer() as timer:
        problems = refused(text)
    assert timer.seconds < 10
    assert problems[0].msg.startswith("no person or team with id 'q0'")


# --- endless input --------------------------------------------------------------------------


NOT_A_FILE = "not a regular file (a FIFO, device or socket); mandaat reads files only"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_as_a_school_file_is_refused_at_once():
    with Timer() as timer:
        problem = the_problem(Path("/dev/zero"))
    assert (problem.file, problem.type, problem.msg) == (
        "/dev/zero", "not_a_regular_file", NOT_A_FILE)
    assert timer.seconds < 5


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_as_rules_or_on_standard_input_exits_2():
    code, out, err = run("check", "--rules", "/dev/zero", "--lang", "en", "--format", "json")
    assert code == 2 and "Traceback" not in err
    assert f"/dev/zero: (file): {NOT_A_FILE}" in err + out
    with open("/dev/zero", encoding="utf-8") as zero:
        code, _, err = run("check", "-", "--lang", "en", "--format", "json", stdin=zero)
    assert code == 2
    assert err == "<stdin>: (file): larger than 4,000,000 bytes, the most mandaat reads\n"


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_it_read(tmp_path):
    limit = LIMITS["file_bytes"]
    at = tmp_path / "at.yaml"
    at.write_bytes(HEAD.encode() + b"people: []\n" + b"#" * (limit - len(HEAD) - 12) + b"\n")
    assert at.stat().st_size == limit
    assert mandaat.load_school(at).people == []
    over = tmp_path / "over.yaml"
    over.write_bytes(at.read_bytes() + b"\n")
    assert the_problem(over).type == "file_too_large"
    assert the_problem(at.read_text() + "\n").type == "file_too_large"  # a text, too


def test_standard_input_in_text_mode_is_bounded_too():
    big = io.StringIO("é" * (LIMITS["file_bytes"] // 2 + 1))  # few characters, many bytes
    code, _, err = run("check", "-", "--lang", "en", stdin=big)
    assert code == 2 and "larger than" in err


# --- nesting --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["s.yaml", "s.json"])
def test_a_list_nested_a_thousand_deep_is_located(name):
    text = ('{"format": "mandaat/1", "school": {"name": "X"}, "people": [],\n'
            ' "params": {"x": ' + "[" * 1000 + "]" * 1000 + "}}\n")
    problem = the_problem(text, name=name)
    assert (problem.type, problem.line) == ("too_deep", 2)
    assert problem.msg == "lists and mappings nested more than 32 deep, the most mandaat reads"


class _ParserWithALimit:
    """libyaml as PyYAML 6.0.4's wheels have it, with the nesting limit set to ``limit``: it
    scans a line ahead of the events it gives, and stops at its own depth."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, text: str):
        depth = 0
        parser = _source._CParser(text)
        while True:
            event = parser.get_event()
            if event is None:
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > self.limit:  # the scanner saw it first: its error, past the event
                    at = event.start_mark
                    ahead = text.index("\n", at.index)
                    mark = yaml.Mark("<unicode string>", ahead - 1, at.line, at.column
                                     + ahead - 1 - at.index, None, None)
                    raise yaml.scanner.ScannerError("while increasing flow level", mark,
                                                    "exceeded maximum nesting depth", mark)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            yield event


@pytest.mark.parametrize("limit", [3, 5, 31, 200])
def test_too_deep_does_not_depend_on_the_parsers_own_limit(monkeypatch, limit):
    monkeypatch.setattr(_source, "_events", _ParserWithALimit(limit))
    text = (HEAD + "people: []\nparams:\n  x: " + "[" * 40 + "]" * 40 + "\n")
    problem = the_problem(text)
    assert (problem.type, problem.line) == ("too_deep", 5)
    shallow = HEAD + "people: []\nparams:\n  x: " + "[" * 2 + "]" * 2 + " ]\n"
    assert the_problem(shallow).type == "not_yaml"


def test_brackets_in_quotes_and_comments_before_a_mistake_are_no_depth():
    for text, line in ((HEAD + "people: []\nparams: {x: '" + "[" * 100 + "', y: [}\n", 4),
                       (HEAD + "people: []\nparams: {x: \"" + "\\\"[" * 100 + "\"" + "[" * 5
                        + "\n", 4),
                       (HEAD + "people: []\nparams: {x: [ # " + "[" * 100 + "\n ]]}\n", 5)):
        problem = the_problem(text)
        assert (problem.type, problem.line) == ("not_yaml", line), text


def test_json_nested_past_the_limit_before_a_mistake_is_too_deep():
    text = ('{"format": "mandaat/1", "school": {"name": "X"}, "people": [],\n'
            ' "params": {"x": ' + "[" * 40 + "1 2" + "]" * 40 + "}}\n")
    problem = the_problem(text, name="s.json")
    assert (problem.type, problem.line) == ("too_deep", 2)
    quoted = '{"a": "' + "[" * 40 + '", "b": [1 2]}'
    assert the_problem(quoted, name="s.json").type == "not_json"


def test_nesting_at_the_limit_is_read_and_one_deeper_refused():
    depth = LIMITS["depth"]
    at = HEAD + "people: []\nparams: {x: " + "[" * (depth - 2) + "]" * (depth - 2) + "}\n"
    assert {p.type for p in refused(at)} == {"wrong_type"}  # read; then not a number
    deeper = HEAD + "people: []\nparams: {x: " + "[" * (depth - 1) + "]" * (depth - 1) + "}\n"
    problem = the_problem(deeper)
    assert (problem.type, problem.line) == ("too_deep", 4)
    assert problem.loc == ("params", "x", *[0] * (depth - 2))


def test_a_mapping_nested_three_thousand_deep_given_to_load_school():
    data: dict[str, Any] = {}
    inner = data
    for _ in range(3000):
        inner["x"] = {}
        inner = inner["x"]
    problem = the_problem({**school_data(), "params": data})
    assert (problem.file, problem.line, problem.type) == ("<data>", None, "too_deep")
    assert problem.loc == ("params", *["x"] * (LIMITS["depth"] - 1))


def test_a_mapping_that_holds_itself_and_a_set_given_to_load_school():
    data = school_data()
    data["tasks"].append(data["tasks"])
    problem = the_problem(data)
    assert (problem.type, problem.loc) == ("loop", ("tasks", 4))
    data = school_data()
    data["people"][0]["roles"] = {"leraar", "schoolleider"}
    problem = the_problem(data)
    assert (problem.type, problem.loc) == ("wrong_type", ("people", 0, "roles"))
    assert problem.msg == "expected a list, got a set (a set has no order)"


def test_shared_lists_in_a_mapping_count_as_written_out():
    level: Any = ["x"] * 10
    for _ in range(7):
        level = [level] * 10  # 10 ** 8 values, shared
    with Timer() as timer:
        problem = the_problem({**school_data(), "params": {"p": level}})
    assert problem.type == "too_many_values" and timer.seconds < 2


def test_a_folder_reports_a_bad_school_and_goes_on(tmp_path):
    board = tmp_path / "board"
    board.mkdir()
    (board / "a-deep.yaml").write_text(HEAD + "people: []\nparams: {x: " + "[" * 1000
                                       + "]" * 1000 + "}\n", encoding="utf-8")
    (board / "b-bomb.yaml").write_text(alias_bomb(), encoding="utf-8")
    (board / "c-good.json").write_text(json.dumps(BASE), encoding="utf-8")
    code, out, err = run("check", str(board), "--format", "json", "--lang", "en")
    assert code == 2 and "Traceback" not in err
    records = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["file"]).name for r in records] == ["a-deep.yaml", "b-bomb.yaml",
                                                       "c-good.json"]
    assert records[0]["errors"][0]["type"] == "too_deep"
    assert records[1]["errors"][0]["type"] == "too_many_values"
    assert "findings" in records[2]


# --- lists and items ------------------------------------------------------------------------


def test_a_list_at_the_item_limit_is_read_and_one_more_refused():
    items = LIMITS["items"]
    at = HEAD + "people: []\ntasks: [{id: t, type: studiedag, informed: [" + ", ".join(
        ["team"] * items) + "]}]\n"
    mandaat.load_school(at)
    problem = the_problem(at.replace("[team,", "[team, team,", 1))
    assert (problem.type, problem.line) == ("too_many_items", 4)
    assert problem.loc == ("tasks", 0, "informed", items)


def test_a_mapping_with_too_many_keys(monkeypatch):
    monkeypatch.setattr(_source, "LIMITS", {**LIMITS, "items": 4})
    problem = the_problem(HEAD + "people: []\nparams: {a: 1, b: 2, c: 3, d: 4, e: 5}\n")
    assert (problem.type, problem.line, problem.loc) == ("too_many_items", 4, ("params",))
    assert problem.msg == "more than 4 keys in one mapping, the most mandaat reads"


# --- tags -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tagged", [
    "!!set {leraar: null}", "!!binary aGVsbG8=", "!!omap [a: 1]", "!!pairs [a: 1]",
    "!!python/object:os.system {}", "!foo x", "!<tag:example.com,2026:x> y",
])
def test_every_tag_that_is_not_plain_data_is_refused(tagged):
    problem = the_problem(HEAD + f"people:\n  - id: a\n    roles: {tagged}\n")
    assert (problem.type, problem.line) == ("yaml_tag", 5)
    assert problem.msg.endswith("is not allowed: a school file holds plain data only")


def test_a_set_never_makes_the_output_depend_on_the_hash_seed():
    problem = the_problem(HEAD + "people:\n  - id: a\n    roles: !!set {leraar: null, "
                                 "schoolleider: null}\n")
    assert problem.msg.startswith("YAML tag '!!set' is not allowed")


def test_the_plain_tags_are_read():
    school = mandaat.load_school(
        "format: !!str mandaat/1\nschool: !!map {name: !!str 12}\nas_of: !!timestamp "
        "2026-11-22\npeople: !!seq [{id: a, roles: [schoolleider], hours_per_week: !!float 3,"
        " days_per_week: !!int 2, name: !!null ''}]\nmandates: [{id: m, from: a, to: a, "
        "scope: [zorg_en_ondersteuning], communicated_to_team: !!bool yes}]\n")
    assert school.school.name == "12" and school.people[0].hours_per_week == 3.0
    assert school.people[0].name is None and school.mandates[0].communicated_to_team is True


@pytest.mark.parametrize("text, msg", [
    ("a: !!int abc\n", "not valid YAML: 'abc' cannot be read as a whole number"),
    ("a: !!bool maybe\n", "not valid YAML: 'maybe' cannot be read as true or false"),
    ("a: !!timestamp soon\n", "not valid YAML: 'soon' cannot be read as a date"),
    ("a: !!map [1]\n", "expected a mapping node, but found sequence"),
    ("a: 1" + "0" * 5000 + "\n", "not valid YAML: '1" + "0" * 35 + "... cannot be read as a "
                                 "whole number"),
])
def test_a_plain_tag_on_a_value_it_does_not_fit_is_located(text, msg):
    problem = the_problem(text)
    assert (problem.type, problem.line, problem.msg) == ("not_yaml", 1, msg)


# --- every message is short -----------------------------------------------------------------


HUGE = "x" * 1_000_000


@pytest.mark.parametrize("change", [
    lambda d: d["people"][0].update(roles=[HUGE]),
    lambda d: d["people"][0].update(id=HUGE),
    lambda d: d["people"][0].update({HUGE: 1}),
    lambda d: d["tasks"][0].update(accountable=HUGE),
    lambda d: d["tasks"][0].update(hours={HUGE: 1}),
    lambda d: d["tasks"][0].update(type=[HUGE] * 6),
    lambda d: d.update(format=HUGE),
    lambda d: d["school"].update(name=10 ** 10_000),
    lambda d: d["school"].update(name={"a": {"b": {"c": {"d": [HUGE]}}}}),
], ids=["role", "id", "key", "reference", "hours key", "list", "format", "number", "deep"])
def test_no_message_is_longer_than_a_few_hundred_characters(change):
    data = school_data()
    change(data)
    with Timer() as timer:
        problems = refused(data)
    assert timer.seconds < 2
    for problem in problems:
        assert len(problem.msg) <= MOST_MSG, problem.msg
        assert len(problem.text("nl")) <= 2 * MOST_MSG
        assert len(str(problem)) <= 2 * MOST_MSG


def test_a_value_in_a_message_is_shown_cut_with_bounded_work():
    assert _source.show("a" * 10) == "'aaaaaaaaaa'"
    assert _source.show(HUGE) == "'" + "x" * (SHOWN_CHARS - 4) + "..."
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    with Timer() as timer:
        assert len(_source.show(deep)) <= SHOWN_CHARS
        assert len(_source.show([[HUGE] * 1000] * 1000)) <= SHOWN_CHARS
    assert timer.seconds < 0.5


def test_every_limit_message_reads_as_dutch():
    texts = {
        "size": "larger than 4,000,000 bytes, the most mandaat reads",
        "deep": _source._deep_msg(), "items": _source._items_msg(False),
        "keys": _source._items_msg(True), "values": _source._values_msg(),
        "chars": _source._chars_msg(),
        "aliases": "more than 10,000 aliases (*name), the most mandaat reads",
        "alias loop": "the alias *p stands inside the value its anchor names: it would hold "
                      "itself",
        "data loop": "a list or mapping that holds itself",
        "set": "expected a list, got a set (a set has no order)",
        "problems": "more than 1,000 problems; the first 1,000 are shown",
        "int": "not valid YAML: 'abc' cannot be read as a whole number",
        "float": "not valid YAML: 'abc' cannot be read as a number",
        "bool": "not valid YAML: 'abc' cannot be read as true or false",
        "date": "not valid YAML: 'abc' cannot be read as a date",
        "another document": "not valid YAML: but found another document",
        "surrogate": "not UTF-8 text (surrogates not allowed)",
    }
    for label, msg in texts.items():
        dutch = problem_text(Problem("f", 1, (), "not_yaml", msg), "nl")
        assert dutch != msg and not english_words(dutch), (label, dutch)


def test_a_lone_surrogate_in_a_text_is_not_utf8():
    problem = the_problem(HEAD + "people: []\nx: '\ud800'\n")
    assert problem.type == "not_utf8"


def test_a_lone_surrogate_from_json_or_a_mapping_is_located_and_printable(tmp_path):
    text = '{"format": "mandaat/1", "school": {"name": "\\ud800"}, "people": []}'
    problem = the_problem(text, name="s.json")
    assert (problem.type, problem.loc) == ("not_utf8", ("school", "name"))
    problem = the_problem({**school_data(), "params": {"a\ud800": 1}})
    assert (problem.type, problem.loc) == ("not_utf8", ("params", "a\\ud800"))
    str(problem).encode("utf-8")  # no lone surrogate left in what is printed
    board = tmp_path / "board"
    board.mkdir()
    (board / "s.json").write_text(text.replace('"people"', '"\\udc80": 1, "people"'),
                                  encoding="utf-8")
    code, out, err = run("check", str(board), "--format", "json")
    assert code == 2 and "Traceback" not in err
    out.encode("utf-8")
    assert json.loads(out)["errors"][0]["type"] == "not_utf8"


# --- the largest real school ----------------------------------------------------------------


def test_a_school_of_a_thousand_staff_loads_quickly():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    text = yaml.safe_dump(generate(1000, 5000, 400), allow_unicode=True, sort_keys=False)
    assert 800_000 < len(text.encode()) < LIMITS["file_bytes"] / 4
    with Timer() as timer:
        school = mandaat.load_school(text)
    assert len(school.people) == 1000 and len(school.tasks) == 5000
    assert timer.seconds < 5


def test_the_good_file_still_reads_the_same():
    assert mandaat.load_school(GOOD) == mandaat.load_school(yaml.safe_load(GOOD))


@pytest.mark.parametrize("tag", ["!!int", "!!float", "!!bool", "!!timestamp"])
def test_an_empty_tagged_scalar_is_a_located_error(tag):
    with pytest.raises(mandaat.SchoolFileError) as info:
        mandaat.load_school(f"format: mandaat/1\nschool: {{name: x}}\npeople: []\nk: {tag} ''\n")
    (problem,) = [p for p in info.value.problems if p.type == "not_yaml"]
    assert problem.line == 4
