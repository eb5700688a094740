"""Generic facts about a school: what the rules match on.

The facts layer knows the vocabulary, never a rule: a new rule over these facts needs no
change here. ``FACT_KINDS`` declares every kind and the type of each field, and the rule
validator checks rule packs against it (see ``docs/rules.md`` for the table in words).

Field types: ``id`` (an id from the school file, or ``""`` where absent), ``text``,
``bool``, ``number``, a vocabulary name (``role``, ``task_type``, ``domain``,
``signal_type``, ``raci``, ``who_kind``, ``target``), or ``domain_set`` (a set of domains,
written in rules as a list).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import networkx as nx

from ..graph import build_graph
from ..graph.routes import Case, Walk, _present, route_cycle, supervising_ib, walk
from ..school import vocabulary as V
from ..school.model import School, Signal, Step

ROLE_FLAGS = {role: "bool" for role in V.ROLES}

FACT_KINDS: dict[str, dict[str, str]] = {
    "person": {
        "person": "id", "name": "text", "leader": "bool", "ib": "bool", "teacher": "bool",
        **ROLE_FLAGS,
        "n_accountable": "number", "n_responsible": "number", "task_hours": "number",
        "away": "bool", "has_deputy": "bool",
    },
    "assignment": {
        "task": "id", "as": "raci", "who": "id", "who_kind": "who_kind",
        "who_leader": "bool", "who_schoolleider": "bool", "who_ib": "bool",
        "who_teacher": "bool", "task_type": "task_type", "domain": "domain",
        "personnel": "bool", "task_about": "id", "seq": "number", "by_default": "bool",
    },
    "member_assignment": {
        "task": "id", "as": "raci", "who": "id", "via_team": "id", "who_leader": "bool",
        "who_schoolleider": "bool", "who_ib": "bool", "who_teacher": "bool",
        "task_type": "task_type", "domain": "domain", "personnel": "bool", "seq": "number",
    },
    "task": {
        "task": "id", "type": "task_type", "domain": "domain", "personnel": "bool",
        "case_holder": "id", "about": "id", "n_accountable": "number",
        "n_accountable_people": "number", "n_responsible": "number",
        "sole_responsible": "id", "parent_consent": "bool", "suggested_type": "text",
    },
    "lead": {
        "leader": "id", "person": "id", "leader_ib": "bool", "leader_leader": "bool",
        "person_teacher": "bool",
    },
    "mandate": {
        "mandate": "id", "from": "id", "to": "id", "from_leader": "bool",
        "communicated_to_team": "bool", "given_on": "bool", "chain_to_leader": "bool",
    },
    "covers": {
        "mandate": "id", "task": "id", "from": "id", "to": "id", "from_leader": "bool",
        "communicated_to_team": "bool", "task_type": "task_type", "domain": "domain",
    },
    "scope": {
        "mandate": "id", "from": "id", "to": "id", "from_leader": "bool",
        "communicated_to_team": "bool", "item": "scope_item",
    },
    "workload": {
        "person": "id", "domains": "domain_set", "hours": "number", "task_hours": "number",
        "share": "number",
    },
    "signal": {
        "signal": "id", "type": "signal_type", "about": "id", "handled_by": "id",
        "age_days": "number", "age_weeks": "number", "count": "number",
        "conversation_held": "bool", "willful": "bool", "about_ib": "id",
    },
    "holder": {"target": "target", "person": "id"},
    "walk": {
        "signal": "id", "route": "id", "by_default": "bool", "step": "number",
        "steps": "number", "role": "text", "person": "id", "away": "id", "until": "text",
        "nobody": "text", "joined": "text",
    },
    "route_step": {
        "route": "id", "step": "number", "signal_type": "signal_type", "kind": "text",
        "ref": "text", "first": "bool", "last": "bool", "leader": "bool", "teacher": "bool",
        "ib": "bool", "nobody": "bool", "in_cycle": "bool",
    },
}

#: Fields that explanations leave out while they hold this value: what a school file did not
#: say (no default accountable, no consent asked, no supervising ib'er) is not a reason.
QUIET: dict[str, dict[str, Any]] = {
    "assignment": {"by_default": False},
    "task": {"parent_consent": False, "suggested_type": ""},
    "signal": {"about_ib": ""},
    "person": {"away": False, "has_deputy": False},
    "mandate": {"given_on": False, "chain_to_leader": False},
    "walk": {"away": "", "until": "", "nobody": "", "joined": ""},
}

VOCABULARY_OF_TYPE: dict[str, tuple[str, ...]] = {
    "role": V.ROLES,
    "task_type": V.TASK_TYPES,
    "domain": V.DOMAINS,
    "signal_type": V.SIGNAL_TYPES,
    "raci": V.RACI,
    "who_kind": ("person", "team", "all_staff", "external", "parents"),
    "target": tuple(V.TARGETS),
    "scope_item": V.TASK_TYPES + V.DOMAINS,
}

def domain_set_key(domains: Iterable[str]) -> str:
    """The value a ``domain_set`` field holds: the domains in vocabulary order, joined by ``+``.

    >>> domain_set_key(["zorg_en_ondersteuning", "beleid_en_beheer"])
    'zorg_en_ondersteuning+beleid_en_beheer'
    """
    wanted = set(domains)
    return "+".join(d for d in V.DOMAINS if d in wanted)


@dataclass(frozen=True)
class SchoolFacts:
    """The facts of one school, built in id order."""

    facts: tuple[dict[str, Any], ...]
    #: Each signal's walk along its route: signal id -> (route id, steps, walk); the
    #: ``walk`` facts and the escalation paths both come from these.
    walks: Mapping[str, tuple[str, Sequence[Step], Walk]] = dataclass_field(default_factory=dict)


def school_facts(school: School, *, workload_groups: Iterable[str] = (),
                 kinds: Iterable[str] | None = None,
                 routes: Mapping[str, Sequence[Step]] | None = None,
                 params: Mapping[str, float] | None = None,
                 member_flags: Iterable[str] | None = None) -> SchoolFacts:
    """Return the facts of ``school``.

    Parameters
    ----------
    school
        A validated school.
    workload_groups
        The ``domain_set`` keys the rules ask about; a ``workload`` fact is made for each
        person with task hours and each group (single domains are always included).
    kinds
        The fact kinds to build (default: all of ``FACT_KINDS``); the rules of a check
        need only the kinds they read.
    routes, params
        The rule packs' default routes by signal type, and the params their conditions
        name; a school's own route for a signal type replaces the default.
    member_flags
        Where the rules ask only for members of a team on a task who are an ib'er, a
        school leader, ... (``who_ib``, ``who_schoolleider``, ...): a ``member_assignment``
        is made only for a member who is one of these (default: for every member).

    The order of the school's lists does not change the facts: where several people
    qualify (the ``holder`` of an escalation target), the first by id is taken.
    """
    wanted = set(FACT_KINDS if kinds is None else kinds)
    people = {p.id: p for p in school.people}
    flags = {p.id: _role_classes(tuple(p.roles)) for p in school.people}
    # what an assignment's holder is: a person, team, external, the parents or all staff
    kind_of = {V.PARENTS: "parents", **{e.id: "external" for e in school.externals},
               **{t.id: "team" for t in school.teams}, **dict.fromkeys(people, "person")}
    facts: list[dict[str, Any]] = []
    append = facts.append
    accountable: dict[str, tuple[list[str], bool]] = {}
    domain_of: dict[str, str] = {}

    n_accountable = dict.fromkeys(people, 0)
    n_responsible = dict.fromkeys(people, 0)
    # person -> domain -> the hours of each task; summed with fsum, so list order never
    # changes a share in the last bit
    hours: dict[str, dict[str, list[float]]] = {}
    accountable_of, the_domain = school.accountable_of, V.domain_of
    for task in school.tasks:
        held = accountable[task.id] = accountable_of(task)
        domain = domain_of[task.id] = the_domain(task.type, task.domain)
        for holder in set(held[0]):
            if holder in n_accountable:
                n_accountable[holder] += 1
        for holder in set(task.responsible):
            if holder in n_responsible:
                n_responsible[holder] += 1
        for person, h in task.hours.items():
            hours.setdefault(person, {}).setdefault(domain, []).append(h)
    totals = {p: math.fsum(h for hs in d.values() for h in hs) for p, d in hours.items()}

    # Built in id order, so the facts (and the order durable_rules fires in) do not depend
    # on the order of the file's lists.
    by_id = _by_id
    today = school.reference_date
    standing_in = {p.replaces for p in school.people if p.replaces}
    for p in by_id(school.people) if "person" in wanted else ():
        facts.append({
            "k": "person", "person": p.id, "name": p.label, **_role_fields(tuple(p.roles)),
            "n_accountable": n_accountable[p.id], "n_responsible": n_responsible[p.id],
            "task_hours": totals.get(p.id, 0.0), "away": p.is_absent(today),
            "has_deputy": bool(p.deputy) or p.id in standing_in,
        })

    groups = [(group, group.split("+")) for group in
              sorted({domain_set_key([d]) for d in V.DOMAINS} | set(workload_groups))]
    for person, per_domain in sorted(hours.items()) if "workload" in wanted else ():
        total = totals[person]
        if total <= 0:
            continue  # hour-based rules do not fire for a person with no hours
        for group, domains in groups:
            h = math.fsum(x for d in domains for x in per_domain.get(d, ()))
            facts.append({"k": "workload", "person": person, "domains": group, "hours": h,
                          "task_hours": total, "share": h / total})

    tasks = by_id(school.tasks)
    want_tasks, want_assignments = "task" in wanted, "assignment" in wanted
    want_members = "member_assignment" in wanted
    # what an assignment says of its holder, in the order of _HOLDER: kind, leader, school
    # leader, ib'er, teacher
    holder_of = {who: (kind, *_NO_FLAGS.values()) for who, kind in kind_of.items()}
    holder_of.update({who: ("person", f["leader"], "schoolleider" in people[who].roles,
                            f["ib"], f["teacher"])
                      for who, f in flags.items()})
    no_holder = ("all_staff", *_NO_FLAGS.values())
    # a team named on a task stands for its members (people only), each once
    team_members = {t.id: sorted(set(t.members) & people.keys()) for t in school.teams}
    if member_flags is not None and want_members:
        # where the rules ask only for some kinds of members, only those are made
        asked = [_HOLDER.index(f) for f in member_flags]
        team_members = {t: [m for m in ms if any(holder_of[m][i] for i in asked)]
                        for t, ms in team_members.items()}
    personnel_types, raci_names = V.PERSONNEL_TASK_TYPES, V.RACI
    person_ids = people.keys()
    for task in tasks if want_tasks or want_assignments or want_members else ():
        task_id, task_type = task.id, task.type
        domain = domain_of[task_id]
        personnel = task_type in personnel_types
        task_accountable, by_default = accountable[task_id]
        responsible = task.responsible
        if want_tasks:
            named = set(task_accountable)
            n_responsible = len(set(responsible))
            facts.append({
                "k": "task", "task": task_id, "type": task_type, "domain": domain,
                "personnel": personnel, "case_holder": task.case_holder or "",
                "about": task.about or "", "n_accountable": len(named),
                "n_accountable_people": len(person_ids & named),
                "n_responsible": n_responsible,
                "sole_responsible": responsible[0] if n_responsible == 1 else "",
                "parent_consent": task.parent_consent,
                "suggested_type": (V.suggested_type(task.title)
                                   if task_type == V.OTHER_TASK_TYPE else ""),
            })
        if not (want_assignments or want_members):
            continue
        about = task.about or ""
        for seq, holders in ((0, task_accountable), (1, responsible), (2, task.consulted),
                             (3, task.informed)):
            if not holders:
                continue
            raci = raci_names[seq]
            default = by_default and seq == 0
            for who in sorted(set(holders)) if len(holders) > 1 else holders:
                who_kind, leader, head, ib, teacher = holder_of.get(who, no_holder)
                if want_assignments:
                    append({
                        "k": "assignment", "task": task_id, "as": raci, "who": who,
                        "who_kind": who_kind, "who_leader": leader, "who_schoolleider": head,
                        "who_ib": ib, "who_teacher": teacher, "task_type": task_type,
                        "domain": domain, "personnel": personnel, "task_about": about,
                        "seq": seq, "by_default": default,
                    })
                if want_members and who_kind == "team":
                    for member in team_members[who]:
                        _, leader, head, ib, teacher = holder_of[member]
                        append({
                            "k": "member_assignment", "task": task_id, "as": raci,
                            "who": member, "via_team": who, "who_leader": leader,
                            "who_schoolleider": head, "who_ib": ib, "who_teacher": teacher,
                            "task_type": task_type, "domain": domain,
                            "personnel": personnel, "seq": seq,
                        })

    if "lead" in wanted:
        members = {t.id: t.members for t in school.teams}
        for leader in by_id([p for p in school.people if p.leads]):
            led = sorted({m for ref in leader.leads for m in members.get(ref, [ref])}
                         - {leader.id})
            for person in led:
                facts.append({
                    "k": "lead", "leader": leader.id, "person": person,
                    "leader_ib": flags[leader.id]["ib"],
                    "leader_leader": flags[leader.id]["leader"],
                    "person_teacher": flags[person]["teacher"],
                })

    want_covers = "covers" in wanted
    typed = [(t.id, t.type, domain_of[t.id]) for t in tasks] if want_covers else []
    chains = _mandate_chains(school, flags) if "mandate" in wanted else {}
    for m in by_id(school.mandates) if wanted & {"mandate", "covers", "scope"} else ():
        from_leader = flags.get(m.from_, _NO_FLAGS)["leader"]
        base = {"mandate": m.id, "from": m.from_, "to": m.to, "from_leader": from_leader,
                "communicated_to_team": m.communicated_to_team}
        if "mandate" in wanted:
            given_on, to_leader = chains[m.id]
            facts.append({"k": "mandate", **base, "given_on": given_on,
                          "chain_to_leader": to_leader})
        if "scope" in wanted:
            facts.extend({"k": "scope", **base, "item": item} for item in sorted(set(m.scope)))
        scope = set(m.scope)
        for task_id, task_type, domain in typed:
            if task_type in scope or domain in scope:
                facts.append({"k": "covers", **base, "task": task_id,
                              "task_type": task_type, "domain": domain})

    signals = by_id(school.signals) if "signal" in wanted else []
    # one graph serves the supervising ib'ers, the walks and the route steps
    needs_walks = wanted & {"walk", "route_step"} and (school.signals or school.routes)
    supervised = bool(signals) and any(p.supervises for p in school.people)
    G = build_graph(school, work=False) if needs_walks or supervised else None
    walked: dict[str, tuple[str, Sequence[Step], Walk]] = {}
    if needs_walks:
        if "walk" in wanted:
            walked = walks(school, G, routes or {}, params or {})
            facts.extend(_walk_facts(walked))
        if "route_step" in wanted:
            facts.extend(_route_step_facts(school, G))
    for s in signals:
        days = (today - s.since).days if s.since else 0
        facts.append({
            "k": "signal", "signal": s.id, "type": s.type, "about": s.about,
            "handled_by": s.handled_by or "", "age_days": days, "age_weeks": days / 7,
            "count": s.count, "conversation_held": s.conversation_held, "willful": s.willful,
            "about_ib": (supervising_ib(G, case_of(s, today, {})) or "") if supervised else "",
        })

    if "holder" in wanted:
        held: dict[str, str] = {}  # target -> its first holder by id
        for p in _by_id(school.people):
            for target in V.targets_held(tuple(p.roles)):
                held.setdefault(target, p.id)
            if len(held) == len(V.TARGETS):
                break
        facts.extend({"k": "holder", "target": target, "person": held[target]}
                     for target in V.TARGETS if target in held)

    return SchoolFacts(tuple(facts), walked)


_NO_FLAGS = {"leader": False, "schoolleider": False, "ib": False, "teacher": False}
#: The fields an assignment's holder gives its facts, in the order ``school_facts`` keeps
#: them for each holder (the ``who_*`` flags a rule's ``member_flags`` name among them).
_HOLDER = ("who_kind", "who_leader", "who_schoolleider", "who_ib", "who_teacher")
_NO_ROLES = dict.fromkeys(V.ROLES, False)


@functools.lru_cache(maxsize=256)
def _role_classes(roles: tuple[str, ...]) -> dict[str, bool]:
    """:func:`~mandaat.school.vocabulary.role_classes` of a person's roles (only read: the
    people who hold the same roles share it)."""
    return V.role_classes(roles)


@functools.lru_cache(maxsize=256)
def _role_fields(roles: tuple[str, ...]) -> dict[str, bool]:
    """A person fact's role fields: the role classes, then a flag for each role (only
    read: every fact copies it)."""
    return {**V.role_classes(roles), **_NO_ROLES, **dict.fromkeys(_NO_ROLES.keys() & roles, True)}


def _mandate_chains(school: School, flags: Mapping[str, Mapping[str, bool]]
                    ) -> dict[str, tuple[bool, bool]]:
    """For each mandate: is it given on (its giver holds a mandate), and does the chain of
    givers lead back to a school leader or the board (doormandateren)?"""
    givers = nx.DiGraph()  # holder -> giver, for every mandate
    givers.add_edges_from((m.to, m.from_) for m in school.mandates)
    leaders = {p for p, f in flags.items() if f["leader"]}
    holders = {m.to for m in school.mandates}
    out = {}
    for m in school.mandates:
        reach = (nx.descendants(givers, m.from_) if m.from_ in givers else set()) | {m.from_}
        out[m.id] = (m.from_ in holders, bool(reach & leaders))
    return out


def case_of(signal: Signal, today: Any, params: Mapping[str, float]) -> Case:
    """What a walk needs of a signal."""
    days = (today - signal.since).days if signal.since else 0
    return Case(subject=signal.about, group=signal.group, handled_by=signal.handled_by,
                age_weeks=days / 7, count=signal.count, asked=signal.asked,
                consent=signal.consent, conversation_held=signal.conversation_held,
                willful=signal.willful, params=params)


def route_for(school: School, signal_type: str, routes: Mapping[str, Sequence[Step]]
              ) -> tuple[str, Sequence[Step]] | None:
    """The school's own route for a signal type (its id), else the packs' default (``""``).

    Where a school gives several routes for one type, the first by id is the one walked.
    """
    own = sorted((r for r in school.routes if r.for_.signal == signal_type), key=lambda r: r.id)
    if own:
        return own[0].id, own[0].steps
    if signal_type in routes:
        return "", routes[signal_type]
    return None


def walks(school: School, G: Any, routes: Mapping[str, Sequence[Step]],
          params: Mapping[str, float]) -> dict[str, tuple[str, Sequence[Step], Walk]]:
    """Every signal's walk: signal id -> (route id or "", its steps, the walk)."""
    out = {}
    memo: dict[tuple[str, ...], Any] = {}  # shared by the walks: one graph, one day
    for s in school.signals:
        found = route_for(school, s.type, routes)
        if found is not None:
            route_id, steps = found
            out[s.id] = (route_id, steps,
                         walk(G, steps, case_of(s, school.reference_date, params),
                              school.reference_date, memo=memo))
    return out


