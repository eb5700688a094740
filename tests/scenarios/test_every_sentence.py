"""Every sentence a report says, on every school in the repository: every rule's message,
why and what to do, in Dutch and in English, has no empty slot, no rule id, and no id
where the school gives a name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mandaat
from mandaat.report._present import because_words
from mandaat.training.scenarios import bundled_scenarios_path, load_scenarios

ROOT = Path(__file__).parent.parent.parent


def _schools() -> list[tuple[str, mandaat.School]]:
    found = []
    files = [*sorted((ROOT / "tests").rglob("*.yaml")),
             *sorted((ROOT / "src" / "mandaat" / "data").glob("*.yaml"))]
    for path in files:
        try:
            school = mandaat.load_school(path)
        except mandaat.MandaatInputError:
            continue  # a file made to be refused, or no school at all
        found.append((str(path.relative_to(ROOT)), school))
    found += [(f"scenario {item.scenario.id}", item.school)
              for item in load_scenarios(bundled_scenarios_path())]
    return found


SCHOOLS = _schools()
RULE_IDS = sorted({r.id for r in mandaat.default_pack().rules}, key=len, reverse=True)
_EMPTY = re.compile(r"\S  \S|''|\(\s*\)|\s[,.;:](?!\d)|\{|\}|—")


def _named_ids(school: mandaat.School) -> list[str]:
    """The ids the school gives a name or title other than the id itself."""
    ids = [p.id for p in school.people if p.name and p.name != p.id]
    ids += [t.id for t in school.teams if t.name and t.name != t.id]
    ids += [e.id for e in school.externals if e.name and e.name != e.id]
    ids += [t.id for t in school.tasks if t.title and t.title != t.id
            and re.search(r"[-0-9]", t.id)]
    ids += [r.id for r in school.routes if r.title and r.title != r.id]
    return ids


def test_the_schools_of_the_repository_are_many():
    assert len(SCHOOLS) >= 40


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("origin,school", SCHOOLS, ids=[o for o, _ in SCHOOLS])
def test_every_sentence_is_whole_and_names_what_has_a_name(origin, school, lang):
    report = mandaat.check(school, lang=lang)
    names = report._reading[0]
    named = [re.compile(rf"(?<![\w'-]){re.escape(i)}(?![\w-])") for i in _named_ids(school)]
    # what the school wrote may hold an id ('Zorg via het zorgteam'): only the rest counts
    written = sorted({n for n in names.values() if n}, key=len, reverse=True)
    for f in report.findings:
        sentences = [("message", f.message), ("suggestion", f.explanation.suggestion)]
        sentences += [("because", because_words(fact, names, lang))
                      for fact in f.explanation.because]
        for part, text in sentences:
            where = f"{f.rule} {f.subjects} {part}: {text}"
            assert not _EMPTY.search(text), where
            assert not [r for r in RULE_IDS if r in text], where
            rest = text
            for name in written:
                rest = rest.replace(name, "")
            assert not [p.pattern for p in named if p.search(rest)], where
