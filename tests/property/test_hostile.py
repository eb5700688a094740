"""Hostile input (hypothesis): a located error or a correct report, in bounded time and memory.

Whatever a school file, a text, standard input or a mapping holds (alias bombs, deep
nesting, huge lists, odd tags, control characters, enormous texts, bytes that are not
UTF-8), ``load_school`` gives a school or a ``SchoolFileError`` whose problems name the
file and, for a text, the line; a school it gives can be checked; nothing takes long or
grows large; and no other exception ever comes out. ``HYPOTHESIS_PROFILE=hunt`` looks
harder (see test_properties.py).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mandaat
import tests.property.test_properties  # noqa: F401 - registers and loads the hypothesis profile
from mandaat import SchoolFileError
from mandaat.cli import main
from mandaat.errors import ERROR_TYPES, Problem
from mandaat.school._source import Source, parse
from tests.strategies import Hostile, hostile_inputs, hostile_texts

#: Seconds one example may take to load and check, and the memory it may use to load.
MOST_SECONDS = 2.0
MOST_BYTES = 256 * 2**20
#: The longest message, whatever the input.
MOST_MSG = 300
#: Problems about the whole input, that have no line to give.
WHOLE_FILE = {"file_too_large", "not_utf8", "too_many_problems", "invalid", "not_json"}

#: A third of the profile's examples: each one here is larger than in the other properties.
HOSTILE = settings(max_examples=max(10, settings().max_examples // 3), deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.large_base_example])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def load(case: Hostile, folder: Path) -> tuple[str, mandaat.School]:
    """Load the case the way an app would; return the name problems are reported under."""
    if case.kind == "data":
        return "<data>", mandaat.load_school(case.payload)
    if case.kind == "json":
        return "school.json", mandaat.load_school(case.payload, name="school.json")
    if case.kind == "bytes":
        path = folder / "school.yaml"
        path.write_bytes(case.payload)
        return str(path), mandaat.load_school(path)
    return "<string>", mandaat.load_school(case.payload)


def assert_located(problems: tuple[Problem, ...], name: str, kind: str) -> None:
    assert problems
    for problem in problems:
        assert problem.type in ERROR_TYPES
        assert problem.file == name
        assert len(problem.msg) <= MOST_MSG, problem.msg
        assert len(problem.text("nl")) <= 3 * MOST_MSG
        assert len(str(problem)) <= len(name) + 3 * MOST_MSG
        if kind == "text":
            assert problem.line is not None or problem.type in WHOLE_FILE, str(problem)


@HOSTILE
@given(hostile_inputs())
def test_hostile_input_gives_a_located_error_or_a_school_that_checks(folder, case):
    start = time.perf_counter()
    try:
        name, school = load(case, folder)
        report = mandaat.check(school)
        assert report.exit_code in (0, 1)
        assert json.loads(report.to_json())["school"] == school.school.name
    except SchoolFileError as exc:
        name = {"data": "<data>", "json": "school.json", "text": "<string>"}.get(
            case.kind, str(folder / "school.yaml"))
        assert_located(exc.problems, name, case.kind)
    seconds = time.perf_counter() - start
    assert seconds < MOST_SECONDS, f"{case.label}: {seconds:.2f} s"
    tracemalloc.start()  # once more, for the memory: tracing slows it down several times
    try:
        load(case, folder)
    except SchoolFileError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MOST_BYTES, f"{case.label}: {peak / 2**20:.0f} MB"


@settings(HOSTILE, max_examples=max(5, settings().max_examples // 6))
@given(hostile_texts())
def test_hostile_standard_input_exits_0_1_or_2_with_no_traceback(case):
    stdin = io.TextIOWrapper(io.BytesIO(case.payload.encode("utf-8", "surrogatepass")),
                             encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "-", "--format", "json"], stdout=out, stderr=err, stdin=stdin)
    assert code in (0, 1, 2)
    if code == 2:
        assert err.getvalue().startswith("<stdin>") and "Traceback" not in err.getvalue()
    else:
        json.loads(out.getvalue())


# --- the reader reads what PyYAML reads, and finds the same lines ---------------------------

plain = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30)
    | st.floats(allow_nan=False) | st.dates() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6) | st.integers(0, 9), children, max_size=4),
    max_leaves=25)


@given(plain, st.sampled_from([None, True, False]), st.booleans())
def test_the_reader_reads_plain_yaml_as_the_safe_loader_does(value, flow, shared):
    data = {"a": value, "b": value if shared else None}  # shared: PyYAML writes an alias
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert parse(Source("s.yaml", text)) == yaml.safe_load(text)


def paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*here, key))
        found.append((*here, "no-such-key"))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += paths(child, (*here, i))
        found.append((*here, len(value)))
    return found


def composed_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of ``loc`` found by walking PyYAML's composed nodes (slow, and plainly so)."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    line, node = key_node.start_mark.line + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


@given(st.dictionaries(st.text("abc", min_size=1, max_size=3), plain, min_size=1, max_size=4),
       st.sampled_from([None, False]))
def test_every_field_path_is_located_on_the_line_the_composed_file_gives(data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    src = Source("s.yaml", text)
    for loc in paths(yaml.safe_load(text))[:200]:
        if all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in loc):
            assert src.line_of(loc) == composed_line(text, loc), loc


@pytest.mark.skipif(os.name != "posix", reason="a named pipe")
def test_a_named_pipe_is_refused_without_being_opened():
    """Opening a pipe nobody writes to blocked forever; one that never ends was read up to
    the limit. Neither is opened now: mandaat reads regular files only."""
    with tempfile.TemporaryDirectory() as tmp:
        fifo = Path(tmp) / "school.yaml"
        os.mkfifo(fifo)
        with pytest.raises(SchoolFileError) as info:
            mandaat.load_school(fifo)
    assert [p.type for p in info.value.problems] == ["not_a_regular_file"]
