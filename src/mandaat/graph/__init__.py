"""The responsibility graph of a school, and pure queries over it.

The package also holds what is read off the graph: :mod:`~mandaat.graph.routes` (who acts
now on a signal, walked step by step) and :mod:`~mandaat.graph.matrix` (the RACI matrix).
It knows the school, never a rule or a report.

Nodes are the ids of the school file (plus ``team``, all staff), each with a ``kind``
attribute: ``person``, ``team``, ``all_staff``, ``task``, ``mandate`` or ``signal``. Edges
are typed by their key:

======================  =====================  ==========================================
edge (key)              from → to              meaning
======================  =====================  ==========================================
``accountable``         holder → task          eindverantwoordelijk
``responsible``         holder → task          uitvoerend
``consulted``           holder → task          meedenkend
``informed``            holder → task          geinformeerd
``member_of``           person → team          team membership
``grants``              person → mandate       the mandate's ``from``
``holds``               person → mandate       the mandate's ``to``
``covers``              mandate → task         the task's type or domain is in the scope
``case_holder``         person → task          casushouder of a pupil-care task
``about``               task/signal → subject  whom a personnel task or a signal concerns
``handled_by``          person → signal        who is on the signal now
``teaches``             person → group         a group (class) the person teaches
``supervises``          person → group/team    the ib'er for that group or team
``leads``               person → person/team   line management (leidinggeven)
``deputy``              person → person        who stands in while the person is away
``replaces``            person → person        an interim standing in for someone
======================  =====================  ==========================================

Groups are nodes of kind ``group`` with id ``group:NAME``; externals are of kind
``external``, and the parents (``ouders``) of kind ``parents`` where a task names them. An
``accountable`` edge that a task takes from ``defaults.accountable`` has ``by_default=True``.

>>> from mandaat import load_school
>>> G = build_graph(load_school(text='''
... format: mandaat/1
... school: {name: X}
... people: [{id: anna, roles: [schoolleider]}, {id: ilse, roles: [intern_begeleider]}]
... tasks:
...   - {id: analyse, type: schoolanalyse, accountable: anna, responsible: [ilse],
...      hours: {ilse: 20}}
... mandates: [{id: m1, from: anna, to: ilse, scope: [schoolanalyse],
...             communicated_to_team: true}]
... '''))
>>> accountable_for(G, "analyse")
['anna']
>>> tasks_covered(G, "m1")
['analyse']
>>> hours_per_domain(G, "ilse")
{'data_monitoring_reflectie': 20.0}
"""

from __future__ import annotations

import unicodedata

import networkx as nx

from ..school import vocabulary as V
from ..school.model import School

__all__ = [
    "accountable_for",
    "group_node",
    "build_graph",
    "focus_of",
    "holders",
    "hours_per_domain",
    "into",
    "mandates_of",
    "members",
    "out_of",
    "supervisors",
    "tasks_covered",
    "tasks_of",
    "to_dot",
    "to_mermaid",
]


def group_node(group: str) -> str:
    """The node id of a group (class) in the graph.

    >>> group_node("5")
    'group:5'
    """
    return f"group:{group}"


