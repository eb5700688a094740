"""Hypothesis strategies shared by the property tests: valid school files of any size.

They include the odd schools: no school leader, several ib'ers, people in no team, tasks
with nobody on them, signals of every type and age.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections.abc import Callable
from typing import Any

import yaml
from hypothesis import strategies as st
from pydantic import BaseModel

from mandaat.school import model as M
from mandaat.school import vocabulary as V

AS_OF = dt.date(2026, 11, 22)

ids = st.from_regex(r"[a-z][a-z0-9_-]{0,7}", fullmatch=True).filter(lambda s: s != V.ALL_STAFF)
names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                min_size=1, max_size=20)
hours = st.one_of(st.integers(0, 200), st.floats(0, 200, allow_nan=False, allow_infinity=False))
days_back = st.integers(0, 400)


def _since(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


@st.composite
def schools(draw: st.DrawFn, max_people: int = 10, max_tasks: int = 14) -> dict[str, Any]:
    """A valid ``mandaat/1`` school file as a dict (what ``load_school`` accepts)."""
    n_people = draw(st.integers(1, max_people))
    n_teams = draw(st.integers(0, 3))
    n_tasks = draw(st.integers(0, max_tasks))
    n_mandates = draw(st.integers(0, 3))
    n_signals = draw(st.integers(0, 5))
    n_externals = draw(st.integers(0, 2))
    n_routes = draw(st.integers(0, 2))
    n_ids = n_people + n_teams + n_tasks + n_mandates + n_signals + n_externals + n_routes
    pool = draw(st.lists(ids.filter(lambda s: s not in V.RESERVED_IDS), min_size=n_ids,
                         max_size=n_ids, unique=True))
    people_ids = pool[:n_people]
    team_ids = pool[n_people:n_people + n_teams]
    rest = pool[n_people + n_teams:]
    task_ids, rest = rest[:n_tasks], rest[n_tasks:]
    external_ids, rest = rest[:n_externals], rest[n_externals:]
    route_ids, rest = rest[:n_routes], rest[n_routes:]
    mandate_ids, signal_ids = rest[:n_mandates], rest[n_mandates:]
    holders = people_ids + team_ids + external_ids + [V.ALL_STAFF, V.PARENTS]
    group_names = st.sampled_from(["1", "2", "3", "4", "5", "6", "7", "8"])

    people = []
    for pid in people_ids:
        person: dict[str, Any] = {
            "id": pid, "roles": draw(st.lists(st.sampled_from(V.ROLES), min_size=1,
                                              max_size=3, unique=True))}
        if draw(st.booleans()):
            person["name"] = draw(names)
        if draw(st.booleans()):
            person["hours_per_week"] = draw(st.integers(0, 40))
        if draw(st.booleans()):
            person["days_per_week"] = draw(st.sampled_from([1, 2.5, 3, 5]))
        if draw(st.booleans()):
            person["groups"] = draw(st.lists(group_names, max_size=2, unique=True))
        ib = {"intern_begeleider", "interim_intern_begeleider"} & set(person["roles"])
        if ib and draw(st.booleans()):  # 'supervises' is for an ib'er
            person["supervises"] = draw(st.lists(
                st.one_of(group_names, st.sampled_from(team_ids)) if team_ids else group_names,
                max_size=3, unique=True))
        if draw(st.booleans()):
            person["leads"] = draw(st.lists(st.sampled_from(people_ids + team_ids), max_size=3,
                                            unique=True))
        if draw(st.integers(0, 3)) == 0:
            start = AS_OF + dt.timedelta(days=draw(st.integers(-30, 30)))
            absent: dict[str, Any] = {"from": start.isoformat()}
            if draw(st.booleans()):
                absent["until"] = (start + dt.timedelta(days=draw(st.integers(0, 60)))
                                   ).isoformat()
            person["absent"] = absent
        for key in ("deputy", "replaces"):
            if draw(st.integers(0, 3)) == 0:
                person[key] = draw(st.sampled_from(people_ids))
        people.append(person)
    teams = [{"id": tid, "kind": draw(st.sampled_from(V.TEAM_KINDS)),
              "members": draw(st.lists(st.sampled_from(people_ids), max_size=4, unique=True))}
             for tid in team_ids]
    tasks = []
    for tid in task_ids:
        task: dict[str, Any] = {"id": tid, "type": draw(st.sampled_from(V.TASK_TYPES))}
        for raci, most in (("accountable", 2), ("responsible", 3), ("consulted", 3),
                           ("informed", 3)):
            chosen = draw(st.lists(st.sampled_from(holders), max_size=most, unique=True))
            if chosen:
                task[raci] = chosen
        if draw(st.booleans()):
            task["case_holder"] = draw(st.sampled_from(people_ids))
        if draw(st.booleans()):
            task["about"] = draw(st.sampled_from(people_ids))
        if task["type"] == V.OTHER_TASK_TYPE and draw(st.booleans()):
            task["domain"] = draw(st.sampled_from(V.DOMAINS))
        if draw(st.booleans()):
            task["title"] = draw(st.sampled_from(
                ["Groepsbespreking", "Overdracht naar het VO", "Schoolreisje", "MDO"]))
        if draw(st.booleans()):
            task["parent_consent"] = draw(st.booleans())
        spent = draw(st.dictionaries(st.sampled_from(people_ids), hours, max_size=3))
        if spent:
            task["hours"] = spent
        tasks.append(task)
    mandates = []
    for mid in mandate_ids:
        mandate = {"id": mid, "from": draw(st.sampled_from(people_ids)),
                   "to": draw(st.sampled_from(people_ids)),
                   "scope": draw(st.lists(st.sampled_from((*V.TASK_TYPES, *V.DOMAINS)),
                                          min_size=1, max_size=3, unique=True)),
                   "communicated_to_team": draw(st.booleans())}
        if draw(st.booleans()):
            mandate["since"] = _since(draw(days_back))
        mandates.append(mandate)
    signals = []
    for sid in signal_ids:
        kind = draw(st.sampled_from(V.SIGNAL_TYPES))
        about_kind = V.SIGNAL_ABOUT[kind]
        if about_kind == "person":
            about = draw(st.sampled_from(people_ids))
        elif about_kind == "team":
            about = draw(st.sampled_from(team_ids + [V.ALL_STAFF]))
        else:
            about = draw(st.from_regex(r"lln-[0-9]{3}", fullmatch=True))
        signal: dict[str, Any] = {"id": sid, "type": kind, "about": about}
        if kind == "ontwikkeling_blijft_achter" or draw(st.booleans()):
            signal["since"] = _since(draw(days_back))
        if draw(st.booleans()):
            signal["handled_by"] = draw(st.sampled_from(people_ids))
        if about_kind == "pupil" and draw(st.booleans()):
            signal["group"] = draw(group_names)
        if draw(st.booleans()):
            signal["asked"] = draw(st.integers(0, 3))
        if draw(st.booleans()):
            signal["consent"] = draw(st.booleans())
        if kind == "afspraak_niet_nagekomen":
            signal["count"] = draw(st.integers(1, 5))
            signal["conversation_held"] = draw(st.booleans())
            signal["willful"] = draw(st.booleans())
        signals.append(signal)
    params = draw(st.fixed_dictionaries({}, optional={
        "dev_lag_weeks": st.integers(1, 30),
        "breach_count": st.integers(1, 5),
        "max_beheer_share": st.floats(0, 1),
        "max_curative_share": st.floats(0, 1),
        "max_accountable_tasks": st.integers(0, 20),
    }))
    externals = [{"id": eid, "kind": draw(st.sampled_from(V.EXTERNAL_KINDS))}
                 for eid in external_ids]
    step_refs = [("role", r) for r in V.STEP_ROLES] + [("person", p) for p in people_ids] \
        + [("team", t) for t in team_ids] + [("external", e) for e in external_ids]
    conditions = st.fixed_dictionaries({}, optional={
        "after_weeks": st.integers(0, 20), "after_times": st.integers(1, 4),
        "on_request": st.booleans(), "consent": st.booleans(),
        "conversation_held": st.booleans(), "willful": st.booleans()})
    routes = []
    for rid in route_ids:
        steps = []
        for kind, ref in draw(st.lists(st.sampled_from(step_refs), min_size=1, max_size=5)):
            step: dict[str, Any] = {kind: ref}
            if draw(st.booleans()):
                step["when"] = draw(st.lists(conditions, min_size=1, max_size=2))
            if steps and draw(st.integers(0, 3)) == 0:
                step["joins"] = True  # takes part; the step before goes on acting
            steps.append(step)
        routes.append({"id": rid, "for": {"signal": draw(st.sampled_from(V.SIGNAL_TYPES))},
                       "steps": steps})
    defaults = ({"accountable": draw(st.sampled_from(people_ids))}
                if draw(st.booleans()) else {})
    data: dict[str, Any] = {"format": "mandaat/1", "school": {"name": draw(names)},
                            "as_of": AS_OF.isoformat(), "people": people}
    for key, value in (("teams", teams), ("tasks", tasks), ("mandates", mandates),
                       ("signals", signals), ("params", params), ("externals", externals),
                       ("defaults", defaults), ("routes", routes)):
        if value or draw(st.booleans()):
            data[key] = value
    return data


def shuffled(data: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """The same school with every list in another order, the people too: the format gives
    no list order a meaning (where several people qualify, the first by id acts)."""
    out = {k: v for k, v in data.items()}
    for key in ("people", "teams", "tasks", "mandates", "signals", "routes"):
        if key in out:
            out[key] = [_shuffle_inner(item, rnd) for item in _shuffle(out[key], rnd)]
    return out


def _shuffle(items: list[Any], rnd: random.Random) -> list[Any]:
    items = list(items)
    rnd.shuffle(items)
    return items


def _shuffle_inner(item: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    out = dict(item)
    for key, value in item.items():
        if key == "steps":  # a route's steps are in order
            continue
        if isinstance(value, list):
            out[key] = _shuffle(value, rnd)
        elif isinstance(value, dict):
            out[key] = dict(_shuffle(list(value.items()), rnd))
    return out


# --- the other spellings of a valid school, and schools broken in one way -----------------


@st.composite
def spelled_schools(draw: st.DrawFn, max_people: int = 6, max_tasks: int = 8) -> dict[str, Any]:
    """A valid school written in the other ways the loader reads: one id where a list of ids
    is read, groups as whole numbers, fractional hours, every optional field, and ``null``
    or the default written out where the loader accepts them."""
    data = copy.deepcopy(draw(schools(max_people=max_people, max_tasks=max_tasks)))

    def one_or_many(value: list[str]) -> str | list[str]:
        return value[0] if len(value) == 1 and draw(st.booleans()) else value

    def maybe(item: dict[str, Any], key: str, value: st.SearchStrategy[Any]) -> None:
        if key not in item and draw(st.booleans()):
            item[key] = draw(value)

    maybe(data["school"], "brin", st.one_of(st.none(), names))
    maybe(data, "params", st.dictionaries(names, st.one_of(
        st.integers(-10**9, 10**9), st.floats(-1e9, 1e9, allow_nan=False)), max_size=2))
    for person in data["people"]:
        maybe(person, "name", st.none())
        maybe(person, "hours_per_week", st.one_of(
            st.none(), st.floats(0, 168, allow_nan=False)))
        maybe(person, "groups", st.lists(st.one_of(st.integers(0, 8), st.sampled_from(
            ("1", "2", "3a", "8b", "combinatie 1-2"))), max_size=2))
    for team in data.get("teams", []):
        team["members"] = one_or_many(team["members"])
        maybe(team, "name", st.one_of(st.none(), names))
    for task in data.get("tasks", []):
        for raci in V.RACI:
            if raci in task:
                task[raci] = one_or_many(task[raci])
            else:
                maybe(task, raci, st.just([]))
        maybe(task, "title", st.one_of(st.none(), names))
        for key in ("case_holder", "about", "domain"):
            maybe(task, key, st.none())
        maybe(task, "hours", st.just({}))
    for mandate in data.get("mandates", []):
        mandate["scope"] = one_or_many(mandate["scope"])
        maybe(mandate, "since", st.none())
    for signal in data.get("signals", []):
        maybe(signal, "handled_by", st.none())
        maybe(signal, "count", st.integers(1, 100_000))
        maybe(signal, "conversation_held", st.booleans())
        maybe(signal, "willful", st.booleans())
        if signal["type"] != "ontwikkeling_blijft_achter":
            maybe(signal, "since", st.none())
    return data


#: Every key any level of a school file knows.
KNOWN_KEYS = frozenset(
    field.alias or name
    for model in vars(M).values() if isinstance(model, type) and issubclass(model, BaseModel)
    for name, field in model.model_fields.items()
)
unknown_keys = st.from_regex(r"[a-z][a-z_]{0,14}", fullmatch=True).filter(
    lambda key: key not in KNOWN_KEYS)
bad_ids = st.one_of(
    st.from_regex(r"[A-Z][a-z0-9]{0,8}", fullmatch=True),     # capitals
    st.from_regex(r"[-_][a-z0-9]{0,8}", fullmatch=True),      # starts with - or _
    st.from_regex(r"[a-z]{1,5}[ .!/][a-z]{1,5}", fullmatch=True),
    st.text(alphabet="abc", min_size=65, max_size=70),        # longer than 64
    st.just(""),
)
#: Dates the loader refuses, in the form of a date or close to it.
bad_dates = st.sampled_from(
    ("22-11-2026", "2026/11/22", "2026-13-01", "2026-11-32", "2026-00-10", "26-11-22",
     "november 2026", ""))


def _unknown_word(vocabulary: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.from_regex(r"[a-z][a-z_]{0,20}", fullmatch=True),
        st.sampled_from(vocabulary).map(str.upper),
        st.sampled_from(vocabulary).map(lambda word: word.replace("_", "-")),
    ).filter(lambda word: word not in vocabulary)


@st.composite
def shape_errors(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A valid school broken in one way the format forbids, with a name for the break:
    an unknown key, an unknown vocabulary word, a number out of bounds, a bad id, a wrong
    type, an empty list or text, a missing required field, a bad date.

    Returns ``(what, data)``; ``data`` holds JSON values only.
    """
    data = copy.deepcopy(draw(schools(max_people=4, max_tasks=4)))
    sections = {key: data.get(key) or [] for key in ("teams", "tasks", "mandates", "signals")}

    def pick(section: str) -> dict[str, Any]:
        items = data["people"] if section == "people" else sections[section]
        return draw(st.sampled_from(items))

    def sections_with_items(*names: str) -> list[str]:
        return [name for name in names if name == "people" or sections[name]]

    def unknown_key() -> None:
        level = draw(st.sampled_from(
            ["top", "school", *sections_with_items("people", *sections)]))
        item = data if level == "top" else data["school"] if level == "school" else pick(level)
        item[draw(unknown_keys)] = draw(st.one_of(st.none(), st.integers(), names))

    def unknown_word() -> None:
        where = draw(st.sampled_from(["format", "role", "team kind", "task type", "domain",
                                      "scope", "signal type"]))
        if where == "format":
            data["format"] = draw(st.sampled_from(("mandaat/2", "mandaat/0", "mandaat", "")))
        elif where == "role":
            person = pick("people")
            person["roles"][draw(st.integers(0, len(person["roles"]) - 1))] = draw(
                _unknown_word(V.ROLES))
        elif where == "team kind" and sections["teams"]:
            pick("teams")["kind"] = draw(_unknown_word(V.TEAM_KINDS))
        elif where in ("task type", "domain") and sections["tasks"]:
            key, words = ("type", V.TASK_TYPES) if where == "task type" else ("domain", V.DOMAINS)
            pick("tasks")[key] = draw(_unknown_word(words))
        elif where == "scope" and sections["mandates"]:
            mandate = pick("mandates")
            mandate["scope"] = [*mandate["scope"], draw(_unknown_word((*V.TASK_TYPES, *V.DOMAINS)))]
        elif where == "signal type" and sections["signals"]:
            pick("signals")["type"] = draw(_unknown_word(V.SIGNAL_TYPES))
        else:
            pick("people")["roles"] = [draw(_unknown_word(V.ROLES))]

    def out_of_bounds() -> None:
        negative = st.one_of(st.integers(-1000, -1), st.floats(-1000, -1e-9))
        where = draw(st.sampled_from(["hours_per_week", "hours", "count", "params"]))
        if where == "hours" and sections["tasks"]:
            task = pick("tasks")
            task["hours"] = {**task.get("hours", {}), data["people"][0]["id"]: draw(
                st.one_of(negative, st.integers(8761, 10**6), st.floats(8760.5, 1e12)))}
        elif where == "count" and sections["signals"]:
            pick("signals")["count"] = draw(st.one_of(st.integers(-5, 0),
                                                      st.integers(100_001, 10**9)))
        elif where == "params":
            data["params"] = {**data.get("params", {}), "dev_lag_weeks": draw(st.one_of(
                st.floats(1.5e9, 1e300), st.floats(-1e300, -1.5e9), st.integers(10**9 + 1)))}
        else:
            pick("people")["hours_per_week"] = draw(st.one_of(
                negative, st.integers(169, 10**6), st.floats(168.5, 1e12)))

    def bad_id() -> None:
        bad = draw(bad_ids)
        where = draw(st.sampled_from(["id", "reference", "hours key", "reserved"]))
        if where in ("id", "reserved"):
            section = draw(st.sampled_from(sections_with_items("people", *sections)))
            pick(section)["id"] = bad if where == "id" else draw(st.sampled_from(V.RESERVED_IDS))
        elif where == "hours key" and sections["tasks"]:
            pick("tasks")["hours"] = {bad: 1}
        elif sections["tasks"]:
            task = pick("tasks")
            key = draw(st.sampled_from((*V.RACI, "case_holder", "about")))
            task[key] = bad if key in ("case_holder", "about") or draw(st.booleans()) else [bad]
        else:
            data["people"][0]["id"] = bad

    def wrong_type() -> None:
        text_for_number = st.sampled_from(("12", "twaalf", "1e3"))
        choices: list[tuple[Callable[[], dict[str, Any]], str, st.SearchStrategy[Any]]] = [
            (lambda: data, "school", st.one_of(names, st.lists(names, max_size=2))),
            (lambda: data, "people", st.one_of(st.none(), st.just({}), names)),
            (lambda: data, "as_of", st.one_of(st.booleans(), st.lists(names, max_size=1),
                                              st.fixed_dictionaries({"d": st.integers()}))),
            (lambda: data, "params", st.one_of(names, st.lists(st.integers(), max_size=2))),
            (lambda: data["school"], "name", st.one_of(st.none(), st.integers(), st.booleans())),
            (lambda: pick("people"), "roles", st.one_of(st.none(), st.sampled_from(V.ROLES))),
            (lambda: pick("people"), "hours_per_week", st.one_of(text_for_number, st.booleans())),
            (lambda: pick("people"), "groups", st.one_of(
                names, st.none(), st.lists(st.one_of(st.booleans(), st.none(), st.floats(
                    0.5, 8.5).filter(lambda f: not f.is_integer())), min_size=1, max_size=2))),
            (lambda: pick("people"), "id", st.one_of(st.integers(), st.none(),
                                                     st.lists(ids, min_size=1, max_size=1))),
        ]
        if sections["teams"]:
            choices += [(lambda: pick("teams"), "members",
                         st.one_of(st.none(), st.integers(), st.just({"tom": 1})))]
        if sections["tasks"]:
            choices += [(lambda: pick("tasks"), "accountable",
                         st.one_of(st.none(), st.integers(), st.booleans(), st.just({"a": 1}))),
                        (lambda: pick("tasks"), "hours", st.one_of(
                            st.lists(st.integers(0, 5), max_size=2), names)),
                        (lambda: pick("tasks"), "title", st.one_of(st.integers(), st.booleans()))]
        if sections["mandates"]:
            choices += [(lambda: pick("mandates"), "communicated_to_team",
                         st.one_of(st.sampled_from(("true", "ja", "no")), st.integers(0, 1),
                                   st.none()))]
        if sections["signals"]:
            choices += [(lambda: pick("signals"), "count", st.one_of(
                            text_for_number, st.booleans(),
                            st.floats(1.5, 9.5).filter(lambda f: not f.is_integer()))),
                        (lambda: pick("signals"), "willful",
                         st.one_of(st.sampled_from(("false", "nee")), st.integers(0, 1))),
                        (lambda: pick("signals"), "about", st.one_of(
                            st.integers(), st.none(), st.text(min_size=65, max_size=80)))]
        item, key, value = draw(st.sampled_from(choices))
        item()[key] = draw(value)

    def empty() -> None:
        where = draw(st.sampled_from(["roles", "school name", "person name", "scope"]))
        if where == "scope" and sections["mandates"]:
            pick("mandates")["scope"] = []
        elif where == "school name":
            data["school"]["name"] = ""
        elif where == "person name":
            pick("people")["name"] = ""
        else:
            pick("people")["roles"] = []

    def missing() -> None:
        required = {"people": ("id", "roles"), "teams": ("id", "kind"),
                    "tasks": ("id", "type"),
                    "mandates": ("id", "from", "to", "scope", "communicated_to_team"),
                    "signals": ("id", "type", "about")}
        where = draw(st.sampled_from(["top", "school", *sections_with_items(*required)]))
        if where == "top":
            del data[draw(st.sampled_from(("format", "school", "people")))]
        elif where == "school":
            del data["school"]["name"]
        else:
            del pick(where)[draw(st.sampled_from(required[where]))]

    def missing_since() -> None:
        signal = {"id": "s-missing-since", "type": "ontwikkeling_blijft_achter",
                  "about": data["people"][0]["id"]}
        if draw(st.booleans()):
            signal["since"] = None
        data["signals"] = [*sections["signals"], signal]

    def bad_date() -> None:
        where = draw(st.sampled_from(sections_with_items("mandates", "signals")
                                     + ["as_of"]))
        if where == "as_of":
            data["as_of"] = draw(bad_dates)
        else:
            pick(where)["since"] = draw(bad_dates)

    breaks = {"unknown key": unknown_key, "unknown word": unknown_word,
              "out of bounds": out_of_bounds, "bad id": bad_id, "wrong type": wrong_type,
              "empty": empty, "missing field": missing,
              "signal without since": missing_since, "bad date": bad_date}
    what = draw(st.sampled_from(sorted(breaks)))
    breaks[what]()
    return what, data


