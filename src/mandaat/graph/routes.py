"""Routes: who acts now on a signal, walked step by step on the responsibility graph.

A route is a school's own order of steps for a kind of signal ("ouders gaan eerst naar de
leerkracht; komt u er samen niet uit, dan de ib'er"), or the rule pack's default route
for it. Each step names who acts there (a role relative to the case, a person, a team or
an external party) and when the route hands on to it. :func:`walk` follows a route for
one case: the signal's age, count, requests and consent decide how far it has gone; an
absent person is passed to their deputy; the answer is who acts now and the path walked.

The functions are pure: they read the graph of :func:`mandaat.graph.build_graph` and a
:class:`Case`, and change nothing.

>>> from mandaat import load_school
>>> from mandaat.graph import build_graph
>>> school = load_school(text='''
... format: mandaat/1
... school: {name: X}
... as_of: 2026-11-22
... people:
...   - {id: anna, roles: [schoolleider]}
...   - {id: ilse, roles: [intern_begeleider], supervises: ["5"],
...      absent: {from: 2026-11-01, until: 2027-01-12}, deputy: piet}
...   - {id: piet, roles: [interim_intern_begeleider]}
...   - {id: tom, roles: [leraar], groups: ["5"]}
... ''')
>>> G = build_graph(school)
>>> steps = [Step(role="leraar"), Step(role="ib", when=[HandOn(on_request=True)]),
...          Step(role="schoolleider", when=[HandOn(after_weeks=6)])]
>>> w = walk(G, steps, Case(group="5", asked=1), school.reference_date)
>>> w.acts_now, w.path, w.substitutes
('piet', ['tom', 'ilse', 'piet'], (('ilse', 'piet', '2027-01-12'),))
>>> walk(G, steps, Case(group="5"), school.reference_date).acts_now
'tom'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..school import vocabulary as V
from ..school.model import HandOn, ParamRef, Step
from . import group_node, into, out_of, supervisors

__all__ = ["MAX_DEPUTIES", "Case", "Walk", "actor", "deputy_of", "draw_route", "hands_on",
           "route_cycle", "supervising_ib", "walk", "when_words"]

#: The most deputies followed from one absent person: where the last of them is away too,
#: the step ends at nobody (``"too_far"``). A school's chain of stand-ins is a few long.
MAX_DEPUTIES = 10


@dataclass(frozen=True, slots=True)
class Case:
    """What a walk needs to know of a signal: whom it is about, and how far it has come.

    ``subject`` is a person or team id (a staff or results signal), ``group`` a pupil's
    group; ``params`` resolve ``{param: name}`` in a step's conditions.
    """

    subject: str | None = None
    group: str | None = None
    handled_by: str | None = None
    age_weeks: float = 0.0
    count: int = 1
    asked: int = 0
    consent: bool = False
    conversation_held: bool = False
    willful: bool = False
    params: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Walk:
    """The outcome of a walk.

    ``step`` is the index of the step that acts now (a ``joins`` step never does: the
    step before it goes on acting); ``acts_now`` its actor after absent
    people were passed to their deputies (``None`` where the step ends at nobody);
    ``path`` every actor of the steps walked, an absent person followed by their deputy;
    ``substitutes`` each ``(absent, deputy, until)`` on the way (``until`` is ``""``
    for an absence without an end); ``nobody`` says why a step ends at nobody:
    ``"role"`` (nobody holds it), ``"absent"`` (away, no deputy), ``"cycle"``
    (deputies that stand in for each other) or ``"too_far"`` (:data:`MAX_DEPUTIES`
    deputies followed, all away). ``away`` is the absent person on the step
    that acts now (the one passed to a deputy, or the one the walk stopped at), ``until``
    the end of that absence (``""`` where none is known). ``chain`` is the actor of the
    step that acts now and the deputies followed from them, in order (a cycle of deputies
    ends with the one it comes back to).
    """

    step: int
    acts_now: str | None
    path: list[str]
    substitutes: tuple[tuple[str, str, str], ...] = ()
    nobody: str = ""
    away: str = ""
    until: str = ""
    chain: tuple[str, ...] = ()
    #: Who joined at ``joins`` steps reached after the step that acts now (present, or
    #: their deputy), in order: they take part; the one who acts stays ``acts_now``.
    joined: tuple[str, ...] = ()
    #: Where several qualified for the step that acts now and nothing in the school
    #: decided (its first by id acts): all of them, and what would decide it
    #: (:func:`candidates`).
    several: tuple[str, ...] = ()
    decided_by: str = ""


def hands_on(conditions: Sequence[HandOn], case: Case, requests_before: int) -> bool:
    """Whether a route hands on to a step with these conditions (any of them, each whole).

    ``requests_before`` counts the steps that wait for a request up to and including this
    one: the second such step is reached when two requests were made.

    >>> hands_on([], Case(), 0)
    True
    >>> c = [HandOn(after_weeks=12)]
    >>> hands_on(c, Case(age_weeks=12), 0), hands_on(c, Case(age_weeks=11.9), 0)
    (True, False)
    >>> either = [HandOn(willful=True), HandOn(conversation_held=True, after_times=2)]
    >>> hands_on(either, Case(count=2, conversation_held=True), 0)
    True
    >>> hands_on(either, Case(count=2), 0)
    False
    """
    if not conditions:
        return True
    return any(_holds(c, case, requests_before) for c in conditions)


def _number(value: float | ParamRef, params: Mapping[str, float]) -> float:
    return params[value.param] if isinstance(value, ParamRef) else float(value)


def _holds(c: HandOn, case: Case, requests: int) -> bool:
    if c.after_weeks is not None and case.age_weeks < _number(c.after_weeks, case.params):
        return False
    if c.after_times is not None and case.count < _number(c.after_times, case.params):
        return False
    if c.on_request and case.asked < requests:
        return False
    if c.consent and not case.consent:
        return False
    if c.conversation_held and not case.conversation_held:
        return False
    return not (c.willful and not case.willful)


def actor(G: nx.MultiDiGraph, step: Step, case: Case) -> str | None:
    """Who a step names for this case, before absence: a person, team or external id.

    ``leraar`` is the leraar of the pupil's group: a person with the role ``leraar`` who
    teaches it (the first by id), never an onderwijsassistent who teaches it too; a group
    no leraar teaches names nobody. For a staff signal it is the person it is about.
    ``ib`` is the ib'er who supervises the group or the subject, else the first ib'er of
    the school by id; ``handled_by`` whoever handles the signal, else the ib'er; the other
    roles, the first person by id who holds them.
    """
    found, _ = candidates(G, step, case)
    return found[0] if found else None


def candidates(G: nx.MultiDiGraph, step: Step, case: Case) -> tuple[list[str], str]:
    """Everyone a step can name for this case, by id (:func:`actor` takes the first), and
    what in the school would decide between them where there are several: ``"supervises"``
    (with ``handled_by`` on the signal), ``"groups"`` or ``"role"`` (a route naming the
    person); ``""`` where the school decided already.
    """
    if step.kind != "role":
        return ([step.ref] if step.ref in G else []), ""
    role = step.ref
    if role == "leraar":
        if case.group is not None:
            node = group_node(case.group)
            return sorted(p for p in into(G, node, "teaches")
                          if "leraar" in G._node[p].get("roles", ())), "groups"
        if case.subject in G and G._node[case.subject].get("kind") == "person":
            return [case.subject], ""
        return [], ""
    if role == "handled_by" and case.handled_by:
        return [case.handled_by], ""
    if role in ("ib", "handled_by"):
        found = _case_supervisors(G, case)
        if found:
            return found, "supervises"
        return list(_holders(G).get("intern_begeleider", ())), "supervises"
    return list(_holders(G).get(role, ())), "role"


def supervising_ib(G: nx.MultiDiGraph, case: Case) -> str | None:
    """The ib'er who supervises the case: its pupil's group, or the person or team it is
    about (the first by id where several do); ``None`` where nobody does."""
    found = _case_supervisors(G, case)
    return found[0] if found else None


def _case_supervisors(G: nx.MultiDiGraph, case: Case) -> list[str]:
    """The ib'ers who supervise the case's pupil's group, or the person or team it is
    about, by id."""
    if case.group is not None:
        return supervisors(G, group=case.group)
    if case.subject in G:
        return supervisors(G, case.subject)
    return []


def _holders(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Who holds each target's roles, by id: worked out once per graph for every target.

    A walk reads nodes' attributes from networkx's own dict of them (``G._node``), as
    :func:`~mandaat.graph.into` reads its adjacency: ``G.nodes[n]`` makes a view first."""
    held = G.graph.get("holders")
    if held is None:
        held = G.graph["holders"] = {}
        for node in sorted(G.graph.get("people_order", ())):
            for target in V.targets_held(tuple(G._node[node].get("roles", ()))):
                held.setdefault(target, []).append(node)
    return held


