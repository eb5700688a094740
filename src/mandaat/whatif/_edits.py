"""Edits of a school: a fix's declaration bound to one finding, its candidates found on the
school, and each option applied to a copy.

A copy shares every part of the school that an edit leaves alone (the models are frozen),
so an option costs the items it changes, not a copy of the whole school. Each edit keeps
the school valid: it names only ids the school has (bound from the match, or found as
candidates), and an id it makes is new. An edit that would change nothing (a letter the
person already has, a mandate already told to the team) makes its option void, so every
option shown changes the division.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..rules._engine import Match
from ..rules.fixes import MAX_CANDIDATES, Choice, FixOption, fill
from ..school import vocabulary as V
from ..school.model import Mandate, Person, School, Task


@dataclass(frozen=True, order=True)
class Edit:
    """One edit of the school, every field bound: ``kind`` and its fields by name."""

    kind: str
    fields: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, str]:
        """The edit as JSON shows it: ``{"edit": KIND, FIELD: VALUE, ...}``."""
        return {"edit": self.kind, **dict(self.fields)}

    def get(self, name: str) -> str:
        return dict(self.fields)[name]


Option = tuple[Edit, ...]


def bind(option: FixOption, group: Sequence[Match], school: School) -> list[Option]:
    """The options a fix declaration gives for one finding: its placeholders filled from
    the finding's first match (with ``each``, from every match, the edits made for each
    once), one option per combination of candidates; none where a choice finds nobody."""
    matches = list(group) if option.each else [group[0]]
    per_match: list[list[list[tuple[str, str]]]] = []  # per edit: the bindings of its fields
    for spec in option.edits:
        for m in matches:
            fields: list[list[tuple[str, str]]] = []
            for name, value in spec.fields:
                if isinstance(value, Choice):
                    found = candidates(value, m, school)
                    fields.append([(name, c) for c in found])
                else:
                    fields.append([(name, fill(value, m.value))])
            per_match.append([[(spec.kind, "")]] + fields)  # type: ignore[list-item]
    out: list[Option] = []
    seen: set[Option] = set()
    for combo in itertools.product(*[itertools.product(*edit[1:]) for edit in per_match]):
        edits = tuple(sorted({Edit(edit[0][0][0], tuple(fields))
                              for edit, fields in zip(per_match, combo, strict=True)},
                             key=lambda e: (e.kind, e.fields)))
        if edits and edits not in seen:
            seen.add(edits)
            out.append(edits)
    return out


def candidates(choice: Choice, m: Match, school: School) -> list[str]:
    """The ids a choice finds for one match: the first :data:`MAX_CANDIDATES` by id (tasks
    by the person's hours on them, most first, then by id)."""
    args = {name: fill(value, m.value) for name, value in choice.args}
    found = _FINDERS[choice.kind](school, args)
    if choice.kind != "tasks_of":
        found = sorted(set(found))
    return found[:MAX_CANDIDATES]


def _tasks_of(school: School, args: Mapping[str, str]) -> list[str]:
    person, letter, domain = args["person"], args["as"], args.get("domain")
    if letter not in V.RACI:
        return []
    held = [t for t in school.tasks if person in getattr(t, letter)
            and (domain is None or t.task_domain == domain)]
    return [t.id for t in sorted(held, key=lambda t: (-t.hours.get(person, 0), t.id))]


def _holders(school: School, roles: Sequence[str]) -> list[str]:
    return [p.id for p in school.people if set(p.roles) & set(roles)]


def _mandated(school: School, args: Mapping[str, str]) -> list[str]:
    task = next((t for t in school.tasks if t.id == args["task"]), None)
    if task is None:
        return []
    leaders = set(_holders(school, tuple(V.LEADER_ROLES)))
    return [m.to for m in school.mandates if m.from_ in leaders
            and ({task.type, task.task_domain} & set(m.scope))]


def _teachers_on(school: School, args: Mapping[str, str]) -> list[str]:
    task = next((t for t in school.tasks if t.id == args["task"]), None)
    if task is None:
        return []
    teachers = set(_holders(school, ("leraar",)))
    named = {w for letter in V.RACI for w in getattr(task, letter)}
    return [w for w in named if w in teachers]


def _deputy_for(school: School, args: Mapping[str, str]) -> list[str]:
    person = school.person(args["person"])
    if person is None:
        return []
    day = school.reference_date
    return [p.id for p in school.people if p.id != person.id and not p.is_absent(day)
            and set(p.roles) & set(person.roles)]


_FINDERS: dict[str, Callable[[School, Mapping[str, str]], list[str]]] = {
    "school_leader": lambda school, args: _holders(school, ("schoolleider",)),
    "role": lambda school, args: _holders(school, (args["role"],)),
    "mandated": _mandated,
    "teachers_on": _teachers_on,
    "deputy_for": _deputy_for,
    "teams": lambda school, args: [t.id for t in school.teams if t.kind == args["kind"]],
    "tasks_of": _tasks_of,
}


# --- applying ---------------------------------------------------------------------------------


class Void(Exception):
    """An edit that does not apply to this school, or would change nothing."""


class _Draft:
    """The parts of a school an option changes; the rest is shared with the school."""

    def __init__(self, school: School):
        self.school = school
        self.tasks: dict[str, Task] = {}
        self.people: dict[str, Person] = {}
        self.mandates: dict[str, Mandate | None] = {}
        self.new_tasks: list[Task] = []
        self.new_mandates: list[Mandate] = []
        self.removed_routes: set[str] = set()
        self._ids: set[str] | None = None

    def task(self, task_id: str) -> Task:
        if task_id in self.tasks:
            return self.tasks[task_id]
        found = next((t for t in (*self.school.tasks, *self.new_tasks) if t.id == task_id),
                     None)
        if found is None:
            raise Void(f"no task {task_id}")
        return found

    def person(self, person_id: str) -> Person:
        if person_id in self.people:
            return self.people[person_id]
        found = self.school.person(person_id)
        if found is None:
            raise Void(f"no person {person_id}")
        return found

    def mandate(self, mandate_id: str) -> Mandate:
        found = self.mandates.get(mandate_id) or next(
            (m for m in (*self.school.mandates, *self.new_mandates) if m.id == mandate_id), None)
        if found is None:
            raise Void(f"no mandate {mandate_id}")
        return found

    def set_task(self, task: Task) -> None:
        for i, t in enumerate(self.new_tasks):
            if t.id == task.id:
                self.new_tasks[i] = task
                return
        self.tasks[task.id] = task

    def set_mandate(self, mandate: Mandate) -> None:
        for i, m in enumerate(self.new_mandates):
            if m.id == mandate.id:
                self.new_mandates[i] = mandate
                return
        self.mandates[mandate.id] = mandate

    def new_id(self, stem: str) -> str:
        if self._ids is None:
            s = self.school
            self._ids = {x.id for items in (s.people, s.teams, s.externals, s.tasks,
                                            s.mandates, s.signals, s.routes) for x in items}
        stem = stem[:56]
        candidate, n = stem, 2
        while candidate in self._ids:
            candidate, n = f"{stem}-{n}", n + 1
        self._ids.add(candidate)
        return candidate

    def result(self) -> School:
        s = self.school
        update: dict[str, object] = {}
        if self.tasks or self.new_tasks:
            update["tasks"] = [self.tasks.get(t.id, t) for t in s.tasks] + self.new_tasks
        if self.people:
            update["people"] = [self.people.get(p.id, p) for p in s.people]
        if self.mandates or self.new_mandates:
            update["mandates"] = [self.mandates.get(m.id, m) for m in s.mandates] + \
                self.new_mandates
        if self.removed_routes:
            update["routes"] = [r for r in s.routes if r.id not in self.removed_routes]
        copy = s.model_copy(update=update)
        copy._source = None  # lines of the original file no longer fit the copy
        return copy


#: The fact kinds an edit of each kind can change (docs/rules.md, "Facts"): a task's
#: letters change its task and assignment facts, the people's counts and hours, workloads
#: and what mandates cover; a mandate its own facts and what it covers; a route its steps and
#: the walks. An edit of a person (roles, deputy, leads) can change any fact: ``None``.
_TASK_KINDS = frozenset({"task", "assignment", "person", "workload", "covers"})
_MANDATE_KINDS = frozenset({"mandate", "covers", "scope"})
FACT_KINDS_CHANGED: dict[str, frozenset[str] | None] = {
    "add_letter": _TASK_KINDS, "remove_letter": _TASK_KINDS, "move_letter": _TASK_KINDS,
    "set_accountable": _TASK_KINDS, "set_case_holder": _TASK_KINDS, "set_type": _TASK_KINDS,
    "add_task": _TASK_KINDS,
    "give_mandate": _MANDATE_KINDS, "communicate_mandate": _MANDATE_KINDS,
    "set_mandate_from": _MANDATE_KINDS,
    "remove_route": frozenset({"route_step", "walk"}),
    "name_deputy": None, "add_role": None, "remove_role": None, "move_lead": None,
}


def kinds_changed(edits: Sequence[Edit]) -> frozenset[str] | None:
    """The fact kinds ``edits`` can change together (``None``: any)."""
    out: frozenset[str] = frozenset()
    for edit in edits:
        kinds = FACT_KINDS_CHANGED[edit.kind]
        if kinds is None:
            return None
        out |= kinds
    return out


def apply(school: School, edits: Sequence[Edit]) -> School:
    """``school`` with ``edits`` made, as a copy; :class:`Void` when one does not apply."""
    draft = _Draft(school)
    for edit in edits:
        _APPLY[edit.kind](draft, dict(edit.fields))
    return draft.result()


def _holder_kind(school: School, who: str) -> bool:
    """Whether ``who`` may hold a letter: a person, team, external party, or a word."""
    return (school.person(who) is not None or who in (V.ALL_STAFF, V.PARENTS)
            or any(t.id == who for t in school.teams)
            or any(e.id == who for e in school.externals))


def _letters(task: Task, letter: str, who: str, add: bool) -> Task:
    if letter not in V.RACI:
        raise Void(f"no letter {letter}")
    held = list(getattr(task, letter))
    if add:
        if who in held:
            raise Void("already held")
        held.append(who)
    else:
        if who not in held:
            raise Void("not held")
        held.remove(who)
    task = task.model_copy(update={letter: held})
    if not add and who in task.hours and not any(who in getattr(task, x) for x in V.RACI):
        task = task.model_copy(update={"hours": {k: v for k, v in task.hours.items()
                                                 if k != who}})
    return task


def _add_letter(d: _Draft, f: dict[str, str]) -> None:
    if not _holder_kind(d.school, f["who"]):
        raise Void("unknown holder")
    d.set_task(_letters(d.task(f["task"]), f["as"], f["who"], True))


def _remove_letter(d: _Draft, f: dict[str, str]) -> None:
    d.set_task(_letters(d.task(f["task"]), f["as"], f["who"], False))


def _move_letter(d: _Draft, f: dict[str, str]) -> None:
    if f["from"] == f["to"] or not _holder_kind(d.school, f["to"]):
        raise Void("nothing to move")
    task = d.task(f["task"])
    hours = task.hours.get(f["from"])
    task = _letters(task, f["as"], f["from"], False)
    if f["to"] not in getattr(task, f["as"]):
        task = _letters(task, f["as"], f["to"], True)
    if hours is not None and d.school.person(f["to"]) is not None:
        moved = dict(task.hours)
        moved.pop(f["from"], None)
        moved[f["to"]] = min(8760.0, moved.get(f["to"], 0) + hours)
        task = task.model_copy(update={"hours": moved})
    d.set_task(task)


def _set_accountable(d: _Draft, f: dict[str, str]) -> None:
    task = d.task(f["task"])
    if list(task.accountable) == [f["who"]] or d.school.person(f["who"]) is None:
        raise Void("already so")
    d.set_task(task.model_copy(update={"accountable": [f["who"]]}))


def _set_case_holder(d: _Draft, f: dict[str, str]) -> None:
    task = d.task(f["task"])
    if task.case_holder == f["who"] or d.school.person(f["who"]) is None:
        raise Void("already so")
    d.set_task(task.model_copy(update={"case_holder": f["who"]}))


def _set_type(d: _Draft, f: dict[str, str]) -> None:
    task = d.task(f["task"])
    if f["type"] not in V.TASK_TYPES or task.type == f["type"]:
        raise Void("no such type")
    d.set_task(task.model_copy(update={"type": f["type"]}))


def _add_task(d: _Draft, f: dict[str, str]) -> None:
    kind = f["type"]
    if kind not in V.TASK_TYPES or not _holder_kind(d.school, f["responsible"]):
        raise Void("no such type")
    accountable = [f["accountable"]] if f.get("accountable") else []
    if accountable and d.school.person(accountable[0]) is None:
        raise Void("no such person")
    title = V.TASK_TYPE_LABELS["nl"].get(kind, kind)
    d.new_tasks.append(Task(id=d.new_id(kind.replace("_", "-")), type=kind,
                            title=title[:1].upper() + title[1:],
                            accountable=accountable, responsible=[f["responsible"]]))


def _give_mandate(d: _Draft, f: dict[str, str]) -> None:
    giver, to, item = f["from"], f["to"], f["scope"]
    if item not in V.TASK_TYPES and item not in V.DOMAINS:
        raise Void("no such scope")
    if giver == to or d.school.person(giver) is None or d.school.person(to) is None:
        raise Void("no such people")
    existing = sorted((m for m in (*d.school.mandates, *d.new_mandates)
                       if m.from_ == giver and m.to == to), key=lambda m: m.id)
    if existing:
        m = d.mandate(existing[0].id)
        if item in m.scope:
            raise Void("already in scope")
        d.set_mandate(m.model_copy(update={"scope": [*m.scope, item]}))
        return
    d.new_mandates.append(Mandate.model_validate(
        {"id": d.new_id(f"mandaat-{to}"), "from": giver, "to": to, "scope": [item],
         "communicated_to_team": True, "since": d.school.as_of}))


def _communicate_mandate(d: _Draft, f: dict[str, str]) -> None:
    m = d.mandate(f["mandate"])
    if m.communicated_to_team:
        raise Void("already told")
    d.set_mandate(m.model_copy(update={"communicated_to_team": True}))


def _set_mandate_from(d: _Draft, f: dict[str, str]) -> None:
    m = d.mandate(f["mandate"])
    if m.from_ == f["from"] or f["from"] == m.to or d.school.person(f["from"]) is None:
        raise Void("already so")
    d.set_mandate(m.model_copy(update={"from_": f["from"]}))


def _name_deputy(d: _Draft, f: dict[str, str]) -> None:
    person = d.person(f["person"])
    if person.deputy == f["deputy"] or f["deputy"] == person.id or \
            d.school.person(f["deputy"]) is None:
        raise Void("already so")
    d.people[person.id] = person.model_copy(update={"deputy": f["deputy"]})


def _add_role(d: _Draft, f: dict[str, str]) -> None:
    person = d.person(f["person"])
    if f["role"] not in V.ROLES or f["role"] in person.roles:
        raise Void("already held")
    d.people[person.id] = person.model_copy(update={"roles": [*person.roles, f["role"]]})


def _remove_role(d: _Draft, f: dict[str, str]) -> None:
    person = d.person(f["person"])
    if f["role"] not in person.roles or len(person.roles) == 1:
        raise Void("not held, or the only role")
    roles = [r for r in person.roles if r != f["role"]]
    update: dict[str, object] = {"roles": roles}
    if not set(roles) & set(V.TARGETS["intern_begeleider"]):
        update["supervises"] = []  # 'supervises' is for an ib'er: it goes with the role
    d.people[person.id] = person.model_copy(update=update)


def _move_lead(d: _Draft, f: dict[str, str]) -> None:
    old, new, led = d.person(f["from"]), d.person(f["to"]), f["person"]
    if old.id == new.id or led not in old.leads or led == new.id:
        raise Void("nothing to move")
    d.people[old.id] = old.model_copy(update={"leads": [x for x in old.leads if x != led]})
    new = d.person(new.id)
    if led not in new.leads:
        d.people[new.id] = new.model_copy(update={"leads": [*new.leads, led]})


def _remove_route(d: _Draft, f: dict[str, str]) -> None:
    if not any(r.id == f["route"] for r in d.school.routes) or f["route"] in d.removed_routes:
        raise Void("no such route")
    d.removed_routes.add(f["route"])


_APPLY: dict[str, Callable[[_Draft, dict[str, str]], None]] = {
    "add_letter": _add_letter, "remove_letter": _remove_letter, "move_letter": _move_letter,
    "set_accountable": _set_accountable, "set_case_holder": _set_case_holder,
    "set_type": _set_type, "add_task": _add_task, "give_mandate": _give_mandate,
    "communicate_mandate": _communicate_mandate, "set_mandate_from": _set_mandate_from,
    "name_deputy": _name_deputy, "add_role": _add_role, "remove_role": _remove_role,
    "move_lead": _move_lead, "remove_route": _remove_route,
}