# --- hostile input: what a school file can be when nobody wrote it as one ------------------
#
# Each strategy below gives a ``Hostile`` case: a YAML or JSON text, the bytes of a file, or
# a mapping given to ``load_school``, built from a valid school with one hostile part put in
# at a random place. ``hostile_inputs`` draws from all of them.


class Hostile:
    """One hostile input: ``kind`` is ``"text"``, ``"json"``, ``"bytes"`` or ``"data"``."""

    def __init__(self, label: str, kind: str, payload: Any):
        self.label, self.kind, self.payload = label, kind, payload

    def __repr__(self) -> str:  # hypothesis prints the failing example: keep it readable
        shown = repr(self.payload)
        if len(shown) > 300:
            shown = f"{shown[:150]} ... {shown[-100:]} ({len(shown)} characters)"
        return f"Hostile({self.label!r}, {self.kind!r}, {shown})"


#: Where a hostile value is put: a marker that YAML and JSON both write as a plain string.
HOLE = "HOSTILE-HOLE"

#: Every kind of tag: the plain ones a school file may use and those it may not.
TAGS = ("!!set", "!!binary", "!!omap", "!!pairs", "!!merge", "!!value",
        "!!python/object:os.system", "!!python/name:os.system", "!!python/object/apply:os.system",
        "!foo",
        "!<tag:example.com,2026:x>", "!!str", "!!int", "!!float", "!!bool", "!!null",
        "!!timestamp", "!!seq", "!!map", "!")