def build_graph(school: School, *, covers: bool = True, work: bool = True) -> nx.MultiDiGraph:
    """Return the responsibility graph of ``school`` (see the module docstring).

    ``covers=False`` leaves out the ``covers`` edges (a mandate and every task in its
    scope): pictures and routes do not use them, and a school with many mandates over
    broad scopes has as many of them as mandates times tasks. ``work=False`` leaves out
    the tasks, mandates and signals, and keeps the organisation (people, groups, teams,
    externals) that route walks and supervision are found on.
    """
    G = nx.MultiDiGraph(school=school.school.name,
                        people_order=tuple(p.id for p in school.people))
    team_ids = {t.id for t in school.teams}
    for p in school.people:
        absent = p.absent
        G.add_node(p.id, kind="person", label=p.label, roles=tuple(p.roles),
                   hours_per_week=p.hours_per_week, days_per_week=p.days_per_week,
                   absent_from=absent.from_.isoformat() if absent else None,
                   absent_until=absent.until.isoformat() if absent and absent.until else None)
        for group in p.groups:
            G.add_node(group_node(group), kind="group", label=f"groep {group}")
            G.add_edge(p.id, group_node(group), key="teaches")
    G.add_node(V.ALL_STAFF, kind="all_staff", label="het hele team")
    for e in school.externals:
        G.add_node(e.id, kind="external", label=e.name or e.id, external_kind=e.kind)
    for t in school.teams:
        G.add_node(t.id, kind="team", label=t.name or t.id, team_kind=t.kind)
        for member in t.members:
            G.add_edge(member, t.id, key="member_of")
    for p in school.people:
        for ref in p.supervises:
            node = ref if ref in team_ids else group_node(ref)
            if node not in G:
                G.add_node(node, kind="group", label=f"groep {ref}")
            G.add_edge(p.id, node, key="supervises")
        for ref in p.leads:
            G.add_edge(p.id, ref, key="leads")
        if p.deputy:
            G.add_edge(p.id, p.deputy, key="deputy")
        if p.replaces:
            G.add_edge(p.id, p.replaces, key="replaces")
    if not work:
        return G
    for task in school.tasks:
        G.add_node(task.id, kind="task", label=task.label, task_type=task.type,
                   domain=task.task_domain, personnel=task.type in V.PERSONNEL_TASK_TYPES,
                   parent_consent=task.parent_consent)
        accountable, by_default = school.accountable_of(task)
        for raci in V.RACI:
            for holder in accountable if raci == "accountable" else getattr(task, raci):
                if holder == V.PARENTS and holder not in G:
                    G.add_node(holder, kind="parents", label="ouders")
                if raci == "accountable" and by_default:
                    G.add_edge(holder, task.id, key=raci, by_default=True)
                else:
                    G.add_edge(holder, task.id, key=raci)
        if task.case_holder:
            G.add_edge(task.case_holder, task.id, key="case_holder")
        if task.about:
            G.add_edge(task.id, task.about, key="about")
        for person, hours in task.hours.items():
            G.add_edge(person, task.id, key="hours", hours=hours)
    in_scope: dict[str, list[str]] = {}  # a task type or domain -> its tasks
    for task in school.tasks if covers else ():
        in_scope.setdefault(task.type, []).append(task.id)
        if task.task_domain != task.type:
            in_scope.setdefault(task.task_domain, []).append(task.id)
    for m in school.mandates:
        G.add_node(m.id, kind="mandate", label=m.id, scope=tuple(m.scope),
                   communicated_to_team=m.communicated_to_team)
        G.add_edge(m.from_, m.id, key="grants")
        G.add_edge(m.to, m.id, key="holds")
        covered = dict.fromkeys(t for item in m.scope for t in in_scope.get(item, ()))
        for task_id in covered:
            G.add_edge(m.id, task_id, key="covers")
    for s in school.signals:
        G.add_node(s.id, kind="signal", label=s.id, signal_type=s.type)
        if s.about in G:
            G.add_edge(s.id, s.about, key="about")
        if s.handled_by:
            G.add_edge(s.handled_by, s.id, key="handled_by")
    return G


def into(G: nx.MultiDiGraph, node: str, key: str) -> list[str]:
    """The nodes with a ``key`` edge into ``node``, in the order of ``G.in_edges(node)``
    (``[]`` where ``node`` is not in the graph).

    >>> G = nx.MultiDiGraph([("tom", "group:2", "teaches"), ("ilse", "group:2", "supervises")])
    >>> into(G, "group:2", "teaches"), into(G, "group:9", "teaches")
    (['tom'], [])
    """
    # networkx's own adjacency dicts (node -> neighbour -> key -> data), which its
    # algorithms read too: ``G.pred`` wraps each level in a view made on every access
    pred = G._pred.get(node)
    return [u for u, keys in pred.items() if key in keys] if pred is not None else []