def _first_holder(G: nx.MultiDiGraph, target: str) -> str | None:
    """The first person by id who holds ``target``'s roles: the order of the file's
    people means nothing."""
    found = _holders(G).get(target)
    return found[0] if found else None


def deputy_of(G: nx.MultiDiGraph, person: str) -> str | None:
    """Who stands in for ``person``: their ``deputy``, else the first (by id) who
    ``replaces`` them.

    >>> from mandaat import load_school
    >>> from mandaat.graph import build_graph
    >>> G = build_graph(load_school(text='''
    ... format: mandaat/1
    ... school: {name: X}
    ... people:
    ...   - {id: ilse, roles: [intern_begeleider]}
    ...   - {id: piet, roles: [interim_intern_begeleider], replaces: ilse}
    ... '''))
    >>> deputy_of(G, "ilse"), deputy_of(G, "piet")
    ('piet', None)
    """
    named = out_of(G, person, "deputy")
    if named:
        return named[0]
    standing_in = sorted(into(G, person, "replaces"))
    return standing_in[0] if standing_in else None


def _present(G: nx.MultiDiGraph, person: str, day: dt.date
             ) -> tuple[str | None, list[tuple[str, str, str]], str]:
    """Follow deputies from ``person`` until someone present: (who, substitutes, why not).

    At most :data:`MAX_DEPUTIES` deputies are followed, each person once.
    """
    substitutes: list[tuple[str, str, str]] = []
    seen = {person}
    while _is_absent(G, person, day):
        deputy = deputy_of(G, person)
        until = G._node[person]["absent_until"] or ""
        if deputy is None:
            return None, substitutes, "absent"
        if len(substitutes) == MAX_DEPUTIES:
            return None, substitutes, "too_far"
        substitutes.append((person, deputy, until))
        if deputy in seen:
            return None, substitutes, "cycle"
        seen.add(deputy)
        person = deputy
    return person, substitutes, ""


