"""The models of the service's own answers: the rules it holds, and the Problem Details
document (whose one definition is :mod:`mandaat.problem_details`; the tests hold every
document the service gives to this model)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Title(_Model):
    """A text in Dutch and English."""

    nl: str
    en: str


class RuleSource(_Model):
    """The source text a rule rests on: its file, and its title where the pack knows it."""

    text: str
    title: str | None


class RuleDescription(_Model):
    """One rule of a pack."""

    id: str
    severity: Literal["violation", "warning", "advice"]
    kind: Literal["structural", "escalation", "no_target"]
    title: Title | None
    source: RuleSource


class PackDescription(_Model):
    """A rule pack the server holds, with the hash of its content."""

    name: str
    version: str
    revision: str
    rules: list[RuleDescription]


class RulesAnswer(_Model):
    """``GET /v1/rules``: the packs a check uses without ``rules=``, in order, and the
    revision of them together (the ``X-Rules-Revision`` of such a check)."""

    revision: str
    packs: list[PackDescription]


class ProblemEntry(_Model):
    """One problem (``docs/errors.md``)."""

    file: str
    line: int | None
    loc: list[str | int]
    type: str
    msg: str
    cell: str | None
    message: str
    suggestion: str | None


class ProblemDocument(_Model):
    """Problem Details (RFC 9457) with every problem of the input or the request."""

    type: str
    title: str
    status: int
    detail: str
    problems: list[ProblemEntry]