#: Characters a text may hold that a person never types, and some that look like others.
ODD_CHARACTERS = ("\\0", "\\a", "\\e", "\\x7f", "\\x85", "\\u2028", "\\u2029", "\\ufeff",
                  "\\u202e", "\\e[2J\\e[31m", "\\r", "\\t", "\\x1b]0;title\\x07", "\\U0001F600")


@st.composite
def _with_hole(draw: st.DrawFn) -> dict[str, Any]:
    """A small valid school with ``HOLE`` as the value of one field, at any depth."""
    data = copy.deepcopy(draw(schools(max_people=3, max_tasks=3)))
    places: list[tuple[Any, Any]] = [(data, key) for key in data]
    for key in ("people", "tasks", "teams", "signals", "mandates"):
        for item in data.get(key) or []:
            places += [(item, field) for field in item]
    parent, key = draw(st.sampled_from(places))
    if draw(st.integers(0, 4)) == 0 and isinstance(parent[key], list) and parent[key]:
        parent[key][draw(st.integers(0, len(parent[key]) - 1))] = HOLE
    elif draw(st.integers(0, 5)) == 0:
        parent[draw(st.sampled_from([HOLE + "-key", "x"]))] = HOLE  # a key of its own
    else:
        parent[key] = HOLE
    return data