def out_of(G: nx.MultiDiGraph, node: str, key: str) -> list[str]:
    """The nodes a ``key`` edge from ``node`` leads to, in the order of ``G.out_edges(node)``
    (``[]`` where ``node`` is not in the graph)."""
    succ = G._succ.get(node)
    return [v for v, keys in succ.items() if key in keys] if succ is not None else []


def _require(G: nx.MultiDiGraph, node: str, kind: str) -> None:
    if node not in G or G.nodes[node].get("kind") != kind:
        raise nx.NodeNotFound(f"no {kind} '{node}' in the graph")


def holders(G: nx.MultiDiGraph, task: str, raci: str) -> list[str]:
    """Return who holds ``raci`` (accountable, responsible, ...) for ``task``, in file order.

    Raises ``networkx.NodeNotFound`` when ``task`` is not a task of the graph.
    """
    _require(G, task, "task")
    return into(G, task, raci)


def accountable_for(G: nx.MultiDiGraph, task: str) -> list[str]:
    """Return the accountable holders of ``task`` (exactly one person is expected)."""
    return holders(G, task, "accountable")


def tasks_of(G: nx.MultiDiGraph, holder: str, raci: str) -> list[str]:
    """Return the tasks on which ``holder`` (a person or team id) is ``raci``."""
    if holder not in G:
        raise nx.NodeNotFound(f"no '{holder}' in the graph")
    return out_of(G, holder, raci)


def members(G: nx.MultiDiGraph, team: str) -> list[str]:
    """Return the members of ``team``."""
    _require(G, team, "team")
    return into(G, team, "member_of")


def tasks_covered(G: nx.MultiDiGraph, mandate: str) -> list[str]:
    """Return the tasks whose type or domain is in the scope of ``mandate``."""
    _require(G, mandate, "mandate")
    return out_of(G, mandate, "covers")


def mandates_of(G: nx.MultiDiGraph, person: str) -> list[str]:
    """Return the mandates ``person`` holds (is the ``to`` of)."""
    _require(G, person, "person")
    return out_of(G, person, "holds")


def supervisors(G: nx.MultiDiGraph, person: str | None = None, *,
                group: str | None = None) -> list[str]:
    """Return the ib'ers who supervise ``person`` (or ``group``), in id order.

    An ib'er supervises a person who teaches a group the ib'er supervises, or who is a
    member of a team (a bouw) the ib'er supervises; a team is supervised directly, or
    through the groups its members teach; a group (a pupil's) directly, or through the
    teams its teachers are members of (the bouw it is in), as its teachers are. Where
    several ib'ers qualify, the first id is the one a rule names, so the answer never
    depends on the order of the file.

    >>> from mandaat import load_school
    >>> G = build_graph(load_school(text='''
    ... format: mandaat/1
    ... school: {name: X}
    ... people:
    ...   - {id: ib-onder, roles: [intern_begeleider], supervises: ["1", "2"]}
    ...   - {id: ib-boven, roles: [intern_begeleider], supervises: [bovenbouw]}
    ...   - {id: tom, roles: [leraar], groups: ["2"]}
    ...   - {id: sara, roles: [leraar], groups: ["7"]}
    ... teams: [{id: bovenbouw, kind: bouw, members: [sara]}]
    ... '''))
    >>> supervisors(G, "tom"), supervisors(G, "sara"), supervisors(G, group="1")
    (['ib-onder'], ['ib-boven'], ['ib-onder'])
    >>> supervisors(G, group="7")
    ['ib-boven']
    """
    if group is not None:
        node = group_node(group)
        places = [node] + [t for teacher in into(G, node, "teaches")
                           for t in out_of(G, teacher, "member_of")]
    else:
        if person is None or person not in G:
            raise nx.NodeNotFound(f"no '{person}' in the graph")
        if G.nodes[person].get("kind") == "team":
            places = [person] + [v for m in into(G, person, "member_of")
                                 for v in out_of(G, m, "teaches")]
        else:
            places = out_of(G, person, "teaches") + out_of(G, person, "member_of")
    return sorted({u for place in places for u in into(G, place, "supervises")})


