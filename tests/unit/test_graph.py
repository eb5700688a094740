"""The responsibility graph and its pictures."""

from __future__ import annotations

import re
import shutil
import subprocess

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mandaat
from mandaat import graph as g


@pytest.fixture
def G(example):
    return mandaat.build_graph(example)


def test_nodes_and_typed_edges(G, example):
    kinds = nx.get_node_attributes(G, "kind")
    assert kinds["anna"] == "person" and kinds["lt-boven"] == "team"
    assert kinds["jaarplanning"] == "task" and kinds["m-methode"] == "mandate"
    assert kinds["s-tom"] == "signal" and kinds["team"] == "all_staff"
    assert G.has_edge("tom", "lt-boven", key="member_of")
    assert G.has_edge("anna", "m-methode", key="grants")
    assert G.has_edge("ilse", "m-methode", key="holds")
    assert G.has_edge("m-methode", "methodekeuze-rekenen", key="covers")
    assert G.has_edge("ilse", "oudergesprek-lln-017", key="case_holder")
    assert G.has_edge("s-tom", "tom", key="about")
    assert G.has_edge("ilse", "s-tom", key="handled_by")
    assert G.number_of_nodes() == (len(example.people) + len(example.teams) + len(example.tasks)
                                   + len(example.mandates) + len(example.signals) + 1
                                   + len({g for p in example.people for g in p.groups})
                                   + len(example.externals) + 1)  # and the parents


def test_queries(G):
    assert g.accountable_for(G, "jaarplanning") == ["anna", "mark"]
    assert g.holders(G, "lvs-beheer", "responsible") == ["ilse", "kees"]
    assert sorted(g.tasks_covered(G, "m-methode")) == ["methodekeuze-rekenen", "studiedag-leren"]
    assert g.mandates_of(G, "ilse") == ["m-kwaliteit", "m-methode"]
    assert set(g.members(G, "wg-rekenen")) == {"yara", "noah", "sara"}
    assert "klassenbezoeken" in g.tasks_of(G, "ilse", "responsible")
    hours = g.hours_per_domain(G, "ilse")
    assert list(hours) == ["leren_en_ontwikkeling", "data_monitoring_reflectie",
                           "zorg_en_ondersteuning", "beleid_en_beheer"]
    assert hours["beleid_en_beheer"] == 230


def test_queries_name_the_missing_node(G):
    with pytest.raises(nx.NodeNotFound, match="no task 'anna'"):
        g.accountable_for(G, "anna")
    with pytest.raises(nx.NodeNotFound, match="no mandate 'x'"):
        g.tasks_covered(G, "x")


# People, teams and tasks are declared inside their subgraphs (four spaces), the edges
# between them at the top (two); edge labels are A/R/C/I or Dutch words ("lid van").
_MERMAID_LINE = re.compile(
    r"^(?: {2}| {4})(?:"
    r"(?P<node>(?:n|lg)_\w+)(?:\(\[\"[^\"]*\"\]\)|\{\{\"[^\"]*\"\}\}|\[\"[^\"]*\"\]|\[/\"[^\"]*\"/\]|>\"[^\"]*\"\]"
    r"|\[\(\"[^\"]*\"\)\]|\(\(\"[^\"]*\"\)\))"
    r"|(?P<src>n_\w+) (?P<arrow>==>|-->|-\.->|-\.-)\|(?P<text>[^|\"<>]+)\| (?P<dst>n_\w+)"
    r"|classDef \w+ [\w:#,.-]+"
    r"|subgraph \w+ \[\"[^\"]+\"\]|end"
    r"|class (?P<cls>(?:n|lg)_\w+) \w+"
    r")$")


def _block(text: str, subgraph: str) -> str:
    return text.split(f"  subgraph {subgraph} [", 1)[1].split("  end\n", 1)[0]


