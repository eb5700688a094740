"""Input errors read in Dutch: every problem a school file can have, and none left English."""

from __future__ import annotations

import copy
import io
import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import mandaat
from mandaat import SchoolFileError
from mandaat._dutch import problem_text, translate
from mandaat.cli.commands import _read_stdin, _school_files
from mandaat.errors import MandaatInputError, Problem, RulePackError
from mandaat.school._validation import _EXPECTED
from tests.cli.test_cli import BAD_INPUT, PACK_WITHOUT_PARAMS
from tests.conftest import BASE, GOOD

ROOT = Path(__file__).parents[2]

#: Words and phrases that give an English message away (matched as whole words, outside
#: quoted values and field names).
ENGLISH = (
    "unknown", "expected", "expecting", "did you mean", "missing", "duplicate", "no person",
    "no signal", "not valid", "must", "required", "allowed", "got", "found", "cannot",
    "supported", "reserved", "needs", "known", "define", "no such", "folder", "file",
    "mapping", "field", "invalid", "value", "empty", "with", "the", "not", "or", "and",
    "is after", "here", "person", "role", "signal", "kind", "text", "number", "date", "list",
    "should", "at most", "characters", "read", "plain", "YAML tag", "key", "party",
)
_ENGLISH = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH) + r")\b", re.I)


def english_words(text: str) -> list[str]:
    """The giveaway English words in ``text``, quoted values left out."""
    return _ENGLISH.findall(re.sub(r"'[^']*'", "''", text))


# --- a corpus of bad input: every problem type the school loader can raise ------------------


def problems_of(source: Any, **kwargs: Any) -> tuple[Problem, ...]:
    with pytest.raises(MandaatInputError) as info:
        mandaat.load_school(source, **kwargs)
    return info.value.problems


