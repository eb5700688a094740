"""The school model of format ``mandaat/1`` (see ``docs/school-format.md``).

The models validate shape and vocabulary; cross-references (does ``accountable`` name a
person who exists?) are checked by :func:`mandaat.load_school`, which reports every problem
of a file at once.
"""

from __future__ import annotations

import datetime as dt
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
)
from pydantic_core import PydanticCustomError

from . import vocabulary as V

FORMAT = "mandaat/1"
SUPPORTED_FORMATS: tuple[str, ...] = (FORMAT,)
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def _in_vocabulary(what: str, choices: tuple[str, ...]):
    def check(value: str) -> str:
        if value not in choices:
            raise PydanticCustomError(
                "unknown_value",
                "unknown {what} '{value}'{hint}",
                {"what": what, "value": value, "hint": V.did_you_mean(value, choices)},
            )
        return value

    return check


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _group_name(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, Field(strict=True), StringConstraints(pattern=ID_PATTERN)]
IdList = Annotated[list[Id], BeforeValidator(_one_or_many)]
Text = Annotated[str, Field(strict=True), StringConstraints(min_length=1)]
#: Hours a person spends on one task in a year: at most the hours a year has.
TaskHours = Annotated[float, Field(strict=True, ge=0, le=8760, allow_inf_nan=False)]
WeekHours = Annotated[float, Field(strict=True, ge=0, le=168, allow_inf_nan=False)]
Role = Annotated[
    str, Field(strict=True, json_schema_extra={"enum": list(V.ROLES)}),
    AfterValidator(_in_vocabulary("role", V.ROLES)),
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
Scope = Annotated[
    str,
    Field(strict=True, json_schema_extra={"enum": [*V.TASK_TYPES, *V.DOMAINS]}),
    AfterValidator(_in_vocabulary("task type or domain", (*V.TASK_TYPES, *V.DOMAINS))),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SchoolInfo(_Model):
    """The school's name and, optionally, its BRIN number."""

    name: Text
    brin: Text | None = None


class Person(_Model):
    """A member of staff and the roles they hold."""

    id: Id
    name: Text | None = None
    roles: Annotated[list[Role], Field(min_length=1)]
    hours_per_week: WeekHours | None = None
    groups: list[Annotated[Text, BeforeValidator(_group_name)]] = []

    @property
    def label(self) -> str:
        """The name to show people: ``name`` when given, else the id."""
        return self.name or self.id


class Team(_Model):
    """A team of people: a leerteam, a bouw, the visieteam or a werkgroep."""

    id: Id
    kind: TeamKind
    name: Text | None = None
    members: IdList = []


class Task(_Model):
    """A task and who carries which responsibility for it (RACI)."""

    id: Id
    type: TaskType
    title: Text | None = None
    accountable: IdList = []
    responsible: IdList = []
    consulted: IdList = []
    informed: IdList = []
    case_holder: Id | None = None
    about: Id | None = None
    domain: Domain | None = None
    hours: dict[Id, TaskHours] = {}

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
    scope: Annotated[list[Scope], BeforeValidator(_one_or_many), Field(min_length=1)]
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


class School(_Model):
    """A school's proposed task division: the input of :func:`mandaat.check`."""

    format: Annotated[str, Field(json_schema_extra={"enum": list(SUPPORTED_FORMATS)})]
    school: SchoolInfo
    as_of: dt.date | None = None
    params: dict[
        Annotated[str, Field(strict=True)],
        Annotated[float, Field(strict=True, ge=-1e9, le=1e9, allow_inf_nan=False)],
    ] = {}
    people: list[Person]
    teams: list[Team] = []
    tasks: list[Task] = []
    mandates: list[Mandate] = []
    signals: list[Signal] = []

    _source: Any = PrivateAttr(default=None)

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

    def person(self, person_id: str) -> Person | None:
        """Return the person with this id, or ``None``."""
        return next((p for p in self.people if p.id == person_id), None)



def json_schema() -> dict[str, Any]:
    """The JSON Schema of format ``mandaat/1``, for apps that validate before they send.

    The schema covers shape and vocabulary; cross-references (does ``accountable`` name
    a person in the file?) are checked by :func:`mandaat.load_school` only.
    """
    schema = School.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://mandaat.invalid/schema/mandaat-1.json",
        "title": "mandaat/1 school file",
        **schema,
    }
