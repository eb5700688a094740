"""School files in YAML or JSON: parsed safely, validated, every problem reported at once;
and a school written back as YAML or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import Loc, Problem, SchoolFileError
from ..limits import LIMITS
from ._references import check_references
from ._source import ParseFailure, Source, clip_msg, parse, show
from ._validation import problems_from
from .model import REFERENCES_CHECKED, SUPPORTED_FORMATS, School

__all__ = ["dump_school", "load_text", "validate_school", "workbook_cells"]


def load_text(src: Source) -> School:
    """Parse and validate a school's text (YAML, or JSON when the name ends in ``.json``)."""
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
                        f"unsupported format {show(fmt)}; supported: {supported}")
        )
    school: School | None = None
    most = LIMITS["problems"]
    try:
        # the references are checked below, on the raw data, with every other problem
        school = School.model_validate(dict(data), context=REFERENCES_CHECKED)
    except ValidationError as exc:
        try:
            problems.extend(problems_from(exc, src, School, most=most + 1))
        except (RecursionError, TypeError, ValueError) as detail:  # an error pydantic
            problems.append(src.problem((), "invalid",  # cannot even put in words
                                        f"cannot be read as a school: {clip_msg(str(detail))}"))
    except (RecursionError, TypeError, ValueError) as exc:
        problems.append(src.problem((), "invalid",
                                    f"cannot be read as a school: {clip_msg(str(exc))}"))
    problems.extend(check_references(data, src, most=most + 1))
    if problems:
        raise SchoolFileError(_first(_unique(problems), src))
    assert school is not None
    school._source = src
    return school


def dump_school(school: School, *, format: str = "yaml") -> str:
    """Write a school back as YAML (or JSON); ``load_school`` reads it back unchanged.

    >>> from mandaat import load_school
    >>> s = load_school(text="format: mandaat/1\\nschool: {name: X}\\npeople: []\\n")
    >>> load_school(text=dump_school(s)) == s
    True
    """
    data = school.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data.setdefault("people", [])
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if format != "yaml":
        raise ValueError(f"format must be 'yaml' or 'json', not {format!r}")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _first(problems: list[Problem], src: Source) -> list[Problem]:
    """At most ``LIMITS["problems"]`` problems, the first by line, and one that says so."""
    most = LIMITS["problems"]
    if len(problems) <= most:
        return problems
    problems = sorted(problems, key=lambda p: (p.line or 0, _loc_key(p.loc), p.msg))[:most]
    return [*problems, Problem(src.name, None, (), "too_many_problems",
                               f"more than {most:,} problems; the first {most:,} are shown")]


def _loc_key(loc: Loc) -> tuple[tuple[int, int, str], ...]:
    """A field path in the order of the file: ``x[2]`` before ``x[10]``."""
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in loc)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Loc, str]] = set()
    out = []
    for p in problems:
        if (p.loc, p.msg) not in seen:
            seen.add((p.loc, p.msg))
            out.append(p)
    return out


def workbook_cells(school: School) -> dict[str, str]:
    """For a school read from a workbook or CSV: each id's row, as the report names it.

    Parameters
    ----------
    school
        A school from :func:`mandaat.workbook.read_workbook`,
        :func:`mandaat.workbook.read_csv` or :func:`mandaat.load_school`.

    Returns
    -------
    dict
        Id of a person, team, external party, task, mandate or signal -> the first cell of
        its row (``"Taken!A7"``; a CSV file: ``"taken.csv!A7"``). Empty for a school read
        from YAML or JSON.
    """
    src = school._source
    return src.item_cells(school) if src is not None else {}