def changed(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def with_changes(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


class _UnlistableMapping(Mapping):
    """A mapping whose keys cannot be listed: it cannot be read as a school at all."""

    def __init__(self, data: dict[str, Any]):
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        raise TypeError("<keys>")

    def __len__(self) -> int:
        return len(self._data)


#: Text passed on from Python itself that no table can know; left out of the word check.
PASSED_ON = {"invalid": "<keys>"}

TEXTS = {
    # reading a file
    "unclosed list": "format: [unclosed\n",
    "tab in the indentation": "a: b\n\tc: d\n",
    "unclosed quote": "a: 'x\n",
    "colon too many": "a: b: c\n",
    "list after a mapping": "a: 1\n- b\n",
    "undefined alias": "a: *x\n",
    "anchor twice": "a: &a 1\nb: &a 2\n",
    "unknown escape": 'a: "\\q"\n',
    "character that starts no token": "a: `x\n",
    "month 13": "as_of: 2026-13-01\nx: 1\n",
    "30 February": "as_of: 2026-02-30\nx: 1\n",
    "key that is a list": "? [a]\n: 1\n",
    "object-constructing tag": "!!python/object/apply:os.system ['echo pwned']\n",
    "merge key": "<<: {a: 1}\nb: 2\n",
    "duplicate key": changed("as_of: 2026-11-22\n", "as_of: 2026-11-22\nas_of: 2026-11-21\n"),
    "a list": "- just\n- a list\n",
    "empty": "\n",
    "plain text": "just some text\n",
    "a number": "42\n",
    # shape and vocabulary
    "format 2": changed("mandaat/1", "mandaat/2"),
    "unknown top-level key": changed("as_of:", "as_off:"),
    "unknown field without a suggestion": changed("{id: anna,", "{id: anna, xyzzy: 1,"),
    "missing required field": changed(" communicated_to_team: true", ""),
    "missing roles": changed("{id: anna, roles: [schoolleider]}", "{id: anna}"),
    "unknown role": changed("[intern_begeleider]", "[intern-begeleider]"),
    "unknown task type": changed("type: schoolanalyse", "type: schoolanalyze"),
    "unknown signal type": changed("type: ontwikkeling_blijft_achter",
                                   "type: ontwikkeling_blijft_achterr"),
    "unknown team kind": changed("kind: leerteam", "kind: leerteams"),
    "unknown scope": changed("scope: [schoolanalyse]", "scope: [schoolanalyze]"),
    "unknown domain": changed("hours: {ilse: 3}", "hours: {ilse: 3}, domain: zorg"),
    "unknown external kind": changed("teams:", "externals:\n  - {id: ggd, kind: ggd}\nteams:"),
    "invalid id": changed("{id: t1,", "{id: T 1,"),
    "negative hours": changed("{ilse: 3}", "{ilse: -3}"),
    "hours beyond a year": changed("{ilse: 3}", "{ilse: 1.0e+308}"),
    "hours beyond a week": changed("{id: anna, roles", "{id: anna, hours_per_week: 200, roles"),
    "count 0": changed("since: 2026-09-01}", "since: 2026-09-01, count: 0}"),
    "whole number": changed("since: 2026-09-01}", "since: 2026-09-01, count: 2.5}"),
    "true or false": changed("communicated_to_team: true", "communicated_to_team: ja"),
    "a date": changed("since: 2026-09-01", "since: '2026-13-01'"),
    "a date with a time": changed("since: 2026-09-01", "since: 2026-09-01 10:00:00"),
    "text": changed("{name: OBS De Regenboog}", "{name: 12}"),
    "empty text": changed("{name: OBS De Regenboog}", "{name: ''}"),
    "empty value": changed("{name: OBS De Regenboog}", "{name: }"),
    "a list of roles": changed("roles: [schoolleider]", "roles: 5"),
    "a mapping": changed("school: {name: OBS De Regenboog}", "school: De Regenboog"),
    "a number of hours": changed("{ilse: 3}", "{ilse: drie}"),
    "a finite number": changed("{ilse: 3}", "{ilse: .nan}"),
    "about too long": changed("about: ilse", "about: " + "x" * 70).replace(
        "type: ontwikkeling_blijft_achter", "type: extra_ondersteuning_nodig"),
    # references and dates
    "reserved id team": changed("teams:\n", "teams:\n  - {id: team, kind: werkgroep}\n"),
    "reserved id ouders": changed("teams:\n", "teams:\n  - {id: ouders, kind: werkgroep}\n"),
    "duplicate id": changed("{id: t1,", "{id: ilse,"),
    "unknown person or team": changed("accountable: anna", "accountable: anne"),
    "unknown person": changed("from: anna", "from: ana"),
    "unknown member": changed("members: [anna]", "members: [bob]"),
    "unknown team": changed("about: ilse", "about: lt-onder").replace(
        "type: ontwikkeling_blijft_achter", "type: resultaten_onder_signaleringswaarde"),
    "unknown person, team or external party": changed("teams:", "externals:\n"
                                                      "  - {id: ggd, kind: ggd_jgz}\nteams:"
                                                      ).replace("accountable: anna",
                                                                "accountable: gdd"),
    "lagging development without since": changed(", since: 2026-09-01", ""),
    "supervises without an ib role": changed("{id: anna, roles: [schoolleider]}",
                                             "{id: anna, roles: [schoolleider], supervises: [\"5\"]}"),
    "since after as_of": changed("since: 2026-09-01", "since: 2026-12-01"),
    "absence that ends before it starts": changed(
        "{id: ilse, roles: [intern_begeleider]}",
        "{id: ilse, roles: [intern_begeleider], absent: {from: 2026-11-01, until: 2026-10-01}}"),
    "unknown deputy": changed("{id: ilse, roles: [intern_begeleider]}",
                              "{id: ilse, roles: [intern_begeleider], deputy: piet}"),
    "unknown step role": changed("signals:", "routes:\n  - {id: r1, for: {signal: eigen_koers},"
                                 " steps: [{role: directeur}]}\nsignals:"),
    "a step naming two kinds": changed("signals:", "routes:\n  - {id: r1, for: {signal: "
                                       "eigen_koers}, steps: [{role: ib, person: anna}]}\n"
                                       "signals:"),
    "unknown external in a step": changed("signals:", "routes:\n  - {id: r1, for: {signal: "
                                          "eigen_koers}, steps: [{external: swv}]}\nsignals:"),
}


def _corpus(tmp: Path) -> list[tuple[str, Problem]]:
    found: list[tuple[str, Problem]] = []

    def add(label: str, problems: tuple[Problem, ...]) -> None:
        found.extend((label, p) for p in problems)

    for label, text in TEXTS.items():
        add(label, problems_of(text))
    for label, ((old, new), _, _) in BAD_INPUT.items():
        add(f"cli: {label}", problems_of(GOOD.replace(old, new, 1)))
    # files
    add("no such file", problems_of(tmp / "nope.yaml"))
    add("a folder", problems_of(tmp))
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp / "pipe.yaml")
        add("a named pipe", problems_of(tmp / "pipe.yaml"))
    latin = tmp / "latin.yaml"
    latin.write_bytes("school: {name: caf\xe9}\n".encode("latin-1"))
    add("not UTF-8", problems_of(latin))
    cut = tmp / "cut.yaml"
    cut.write_bytes("school: {name: caf\xe9}\n".encode()[:-3])
    add("UTF-8 cut off", problems_of(cut))
    add("a name too long to open", problems_of(str(tmp / ("x" * 300 + ".yaml"))))
    for label, text in {"json without a value": '{"format": "mandaat/1",\n "school": }',
                        "json NaN": '{"a": NaN}', "json -Infinity": '{"a": -Infinity}',
                        "json key without quotes": "{a: 1}", "json extra data": '{"a": 1} x',
                        "json unterminated": '{"a": "x', "json no comma": '{"a": 1 "b": 2}',
                        "json no colon": '{"a" 1}', "json escape": '{"a": "\\q"}',
                        "json control character": '{"a": "x\ty"}',
                        "json duplicate key": '{"a": 1,\n "a": 2}'}.items():
        add(label, problems_of(text, name="school.json"))
    # parsed data: no lines, other types than YAML gives
    add("data: a mapping of mappings", problems_of(with_changes(tasks=[[{"id": "x"}]])))
    add("data: a finite number", problems_of(with_changes(params={"x": float("inf")})))
    add("data: text keys", problems_of(with_changes(params={1: 2})))
    add("data: a date", problems_of(with_changes(as_of="2026-13-01")))
    add("data: reference", problems_of(with_changes(signals=[{
        "id": "s1", "type": "ontwikkeling_blijft_achter", "about": "nobody",
        "since": "2019-12-01"}])))
    loop: list[Any] = []
    loop.append(loop)
    add("data: a list that holds itself", problems_of(with_changes(tasks=loop)))
    add("data: unreadable mapping", problems_of(_UnlistableMapping(copy.deepcopy(BASE))))
    # check() and escalate()
    with pytest.raises(SchoolFileError) as info:
        mandaat.check(mandaat.load_school(with_changes(params={"dev_lag_weks": 10})))
    add("unknown param", info.value.problems)
    pack = tmp / "pack.yaml"
    pack.write_text(PACK_WITHOUT_PARAMS, encoding="utf-8")
    with pytest.raises(SchoolFileError) as info:
        mandaat.check(mandaat.load_school(with_changes(params={"xyz": 1})), rules=[pack],
                      rules_only=True)
    add("unknown param, no params at all", info.value.problems)
    example = mandaat.load_school(mandaat.example_school_path())
    with pytest.raises(MandaatInputError) as info:
        mandaat.escalate(example, "s-tmo")
    add("unknown signal", info.value.problems)
    with pytest.raises(MandaatInputError) as info:
        mandaat.escalate(mandaat.load_school(BASE), "s1")
    add("unknown signal, none at all", info.value.problems)
    # the command line's own problems
    empty = tmp / "board"
    empty.mkdir()
    with pytest.raises(MandaatInputError) as info:
        _school_files([str(empty)])
    add("cli: a folder without school files", info.value.problems)
    with pytest.raises(MandaatInputError) as info:
        _read_stdin(io.TextIOWrapper(io.BytesIO(b"school: {name: caf\xe9}\n")))
    add("cli: standard input not UTF-8", info.value.problems)
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Problem]]:
    return _corpus(tmp_path_factory.mktemp("dutch"))


