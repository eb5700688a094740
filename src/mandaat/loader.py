"""Loading a school from any input mandaat reads: a YAML or JSON file or text, parsed data,
an Excel workbook or a CSV matrix. The one door in; the formats are read below it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import SchoolFileError
from .school._source import ParseFailure, Source, check_data, is_workbook_path, read_source
from .school.files import dump_school, load_text, validate_school
from .school.model import School

__all__ = ["dump_school", "load_school", "load_text", "validate_school"]


def load_school(
    source: str | Path | Mapping[str, Any], *, name: str | None = None,
    timeout: float | None = None,
) -> School:
    """Load and validate a school file of format ``mandaat/1``.

    Parameters
    ----------
    source
        A path to a ``.yaml``/``.yml``/``.json`` file, to an Excel workbook (``.xlsx``) or
        a RACI matrix as ``.csv`` (see :mod:`mandaat.workbook`), the file's text (a ``str``
        that contains a newline or starts with ``{``), or an already parsed mapping.
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
    mandaat.errors.SchoolFileError: <string>:3: people[0].roles[0]: unknown role 'ib' (did you mean 'intern_begeleider'?)
    """
    if timeout is not None:
        where = name or (str(source) if isinstance(source, Path) or (
            isinstance(source, str) and "\n" not in source) else "<data>")
        return within(lambda: load_school(source, name=name), where, timeout)
    if isinstance(source, Mapping):
        src = Source(name or "<data>", "")
        data: Any = source
        try:
            check_data(data, src)  # the limits of docs/errors.md, before any other work
        except ParseFailure as exc:
            raise SchoolFileError([exc.problem]) from None
    else:
        if isinstance(source, Path) or ("\n" not in source and not source.lstrip().startswith("{")):
            if is_workbook_path(source):  # .xlsx, .csv: docs/workbook.md
                from .workbook import load_workbook_path  # openpyxl: only for a workbook

                return load_workbook_path(source, name)
            try:
                src = read_source(source)
            except ParseFailure as exc:
                raise SchoolFileError([exc.problem]) from None
            if name:
                src = Source(name, src.text)
        else:
            src = Source(name or "<string>", source)
        return load_text(src)
    return validate_school(data, src)


def within(read: Callable[[], School], file: str, timeout: float | None) -> School:
    """``read()``, or with a ``timeout`` the same in a forked child that is killed when the
    time is up (``CheckTimeoutError`` for ``file``)."""
    if timeout is None:
        return read()
    from .rules._engine import run_within  # the engine's fork, safe under its lock

    return run_within(read, timeout, file)