def _walk_facts(walked: Mapping[str, tuple[str, Sequence[Step], Walk]]
                ) -> list[dict[str, Any]]:
    facts = []
    for signal_id, (route_id, steps, w) in sorted(walked.items()):
        step = steps[w.step]
        facts.append({
            "k": "walk", "signal": signal_id, "route": route_id, "by_default": not route_id,
            "step": w.step, "steps": len(steps),
            "role": step.ref if step.kind == "role" else step.kind,
            "person": w.acts_now or "", "away": w.away, "until": w.until, "nobody": w.nobody,
            "joined": ",".join(w.joined),
        })
    return facts


def _route_step_facts(school: School, G: Any) -> list[dict[str, Any]]:
    facts = []
    today = school.reference_date
    people = {p.id: p for p in school.people}
    for route in _by_id(school.routes):
        cycle = {node for edge in route_cycle(route.steps) for node in edge}
        last = len(route.steps) - 1
        for i, step in enumerate(route.steps):
            ref = step.ref
            if step.kind == "role":
                classes = {"leader": ref in ("schoolleider", "bestuur"),
                           "teacher": ref == "leraar", "ib": ref == "ib"}
                nobody = _role_unheld(school, ref)
            elif step.kind == "person":
                classes = V.role_classes(people[ref].roles)
                nobody = _present(G, ref, today)[0] is None
            else:
                classes = {"leader": False, "teacher": False, "ib": False}
                nobody = False
            facts.append({
                "k": "route_step", "route": route.id, "step": i + 1,
                "signal_type": route.for_.signal, "kind": step.kind, "ref": ref,
                "first": i == 0, "last": i == last, **classes, "nobody": nobody,
                "in_cycle": f"{step.kind}:{ref}" in cycle,
            })
    return facts


