"""Bad input as one JSON document for apps: Problem Details (RFC 9457).

What ``mandaat check FILE --format json`` prints on stdout for a school that does not load,
and what ``mandaat serve`` answers with ``application/problem+json``: the same document,
built here once. It carries every problem of the error, each with its type, place (line,
or sheet and cell), message in the language asked for and the suggestion the message
makes, and an HTTP status that says what kind of bad input it is (``docs/service.md``).

>>> from mandaat.errors import Problem, SchoolFileError
>>> error = SchoolFileError([Problem("school.yaml", 6, ("people", 1, "roles", 0),
...     "unknown_value", "unknown role 'ib' (did you mean 'intern_begeleider'?)")])
>>> doc = problem_document(error, "nl")
>>> doc["status"], doc["title"]
(422, 'De school kan niet worden gelezen')
>>> entry = doc["problems"][0]
>>> entry["message"], entry["suggestion"], entry["line"], entry["cell"]
("onbekende rol 'ib' (bedoelde u 'intern_begeleider'?)", 'intern_begeleider', 6, None)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from ._dutch import check_lang, problem_text
from .errors import CheckTimeoutError, MandaatInputError, Problem

__all__ = ["MEDIA_TYPE", "problem_document", "problem_entry", "problem_json", "status_of"]

#: The media type of the document (RFC 9457, section 3)
MEDIA_TYPE = "application/problem+json"

#: Problem types of a body that cannot be parsed at all: ``400``
UNPARSEABLE = frozenset({"not_utf8", "not_yaml", "not_json", "yaml_tag", "not_a_workbook",
                         "not_csv"})
#: Problem types of a body larger than is read: ``413``
TOO_LARGE = frozenset({"file_too_large", "workbook_too_large"})

#: For each kind of document: its ``type`` slug, HTTP status and title in Dutch and English.
KINDS: dict[str, tuple[int, str, str]] = {
    "bad-input": (422, "De school kan niet worden gelezen", "The school cannot be read"),
    "unparseable": (400, "De invoer kan niet worden gelezen", "The input cannot be parsed"),
    "too-large": (413, "De invoer is te groot", "The input is too large"),
    "timeout": (503, "De controle duurde te lang", "The check took too long"),
    "rules": (422, "De regelpakketten kunnen niet worden gebruikt",
              "The rule packs cannot be used"),
    "unknown-signal": (422, "Dit signaal staat niet in de school",
                       "The school has no such signal"),
}

#: Where the ``type`` of each document points: a name, not an address to fetch
TYPE_PREFIX = "urn:mandaat:problem:"

_HINT = re.compile(r" \(did you mean '(?P<hint>.*)'\?\)")
_CELL = re.compile(r"(?:.+!)?[A-Z]{1,3}[1-9]\d*")


def kind_of(error: MandaatInputError) -> str:
    """The kind of document for ``error``: bad input, unparseable, too large, a timeout."""
    types = {p.type for p in error.problems}
    if isinstance(error, CheckTimeoutError) or "timeout" in types:
        return "timeout"
    if error.kind == "rules":
        return "rules"
    if error.kind == "signal":
        return "unknown-signal"
    if types and types <= TOO_LARGE:
        return "too-large"
    if types and types <= UNPARSEABLE:
        return "unparseable"
    return "bad-input"


def status_of(error: MandaatInputError) -> int:
    """The HTTP status ``mandaat serve`` answers ``error`` with (``docs/service.md``)."""
    return KINDS[kind_of(error)][0]


def problem_entry(problem: Problem, lang: str, *, english: bool = False) -> dict[str, Any]:
    """One problem as plain data: :meth:`Problem.as_dict` (``msg`` stays English) with the
    cell of a workbook or CSV file, the ``message`` in ``lang`` and the ``suggestion`` it
    makes (the value of its "did you mean", else ``None``).

    ``english`` writes the message in English whatever ``lang`` is (rule packs).
    """
    check_lang(lang)
    entry = problem.as_dict()
    cell = None
    if problem.line is None and len(problem.loc) == 1 and isinstance(problem.loc[0], str) \
            and _CELL.fullmatch(problem.loc[0]):
        cell = problem.loc[0]
    entry["cell"] = cell
    entry["message"] = problem_text(problem, "en" if english else lang)
    hint = _HINT.search(problem.msg)
    entry["suggestion"] = hint.group("hint") if hint else None
    return entry


def problem_entries(error: MandaatInputError, lang: str) -> list[dict[str, Any]]:
    """Every problem of ``error`` as :func:`problem_entry` gives it; problems of rule packs
    and scenario files stay English, as on the command line (``docs/errors.md``)."""
    english = error.kind in ("rules", "scenario")
    return [problem_entry(p, lang, english=english) for p in error.problems]


def problem_document(error: MandaatInputError, lang: str = "nl") -> dict[str, Any]:
    """``error`` as a Problem Details object (RFC 9457): ``type``, ``title``, ``status``,
    ``detail`` and the extension ``problems``, every problem of the error in order."""
    check_lang(lang)
    kind = kind_of(error)
    status, title_nl, title_en = KINDS[kind]
    return document(kind, status, title_nl if lang == "nl" else title_en,
                    _detail(error.problems, lang), problem_entries(error, lang))


def document(kind: str, status: int, title: str, detail: str,
             problems: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A Problem Details object of ``kind`` (its ``type`` is ``urn:mandaat:problem:KIND``)."""
    return {"type": TYPE_PREFIX + kind, "title": title, "status": status, "detail": detail,
            "problems": list(problems)}


def _detail(problems: Sequence[Problem], lang: str) -> str:
    files = sorted({p.file for p in problems})
    n = len(problems)
    if lang == "nl":
        what = "1 probleem" if n == 1 else f"{n} problemen"
        return f"{what} in {', '.join(files)}"
    return f"{n} problem{'' if n == 1 else 's'} in {', '.join(files)}"


def problem_json(error: MandaatInputError, lang: str = "nl") -> str:
    """:func:`problem_document` as JSON text: indented, UTF-8 as is, ending in a newline."""
    return dumps(problem_document(error, lang))


def dumps(doc: dict[str, Any]) -> str:
    """A document as JSON text, the way every problem document is written."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