def _is_absent(G: nx.MultiDiGraph, node: str, day: dt.date) -> bool:
    data = G._node[node]
    start, end = data.get("absent_from"), data.get("absent_until")
    if start is None:
        return False
    return dt.date.fromisoformat(start) <= day and (
        not end or day <= dt.date.fromisoformat(end))


def walk(G: nx.MultiDiGraph, steps: Sequence[Step], case: Case, day: dt.date, *,
         memo: dict[tuple[str, ...], Any] | None = None) -> Walk:
    """Walk a route for one case on ``day``; see :class:`Walk` for what it returns.

    The walk goes on from step to step while the next step's conditions hold, and stops
    at the first that does not: it never goes back, so it ends after at most
    ``len(steps)`` steps. A step whose actor is away passes to the deputy (at most
    :data:`MAX_DEPUTIES` of them). A step that names the same actor as the step before
    adds nothing to the path or the substitutes, so both stay within
    ``len(steps) * (MAX_DEPUTIES + 1)`` however the route repeats itself.

    ``memo``, a dict the caller keeps for one graph and one ``day``, shares who a step
    names and who stands in between the walks of many signals.
    """
    if memo is None:
        memo = {}
    reached, requests = 0, 0
    for i, step in enumerate(steps[1:], 1):
        requests += any(c.on_request for c in step.when)
        if not hands_on(step.when, case, requests):
            break
        reached = i
    path: list[str] = []
    substitutes: list[tuple[str, str, str]] = []
    acts: str | None = None
    nobody = away = until = ""
    chain: list[str] = []
    previous: object = object()  # the actor of the step before, before absence
    acting = 0  # the step that acts now: the last one reached that does not only join
    qualified: tuple[list[str], str] = ([], "")  # who could be named there, and what decides
    joined: list[str] = []
    for i, step in enumerate(steps[: reached + 1]):
        key = ("actor", step.kind, step.ref, case.subject or "", case.group or "",
               case.handled_by or "")
        named = memo.get(key)
        if named is None:
            named = memo[key] = candidates(G, step, case)
        who = named[0][0] if named[0] else None
        if step.joins:  # takes part; whoever acts at the step before goes on acting
            if who is not None and G._node[who].get("kind") == "person":
                found = memo.get(("present", who))
                if found is None:
                    found = memo["present", who] = _present(G, who, day)
                who = found[0]
            if who is not None and who != acts and who not in joined:
                joined.append(who)
            continue
        acting, joined, qualified = i, [], named
        if who is not None and who == previous:
            continue  # the same actor again: the same deputies, the same outcome
        previous = who
        away = until = ""  # of this step only: the one that acts now is the last
        if who is None:
            acts, nobody, chain = None, "role", []
            continue
        if G._node[who].get("kind") == "person":
            found = memo.get(("present", who))
            if found is None:
                found = memo["present", who] = _present(G, who, day)
            present, subs, why = found
            substitutes.extend(subs)
            names = [who] + [d for _, d, _ in subs]
            if why in ("absent", "too_far"):  # the last one on the way is away
                away = names[-1]
                until = G._node[away].get("absent_until") or ""
            elif subs:
                away, _, until = subs[-1]
        else:
            present, why, names = who, "", [who]
        for name in names:
            if not path or path[-1] != name:
                path.append(name)
        acts, nobody, chain = present, why, names
    several, decided_by = qualified if len(qualified[0]) > 1 else ((), "")
    return Walk(acting, acts, path, tuple(substitutes), nobody if acts is None else "",
                away, until, tuple(chain), tuple(joined), tuple(several), decided_by)


