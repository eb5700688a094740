"""The school model of format ``mandaat/1`` (see ``docs/school-format.md``).

The models validate shape and vocabulary. ``School`` also checks cross-references (does
``accountable`` name a person who exists?), ids and dates, so ``School.model_validate``
never returns a school whose references are broken; :func:`mandaat.load_school` is the
friendlier door, reporting every problem of a file at once with its line.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError

from ..errors import format_loc
from . import vocabulary as V
from ._references import check_references
from ._source import Source

FORMAT = "mandaat/1"
SUPPORTED_FORMATS: tuple[str, ...] = (FORMAT,)
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
#: Validation context with which the loader says it checks references itself, on the raw
#: data and with line numbers.
REFERENCES_CHECKED: dict[str, bool] = {"_mandaat_references_checked": True}


def _in_vocabulary(what: str, choices: tuple[str, ...], words: dict[str, str] | None = None):
    """A check that a value is one of ``choices``; an unknown value is refused with a
    suggestion from ``words`` (what people write for them) or the closest choice. The
    suggestion for a value is found once: a file that repeats one wrong word thousands of
    times costs one search."""
    @functools.lru_cache(maxsize=1024)
    def hint(value: str) -> str:
        return V.hint(value, choices, words)

    known = frozenset(choices)

    def check(value: str) -> str:
        if value not in known:
            raise PydanticCustomError(
                "unknown_value",
                "unknown {what} '{value}'{hint}",
                {"what": what, "value": value, "hint": hint(value)},
            )
        return value

    return check


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _one_or_many_mapping(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


def _group_name(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _one_or_many_schema(item: Any, **array: Any) -> WithJsonSchema:
    """The JSON Schema of what ``_one_or_many`` reads: one ``item``, or a list of them."""
    one = TypeAdapter(item).json_schema()
    return WithJsonSchema({"anyOf": [one, {"type": "array", "items": one, **array}]})


Id = Annotated[str, Field(strict=True), StringConstraints(pattern=ID_PATTERN)]
IdList = Annotated[list[Id], BeforeValidator(_one_or_many), _one_or_many_schema(Id)]
Text = Annotated[str, Field(strict=True), StringConstraints(min_length=1)]
#: A group (class) a person teaches: text, or a whole number such as ``5``.
Group = Annotated[
    Text, BeforeValidator(_group_name),
    WithJsonSchema({"anyOf": [TypeAdapter(Text).json_schema(), {"type": "integer"}]}),
]
#: Hours a person spends on one task in a year: at most the hours a year has.
TaskHours = Annotated[float, Field(strict=True, ge=0, le=8760, allow_inf_nan=False)]
#: Hours per person on a task, keyed by person id.
HoursById = Annotated[
    dict[Id, TaskHours],
    WithJsonSchema({"type": "object", "propertyNames": TypeAdapter(Id).json_schema(),
                    "additionalProperties": TypeAdapter(TaskHours).json_schema()}),
]
WeekHours = Annotated[float, Field(strict=True, ge=0, le=168, allow_inf_nan=False)]
Role = Annotated[
    str, Field(strict=True, json_schema_extra={"enum": list(V.ROLES)}),
    AfterValidator(_in_vocabulary("role", V.ROLES, V.ROLE_WORDS)),
]
TaskType = Annotated[
    str, Field(strict=True, json_schema_extra={"enum": list(V.TASK_TYPES)}),
    AfterValidator(_in_vocabulary("task type", V.TASK_TYPES)),
]
Domain = Annotated[
    str, Field(strict=True, json_schema_extra={"enum": list(V.DOMAINS)}),
    AfterValidator(_in_vocabulary("domain", V.DOMAINS)),
]
SignalType = Annotated[
    str, Field(strict=True, json_schema_extra={"enum": list(V.SIGNAL_TYPES)}),
    AfterValidator(_in_vocabulary("signal type", V.SIGNAL_TYPES)),
]
TeamKind = Annotated[
    str, Field(strict=True, json_schema_extra={"enum": list(V.TEAM_KINDS)}),
    AfterValidator(_in_vocabulary("team kind", V.TEAM_KINDS)),
]
ExternalKind = Annotated[
    str, Field(strict=True, json_schema_extra={"enum": list(V.EXTERNAL_KINDS)}),
    AfterValidator(_in_vocabulary("external kind", V.EXTERNAL_KINDS)),
]
#: Working days a week (a school's usual way to say how much time someone has).
WeekDays = Annotated[float, Field(strict=True, ge=0, le=7, allow_inf_nan=False)]
Scope = Annotated[
    str,
    Field(strict=True, json_schema_extra={"enum": [*V.TASK_TYPES, *V.DOMAINS]}),
    AfterValidator(_in_vocabulary("task type or domain", (*V.TASK_TYPES, *V.DOMAINS))),
]
ScopeList = Annotated[
    list[Scope], BeforeValidator(_one_or_many), Field(min_length=1),
    _one_or_many_schema(Scope, minItems=1),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SchoolInfo(_Model):
    """The school's name and, optionally, its BRIN number."""

    name: Text
    brin: Text | None = None