def _as_yaml(data: dict[str, Any], fragment: str, key_fragment: str | None = None) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)
    if key_fragment is not None:
        text = text.replace(HOLE + "-key", key_fragment, 1)
    return text.replace(HOLE, fragment)


def alias_bombs() -> st.SearchStrategy[str]:
    """A flow value of nested aliases: ``width ** levels`` values in a few hundred bytes,
    or an alias inside its own anchor."""
    def bomb(levels: int, width: int) -> str:
        parts = ["&hb0 [" + ", ".join(["lol"] * width) + "]"]
        for i in range(1, levels):
            parts.append(f"&hb{i} [" + ", ".join([f"*hb{i - 1}"] * width) + "]")
        return "[" + ", ".join(parts) + "]"

    return st.one_of(
        st.builds(bomb, st.integers(1, 12), st.integers(2, 12)),
        st.just("&hl [*hl]"), st.just("&hl {a: *hl}"), st.just("[&hs x, *hs, *hs]"),
        st.just("*undefined"),
    )


def deep_nestings() -> st.SearchStrategy[str]:
    """Lists or mappings nested inside each other, up to far beyond any limit."""
    depth = st.one_of(st.integers(1, 40), st.integers(30, 34), st.integers(1, 3000))
    return st.one_of(
        depth.map(lambda d: "[" * d + "]" * d),
        depth.map(lambda d: "{a: " * d + "1" + "}" * d),
        depth.map(lambda d: "[{a: " * d + "1" + "}]" * d),
    )


