"""Hypothesis strategies shared by the property tests: valid school files of any size.

They include the odd schools: no school leader, several ib'ers, people in no team, tasks
with nobody on them, signals of every type and age.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import strategies as st

from mandaat import vocabulary as V

AS_OF = dt.date(2026, 11, 22)
TARGET_ROLES = {role for roles in V.TARGETS.values() for role in roles}

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
    pool = draw(st.lists(ids, min_size=n_people + n_teams + n_tasks + n_mandates + n_signals,
                         max_size=n_people + n_teams + n_tasks + n_mandates + n_signals,
                         unique=True))
    people_ids = pool[:n_people]
    team_ids = pool[n_people:n_people + n_teams]
    rest = pool[n_people + n_teams:]
    task_ids, rest = rest[:n_tasks], rest[n_tasks:]
    mandate_ids, signal_ids = rest[:n_mandates], rest[n_mandates:]
    holders = people_ids + team_ids + [V.ALL_STAFF]

    people = []
    for pid in people_ids:
        person: dict[str, Any] = {
            "id": pid, "roles": draw(st.lists(st.sampled_from(V.ROLES), min_size=1,
                                              max_size=3, unique=True))}
        if draw(st.booleans()):
            person["name"] = draw(names)
        if draw(st.booleans()):
            person["hours_per_week"] = draw(st.integers(0, 40))
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
    data: dict[str, Any] = {"format": "mandaat/1", "school": {"name": draw(names)},
                            "as_of": AS_OF.isoformat(), "people": people}
    for key, value in (("teams", teams), ("tasks", tasks), ("mandates", mandates),
                       ("signals", signals), ("params", params)):
        if value or draw(st.booleans()):
            data[key] = value
    return data


def shuffled(data: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """The same school with every list in another order.

    The one order the format gives meaning to is kept: among people who hold an
    escalation target role, the first in the file is the one who acts.
    """
    out = {k: v for k, v in data.items()}
    for key in ("teams", "tasks", "mandates", "signals"):
        if key in out:
            out[key] = [_shuffle_inner(item, rnd) for item in _shuffle(out[key], rnd)]
    people = [_shuffle_inner(p, rnd) for p in data["people"]]
    fixed = [p for p in people if TARGET_ROLES & set(p["roles"])]
    free = _shuffle([p for p in people if not TARGET_ROLES & set(p["roles"])], rnd)
    merged: list[dict[str, Any]] = []
    while fixed or free:
        source = fixed if fixed and (not free or rnd.random() < 0.5) else free
        merged.append(source.pop(0))
    out["people"] = merged
    return out


def _shuffle(items: list[Any], rnd: random.Random) -> list[Any]:
    items = list(items)
    rnd.shuffle(items)
    return items


def _shuffle_inner(item: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    out = dict(item)
    for key, value in item.items():
        if isinstance(value, list):
            out[key] = _shuffle(value, rnd)
        elif isinstance(value, dict):
            out[key] = dict(_shuffle(list(value.items()), rnd))
    return out
