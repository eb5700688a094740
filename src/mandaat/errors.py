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

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ._dutch import check_lang, problem_text

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


def loc_text(loc: Loc, lang: str) -> str:
    """The field path as ``format_loc`` writes it, with ``(file)`` in ``lang``.

    >>> loc_text(("people", 1, "roles", 0), "nl"), loc_text((), "nl"), loc_text((), "en")
    ('people[1].roles[0]', '(bestand)', '(file)')
    """
    check_lang(lang)
    if not loc and lang == "nl":
        return "(bestand)"
    return format_loc(loc)


_CELL = re.compile(r"(?:(?P<sheet>.*)!)?(?P<col>[A-Z]{1,3})(?P<row>[1-9]\d*)")


def _loc_order(loc: Loc) -> tuple[str, str, int, int]:
    """The order problems are listed in: a cell (``Taken!C10``) by sheet name, then row and
    column as numbers (``C2`` before ``C10``, ``B10`` before ``AA1``); another location by
    how ``format_loc`` writes it.

    >>> sorted(["Taken!C10", "Taken!AA1", "Taken!C2"], key=lambda c: _loc_order((c,)))
    ['Taken!AA1', 'Taken!C2', 'Taken!C10']
    """
    if len(loc) == 1 and isinstance(loc[0], str):
        m = _CELL.fullmatch(loc[0])
        if m:
            col = 0
            for letter in m.group("col"):
                col = col * 26 + ord(letter) - ord("A") + 1
            return m.group("sheet") or "", "!", int(m.group("row")), col
    return format_loc(loc), "", 0, 0


