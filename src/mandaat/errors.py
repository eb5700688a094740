"""Errors for bad input: data, like pydantic's, with a location a person can act on.

A violation of the task division is never an exception; it is a finding in the report.
These exceptions are for input that cannot be read: a malformed school file or rule pack.

>>> p = Problem(file="school.yaml", line=14, loc=("people", 1, "roles", 0),
...             type="unknown_value",
...             msg="unknown role 'intern-begeleider' (did you mean 'intern_begeleider'?)")
>>> str(p)
"school.yaml:14: people[1].roles[0]: unknown role 'intern-begeleider' (did you mean 'intern_begeleider'?)"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """Render a location path the way the file reads: ``people[1].roles[0]``.

    >>> format_loc(("tasks", 3, "hours", "ilse"))
    'tasks[3].hours.ilse'
    >>> format_loc(())
    '(file)'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(file)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``type`` is a stable slug (documented in ``docs/errors.md``); ``msg`` is for people.
    """

    file: str
    line: int | None
    loc: Loc
    type: str
    msg: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {format_loc(self.loc)}: {self.msg}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as plain data (for JSON error output)."""
        return {
            "file": self.file,
            "line": self.line,
            "loc": list(self.loc),
            "type": self.type,
            "msg": self.msg,
        }


class MandaatInputError(ValueError):
    """Base class for input mandaat cannot read; carries every problem found at once."""

    kind = "input"

    def __init__(self, problems: Sequence[Problem]):
        if not problems:
            raise ValueError("an input error needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file, p.line or 0, format_loc(p.loc), p.msg))
        )
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class SchoolFileError(MandaatInputError):
    """A school file (format ``mandaat/1``) that cannot be loaded."""

    kind = "school"


class RulePackError(MandaatInputError):
    """A rule pack that cannot be loaded or compiled."""

    kind = "rules"


class UnknownSignalError(MandaatInputError):
    """``escalate`` was asked about a signal the school does not have."""

    kind = "signal"