def hours_per_domain(G: nx.MultiDiGraph, person: str) -> dict[str, float]:
    """Return ``person``'s task hours per domain, domains in vocabulary order."""
    _require(G, person, "person")
    totals: dict[str, float] = {}
    for _, task, key, data in G.out_edges(person, keys=True, data=True):
        if key == "hours":
            domain = G.nodes[task]["domain"]
            totals[domain] = totals.get(domain, 0.0) + data["hours"]
    return {d: totals[d] for d in V.DOMAINS if d in totals}


# --- pictures -------------------------------------------------------------------------------

_RACI_MERMAID = {"accountable": "==>", "responsible": "-->", "consulted": "-.->",
                 "informed": "-.-"}
_RACI_LETTER = {"accountable": "A", "responsible": "R", "consulted": "C", "informed": "I"}
_DOMAIN_COLOUR = {
    "leren_en_ontwikkeling": "#d8ecd0",
    "data_monitoring_reflectie": "#d5e3f3",
    "zorg_en_ondersteuning": "#f6e0c8",
    "beleid_en_beheer": "#e6e6e6",
}


def _node_id(node: str) -> str:
    """A Mermaid node id for a graph node: one id for one node, never shared.

    >>> _node_id("a-b"), _node_id("a_b"), _node_id("group:5")
    ('n_a_2d_b', 'n_a_5f_b', 'n_group_3a_5')
    """
    return "n_" + "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in node)


def _plain(text: str) -> str:
    """A user string on one line: control characters become spaces."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)


def _escape(text: str) -> str:
    r"""A user string inside a quoted Mermaid label (rendered as HTML by Mermaid).

    >>> _escape('Evil "name" <b>' + chr(27) + '[2J' + chr(10))
    "Evil 'name' ‹b› [2J "
    """
    return _plain(text).replace('"', "'").replace("<", "‹").replace(">", "›")


def _dot(text: str) -> str:
    r"""A user string inside a double-quoted DOT string.

    >>> print(_dot('Evil\\'), _dot('say "hi"' + chr(10) + 'now'))
    Evil\\ say \"hi\" now
    """
    return _plain(text).replace("\\", "\\\\").replace('"', '\\"')


def _person_role(G: nx.MultiDiGraph, node: str, lang: str = "nl") -> str:
    """A person's roles in words, in the order of the matrix (``adjunct-directeur, leraar``)."""
    from .matrix import ROLE_ORDER

    roles = sorted(G.nodes[node].get("roles", ()),
                   key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else len(ROLE_ORDER))
    return ", ".join(V.ROLE_LABELS[lang].get(r, r) for r in roles)


def _task_type(G: nx.MultiDiGraph, node: str, lang: str = "nl") -> str:
    from .matrix import type_label

    return type_label(G.nodes[node]["task_type"], lang)


def _by_name(G: nx.MultiDiGraph, node: str) -> tuple[str, str]:
    return str(G.nodes[node].get("label", node)).casefold(), node


def _tasks_by_domain(G: nx.MultiDiGraph, shown: set[str] | None = None
                     ) -> list[tuple[str, list[str]]]:
    tasks = sorted((n for n, d in G.nodes(data=True) if d["kind"] == "task"
                    and (shown is None or n in shown)), key=lambda n: _by_name(G, n))
    return [(domain, [t for t in tasks if G.nodes[t]["domain"] == domain])
            for domain in V.DOMAINS if any(G.nodes[t]["domain"] == domain for t in tasks)]


def _people_by_role(G: nx.MultiDiGraph, shown: set[str]) -> list[tuple[str, list[str]]]:
    """The people drawn, grouped by the role they are shown under, leadership first."""
    from .matrix import ROLE_ORDER, primary_role

    groups: dict[str, list[str]] = {}
    for node in shown:
        if G.nodes[node]["kind"] == "person":
            groups.setdefault(primary_role(G.nodes[node].get("roles", ())), []).append(node)
    return [(role, sorted(groups[role], key=lambda n: _by_name(G, n)))
            for role in (*ROLE_ORDER, "others") if role in groups]