#: Every problem type, a stable slug, with what it means. ``docs/errors.md`` documents each.
ERROR_TYPES: dict[str, str] = {
    # reading a file
    "file_not_found": "the file does not exist",
    "is_a_directory": "a folder was given where a file is expected",
    "not_a_regular_file": "a FIFO, device or socket where a file is read or written",
    "not_utf8": "the file is not UTF-8 text",
    "unreadable": "the file cannot be read",
    "not_yaml": "the text is not valid YAML",
    "not_json": "the text is not valid JSON",
    "yaml_tag": "a YAML tag that would construct an object",
    "not_a_mapping": "the document is not a mapping of keys",
    # limits of every input (docs/errors.md, Limits; mandaat.limits.LIMITS)
    "file_too_large": "a file or standard input larger than the size limit",
    "too_deep": "lists and mappings nested deeper than the limit (any input file)",
    "too_many_items": "a list or mapping with more items than the limit",
    "too_many_values": "more values or text than the limit, every YAML alias written out",
    "too_many_aliases": "more YAML aliases than the limit",
    "loop": "a value that holds itself: a YAML alias inside its own anchor, or a loop in data",
    "too_many_problems": "a school file or workbook with more problems than are reported",
    # shape and vocabulary
    "unsupported_format": "the format is not one this version reads",
    "missing": "a required field is missing",
    "unknown_field": "a field the format does not have",
    "unknown_value": "a value outside the vocabulary (role, task type, ...)",
    "wrong_type": "a value of the wrong type",
    "invalid_id": "an id not of the form ^[a-z0-9][a-z0-9_-]{0,63}$",
    "negative": "a number below zero where it must be 0 or more",
    "too_small": "a number below its minimum",
    "too_large": "a number above its maximum (a task's hours in a year: 8760)",
    "too_short": "an empty text or list where one is needed",
    "invalid_value": "a value the format does not accept, for another reason",
    "invalid": "the document cannot be read as a school at all",
    # references and dates
    "reserved_id": "the id 'team' is used for a person or team",
    "duplicate_id": "an id used twice in one file",
    "unknown_reference": "a reference to an id that does not exist",
    "missing_since": "a lagging-development signal without 'since'",
    "supervises_without_ib": "'supervises' on someone without an ib role ('leads' is line "
                             "management)",
    "since_after_as_of": "a 'since' date after 'as_of'",
    "until_before_from": "an absence that ends before it starts",
    "unknown_param": "a param no rule pack defines",
    "unknown_signal": "escalate was asked about a signal the school does not have",
    # scenarios
    "unknown_rule": "a scenario expects a rule no pack has",
    "question_mismatch": "an expected answer that does not fit the question type",
    # rule packs
    "missing_pack_yaml": "a rule-pack folder without pack.yaml",
    "empty": "a rule pack without a header",
    "no_rules": "no rule packs at all",
    "duplicate_rule": "a rule id defined twice",
    "no_target_rule": "escalation rules without a no_target rule",
    "conditions": "a rule without exactly one of 'when' or 'any_of'",
    "no_target_conditions": "a no_target rule with conditions",
    "empty_branch": "a branch without patterns",
    "pattern_kind": "a pattern without exactly one of 'fact' or 'absent'",
    "unknown_fact": "a fact kind that does not exist",
    "missing_alias": "a 'fact' pattern without 'as'",
    "duplicate_alias": "an alias used twice in one rule",
    "reserved_alias": "an alias the engine reserves",
    "empty_condition": "a condition without an operator",
    "unknown_operator": "an operator outside the closed set",
    "undefined_alias": "a reference to an alias not defined before it",
    "type_mismatch": "a value or join of the wrong type for its field",
    "bad_operand": "an operand an operator does not take",
    "bad_value": "a value that cannot be used for its field",
    "undefined_param": "a param the pack does not define",
    "bad_reference": "a reference not of the form alias.field",
    "unknown_graph_step": "a path step that does not exist",
    "no_target": "an escalation rule without escalate_to",
    "bad_target": "an escalate_to entry without exactly one of field or target",
    "target_on_structural": "escalate_to on a rule that is not an escalation",
    "bad_placeholder": "a message placeholder that cannot be filled",
    "pack_limit": "a rule pack beyond a documented limit (rules, branches, patterns, joins)",
    "join_too_large": "a rule that could match too many combinations of a school's facts",
    "check_too_large": "rules that together could match too many combinations of a school's "
                       "facts",
    # a time budget
    "timeout": "a check that took longer than its time budget and was stopped",
    # requests to mandaat serve (docs/service.md)
    "bad_request": "a query parameter that is missing or has a value the service does not take",
    "unknown_endpoint": "a path or method the service does not have",
    "unknown_pack": "a rule pack name the server was not started with",
    "unsupported_media_type": "a body of a content type the service does not read",
    "unauthorized": "a request without the bearer token the server needs",
    "busy": "the server is checking as many schools as it takes at once",
    # lint (advice, not errors)
    "unused_param": "a param no rule uses",
    "unreachable": "a rule whose conditions contradict each other",
    "duplicate_conditions": "two rules with the same conditions",
    "unknown_source": "a rule's source text is not in the folder of source texts",
    "quote_not_found": "a rule's (or a scenario's) quote does not occur in its source text",
    "unknown_edit": "a fix names an edit kind that does not exist",
    "unbound_placeholder": "a fix's placeholder that no match of its rule binds",
    "unknown_candidates": "a fix's choice names a way of finding candidates that does not exist",
    "bad_fix": "a fix of the wrong shape (a missing or unknown field, a fix on an escalation "
               "rule)",
    # workbooks and CSV files (docs/workbook.md)
    "not_a_workbook": "not an Excel workbook (.xlsx): an old .xls, password-protected, damaged",
    "macros": "a workbook with macros (.xlsm, vbaProject.bin)",
    "workbook_too_large": "a workbook or CSV file beyond a documented limit",
    "zip_bomb": "a workbook part that unpacks to far more than it packs",
    "xml_dtd": "a workbook part that declares a DTD or entities",
    "formula": "a formula in a cell mandaat reads",
    "merged_cells": "merged cells where mandaat reads",
    "not_csv": "a file the CSV reader cannot read",
    "missing_sheet": "a workbook without the sheet mandaat needs",
    "unknown_sheet": "no longer given: a sheet of another name is read or left alone, with a note",
    "unknown_column": "a column heading mandaat does not know",
    "duplicate_column": "a column (or row) given twice",
    "ambiguous_name": "a name that fits more than one person, team or party",
    "cannot_export": "a school a workbook cannot hold without changing it",
    "file_exists": "the output file exists and --force was not given",
    "unwritable": "the output file cannot be written",
    "wrong_suffix": "the output name's suffix does not fit what is written (.xlsx for a workbook)",
}


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

    def __post_init__(self) -> None:
        if self.type not in ERROR_TYPES:
            raise ValueError(f"undocumented problem type {self.type!r}")

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {format_loc(self.loc)}: {self.msg}"

    def text(self, lang: str = "en") -> str:
        """The problem on one line, as ``str()`` gives it, with the message in ``lang``.

        ``lang`` is ``"en"`` (the same as ``str()``) or ``"nl"``; ``msg`` stays English.

        >>> p = Problem("school.yaml", 5, ("people", 0, "roles"), "missing",
        ...             "missing required field 'roles'")
        >>> p.text("nl")
        "school.yaml:5: people[0].roles: ontbrekend verplicht veld 'roles'"
        >>> p.text() == str(p)
        True
        """
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {loc_text(self.loc, lang)}: {problem_text(self, lang)}"

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
        # by file, line and place; the one that says how many more there are last
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file, p.type == "too_many_problems",
                                            p.line or 0, _loc_order(p.loc), p.msg))
        )
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def render(self, lang: str = "en") -> str:
        """Every problem, one a line, with the messages in ``lang`` (``"nl"`` or ``"en"``).

        Problems of rule packs and scenario files stay English: their authors are developers.
        """
        check_lang(lang)
        if self.kind in ("rules", "scenario"):
            lang = "en"
        return "\n".join(p.text(lang) for p in self.problems)


class SchoolFileError(MandaatInputError):
    """A school file (format ``mandaat/1``) that cannot be loaded."""

    kind = "school"


class RulePackError(MandaatInputError):
    """A rule pack that cannot be loaded or compiled."""

    kind = "rules"


class UnknownSignalError(MandaatInputError):
    """``escalate`` was asked about a signal the school does not have."""

    kind = "signal"


class CheckTimeoutError(MandaatInputError):
    """A check or escalation that took longer than its ``timeout`` and was stopped.

    The evaluation ran in a child process, which was killed: nothing of it is left
    behind, and the next check in the same process starts clean.
    """

    kind = "timeout"
    #: The time budget that ran out, in seconds.
    seconds: float | None = None

    @classmethod
    def after(cls, file: str, seconds: float) -> CheckTimeoutError:
        """The error for the school read from ``file``, stopped after ``seconds``."""
        error = cls([Problem(file, None, (), "timeout",
                             f"the check took longer than its time budget of {seconds:g} s and "
                             "was stopped; the rule packs or the school may be too large")])
        error.seconds = seconds
        return error

    def render(self, lang: str = "en") -> str:
        """The problem on one line, in ``lang`` (``"nl"`` or ``"en"``)."""
        check_lang(lang)
        if lang == "en" or self.seconds is None:
            return super().render(lang)
        return "\n".join(
            f"{p.file}: (bestand): de controle duurde langer dan de tijdslimiet van "
            f"{self.seconds:g} s en is gestopt; de regelpakketten of de school zijn mogelijk "
            "te groot" for p in self.problems)