class Absence(_Model):
    """A period someone is away (leave, illness): ``from`` and ``until``, both included."""

    from_: dt.date = Field(alias="from")
    until: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the absence (an open end runs on)."""
        return self.from_ <= day and (self.until is None or day <= self.until)


class Person(_Model):
    """A member of staff and the roles they hold."""

    id: Id
    name: Text | None = None
    roles: Annotated[list[Role], Field(min_length=1)]
    hours_per_week: WeekHours | None = None
    days_per_week: WeekDays | None = None
    groups: list[Group] = Field(default_factory=list)
    #: The groups (or teams, such as a bouw) this person is the ib'er for.
    supervises: list[Group] = Field(default_factory=list)
    #: The people (or teams) this person leads: line management.
    leads: IdList = Field(default_factory=list)
    #: When this person is away; a route passes them to their deputy meanwhile.
    absent: Absence | None = None
    #: Who stands in while this person is away.
    deputy: Id | None = None
    #: Whom this person stands in for (an interim ib'er for the ib'er on leave).
    replaces: Id | None = None

    @property
    def label(self) -> str:
        """The name to show people: ``name`` when given, else the id."""
        return self.name or self.id

    def is_absent(self, day: dt.date) -> bool:
        """Whether this person is away on ``day``."""
        return self.absent is not None and self.absent.covers(day)


class Team(_Model):
    """A team of people: a leerteam, a bouw, the visieteam or a werkgroep."""

    id: Id
    kind: TeamKind
    name: Text | None = None
    members: IdList = Field(default_factory=list)


class Task(_Model):
    """A task and who carries which responsibility for it (RACI)."""

    id: Id
    type: TaskType
    title: Text | None = None
    accountable: IdList = Field(default_factory=list)
    responsible: IdList = Field(default_factory=list)
    consulted: IdList = Field(default_factory=list)
    informed: IdList = Field(default_factory=list)
    case_holder: Id | None = None
    about: Id | None = None
    domain: Domain | None = None
    hours: HoursById = Field(default_factory=dict)
    #: Whether the parents must consent before the task goes ahead (toestemming van ouders).
    parent_consent: StrictBool = False

    @property
    def label(self) -> str:
        """The title when given, else the id."""
        return self.title or self.id

    @property
    def task_domain(self) -> str:
        """The domain this task belongs to."""
        return V.domain_of(self.type, self.domain)


class Mandate(_Model):
    """Decision rights the school leader hands to someone, over task types and domains."""

    id: Id
    from_: Id = Field(alias="from")
    to: Id
    scope: ScopeList
    communicated_to_team: StrictBool
    since: dt.date | None = None


class Signal(_Model):
    """An open event that an escalation rule routes to the person who acts next."""

    id: Id
    type: SignalType
    about: Annotated[str, Field(strict=True), StringConstraints(min_length=1, max_length=64)]
    handled_by: Id | None = None
    since: dt.date | None = None
    count: Annotated[int, Field(strict=True, ge=1, le=100_000)] = 1
    conversation_held: StrictBool = False
    willful: StrictBool = False
    #: For a pupil signal: the pupil's group, so that the ib'er who supervises it acts.
    group: Group | None = None
    #: How often a step of the route asked the next one to take over.
    asked: Annotated[int, Field(strict=True, ge=0, le=100)] = 0
    #: Whether the parents gave their consent (for steps that wait for it).
    consent: StrictBool = False


StepRole = Annotated[
    str, Field(strict=True, json_schema_extra={"enum": list(V.STEP_ROLES)}),
    AfterValidator(_in_vocabulary("step role", V.STEP_ROLES)),
]
Weeks = Annotated[float, Field(strict=True, ge=0, le=520, allow_inf_nan=False)]


class ParamRef(_Model):
    """A threshold named by a rule-pack param (``{param: dev_lag_weeks}``)."""

    param: Annotated[str, Field(strict=True), StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class HandOn(_Model):
    """When a route hands on to a step: every condition given must hold."""

    after_weeks: Weeks | ParamRef | None = None
    after_times: Annotated[int, Field(strict=True, ge=1, le=100_000)] | ParamRef | None = None
    on_request: StrictBool = False
    consent: StrictBool = False
    conversation_held: StrictBool = False
    willful: StrictBool = False


class Step(_Model):
    """One step of a route: who acts there, and when the route hands on to it.

    Exactly one of ``role`` (relative to the case), ``person``, ``team`` or ``external``.
    ``when`` holds for the first step always; for a later one, any of its alternatives.
    """

    role: StepRole | None = None
    person: Id | None = None
    team: Id | None = None
    external: Id | None = None
    when: Annotated[list[HandOn], BeforeValidator(_one_or_many_mapping)] = Field(
        default_factory=list)
    #: The one this step names joins the conversation; whoever acted at the step before
    #: stays the one who acts ("de ib'er komt bij de gesprekken zitten; de leerkracht
    #: blijft verantwoordelijk").
    joins: StrictBool = False

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        given = [k for k in ("role", "person", "team", "external") if getattr(self, k)]
        if len(given) != 1:
            raise PydanticCustomError(
                "step_kind", "a step names exactly one of role, person, team or external"
                + (f" (not {' and '.join(given)})" if given else ""), {})
        return self

    @property
    def kind(self) -> str:
        """``role``, ``person``, ``team`` or ``external``."""
        return ("role" if self.role else "person" if self.person else
                "team" if self.team else "external")

    @property
    def ref(self) -> str:
        """The role name or id the step names."""
        return str(self.role or self.person or self.team or self.external)


class RouteFor(_Model):
    """What a route is for: a signal type."""

    signal: SignalType


class Route(_Model):
    """A school's own route for a kind of signal: its steps in order."""

    id: Id
    title: Text | None = None
    for_: RouteFor = Field(alias="for")
    steps: Annotated[list[Step], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _first_acts(self) -> Route:
        if self.steps[0].joins:
            raise PydanticCustomError(
                "first_step_joins", "the first step of a route acts: 'joins' is for a later "
                "step, where someone joins whoever acts", {})
        return self


class External(_Model):
    """A party outside the school's staff: the samenwerkingsverband, the GGD, an SBO, ..."""

    id: Id
    kind: ExternalKind
    name: Text | None = None

    @property
    def label(self) -> str:
        """The name to show people: ``name`` when given, else the id."""
        return self.name or self.id


class Defaults(_Model):
    """What holds for every task that does not say otherwise."""

    #: The person accountable for every task without its own ``accountable``: schools
    #: mean "the director, unless we say otherwise".
    accountable: Id | None = None


class School(_Model):
    """A school's proposed task division: the input of :func:`mandaat.check`."""

    format: Annotated[str, Field(json_schema_extra={"enum": list(SUPPORTED_FORMATS)})]
    school: SchoolInfo
    as_of: dt.date | None = None
    params: dict[
        Annotated[str, Field(strict=True)],
        Annotated[float, Field(strict=True, ge=-1e9, le=1e9, allow_inf_nan=False)],
    ] = Field(default_factory=dict)
    defaults: Defaults | None = None
    people: list[Person]
    teams: list[Team] = Field(default_factory=list)
    externals: list[External] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    mandates: list[Mandate] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)

    _source: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _references_exist(self, info: ValidationInfo) -> School:
        if info.context and info.context.get("_mandaat_references_checked"):
            return self
        data = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        data["as_of"] = self.as_of.isoformat() if self.as_of else dt.date.today().isoformat()
        problems = check_references(data, Source("<data>", ""))
        if problems:
            detail = "; ".join(f"{format_loc(p.loc)}: {p.msg}" for p in problems[:20])
            more = len(problems) - 20
            raise PydanticCustomError(
                "invalid_reference",
                "{detail}{more} (mandaat.load_school reports each with its line)",
                {"detail": detail, "more": f"; and {more} more" if more > 0 else ""},
            )
        return self

    def __eq__(self, other: object) -> bool:
        # Equal when the data is: not where it was read from, nor which defaults were
        # written out.
        if not isinstance(other, School):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @property
    def reference_date(self) -> dt.date:
        """The date time-based rules measure against: ``as_of``, or today."""
        return self.as_of or dt.date.today()

    def accountable_of(self, task: Task) -> tuple[list[str], bool]:
        """Who is accountable for ``task``, and whether that comes from ``defaults``.

        A task's own ``accountable`` wins; a task without one takes the school's default.
        """
        if task.accountable or self.defaults is None or self.defaults.accountable is None:
            return list(task.accountable), False
        return [self.defaults.accountable], True

    def person(self, person_id: str) -> Person | None:
        """Return the person with this id, or ``None``."""
        return next((p for p in self.people if p.id == person_id), None)