def school_problem_types() -> set[str]:
    """The types docs/errors.md lists for reading a file, shape and vocabulary, references."""
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    types: set[str] = set()
    for section in ("Reading a file", "Shape and vocabulary", "References and dates"):
        body = doc.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
        types.update(re.findall(r"^\| `(\w+)` \|", body, re.MULTILINE))
    return types


def test_the_corpus_has_a_problem_of_every_type_the_school_loader_raises(corpus):
    types = school_problem_types()
    assert {"file_not_found", "missing", "unknown_reference", "unknown_param",
            "unknown_signal"} <= types  # the sections were found
    assert sorted(types - {p.type for _, p in corpus}) == []


def test_every_problem_of_the_corpus_reads_as_dutch(corpus):
    english = []
    for label, problem in corpus:
        dutch = problem_text(problem, "nl")
        text = dutch.replace(PASSED_ON.get(problem.type, "\0"), "")
        if dutch == problem.msg or english_words(text):
            english.append(f"{label}: {problem.msg!r} -> {dutch!r} {english_words(text)}")
    assert english == []


def test_the_word_check_catches_english():
    assert english_words("unknown role 'x' (did you mean 'y'?)") == [
        "unknown", "role", "did you mean"]
    assert english_words("onbekende rol 'the unknown role' (bedoelde u 'leraar'?)") == []
    assert translate("a message no row knows") == "a message no row knows"