def _teams(G: nx.MultiDiGraph, shown: set[str]) -> list[str]:
    return sorted((n for n in shown if G.nodes[n]["kind"] == "team"),
                  key=lambda n: _by_name(G, n))


_DRAWN = ("member_of", "grants", "holds", "handled_by", "supervises", "leads")
#: The words on the edges that are not A, R, C or I.
EDGE_WORDS: dict[str, dict[str, str]] = {
    "nl": {"member_of": "lid van", "grants": "geeft mandaat", "holds": "heeft mandaat",
           "handled_by": "behandelt", "supervises": "begeleidt", "leads": "geeft leiding aan"},
    "en": {"member_of": "member of", "grants": "grants", "holds": "holds",
           "handled_by": "handles", "supervises": "supervises", "leads": "line-manages"},
}
#: What the pictures' legend says.
LEGEND: dict[str, dict[str, str]] = {
    "nl": {"title": "Legenda", "accountable": "A: eindverantwoordelijk (dikke pijl)",
           "responsible": "R: uitvoerend (pijl)", "consulted": "C: meedenkend (streepjes)",
           "informed": "I: geïnformeerd (stippels, zonder pijlpunt)",
           "colours": "geel: schoolleider of bestuur; paars: intern begeleider"},
    "en": {"title": "Legend", "accountable": "A: accountable (thick arrow)",
           "responsible": "R: responsible (arrow)", "consulted": "C: consulted (dashes)",
           "informed": "I: informed (dots, no arrowhead)",
           "colours": "yellow: school leader or board; purple: internal supervisor"},
}


def _drawn_edges(G: nx.MultiDiGraph):
    for u, v, k in sorted(G.edges(keys=True)):
        if k in _RACI_MERMAID or k in _DRAWN:
            yield u, v, k


def _drawn(G: nx.MultiDiGraph, node: str, data: dict) -> bool:
    """Groups are drawn where an ib'er supervises them; the groups taught are not."""
    if data["kind"] != "group":
        return True
    return bool(into(G, node, "supervises"))


def focus_of(G: nx.MultiDiGraph, focus: str | None
             ) -> tuple[set[str], list[tuple[str, str, str]]]:
    """The nodes and edges a picture draws: everything, or with ``focus`` (a person, team,
    task or any other node id) only that node, the edges that touch it and their other ends.

    Raises ``networkx.NodeNotFound`` when ``focus`` is not a node of the graph.

    >>> from mandaat import load_school
    >>> G = build_graph(load_school(text='''
    ... format: mandaat/1
    ... school: {name: X}
    ... people: [{id: anna, roles: [schoolleider]}, {id: ilse, roles: [intern_begeleider]}]
    ... tasks:
    ...   - {id: a, type: schoolanalyse, accountable: anna, responsible: [ilse]}
    ...   - {id: b, type: planning, accountable: anna}
    ... '''))
    >>> nodes, edges = focus_of(G, "ilse")
    >>> sorted(nodes), edges
    (['a', 'ilse'], [('ilse', 'a', 'responsible')])
    """
    edges = list(_drawn_edges(G))
    if focus is None:
        return {n for n, d in G.nodes(data=True) if _drawn(G, n, d)}, edges
    if focus not in G:
        raise nx.NodeNotFound(f"no '{focus}' in the graph")
    edges = [e for e in edges if focus in e[:2]]
    return {focus} | {n for e in edges for n in e[:2]}, edges


def _role_class(data: dict) -> str | None:
    if V.role_classes(data.get("roles", ()))["leader"]:
        return "leader"
    if set(data.get("roles", ())) & V.IB_ROLES:
        return "ib"
    return None