#: The form of a date in a school file: ``YYYY-MM-DD``.
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class _SchemaGenerator(GenerateJsonSchema):
    def get_default_value(self, schema: Any) -> Any:
        # An empty list or mapping is made afresh for each model (copying a default
        # instead took a tenth of validating a school); the schema still shows it.
        factory = schema.get("default_factory")
        if factory is list or factory is dict:
            return factory()
        return super().get_default_value(schema)

    def date_schema(self, schema: Any) -> dict[str, Any]:
        # ``format`` alone is an annotation most validators do not assert.
        return {**super().date_schema(schema), "pattern": DATE_PATTERN}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of format ``mandaat/1``, for apps that validate
    before they send.

    The schema describes the JSON form of a file. A YAML file is validated as its JSON
    equivalent: parse it with a safe loader and write each date YAML read as a date as its
    ISO string (``date.isoformat()``, ``2026-11-22``); the rest is already JSON. Dates are
    ``{"type": "string", "format": "date"}`` with a ``YYYY-MM-DD`` pattern, so validators
    that do not assert ``format`` still check the form; an impossible day such as
    ``2026-02-30`` is refused only where ``format`` is asserted.

    Every file :func:`mandaat.load_school` accepts in this form validates, and the schema
    refuses what the loader refuses wherever JSON Schema can say it: unknown keys at every
    level, unknown vocabulary, the id pattern, the reserved id ``team``, numeric bounds,
    types, required fields, ``since`` on an ``ontwikkeling_blijft_achter`` signal. References
    between ids (does ``accountable`` name a person or team in the file?), duplicate ids and
    a ``since`` after ``as_of`` are checked by the loader only.
    """
    schema = School.model_json_schema(
        by_alias=True, mode="validation", schema_generator=_SchemaGenerator)
    defs = schema["$defs"]
    for definition in defs.values():  # everything with an id: `team` and `ouders` are reserved
        if "id" in definition.get("properties", {}):
            definition["properties"]["id"]["not"] = {"enum": list(V.RESERVED_IDS)}
    handon = {"$ref": "#/$defs/HandOn"}
    defs["Step"]["properties"]["when"] = {  # one condition, or alternatives
        "anyOf": [handon, {"type": "array", "items": handon}], "default": []}
    defs["Signal"]["allOf"] = [{
        "if": {"properties": {"type": {"const": "ontwikkeling_blijft_achter"}},
               "required": ["type"]},
        "then": {"required": ["since"], "properties": {"since": {"type": "string"}}},
    }]
    schema.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://mandaat.invalid/schema/mandaat-1.json",
        "title": "mandaat/1 school file",
        **schema,
    }