def test_english_stays_as_it_was(corpus):
    for _, problem in corpus:
        assert problem.text("en") == problem.text() == str(problem)
        assert problem_text(problem, "en") == problem.msg
        assert set(problem.as_dict()) == {"file", "line", "loc", "type", "msg"}
        assert problem.as_dict()["msg"] == problem.msg


# --- exact Dutch, read by hand ----------------------------------------------------------------


def dutch_of(text: str) -> str:
    (problem,) = problems_of(text)
    return problem.text("nl")


@pytest.mark.parametrize("text, expected", [
    (changed("[intern_begeleider]", "[intern-begeleider]"),
     "<string>:6: people[1].roles[0]: onbekende rol 'intern-begeleider' "
     "(bedoelde u 'intern_begeleider'?)"),
    (changed("{id: anna, roles: [schoolleider]}", "{id: anna}"),
     "<string>:5: people[0].roles: ontbrekend verplicht veld 'roles'"),
    (changed("accountable: anna", "accountable: anne"),
     "<string>:10: tasks[0].accountable: er is geen persoon of team met id 'anne' "
     "(bedoelde u 'anna'?)"),
    (changed("from: anna", "from: nobody"),
     "<string>:12: mandates[0].from: er is geen persoon met id 'nobody'"),
    (changed("since: 2026-09-01", "since: '2026-13-01'"),
     "<string>:14: signals[0].since: verwacht een datum (JJJJ-MM-DD), kreeg '2026-13-01'"),
    (changed("type: schoolanalyse", "type: schoolanalyze"),
     "<string>:10: tasks[0].type: onbekend taaktype 'schoolanalyze' "
     "(bedoelde u 'schoolanalyse'?)"),
    (changed("kind: leerteam", "kind: leerteams"),
     "<string>:8: teams[0].kind: onbekende soort team 'leerteams' (bedoelde u 'leerteam'?)"),
    (changed("{ilse: 3}", "{ilse: -3}"),
     "<string>:10: tasks[0].hours.ilse: moet 0 of meer zijn, niet -3"),
    (changed("{id: t1,", "{id: ilse,"),
     "<string>:10: tasks[0].id: de id 'ilse' komt twee keer voor (ook bij people[1])"),
    (changed("since: 2026-09-01", "since: 2026-12-01"),
     "<string>:14: signals[0].since: 'since' 2026-12-01 ligt na de peildatum 'as_of' "
     "2026-11-22"),
    (changed("teams:\n", "teams:\n  - {id: team, kind: werkgroep}\n"),
     "<string>:8: teams[0].id: de id 'team' is gereserveerd: die betekent het hele team; "
     "kies een andere id"),
    (changed("{name: OBS De Regenboog}", "{name: }"),
     "<string>:2: school.name: verwacht tekst, kreeg een lege waarde"),
    ("- just\n- a list\n",
     "<string>:1: (bestand): een schoolbestand bestaat uit velden met een waarde (zoals "
     "'format: mandaat/1'), maar dit is een lijst"),
    ("format: [unclosed\n", "<string>:2: (bestand): ongeldige YAML: hier ontbreekt ',' of ']'"),
    ("school: [\n", "<string>:2: (bestand): ongeldige YAML: hier ontbreekt een waarde"),
])
def test_exact_dutch(text, expected):
    assert dutch_of(text) == expected


def test_an_unknown_field_names_the_allowed_ones_in_dutch():
    text = dutch_of(changed("as_of:", "as_off:"))
    assert text.startswith("<string>:3: as_off: onbekend veld 'as_off' (bedoelde u 'as_of'?); "
                           "toegestaan: as_of, ")


