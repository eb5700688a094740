"""The pictures grow linearly with the school: many mandates over broad scopes draw no
mandates-times-tasks work (the issue's 1,500 mandates x 4,000 tasks took 20 s and 2.4 GB)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import mandaat
from mandaat.cli import main
from tests.unit.test_scale import best_times


def _school(n: int) -> dict:
    people = [{"id": "anna", "roles": ["schoolleider"]}] + [
        {"id": f"p{i}", "roles": ["leraar"]} for i in range(n)]
    tasks = [{"id": f"t{i}", "type": "planning", "accountable": "anna",
              "responsible": [f"p{i % n}"]} for i in range(2 * n)]
    mandates = [{"id": f"m{i}", "from": "anna", "to": f"p{i % n}",
                 "scope": ["beleid_en_beheer"], "communicated_to_team": True}
                for i in range(n)]
    return {"format": "mandaat/1", "school": {"name": "Groot"}, "people": people,
            "tasks": tasks, "mandates": mandates}


def _drawing(path: Path):
    def work() -> None:
        for fmt in ("dot", "mermaid"):
            assert main(["graph", str(path), "--format", fmt], stdout=io.StringIO(),
                        stderr=io.StringIO()) == 0
    return work


def test_drawing_at_twice_the_size_takes_at_most_two_and_a_half_times_as_long(tmp_path):
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text(json.dumps(_school(1000)), encoding="utf-8")
    large.write_text(json.dumps(_school(2000)), encoding="utf-8")
    one, two = best_times(_drawing(small), _drawing(large))
    assert two <= 2.5 * one, (one, two)


def test_the_graph_keeps_its_covers_edges_unless_asked_not_to():
    school = mandaat.load_school(_school(3))
    with_covers = mandaat.build_graph(school)
    assert sorted(mandaat.graph.tasks_covered(with_covers, "m0")) == [
        "t0", "t1", "t2", "t3", "t4", "t5"]
    without = mandaat.build_graph(school, covers=False)
    assert not any(k == "covers" for _, _, k in without.edges(keys=True))
    assert without.number_of_nodes() == with_covers.number_of_nodes()