def test_mermaid_is_well_formed_and_every_edge_end_is_declared(G):
    text = g.to_mermaid(G)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    declared, used, arrows, words = set(), set(), set(), set()
    for line in lines[1:]:
        m = _MERMAID_LINE.match(line)
        assert m, f"not Mermaid: {line!r}"
        if m["node"]:
            declared.add(m["node"])
        if m["src"]:
            used |= {m["src"], m["dst"]}
            arrows.add(m["arrow"])
            words.add(m["text"])
        if m["cls"]:
            used.add(m["cls"])
    assert used <= declared
    assert {"==>", "-->", "-.->"} <= arrows  # accountable, responsible, consulted all drawn
    assert {"A", "R", "C", "I", "lid van", "heeft mandaat", "geeft mandaat"} <= words
    assert 'n_anna(["Anna Jansen<br/><small>schoolleider</small>"])' in text
    # tasks are grouped by domain, with the type in Dutch
    block = _block(text, 'd_zorg_en_ondersteuning')
    assert block.startswith('"zorg en ondersteuning (zorgregisseur)"]')
    assert "n_mdo_2d_organiseren" in block and "n_klassenbezoeken" not in block
    assert "<small>multidisciplinair overleg (mdo)</small>" in block


def test_mermaid_groups_people_by_role_in_dutch_and_has_a_legend(G):
    text = g.to_mermaid(G)
    teachers = _block(text, "r_leraar")
    assert teachers.startswith('"leraren"]')
    assert "n_tom" in teachers and "n_anna" not in teachers
    # a person with several roles stands under the first: Mark is adjunct-directeur
    assert 'n_mark(["Mark de Vries<br/><small>adjunct-directeur, leraar</small>"])' in \
        _block(text, "r_adjunct_directeur")
    assert "intern_begeleider<" not in text and "<small>intern begeleider</small>" in text
    assert "n_lt_2d_boven" in _block(text, "r_teams")
    legend = _block(text, "legenda")
    assert "A: eindverantwoordelijk" in legend and "I: geïnformeerd" in legend
    # the groups come in the order of the matrix: leadership first, the board last
    order = [line.split()[1] for line in text.splitlines() if line.startswith("  subgraph r_")]
    assert order[:3] == ["r_schoolleider", "r_adjunct_directeur", "r_intern_begeleider"]
    assert order[-2:] == ["r_bestuur", "r_teams"]


def test_focus_draws_only_what_touches_the_person_or_task(G):
    text = g.to_mermaid(G, focus="mark")
    edges = [line for line in text.splitlines() if " -->|" in line or " ==>|" in line
             or " -.->|" in line or " -.-|" in line]
    assert edges and all("n_mark" in line for line in edges)
    assert "n_jaarplanning ==>" not in text and "  n_mark ==>|A| n_jaarplanning" in text
    assert "n_ilse" not in text and "n_klassenbezoeken" not in text  # not Mark's
    assert "n_m_2d_bouw" in text  # the mandate Mark gives
    task = g.to_mermaid(G, focus="jaarplanning")
    assert "n_anna ==>|A| n_jaarplanning" in task and "n_team -.-|I| n_jaarplanning" in task
    assert "n_lvs_2d_beheer" not in task and "n_ilse" not in task
    dot = g.to_dot(G, focus="mark")
    assert '"mark" -> "jaarplanning"' in dot and '"ilse"' not in dot
    with pytest.raises(nx.NodeNotFound, match="no 'nobody'"):
        g.to_mermaid(G, focus="nobody")


_DOT_LINE = re.compile(
    r'^(?:digraph "[^"]*" \{|  rankdir=LR;|  node \[fontname="Helvetica"\];|\}|  \}'
    r'|  graph \[fontname="Helvetica"\];|  edge \[fontname="Helvetica", fontsize=10\];'
    r'|  subgraph "cluster_\w+" \{|    label="[^"]+";|    style=filled; fillcolor="#\w+";'
    r'| {2,4}"(?P<node>[^"]+)" \[(?P<nattrs>[^\]]*)\];'
    r'|  "(?P<src>[^"]+)" -> "(?P<dst>[^"]+)" \[(?P<eattrs>[^\]]*)\];)$')