def test_unknown_param_and_signal_in_dutch(corpus):
    texts = {label: problem_text(p, "nl") for label, p in corpus}
    assert texts["unknown param"].startswith(
        "onbekende parameter 'dev_lag_weks' (bedoelde u 'dev_lag_weeks'?); "
        "de regelpakketten kennen: ")
    assert texts["unknown param, no params at all"] == (
        "onbekende parameter 'xyz'; de regelpakketten kennen geen parameters")
    assert texts["unknown signal"].startswith(
        "er is geen signaal met id 's-tmo' (bedoelde u 's-tom'?); bekende signalen: s-tom, ")
    assert texts["unknown signal, none at all"] == (
        "er is geen signaal met id 's1'; de school heeft geen signalen")
    assert texts["cli: a folder without school files"] == (
        "in deze map staan geen schoolbestanden (.yaml, .yml of .json)")


# --- the whole error, and what stays English ------------------------------------------------


def test_render_gives_every_problem_one_a_line():
    text = (GOOD.replace("[intern_begeleider]", "[ib]")
                .replace("accountable: anna", "accountable: nobody")
                .replace("{ilse: 3}", "{ilse: -1}"))
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(text)
    err = info.value
    assert err.render() == err.render("en") == str(err)
    assert err.render("nl").splitlines() == [
        "<string>:6: people[1].roles[0]: onbekende rol 'ib' (bedoelde u 'intern_begeleider'?)",
        "<string>:10: tasks[0].accountable: er is geen persoon of team met id 'nobody'",
        "<string>:10: tasks[0].hours.ilse: moet 0 of meer zijn, niet -1",
    ]
    assert [p.msg for p in err.problems][0] == (  # msg stays English
        "unknown role 'ib' (did you mean 'intern_begeleider'?)")


def test_rule_pack_problems_stay_english(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text("pack: p\nversion: '1'\nrules:\n  - id: X1\n    severity: bad\n",
                    encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        mandaat.load_rules(pack)
    assert info.value.render("nl") == str(info.value)


def test_an_unknown_language_is_refused():
    err = SchoolFileError([Problem("f", 1, (), "missing", "missing required field 'x'")])
    for call in (lambda: err.render("de"), lambda: err.problems[0].text("fr")):
        with pytest.raises(ValueError, match="lang must be 'nl' or 'en'"):
            call()


# --- the table keeps up with the vocabulary --------------------------------------------------


def test_every_vocabulary_word_of_the_model_has_dutch():
    model = (ROOT / "src" / "mandaat" / "school" / "model.py").read_text(encoding="utf-8")
    words = re.findall(r'_in_vocabulary\("([^"]+)"', model)
    assert "role" in words
    for what in words:
        dutch = translate(f"unknown {what} 'x' (did you mean 'y'?)", "unknown_value")
        assert dutch.endswith(" 'x' (bedoelde u 'y'?)") and not english_words(dutch), what


def test_every_wrong_type_message_has_dutch():
    for english in set(_EXPECTED.values()):
        dutch = translate(f"{english}, got 'x'", "wrong_type")
        assert dutch.endswith(", kreeg 'x'") and not english_words(dutch), english


def test_the_rule_pack_forms_of_shared_messages_also_have_dutch():
    assert translate("expected one of 'a', 'b' or 'c', got 'd'") == (
        "verwacht een van 'a', 'b' of 'c', kreeg 'd'")
    assert translate("'X' does not match the form ^[A-Z]+$") == "'X' heeft niet de vorm ^[A-Z]+$"


def test_a_json_school_file_reports_in_dutch_with_the_line(tmp_path):
    bad = tmp_path / "bad.json"
    without = {key: value for key, value in BASE.items() if key != "as_of"}
    bad.write_text(json.dumps(without)[:-1] + ', "as_of": 5}', encoding="utf-8")
    with pytest.raises(SchoolFileError) as info:
        mandaat.load_school(bad)
    (problem,) = info.value.problems
    assert problem.text("nl") == f"{bad}:1: as_of: verwacht een datum (JJJJ-MM-DD), kreeg 5"


def test_the_docs_say_which_language_comes_where():
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for phrase in ("--lang en", "Problem.text(lang)", "MandaatInputError.render(lang)",
                   "onbekende rol 'intern-begeleider' (bedoelde u 'intern_begeleider'?)",
                   "rule packs and scenario files stay\nEnglish"):
        assert phrase in doc, phrase


def test_numbers_with_thousands_are_written_as_dutch_writes_them():
    assert translate("the cell holds 60,000,000 characters; a cell holds at most 32,767") == (
        "de cel bevat 60.000.000 tekens; een cel bevat er hoogstens 32.767")