def huge_lists() -> st.SearchStrategy[str]:
    """A flow list or mapping around the item limit, or far beyond it."""
    n = st.one_of(st.integers(0, 50), st.integers(9_990, 10_010), st.integers(10_000, 30_000))
    item = st.sampled_from(["x", "1", "team", "anna", "''", "[]", "{}", "~"])
    return st.one_of(
        st.builds(lambda k, v: "[" + ", ".join([v] * k) + "]", n, item),
        st.builds(lambda k: "{" + ", ".join(f"k{i}: 1" for i in range(k)) + "}", n),
    )


def odd_tags() -> st.SearchStrategy[str]:
    """A value with a tag: plain ones on values they fit or not, and the ones refused."""
    value = st.sampled_from(["x", "1", "1.5", "yes", "maybe", "~", "2026-01-01", "2026-02-30",
                             "[1]", "{a: 1}", "''", "aGVsbG8=", "[a: 1]"])
    return st.builds(lambda tag, v: f"{tag} {v}", st.sampled_from(TAGS), value)


def control_characters() -> st.SearchStrategy[str]:
    """A double-quoted text with characters from escapes: control characters, a byte order
    mark, bidirectional overrides, terminal escape sequences."""
    return st.lists(st.one_of(st.sampled_from(ODD_CHARACTERS), st.sampled_from(["a", "é", " "])),
                    min_size=1, max_size=12).map(lambda parts: '"' + "".join(parts) + '"')


