"""Loading a school from any input mandaat reads: a YAML or JSON file or text, parsed data,
an Excel workbook or a CSV matrix. The one door in; the formats are read below it."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import SchoolFileError
from .school._source import ParseFailure, Source, check_data, is_workbook_path, read_source
from .school.files import dump_school, load_text, validate_school
from .school.model import School

__all__ = ["dump_school", "load_school", "load_text", "validate_school"]


def load_school(
    source: str | Path | Mapping[str, Any] | None = None, *, text: str | None = None,
    name: str | None = None, timeout: float | None = None,
) -> School:
    """Load and validate a school file of format ``mandaat/1``.

    Give either ``source`` (a path or parsed data) or ``text`` (a school file's text):
    mandaat does not guess which a string is.

    Parameters
    ----------
    source
        A path (``str`` or ``Path``) to a ``.yaml``/``.yml``/``.json`` file, to an Excel
        workbook (``.xlsx``) or a RACI matrix as ``.csv`` (see :mod:`mandaat.workbook`), or
        an already parsed mapping. A ``str`` that contains a newline or starts with ``{``
        is still read as the file's text, as mandaat 0.1 did, with a
        ``DeprecationWarning``: pass such text as ``text=``.
    text
        A school file's text: YAML, or JSON when ``name`` ends in ``.json`` (YAML reads
        JSON too, more slowly).
    name
        The name to report problems under (default: the path, ``<string>`` for text, or
        ``<data>`` for a mapping). Problems in a mapping carry no line number: it has none.
    timeout
        Seconds the reading may take: it then runs in a forked child process that is
        killed when the time is up (``CheckTimeoutError``). Every input within the limits
        of ``docs/errors.md`` is read in far less; this bounds what the limits do not.

    Returns
    -------
    School
        The validated school.

    Raises
    ------
    SchoolFileError
        With every problem found, each naming the file, line, field path and a suggestion.
    CheckTimeoutError
        The reading took longer than ``timeout`` seconds and was stopped.
    TypeError
        Neither or both of ``source`` and ``text`` given, or ``text`` not a ``str``.

    Examples
    --------
    >>> school = load_school(text='''
    ... format: mandaat/1
    ... school: {name: OBS De Regenboog}
    ... people: [{id: anna, roles: [schoolleider]}]
    ... ''')
    >>> school.people[0].roles
    ['schoolleider']
    >>> load_school(text="format: mandaat/1\\nschool: {name: X}\\npeople: [{id: a, roles: [ib]}]\\n")
    Traceback (most recent call last):
    ...
    mandaat.errors.SchoolFileError: <string>:3: people[0].roles[0]: unknown role 'ib' (did you mean 'intern_begeleider'?)
    """
    if (source is None) == (text is None):
        raise TypeError("load_school() takes a path or parsed data, or text=...: "
                        + ("neither was given" if source is None else "not both"))
    if text is not None and not isinstance(text, str):
        raise TypeError(f"load_school(text=...) takes a str, not {type(text).__name__}")
    if isinstance(source, str) and _looks_like_text(source):
        warnings.warn("load_school() read a str with a newline or a '{' in front as a "
                      "school's text; pass text as load_school(text=...): a str given as "
                      "source will be read as a path only", DeprecationWarning, stacklevel=2)
        source, text = None, source
    if timeout is not None:
        where = name or (str(source) if isinstance(source, str | Path) else
                         "<string>" if text is not None else "<data>")
        return within(lambda: load_school(source, text=text, name=name), where, timeout)
    if text is not None:
        return load_text(Source(name or "<string>", text))
    if isinstance(source, Mapping):
        src = Source(name or "<data>", "")
        data: Any = source
        try:
            check_data(data, src)  # the limits of docs/errors.md, before any other work
        except ParseFailure as exc:
            raise SchoolFileError([exc.problem]) from None
        return validate_school(data, src)
    if not isinstance(source, str | Path):
        raise TypeError(f"load_school() takes a path (str or Path), parsed data (a mapping) "
                        f"or text=..., not {type(source).__name__}")
    if is_workbook_path(source):  # .xlsx, .csv: docs/workbook.md
        from .workbook import load_workbook_path  # openpyxl: only for a workbook

        return load_workbook_path(source, name)
    try:
        src = read_source(source)
    except ParseFailure as exc:
        raise SchoolFileError([exc.problem]) from None
    if name:
        src = Source(name, src.text)
    return load_text(src)


def _looks_like_text(source: str) -> bool:
    """What mandaat 0.1 took for a file's text rather than a path."""
    return "\n" in source or source.lstrip().startswith("{")


def within(read: Callable[[], School], file: str, timeout: float | None) -> School:
    """``read()``, or with a ``timeout`` the same in a forked child that is killed when the
    time is up (``CheckTimeoutError`` for ``file``)."""
    if timeout is None:
        return read()
    from .rules._engine import run_within  # the engine's fork, safe under its lock

    return run_within(read, timeout, file)