def route_cycle(steps: Sequence[Step]) -> list[tuple[str, str]]:
    """The steps of a route that lead back to an earlier step, as graph edges.

    >>> route_cycle([Step(role="leraar"), Step(role="ib"), Step(role="leraar")])
    [('role:leraar', 'role:ib'), ('role:ib', 'role:leraar')]
    >>> route_cycle([Step(role="leraar"), Step(role="ib")])
    []
    """
    D = nx.DiGraph()
    nodes = [f"{s.kind}:{s.ref}" for s in steps]
    D.add_nodes_from(nodes)
    D.add_edges_from((a, b) for a, b in zip(nodes, nodes[1:]) if a != b)
    try:
        return [(u, v) for u, v in nx.find_cycle(D)]
    except nx.NetworkXNoCycle:
        return []


# --- pictures ---------------------------------------------------------------------------------

_WHEN_WORDS = {
    "after_weeks": "na {} weken", "after_times": "na {} keer", "on_request": "op verzoek",
    "consent": "met toestemming van ouders", "conversation_held": "na het gesprek",
    "willful": "bij opzet",
}


def when_words(conditions: Sequence[HandOn]) -> str:
    """A step's hand-on conditions in Dutch words, for pictures.

    >>> when_words([HandOn(after_weeks=6)]), when_words([HandOn(willful=True),
    ...     HandOn(conversation_held=True, after_times=2)])
    ('na 6 weken', 'bij opzet, of na 2 keer en na het gesprek')
    """
    def one(c: HandOn) -> str:
        words = []
        for key, text in _WHEN_WORDS.items():
            value = getattr(c, key)
            if value is None or value is False:
                continue
            shown = value.param if isinstance(value, ParamRef) else (
                f"{value:g}" if isinstance(value, float) else value)
            words.append(text.format(shown))
        return " en ".join(words)

    return ", of ".join(one(c) for c in conditions)


def draw_route(G: nx.MultiDiGraph, steps: Sequence[Step], *, title: str,
               case: Case | None = None, day: dt.date | None = None,
               format: str = "mermaid") -> str:
    """One route as a picture (Mermaid or DOT): the steps numbered, with who acts at each
    for ``case`` and how far its walk has come; an absent person struck through.
    """
    from . import _escape  # the pictures share one escaping

    labels = V.STEP_ROLE_LABELS["nl"]
    w = walk(G, steps, case, day) if case is not None and day is not None else None
    nodes: list[tuple[str, str, bool]] = []  # (id, label, reached)
    for i, step in enumerate(steps):
        text = f"{i + 1}. " + (labels.get(step.ref, step.ref) if step.kind == "role"
                               else G.nodes[step.ref].get("label", step.ref)
                               if step.ref in G else step.ref)
        if case is not None:
            who = actor(G, step, case)
            if who is not None and step.kind == "role":
                name = _escape(G.nodes[who].get("label", who))
                absent = day is not None and G.nodes[who].get("kind") == "person" and \
                    _is_absent(G, who, day)
                text = _escape(text) + ": " + (f"<s>{name}</s>" if absent else name)
                if absent and w is not None:
                    deputies = [d for a, d, _ in w.substitutes if a == who]
                    if deputies:
                        text += " → " + _escape(G.nodes[deputies[-1]].get("label", deputies[-1]))
            else:
                text = _escape(text)
        else:
            text = _escape(text)
        nodes.append((f"s{i + 1}", text, w is not None and i <= w.step))
    edges = [(nodes[i][0], nodes[i + 1][0], _escape(when_words(steps[i + 1].when)))
             for i in range(len(steps) - 1)]
    if format == "dot":
        out = [f'digraph "{_escape(title)}" {{', "  rankdir=LR;",
               '  node [fontname="Helvetica", shape=box, style="rounded,filled", '
               'fillcolor="#ffffff"];']
        for node, text, reached in nodes:
            fill = ', fillcolor="#fff3b0", penwidth=2' if reached else ""
            out.append(f"  {node} [label=<{text.replace('&', '&amp;')}>{fill}];")
        for a, b, text in edges:
            out.append(f'  {a} -> {b} [label="{text}"];' if text else f"  {a} -> {b};")
        out.append("}")
        return "\n".join(out) + "\n"
    out = ["flowchart LR", f"  %% {_escape(title)}"]
    for node, text, _ in nodes:
        out.append(f'  {node}["{text}"]')
    for a, b, text in edges:
        out.append(f"  {a} -->|{text}| {b}" if text else f"  {a} --> {b}")
    out.append("  classDef reached fill:#fff3b0,stroke:#8a6d00,stroke-width:2px")
    out += [f"  class {node} reached" for node, _, reached in nodes if reached]
    return "\n".join(out) + "\n"
