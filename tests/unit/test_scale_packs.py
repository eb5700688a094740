"""Loading a rule pack takes time in proportion to its size.

Each rule's line was found by parsing the whole file again: 100 rules took 1.4 s, 200 took
6.2 s and 400 took 36 s.
"""

from __future__ import annotations

from pathlib import Path

import mandaat
from tests.strategies_packs import a_pack, a_rule, write_pack
from tests.unit.test_scale import best_times


def _pack(folder: Path, n: int) -> Path:
    rules = [a_rule(f"R{i:04d}", [{"fact": "person", "as": "p",
                                   "where": {"ib": True, "n_responsible": {"gt": i}}}],
                    message={"nl": "{p.person|name} doet {p.n_responsible} taken.",
                             "en": "{p.person|name} does {p.n_responsible} tasks."})
             for i in range(n)]
    folder.mkdir()
    return write_pack(folder, a_pack(rules))


def _loading(path: Path):
    def work() -> None:
        assert len(mandaat.load_rules(path).rules) > 0
    return work


def test_twice_the_rules_load_in_at_most_two_and_a_half_times_the_time(tmp_path: Path):
    one, two = best_times(_loading(_pack(tmp_path / "one", 100)),
                          _loading(_pack(tmp_path / "two", 200)))
    assert two <= 2.5 * one, (one, two)
    assert two < 2.0  # 200 rules took 6.2 s when loading was quadratic