def enormous_strings() -> st.SearchStrategy[str]:
    """A text, a number, an anchor or a tag of up to a million characters."""
    size = st.one_of(st.integers(41, 200), st.integers(10_000, 1_000_000))
    return st.one_of(
        size.map(lambda n: "'" + "x" * n + "'"),
        size.map(lambda n: "1" * n),
        size.map(lambda n: "1e" + "9" * n),
        size.map(lambda n: "2026-01-01" + "0" * n),
        size.map(lambda n: f"&{'a' * n} x"),
        size.map(lambda n: f"!{'t' * n} x"),
        size.map(lambda n: "[" + ", ".join(["Ā" * 50] * (n // 50)) + "]"),
    )


@st.composite
def hostile_texts(draw: st.DrawFn) -> Hostile:
    """A YAML school text with one hostile value (or key) put in."""
    fragments = {"alias": alias_bombs, "deep": deep_nestings, "list": huge_lists,
                 "tag": odd_tags, "characters": control_characters, "enormous": enormous_strings}
    label = draw(st.sampled_from(sorted(fragments)))  # each kind as often as the others
    fragment = draw(fragments[label]())
    data = draw(_with_hole())
    key = draw(st.sampled_from([None, fragment, "'" + "k" * 200 + "'", "? [a]", "<<"]))
    text = _as_yaml(data, fragment, key if key != fragment or len(fragment) < 100 else None)
    return Hostile(label, "text", text)


@st.composite
def hostile_json(draw: st.DrawFn) -> Hostile:
    """A JSON school text with a deep, long or strange value put in."""
    depth = draw(st.one_of(st.integers(1, 40), st.integers(1, 5000)))
    fragment = draw(st.sampled_from([
        "[" * depth + "]" * depth,
        '{"a": ' * depth + "1" + "}" * depth,
        "[" + ", ".join(["1"] * depth * 5) + "]",
        '"' + "\\u0000\\u001b[2J\\ud800" * depth + '"',
        "1" + "0" * depth * 2,
        "NaN", "-Infinity", "1e999",
    ]))
    text = json.dumps(draw(_with_hole()), ensure_ascii=False).replace(f'"{HOLE}"', fragment)
    return Hostile("json", "json", text)


@st.composite
def hostile_bytes(draw: st.DrawFn) -> Hostile:
    """The bytes of a school file that are not all UTF-8 (or are, with a byte order mark)."""
    text = yaml.safe_dump(draw(schools(max_people=2, max_tasks=2)), allow_unicode=True)
    raw = bytearray(text.encode("utf-8"))
    how = draw(st.sampled_from(["insert", "latin-1", "utf-16", "cut", "bom", "nul"]))
    if how == "insert":
        for _ in range(draw(st.integers(1, 5))):
            raw.insert(draw(st.integers(0, len(raw))), draw(st.sampled_from(
                [0x80, 0xC3, 0xE2, 0xF0, 0xFF, 0xFE, 0xC0, 0xED])))
    elif how == "latin-1":
        raw = bytearray(text.replace("a", "é").encode("latin-1", errors="replace"))
    elif how == "utf-16":
        raw = bytearray(text.encode("utf-16"))
    elif how == "cut":
        raw = bytearray("é".join(text.split("a")).encode("utf-8"))
        del raw[draw(st.integers(0, len(raw) - 1)):]
        raw += "é".encode()[:1]
    elif how == "bom":
        raw = bytearray(b"\xef\xbb\xbf" + raw)
    else:
        raw.insert(draw(st.integers(0, len(raw))), 0)
    return Hostile(f"bytes: {how}", "bytes", bytes(raw))


class _Odd:
    """An object no school file can hold."""

    def __repr__(self) -> str:
        return "<odd>"


@st.composite
def hostile_data(draw: st.DrawFn) -> Hostile:
    """A mapping for ``load_school`` with a shared, looping, deep or odd Python value."""
    data = draw(_with_hole())
    kind = draw(st.sampled_from(["shared", "loop", "deep", "set", "int", "float", "bytes",
                                 "object", "tuple", "long", "surrogate"]))
    if kind == "shared":
        value: Any = ["x"] * draw(st.integers(1, 20))
        for _ in range(draw(st.integers(1, 9))):
            value = [value] * draw(st.integers(2, 20))
    elif kind == "loop":
        value = []
        value.append(value)
    elif kind == "deep":
        value = {}
        for _ in range(draw(st.integers(1, 5000))):
            value = {"a": value}
    elif kind == "set":
        value = set(draw(st.lists(st.sampled_from(V.ROLES), min_size=1, max_size=4)))
    elif kind == "int":
        value = 10 ** draw(st.integers(0, 20_000))
    elif kind == "float":
        value = draw(st.sampled_from([float("nan"), float("inf"), -0.0, 1e308]))
    elif kind == "bytes":
        value = b"\xff" * draw(st.integers(0, 100))
    elif kind == "object":
        value = _Odd()
    elif kind == "tuple":
        value = tuple(draw(st.lists(st.sampled_from(V.ROLES), max_size=3)))
    elif kind == "surrogate":
        value = draw(st.sampled_from(["\ud800", "a\udfffb", "\udc80" * 50]))
    else:
        value = "x" * draw(st.integers(0, 2_000_000))

    def fill(node: Any) -> Any:
        if node == HOLE:
            return value
        if isinstance(node, dict):
            return {(value if k == HOLE + "-key" and isinstance(value, (str, int, float, tuple))
                     else k): fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v) for v in node]
        return node

    return Hostile(f"data: {kind}", "data", fill(data))


def hostile_inputs() -> st.SearchStrategy[Hostile]:
    """Any hostile input: YAML, JSON, bytes that may not be UTF-8, or a Python mapping."""
    kinds = [hostile_texts] * 3 + [hostile_json, hostile_bytes, hostile_data]
    return st.sampled_from(kinds).flatmap(lambda kind: kind())
