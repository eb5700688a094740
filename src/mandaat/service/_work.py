"""What one request asks, and its answer: load the body, check or escalate, render.

No web framework here: a :class:`Job` is plain data that crosses into the evaluator
process, and :func:`answer` gives the bytes the client gets. The JSON of a check is
``Report.to_json()``, the very text ``mandaat check FILE --format json`` writes; bad input
is the Problem Details document of :mod:`mandaat.problem_details`.
"""

from __future__ import annotations

import hashlib
import json
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import MandaatInputError, Problem, SchoolFileError
from ..evaluation import check, escalate
from ..loader import load_school
from ..problem_details import MEDIA_TYPE, document, dumps, problem_document, status_of
from ..rules import RulePack
from ..school._source import ParseFailure, decode

#: The media types a body may have, and how each is read: ``json``, ``yaml``, ``xlsx``
MEDIA_TYPES: dict[str, str] = {
    "application/json": "json",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}

#: The name a body's problems are reported under (``request.yaml:14: people[1]...``); a
#: JSON body is read as JSON because its name ends in ``.json``.
BODY_NAMES = {"json": "request.json", "yaml": "request.yaml", "xlsx": "request.xlsx"}

JSON = "application/json"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Job:
    """One decision asked for: check (or escalate ``signal``) the school in ``body``."""

    action: str  # "check", "escalate", "fix" or "diff"
    body: bytes
    kind: str  # "json", "yaml" or "xlsx"
    lang: str
    packs: tuple[str, ...]  # names of packs the server holds, in the order they are used
    html: bool = False
    signal: str | None = None


@dataclass(frozen=True)
class Answer:
    """The response to a job: status, media type and body, and what the decision log
    keeps of it (counts, never content)."""

    status: int
    media_type: str
    body: bytes
    summary: Mapping[str, int] | None = None


def answer(job: Job, packs: Mapping[str, RulePack]) -> Answer:
    """Do the job against the server's ``packs`` (by name); bad input is an answer."""
    try:
        chosen = [packs[name] for name in job.packs]
        if job.action == "diff":
            from ..whatif.diff import diff

            before, after = _load_pair(job)
            result = diff(before, after, rules=chosen, rules_only=True, lang=job.lang)
            counts = {f"{k}_{s}": n for k, by in result.summary.items() for s, n in by.items()}
            return Answer(200, JSON, result.to_json().encode("utf-8"), counts)
        school = _load(job)
        if job.action == "fix":
            from ..whatif.fix import fix

            proposed = fix(school, rules=chosen, rules_only=True, lang=job.lang)
            return Answer(200, JSON, proposed.to_json().encode("utf-8"),
                          dict(proposed.summary))
        if job.action == "escalate":
            assert job.signal is not None
            reply = escalate(school, job.signal, rules=chosen, rules_only=True, lang=job.lang)
            return Answer(200, JSON, reply.to_json().encode("utf-8"))
        report = check(school, rules=chosen, rules_only=True, lang=job.lang)
        summary = dict(report.summary)
        if job.html:
            from ..report.html import render_html

            return Answer(200, HTML, render_html(report, school, job.lang).encode("utf-8"),
                          summary)
        return Answer(200, JSON, report.to_json().encode("utf-8"), summary)
    except MandaatInputError as exc:
        return problem_answer(exc, job.lang)
    except Exception:  # a bug: said without details; the traceback goes to the server's log
        traceback.print_exc(file=sys.stderr)
        return internal_error(job.lang)


def problem_answer(error: MandaatInputError, lang: str) -> Answer:
    """Bad input as a Problem Details answer, with the status of its kind."""
    doc = problem_document(error, lang)
    return Answer(status_of(error), MEDIA_TYPE, dumps(doc).encode("utf-8"),
                  {"problems": len(doc["problems"])})


def internal_error(lang: str) -> Answer:
    """What a client gets when mandaat itself fails: a 500 without a traceback."""
    doc = document("internal", 500,
                   "Er ging iets mis in mandaat" if lang == "nl" else "mandaat failed",
                   "de fout staat in het logboek van de server" if lang == "nl" else
                   "the error is in the server's log", [])
    return Answer(500, MEDIA_TYPE, dumps(doc).encode("utf-8"))


def _load_pair(job: Job):
    """BEFORE and AFTER of ``POST /v1/diff``: a JSON object whose ``before`` and ``after``
    are each a school (a mapping) or a school file's text (YAML or JSON)."""
    try:
        text = decode(job.body, BODY_NAMES["json"])
        data = json.loads(text)
    except ParseFailure as exc:
        raise SchoolFileError([exc.problem]) from None
    except ValueError as exc:
        raise SchoolFileError([Problem(BODY_NAMES["json"], None, (), "not_json",
                                       f"not JSON: {exc}")]) from None
    if not isinstance(data, dict) or set(data) != {"before", "after"}:
        raise SchoolFileError([Problem(
            BODY_NAMES["json"], None, (), "invalid_value",
            "a diff's body is a JSON object with 'before' and 'after', each a school or "
            "a school file's text")])
    schools = []
    for side in ("before", "after"):
        value = data[side]
        name = f"{side}.yaml"
        if isinstance(value, str):
            schools.append(load_school(text=value, name=name))
        elif isinstance(value, dict):
            schools.append(load_school(value, name=f"{side}.json"))
        else:
            raise SchoolFileError([Problem(
                BODY_NAMES["json"], None, (side,), "invalid_value",
                f"'{side}' is a school (a JSON object) or a school file's text")])
    return schools[0], schools[1]


def _load(job: Job):
    name = BODY_NAMES[job.kind]
    if job.kind == "xlsx":
        from ..workbook import read_workbook  # openpyxl: only for a workbook

        return read_workbook(job.body, name=name)
    try:
        text = decode(job.body, name)
    except ParseFailure as exc:
        raise SchoolFileError([exc.problem]) from None
    return load_school(text=text, name=name)


# --- the rule packs and their revision ------------------------------------------------------


def _plain(value: Any) -> Any:
    """Packs as plain data, for their hash: models dumped, tuples as lists, keys sorted."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def pack_revision(pack: RulePack) -> str:
    """A hash of the pack's content (name, version, params, rules, routes): the same
    rules give the same revision wherever they were loaded from."""
    data = {"name": pack.name, "version": pack.version, "params": _plain(pack.params),
            "rules": _plain(pack.rules), "routes": _plain(pack.routes)}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def revision(revisions: Sequence[str]) -> str:
    """The revision of the packs a decision used, together and in order, from each pack's
    :func:`pack_revision`."""
    if len(revisions) == 1:
        return revisions[0]
    return hashlib.sha256(",".join(revisions).encode("ascii")).hexdigest()[:16]
