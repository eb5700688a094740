"""Loading a school file: parse safely, validate, check references, report all at once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import vocabulary as V
from ._source import ParseFailure, Source, parse, read_source
from ._validation import problems_from
from .errors import Loc, Problem, SchoolFileError
from .model import SUPPORTED_FORMATS, School

__all__ = ["dump_school", "load_school"]


def load_school(
    source: str | Path | Mapping[str, Any], *, name: str | None = None
) -> School:
    """Load and validate a school file of format ``mandaat/1``.

    Parameters
    ----------
    source
        A path to a ``.yaml``/``.yml``/``.json`` file, the file's text (a ``str`` that
        contains a newline or starts with ``{``), or an already parsed mapping.
    name
        The name to report problems under (default: the path, or ``<string>``).

    Returns
    -------
    School
        The validated school.

    Raises
    ------
    SchoolFileError
        With every problem found, each naming the file, line, field path and a suggestion.

    Examples
    --------
    >>> school = load_school('''
    ... format: mandaat/1
    ... school: {name: OBS De Regenboog}
    ... people: [{id: anna, roles: [schoolleider]}]
    ... ''')
    >>> school.people[0].roles
    ['schoolleider']
    >>> load_school("format: mandaat/1\\nschool: {name: X}\\npeople: [{id: a, roles: [ib]}]\\n")
    Traceback (most recent call last):
    ...
    mandaat.errors.SchoolFileError: <string>:3: people[0].roles[0]: unknown role 'ib'
    """
    if isinstance(source, Mapping):
        text = _dump_for_lines(source)
        src = Source(name or "<data>", text)
        data: Any = source
    else:
        if isinstance(source, Path) or ("\n" not in source and not source.lstrip().startswith("{")):
            try:
                src = read_source(source)
            except ParseFailure as exc:
                raise SchoolFileError([exc.problem]) from None
            if name:
                src = Source(name, src.text)
        else:
            src = Source(name or "<string>", source)
        try:
            data = parse(src)
        except ParseFailure as exc:
            raise SchoolFileError([exc.problem]) from None
    return validate_school(data, src)


def validate_school(data: Any, src: Source) -> School:
    """Validate parsed data against ``mandaat/1``; raise :class:`SchoolFileError`."""
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else type(data).__name__
        raise SchoolFileError(
            [src.problem((), "not_a_mapping", f"a school file is a mapping of keys, not {kind}")]
        )
    problems: list[Problem] = []
    fmt = data.get("format")
    if "format" in data and fmt not in SUPPORTED_FORMATS:
        supported = ", ".join(SUPPORTED_FORMATS)
        problems.append(
            src.problem(("format",), "unsupported_format",
                        f"unsupported format {fmt!r}; supported: {supported}")
        )
    school: School | None = None
    try:
        school = School.model_validate(dict(data))
    except ValidationError as exc:
        problems.extend(problems_from(exc, src, School))
    except (RecursionError, TypeError, ValueError) as exc:
        problems.append(src.problem((), "invalid", f"cannot be read as a school: {exc}"))
    problems.extend(_check_references(data, src))
    if problems:
        raise SchoolFileError(_unique(problems))
    assert school is not None
    school._source = src
    return school


def dump_school(school: School, *, format: str = "yaml") -> str:
    """Write a school back as YAML (or JSON); ``load_school`` reads it back unchanged.

    >>> s = load_school("format: mandaat/1\\nschool: {name: X}\\npeople: []\\n")
    >>> load_school(dump_school(s)) == s
    True
    """
    data = school.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data.setdefault("people", [])
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if format != "yaml":
        raise ValueError(f"format must be 'yaml' or 'json', not {format!r}")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Loc, str]] = set()
    out = []
    for p in problems:
        if (p.loc, p.msg) not in seen:
            seen.add((p.loc, p.msg))
            out.append(p)
    return out


# --- references, ids and dates, checked on the raw data so all problems come at once -------


def _items(data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]


def _ids(value: Any) -> list[tuple[int | None, str]]:
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
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


def _check_references(data: Mapping[str, Any], src: Source) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append

    people: dict[str, int] = {}
    teams: dict[str, int] = {}
    registries = {"people": people, "teams": teams}
    seen: dict[str, str] = {}  # ids are unique across the whole file
    for section in ("people", "teams", "tasks", "mandates", "signals"):
        for i, item in _items(data, section):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident == V.ALL_STAFF:
                add(src.problem((section, i, "id"), "reserved_id",
                                f"id '{V.ALL_STAFF}' is reserved: it means all staff"))
            if ident in seen:
                add(src.problem((section, i, "id"), "duplicate_id",
                                f"duplicate id '{ident}' (also {seen[ident]})"))
                continue
            seen[ident] = f"{section}[{i}]"
            if section in registries:
                registries[section][ident] = i

    def ref(loc: Loc, value: str, allowed: dict[str, int], what: str, extra: tuple[str, ...] = ()):
        if value in allowed or value in extra:
            return
        choices = [*allowed, *extra]
        add(src.problem(loc, "unknown_reference",
                        f"no {what} with id '{value}'{V.did_you_mean(value, choices)}"))

    holders = {**people, **teams}
    for i, team in _items(data, "teams"):
        for j, member in _ids(team.get("members")):
            ref(("teams", i, "members", *(() if j is None else (j,))), member, people, "person")
    for i, task in _items(data, "tasks"):
        # A team as accountable is a finding (SINGLE_ACCOUNTABLE), not bad input.
        for field in V.RACI:
            for j, value in _ids(task.get(field)):
                loc = ("tasks", i, field, *(() if j is None else (j,)))
                ref(loc, value, holders, "person or team", (V.ALL_STAFF,))
        for field in ("case_holder", "about"):
            value = task.get(field)
            if isinstance(value, str):
                ref(("tasks", i, field), value, people, "person")
        hours = task.get("hours")
        if isinstance(hours, Mapping):
            for key in hours:
                if isinstance(key, str):
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
            ref(("signals", i, "about"), about, people, "person")
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


def _dump_for_lines(data: Mapping[str, Any]) -> str:
    try:
        return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return ""