_ATTR = re.compile(r'^\w+=(?:"[^"]*"|[\w.#]+)$')


def test_dot_is_well_formed(G):
    text = g.to_dot(G)
    declared, used = set(), set()
    for line in text.splitlines():
        m = _DOT_LINE.match(line)
        assert m, f"not DOT: {line!r}"
        attrs = m["nattrs"] or m["eattrs"]
        if attrs:
            assert all(_ATTR.match(a) for a in re.split(r", (?=\w+=)", attrs)), line
        if m["node"]:
            declared.add(m["node"])
        if m["src"]:
            used |= {m["src"], m["dst"]}
    assert used <= declared
    assert '"anna" -> "jaarplanning" [style=bold, penwidth=2.5, label="A"];' in text
    # people in a box per role, the legend with a sample of each kind of edge
    leraren = text.split('subgraph "cluster_role_leraar" {', 1)[1].split("  }", 1)[0]
    assert 'label="leraren";' in leraren and '"tom" [' in leraren
    assert '"tom" -> "lt-boven" [label="lid van", color="#888888"];' in text
    assert ('"legenda:informed" -> "legenda:informed:" [style=dotted, arrowhead=none, '
            'label="I: geïnformeerd (stippels, zonder pijlpunt)"];') in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
def test_graphviz_renders_the_dot(G):
    run = subprocess.run(["dot", "-Tsvg"], input=g.to_dot(G), capture_output=True, text=True,
                         check=False, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "<svg" in run.stdout


def test_pictures_do_not_depend_on_list_order(example):
    data = example.model_dump(mode="json", by_alias=True)
    data["tasks"].reverse()
    data["people"].reverse()
    other = mandaat.build_graph(mandaat.load_school(data))
    assert g.to_mermaid(other) == g.to_mermaid(mandaat.build_graph(example))


# --- hostile names: every user string escaped in every picture ------------------------------


def _hostile() -> mandaat.School:
    return mandaat.load_school({
        "format": "mandaat/1", "school": {"name": 'Evil "school" \\'},
        "people": [{"id": "a-b", "name": "Evil\\", "roles": ["schoolleider"]},
                   {"id": "a_b", "name": 'Quote " and \x1b[2J\nnew line', "roles": ["leraar"],
                    "groups": ['5"]; x [label="pwn']}],
        "tasks": [{"id": "t", "type": "planning", "accountable": "a-b", "responsible": ["a_b"]}],
    })


def test_mermaid_gives_each_id_its_own_node_and_escapes_labels():
    text = g.to_mermaid(g.build_graph(_hostile()))
    assert "n_a_2d_b" in text and "n_a_5f_b" in text
    assert "  n_a_2d_b ==>|A| n_t" in text and "  n_a_5f_b -->|R| n_t" in text
    assert "\x1b" not in text and 'Quote \' and  [2J new line' in text


def test_dot_escapes_backslashes_quotes_and_control_characters():
    text = g.to_dot(g.build_graph(_hostile()))
    assert 'digraph "Evil \\"school\\" \\\\" {' in text
    assert 'label="Evil\\\\\\nschoolleider"' in text
    assert "\x1b" not in text and "\nnew line" not in text
    if shutil.which("dot"):
        done = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd"),
                          st.sampled_from(["teaches", "supervises", "member_of"])), max_size=20),
       st.sampled_from("abcde"), st.sampled_from(["teaches", "supervises", "member_of"]))
def test_into_and_out_of_answer_as_the_edge_views_do(edges, node, key):
    """The queries read networkx's adjacency dicts: the same nodes, in the same order, as
    ``in_edges``/``out_edges`` give (``[]`` for a node not in the graph)."""
    G = nx.MultiDiGraph()
    G.add_edges_from(edges)
    views = ([u for u, _, k in G.in_edges(node, keys=True) if k == key],
             [v for _, v, k in G.out_edges(node, keys=True) if k == key]) if node in G else ([], [])
    assert (g.into(G, node, key), g.out_of(G, node, key)) == views
