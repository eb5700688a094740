"""The source texts rules cite, by title: the registry a rule pack keeps beside its rules.

A rule's ``source.text`` is a file name (``003_cd09840b5089f87d.txt``); people read the
title, author and year instead. A pack folder may hold ``sources.yaml`` with, per file,
``title``, ``author``, ``year``, ``about`` and ``corrections`` (scanning errors in the text,
``found`` → ``correct``): quotes give the corrected words, and :func:`corrected` applies the
same corrections to a text before a quote is looked up in it.

>>> from mandaat.rules import bundled_rules_path
>>> reg = registry(bundled_rules_path() / "lbbo-2022")
>>> reg["003_cd09840b5089f87d.txt"].title
"Het samenspel tussen ib'er en schoolleider: in gesprek met Linda van Druijten"
>>> corrected("als kwaliteitscodrdinator", reg["003_cd09840b5089f87d.txt"])
'als kwaliteitscoördinator'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RulePackError
from ..school._source import ParseFailure, parse, read_source

__all__ = ["SourceInfo", "corrected", "describe", "registry"]


@dataclass(frozen=True)
class SourceInfo:
    """What is known of a source text: its title, author, year and scanning corrections."""

    file: str
    title: str
    author: str | None = None
    year: int | None = None
    about: str | None = None
    corrections: tuple[tuple[str, str, str], ...] = field(default=())


@functools.lru_cache(maxsize=32)
def _read(folder: str) -> dict[str, SourceInfo]:
    """The registry of a folder; a file that cannot be read raises RulePackError."""
    path = Path(folder) / "sources.yaml"
    if not path.is_file():
        return {}
    try:
        src = read_source(path)
        data = parse(src)  # the limits of every input file apply
    except ParseFailure as exc:
        raise RulePackError([exc.problem]) from None
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not all(
            isinstance(e, dict) and isinstance(e.get("title"), str) for e in entries.values()):
        raise RulePackError([src.problem(("sources",), "bad_value",
                                         "sources.yaml holds 'sources': per file name a "
                                         "mapping with at least a 'title'")])
    out = {}
    for name, entry in entries.items():
        corrections = entry.get("corrections") or []
        if not isinstance(corrections, list) or not all(
                isinstance(c, dict) and isinstance(c.get("found"), str)
                and isinstance(c.get("correct"), str) for c in corrections):
            raise RulePackError([src.problem(("sources", str(name), "corrections"), "bad_value",
                                             "each correction has 'found' and 'correct'")])
        out[str(name)] = SourceInfo(
            file=str(name), title=entry["title"], author=entry.get("author"),
            year=entry.get("year"), about=entry.get("about"),
            corrections=tuple((c["found"], c["correct"], str(c.get("note", "")))
                              for c in corrections))
    return out


def registry(pack_path: str | Path) -> dict[str, SourceInfo]:
    """The registry of a pack: its folder's ``sources.yaml`` (a pack file: the file's folder)."""
    p = Path(pack_path)
    return _read(str(p if p.is_dir() else p.parent))


def corrected(text: str, info: SourceInfo | None) -> str:
    """``text`` with the registry's corrections of scanning errors applied."""
    for found, correct, _ in info.corrections if info else ():
        text = text.replace(found, correct)
    return text


def describe(info: SourceInfo | None, file: str, lang: str = "nl") -> str:
    """A source as a reader names it: title, author and year where known, else the file.

    >>> from mandaat.rules import bundled_rules_path
    >>> describe(registry(bundled_rules_path() / "lbbo-2022")["002_2fedd0efdcbb483b.txt"],
    ...          "002_2fedd0efdcbb483b.txt")
    "'Van intern begeleider naar kwaliteitscoördinator' (2021)"
    >>> describe(None, "x.txt")
    'x.txt'
    """
    if info is None:
        return file
    details = ", ".join(str(x) for x in (info.author, info.year) if x)
    return f"'{info.title}'" + (f" ({details})" if details else "")