def to_mermaid(G: nx.MultiDiGraph, *, focus: str | None = None, lang: str = "nl") -> str:
    """Return the graph as a Mermaid flowchart: people grouped by role, the teams together,
    tasks by domain, and a legend.

    Accountable edges are thick (``==>``), responsible plain, consulted dotted, informed a
    dotted line without an arrow; the other edges say what they mean in words. With
    ``focus`` only what touches that node is drawn (see :func:`focus_of`).
    """
    from .matrix import group_label

    shown, edges = focus_of(G, focus)
    lines = ["flowchart LR"]
    for role, people in _people_by_role(G, shown):
        lines.append(f'  subgraph r_{role} ["{_escape(group_label(role, lang, len(people)))}"]')
        for node in people:
            label = _escape(G.nodes[node].get("label", node))
            lines.append(f'    {_node_id(node)}(["{label}<br/><small>'
                         f'{_escape(_person_role(G, node, lang))}</small>"])')
        lines.append("  end")
    teams = _teams(G, shown)
    if teams:
        lines.append(f'  subgraph r_teams ["{_escape(group_label("teams", lang))}"]')
        lines += [f'    {_node_id(n)}{{{{"{_escape(G.nodes[n].get("label", n))}"}}}}'
                  for n in teams]
        lines.append("  end")
    for node in sorted(shown):
        data = G.nodes[node]
        kind = data["kind"]
        label = _escape(data.get("label", node))
        if kind in ("external", "parents"):
            lines.append(f'  {_node_id(node)}[("{label}")]')
        elif kind == "group":
            lines.append(f'  {_node_id(node)}(("{label}"))')
        elif kind == "all_staff":
            lines.append(f'  {_node_id(node)}{{{{"{label}"}}}}')
        elif kind == "mandate":
            lines.append(f'  {_node_id(node)}[/"mandaat {label}"/]')
        elif kind == "signal":
            lines.append(f'  {_node_id(node)}>"signaal {label}"]')
        # people, teams and tasks are drawn in their groups
    for domain, tasks in _tasks_by_domain(G, shown):
        lines.append(f'  subgraph d_{domain} ["{V.DOMAIN_LABELS[lang][domain]}"]')
        for node in tasks:
            label = _escape(G.nodes[node].get("label", node))
            lines.append(f'    {_node_id(node)}["{label}<br/><small>'
                         f'{_escape(_task_type(G, node, lang))}</small>"]')
        lines.append("  end")
    for u, v, k in edges:
        text = _RACI_LETTER.get(k) or EDGE_WORDS[lang].get(k, k)
        lines.append(f"  {_node_id(u)} {_RACI_MERMAID.get(k, '-->')}|{text}| {_node_id(v)}")
    words = LEGEND[lang]
    legend = "<br/>".join(words[k] for k in (*V.RACI, "colours"))
    lines += [f'  subgraph legenda ["{words["title"]}"]', f'    lg_text["{legend}"]', "  end"]
    for domain, colour in _DOMAIN_COLOUR.items():
        lines.append(f"  classDef {domain} fill:{colour},stroke:#555")
    lines.append("  classDef leader fill:#fff3b0,stroke:#8a6d00,stroke-width:2px")
    lines.append("  classDef ib fill:#e8d8f5,stroke:#5b3a7a,stroke-width:2px")
    lines.append("  classDef legend fill:#ffffff,stroke:#999999,text-align:left")
    for node in sorted(shown):
        data = G.nodes[node]
        if data["kind"] == "task":
            lines.append(f"  class {_node_id(node)} {data['domain']}")
        elif data["kind"] == "person" and _role_class(data):
            lines.append(f"  class {_node_id(node)} {_role_class(data)}")
    lines.append("  class lg_text legend")
    return "\n".join(lines) + "\n"


_RACI_DOT = {
    "accountable": 'style=bold, penwidth=2.5, label="A"',
    "responsible": 'label="R"',
    "consulted": 'style=dashed, label="C"',
    "informed": 'style=dotted, arrowhead=none, label="I"',
}
_ROLE_FILL = {"leader": "#fff3b0", "ib": "#e8d8f5"}


