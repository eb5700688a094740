"""The quotes the bundled rules and scenarios cite, recorded with their places in the source
texts (``tests/data/source-quotes.json``).

The source texts themselves are not in the repository (they lie in ``../shared/sources``
beside it). The record holds, per text, the SHA-256 of the text as quotes are matched in it
(the registry's scanning corrections made, white space folded) and where each quote stands
in it: so a clone without the texts still checks every quote against what was found in
them, and a clone with them checks that the record still holds. After a quote or a text
changes, write the record again::

    python -m tests.quotes ../shared/sources
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from mandaat.rules import bundled_rules_path, default_pack
from mandaat.rules.sources import corrected, registry
from mandaat.training.scenarios import bundled_scenarios_path, load_scenarios

RECORD = Path(__file__).parent / "data" / "source-quotes.json"
SOURCES = Path(__file__).parents[2] / "shared" / "sources"


def folded(text: str) -> str:
    """White space folded to single spaces, as quotes are matched."""
    return " ".join(text.split())


def cited() -> dict[str, set[str]]:
    """Source file -> the quotes (folded) that the bundled rules and scenarios cite in it."""
    found: dict[str, set[str]] = {}
    for rule in default_pack().rules:
        found.setdefault(rule.source.text, set()).add(folded(rule.source.quote))
    for item in load_scenarios(bundled_scenarios_path()):
        source = item.scenario.source
        found.setdefault(source.text, set()).add(folded(source.quote))
    return found


def text_of(sources: Path, name: str) -> str:
    """The source text ``name`` in ``sources`` as quotes are matched in it: the registry's
    scanning corrections made, white space folded."""
    info = registry(bundled_rules_path() / "lbbo-2022").get(name)
    return folded(corrected((sources / name).read_text(encoding="utf-8"), info))


def record_of(sources: Path) -> dict[str, dict]:
    """The record, made from the texts in ``sources``: a quote not in its text has no place
    (``None``)."""
    out: dict[str, dict] = {}
    for name, quotes in sorted(cited().items()):
        text = text_of(sources, name)
        places = {quote: (text.find(quote) if quote in text else None) for quote in quotes}
        out[name] = {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                     "quotes": dict(sorted(places.items()))}
    return out


def recorded() -> dict[str, dict]:
    return json.loads(RECORD.read_text(encoding="utf-8"))


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCES
    made = record_of(folder)
    missing = [(n, q) for n, r in made.items() for q, at in r["quotes"].items() if at is None]
    if missing:
        sys.exit("\n".join(f"{n}: the quote is not in the text: {q}" for n, q in missing))
    RECORD.write_text(json.dumps(made, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{RECORD}: {sum(len(r['quotes']) for r in made.values())} quotes in {len(made)} texts")
