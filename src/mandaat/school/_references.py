"""Cross-references, ids and dates of a school file: what a schema cannot check.

Checked on the raw data, so that every problem of a file is reported at once, also where
its shape is wrong elsewhere. Both :func:`mandaat.load_school` and the ``School`` model's
own validation use these checks, so no public way makes an unchecked ``School``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..errors import Loc, Problem
from . import vocabulary as V
from ._source import Source, clip

# --- references, ids and dates, checked on the raw data so all problems come at once -------


def _items(data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    # parsed data holds plain dicts: only other mappings need the slower ABC check
    return [(i, item) for i, item in enumerate(value)
            if type(item) is dict or isinstance(item, Mapping)]


def _unknown(value: Any, known: Mapping[str, int], extra: tuple[str, ...] = ()
             ) -> list[tuple[int | None, str]]:
    """The ids in ``value`` (an id, or a list of ids) in neither ``known`` nor ``extra``,
    each with its index in the list (``None`` for a single id).

    >>> _unknown(["ilse", "tom", 3], {"ilse": 0}), _unknown("ilse", {"ilse": 0})
    ([(1, 'tom')], [])
    """
    if isinstance(value, str):
        return [] if value in known or value in extra else [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value)
                if isinstance(v, str) and v not in known and v not in extra]
    return []


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


#: Known ids compared with unknown ones for "did you mean", in all, per file.
_SUGGESTION_BUDGET = 50_000
#: An id longer than this is compared by its beginning (a valid id has at most 64).
_SUGGESTED_CHARS = 80


def check_references(data: Mapping[str, Any], src: Source,
                     most: int | None = None) -> list[Problem]:
    """The problems of references, ids and dates in ``data`` (the first ``most``)."""
    problems: list[Problem] = []

    def add(problem: Problem) -> None:
        if most is None or len(problems) < most:
            problems.append(problem)

    people: dict[str, int] = {}
    teams: dict[str, int] = {}
    externals: dict[str, int] = {}
    registries = {"people": people, "teams": teams, "externals": externals}
    seen: dict[str, str] = {}  # ids are unique across the whole file
    for section in ("people", "teams", "externals", "tasks", "mandates", "signals", "routes"):
        for i, item in _items(data, section):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident == V.ALL_STAFF:
                add(src.problem((section, i, "id"), "reserved_id",
                                f"id '{V.ALL_STAFF}' is reserved: it means all staff"))
            if ident == V.PARENTS:
                add(src.problem((section, i, "id"), "reserved_id",
                                f"id '{V.PARENTS}' is reserved: it means the pupil's parents"))
            if ident in seen:
                add(src.problem((section, i, "id"), "duplicate_id",
                                f"duplicate id '{clip(ident)}' (also {seen[ident]})"))
                continue
            seen[ident] = f"{section}[{i}]"
            if section in registries:
                registries[section][ident] = i

    # Suggestions compare an unknown id with every known one: their work is bounded, so
    # that thousands of unknown ids among thousands of known ones stay linear; past the
    # budget an unknown id is reported without "did you mean".
    budget = [_SUGGESTION_BUDGET]

    def ref(loc: Loc, value: str, allowed: dict[str, int], what: str, extra: tuple[str, ...] = (),
            otherwise: str = "", only: str = ""):
        """A problem where ``value`` is not among ``allowed``: with the closest id, or
        ``otherwise`` where none is close; ``only`` replaces the search."""
        if value in allowed or value in extra or (most is not None and len(problems) >= most):
            return
        hint = only
        if not hint and budget[0] > 0:
            budget[0] -= len(allowed) + len(extra)
            hint = V.did_you_mean(value[:_SUGGESTED_CHARS], [*allowed, *extra])
        add(src.problem(loc, "unknown_reference",
                        f"no {what} with id '{clip(value)}'{hint or otherwise}"))

    holders = {**people, **teams, **externals}
    leaders = {**people, **teams}
    holder_word = "person, team or external party" if externals else "person or team"
    staff_words = (V.ALL_STAFF, V.PARENTS)
    for i, team in _items(data, "teams"):
        for j, member in _unknown(team.get("members"), people):
            ref(("teams", i, "members", *(() if j is None else (j,))), member, people, "person")
    for i, person in _items(data, "people"):
        for j, led in _unknown(person.get("leads"), leaders):
            ref(("people", i, "leads", *(() if j is None else (j,))), led, leaders,
                "person or team")
        for field in ("deputy", "replaces"):
            if isinstance(person.get(field), str):
                ref(("people", i, field), person[field], people, "person")
        roles = person.get("roles")
        if person.get("supervises") and isinstance(roles, list) and not (
                set(roles) & set(V.TARGETS["intern_begeleider"])):
            add(src.problem(("people", i, "supervises"), "supervises_without_ib",
                            "'supervises' is for an ib'er, and this person has no ib role "
                            "(intern_begeleider or interim_intern_begeleider); for line "
                            "management write 'leads'"))
        absent = person.get("absent")
        if isinstance(absent, Mapping):
            start, end = _as_date(absent.get("from")), _as_date(absent.get("until"))
            if start is not None and end is not None and end < start:
                add(src.problem(("people", i, "absent", "until"), "until_before_from",
                                f"'until' {end.isoformat()} is before 'from' "
                                f"{start.isoformat()}"))
    kinds = {"person": (people, "person"), "team": (teams, "team"),
             "external": (externals, "external party")}
    for i, route in _items(data, "routes"):
        steps = route.get("steps")
        for j, step in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(step, Mapping):
                continue
            for field, (known, what) in kinds.items():
                if isinstance(step.get(field), str):
                    ref(("routes", i, "steps", j, field), step[field], known, what)
    defaults = data.get("defaults")
    if isinstance(defaults, Mapping) and isinstance(defaults.get("accountable"), str):
        ref(("defaults", "accountable"), defaults["accountable"], people, "person")
    for i, task in _items(data, "tasks"):
        # A team, an external party or the parents as accountable is a finding
        # (SINGLE_ACCOUNTABLE, ACCOUNTABLE_IS_STAFF), not bad input.
        for field in V.RACI:
            for j, value in _unknown(task.get(field), holders, staff_words):
                loc = ("tasks", i, field, *(() if j is None else (j,)))
                ref(loc, value, holders, holder_word, staff_words)
        for field in ("case_holder", "about"):
            value = task.get(field)
            if isinstance(value, str):
                ref(("tasks", i, field), value, people, "person")
        hours = task.get("hours")
        if isinstance(hours, Mapping):
            for key in hours:
                if isinstance(key, str) and key not in people:
                    ref(("tasks", i, "hours", key), key, people, "person")
    for i, mandate in _items(data, "mandates"):
        for field in ("from", "to"):
            value = mandate.get(field)
            if isinstance(value, str):
                ref(("mandates", i, field), value, people, "person")

    as_of = _as_date(data.get("as_of")) if "as_of" in data else dt.date.today()
    for i, signal in _items(data, "signals"):
        kind = signal.get("type")
        about = signal.get("about")
        target = V.SIGNAL_ABOUT.get(kind) if isinstance(kind, str) else None
        if isinstance(about, str) and target == "person":
            # a pupil written where a staff member belongs: the type that fits is named
            # where the signal has a group or no staff member's id is close
            pupil = (f": a signal '{kind}' is about a staff member; a pupil whose "
                     f"development lags is a signal '{V.PUPIL_LAG_SIGNAL}'")
            ref(("signals", i, "about"), about, people, "person",
                otherwise=pupil, only=pupil if "group" in signal else "")
        elif isinstance(about, str) and target == "team":
            ref(("signals", i, "about"), about, teams, "team", (V.ALL_STAFF,))
        handled_by = signal.get("handled_by")
        if isinstance(handled_by, str):
            ref(("signals", i, "handled_by"), handled_by, people, "person")
        if kind == "ontwikkeling_blijft_achter" and signal.get("since") is None:
            add(src.problem(("signals", i), "missing_since",
                            "a signal 'ontwikkeling_blijft_achter' needs 'since': "
                            "the lag is measured from that date"))
    if as_of is not None:
        for section in ("mandates", "signals"):
            for i, item in _items(data, section):
                since = _as_date(item.get("since"))
                if since is not None and since > as_of:
                    add(src.problem((section, i, "since"), "since_after_as_of",
                                    f"'since' {since.isoformat()} is after 'as_of' "
                                    f"{as_of.isoformat()}"))
    return problems