def to_dot(G: nx.MultiDiGraph, *, focus: str | None = None, lang: str = "nl") -> str:
    """Return the graph in Graphviz DOT, drawn like :func:`to_mermaid`: people in a box per
    role, the teams in one, tasks in a box per domain, and a legend with a sample of each
    kind of edge.
    """
    from .matrix import group_label

    shown, edges = focus_of(G, focus)
    name = _dot(G.graph.get("school", "school"))
    lines = [f'digraph "{name}" {{', "  rankdir=LR;", '  graph [fontname="Helvetica"];',
             '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];']

    def cluster(name: str, label: str, fill: str) -> None:
        lines.append(f'  subgraph "cluster_{name}" {{')
        lines.append(f'    label="{_dot(label)}";')
        lines.append(f'    style=filled; fillcolor="{fill}";')

    for role, people in _people_by_role(G, shown):
        cluster(f"role_{role}", group_label(role, lang, len(people)), "#f6f6f6")
        for node in people:
            data = G.nodes[node]
            fill = _ROLE_FILL.get(_role_class(data) or "", "#ffffff")
            lines.append(f'    "{_dot(node)}" [shape=ellipse, style=filled, '
                         f'fillcolor="{fill}", label="{_dot(data.get("label", node))}\\n'
                         f'{_dot(_person_role(G, node, lang))}"];')
        lines.append("  }")
    teams = _teams(G, shown)
    if teams:
        cluster("teams", group_label("teams", lang), "#f6f6f6")
        lines += [f'    "{_dot(n)}" [shape=hexagon, style=filled, fillcolor="#ffffff", '
                  f'label="{_dot(G.nodes[n].get("label", n))}"];' for n in teams]
        lines.append("  }")
    for node in sorted(shown):
        data = G.nodes[node]
        kind = data["kind"]
        label = _dot(data.get("label", node))
        if kind in ("external", "parents"):
            attrs = f'shape=cylinder, label="{label}"'
        elif kind == "group":
            attrs = f'shape=circle, label="{label}"'
        elif kind == "all_staff":
            attrs = f'shape=hexagon, label="{label}"'
        elif kind == "mandate":
            attrs = f'shape=parallelogram, label="mandaat {label}"'
        elif kind == "signal":
            attrs = f'shape=cds, label="signaal {label}"'
        else:
            continue  # people, teams and tasks are drawn in their boxes
        lines.append(f'  "{_dot(node)}" [{attrs}];')
    for domain, tasks in _tasks_by_domain(G, shown):
        cluster(domain, V.DOMAIN_LABELS[lang][domain], _DOMAIN_COLOUR[domain])
        for node in tasks:
            label = _dot(G.nodes[node].get("label", node))
            lines.append(f'    "{_dot(node)}" [shape=box, style=filled, fillcolor="#ffffff", '
                         f'label="{label}\\n{_dot(_task_type(G, node, lang))}"];')
        lines.append("  }")
    for u, v, k in edges:
        attrs = _RACI_DOT.get(k, f'label="{EDGE_WORDS[lang].get(k, k)}", color="#888888"')
        lines.append(f'  "{_dot(u)}" -> "{_dot(v)}" [{attrs}];')
    # the legend: a sample of each kind of edge, between points no id can name (":")
    words = LEGEND[lang]
    cluster("legenda", words["title"], "#ffffff")
    for raci in V.RACI:
        lines.append(f'    "legenda:{raci}" [shape=point, width=0.05];')
        lines.append(f'    "legenda:{raci}:" [shape=point, width=0.05];')
    lines.append(f'    "legenda:kleur" [shape=note, label="{_dot(words["colours"])}"];')
    lines.append("  }")
    for raci in V.RACI:
        style = _RACI_DOT[raci].rsplit("label=", 1)[0]
        lines.append(f'  "legenda:{raci}" -> "legenda:{raci}:" '
                     f'[{style}label="{_dot(words[raci])}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