def _role_unheld(school: School, role: str) -> bool:
    """Whether nobody in the school can ever fill a role step (for any case).

    A ``handled_by`` step ends at whoever handles the signal, as the walk does, so it can
    always end at a person; a signal that names no handler in a school without an ib'er
    is the escalation's ``no_target`` finding, not the route's.
    """
    if role == "leraar":
        return not any("leraar" in p.roles for p in school.people)
    if role == "handled_by":
        return False
    if role == "ib":
        return not any(V.holds_target("intern_begeleider", p.roles) for p in school.people)
    return not any(V.holds_target(role, p.roles) for p in school.people)


def _by_id(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: item.id)


def public_fact(fact: Mapping[str, Any]) -> dict[str, Any]:
    """Return a matched fact as the report shows it: ``fact`` first, then its fields in
    the order its kind declares them; engine keys, :data:`QUIET` values and the role flags
    a person lacks are left out.

    >>> public_fact({"k": "role", "id": "f3", "sid": "1", "person": "ilse"})
    {'fact': 'role', 'person': 'ilse'}
    >>> public_fact({"k": "signal", "about_ib": "", "type": "eigen_koers", "signal": "s1"})
    {'fact': 'signal', 'signal': 's1', 'type': 'eigen_koers'}
    """
    kind = fact["k"]
    out: dict[str, Any] = {"fact": kind}
    for key, quiet, role in _shown(kind, tuple(fact)):
        value = fact[key]
        if quiet is not _LOUD and quiet == value or role and value is False:
            continue
        out[key] = value
    return out


_NOTHING: dict[str, Any] = {}
_ENGINE_KEYS = frozenset(("k", "id", "sid"))
_LOUD = object()  # a field that is shown whatever its value


@functools.lru_cache(maxsize=256)
def _shown(kind: str, keys: tuple[str, ...]) -> tuple[tuple[str, Any, bool], ...]:
    """What :func:`public_fact` shows of a fact of ``kind`` with ``keys``: each field in
    order, with the value that leaves it out (or ``_LOUD``), and whether it is a role
    flag left out when ``False``."""
    quiet = QUIET.get(kind, _NOTHING)
    declared, undeclared = field_order(kind, keys)
    return tuple((key, quiet.get(key, _LOUD), kind == "person" and key in V.ROLES)
                 for key in (*declared, *undeclared) if key not in _ENGINE_KEYS)


@functools.lru_cache(maxsize=256)
def field_order(kind: str, keys: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``keys`` a fact of ``kind`` has: those its kind declares, in the declared order,
    and the others, in their own order.

    >>> field_order("holder", ("person", "k", "target"))
    (('target', 'person'), ('k',))
    """
    schema = FACT_KINDS.get(kind, {})
    return tuple(k for k in schema if k in keys), tuple(k for k in keys if k not in schema)
