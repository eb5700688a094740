"""Names: what people type for a person, team or external party, matched to the ids of the
file, with a suggestion where nothing matches."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from ..school import vocabulary as V
from ._common import _SEPARATORS, ALL_STAFF_HEADER, ALL_STAFF_LABELS, PARENTS_HEADER, PARENTS_LABELS

# --- names: matching what people type to the ids of the file ---------------------------------

#: What a reference may name, and the words of its message.
_KINDS_WHAT: dict[frozenset[str], str] = {
    frozenset({"person"}): "person",
    frozenset({"team"}): "team",
    frozenset({"person", "team"}): "person or team",
    frozenset({"person", "team", "external"}): "person, team or external party",
    frozenset({"external"}): "external party",
}


#: How many name comparisons the suggestions of one workbook may cost together (each
#: suggestion costs as many as it has candidates), as the YAML loader's references have:
#: thousands of unknown names among thousands of people stay fast; the first get a hint.
_SUGGESTION_BUDGET = 50_000


class _Names:
    """The people, teams and external parties of a workbook, by id and by name."""

    def __init__(self) -> None:
        self.kind: dict[str, str] = {}
        self.name: dict[str, str | None] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_first: dict[str, list[str]] = {}
        self._budget = _SUGGESTION_BUDGET
        self._candidates: dict[frozenset[str], list[str]] = {}

    def add(self, ident: str, kind: str, name: str | None) -> None:
        if ident in self.kind:
            return
        self.kind[ident] = kind
        self.name[ident] = name
        self._candidates.clear()
        if name and V.fold(name):
            self._by_name.setdefault(V.fold(name), []).append(ident)
            if kind == "person" and len(V.fold(name).split()) > 1:
                self._by_first.setdefault(V.fold(name).split()[0], []).append(ident)

    def resolve(self, text: str, kinds: Iterable[str]) -> tuple[str | None, str, str]:
        """``(id, problem type, message)``: the id ``text`` names, or why there is none.

        An id wins over a name; ``Naam (id)`` names the id; then ``Hele team`` and
        ``Ouders`` (where allowed); then a name, compared without case or accents; then a
        first name that one person of the workbook has (``Marieke`` for Marieke de Vries).
        """
        allowed = set(kinds)
        text = text.strip()
        with_id = re.fullmatch(r"(.*)\(\s*([a-z0-9][a-z0-9_-]*)\s*\)", text, re.DOTALL)
        if with_id and self.kind.get(with_id.group(2)) in allowed:
            return with_id.group(2), "", ""
        if self.kind.get(text) in allowed:
            return text, "", ""
        plain = V.fold(text)
        if "all_staff" in allowed and plain in ALL_STAFF_LABELS:
            return V.ALL_STAFF, "", ""
        if "parents" in allowed and plain in PARENTS_LABELS:
            return V.PARENTS, "", ""
        found = [i for i in self._by_name.get(plain, []) if self.kind[i] in allowed]
        if len(found) == 1:
            return found[0], "", ""
        if len(found) > 1:
            return None, "ambiguous_name", (f"'{text}' fits more than one: {', '.join(found)}; "
                                            "write the id instead")
        if self.kind.get(plain) in allowed:
            return plain, "", ""
        first = [i for i in self._by_first.get(plain, []) if self.kind[i] in allowed]
        if len(first) == 1 and " " not in plain:
            return first[0], "", ""
        if len(first) > 1 and " " not in plain:
            names = ", ".join(f"'{self.name[i]}'" for i in first)
            return None, "ambiguous_name", (f"'{text}' is the first name of more than one: "
                                            f"{names}; write the whole name")
        staff = allowed & {"person", "team", "external"}
        what = _KINDS_WHAT.get(frozenset(staff), "person, team or external party")
        return None, "unknown_reference", (f"no {what} with name or id '{text}'"
                                           f"{self.close(text, self.candidates(allowed))}")

    def candidates(self, kinds: Iterable[str]) -> list[str]:
        """What a suggestion may name for these kinds: each one's name as the workbook
        writes it (an id only where there is no name: an id made from a name is one
        nobody typed), and ``Hele team`` and ``Ouders`` where allowed."""
        key = frozenset(kinds)
        found = self._candidates.get(key)
        if found is None:
            found = [self.name.get(i) or i for i, k in self.kind.items() if k in key]
            if "all_staff" in key:
                found.append(ALL_STAFF_HEADER)
            if "parents" in key:
                found.append(PARENTS_HEADER)
            self._candidates[key] = found
        return found

    def close(self, text: str, candidates: Sequence[str]) -> str:
        """:func:`_close`, while the workbook's budget of comparisons lasts; ``""`` after."""
        if self._budget <= 0:
            return ""
        self._budget -= len(candidates)
        return _close(text, candidates)

    def label(self, ident: str, kinds: Iterable[str], *, in_list: bool = False,
              avoid: Iterable[str] = ()) -> str:
        """What to write for ``ident`` so that :meth:`resolve` reads it back: the name
        where it is unambiguous, else the id, else ``Naam (id)``."""
        kinds = tuple(kinds)
        avoided = {V.fold(a) for a in avoid}
        name = self.name.get(ident)
        for text in (name, ident):
            if not text or V.fold(text) in avoided:
                continue
            if in_list and (_SEPARATORS.search(text) or text != text.strip()):
                continue
            if self.resolve(text, kinds)[0] == ident:
                return text
        if in_list:
            return ident
        return f"{name or ident} ({ident})"


def _close(text: str, candidates: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest name or id, compared without case."""
    by_plain = {V.fold(c): c for c in candidates}
    close = difflib.get_close_matches(V.fold(text), list(by_plain), n=1, cutoff=0.6)
    return f" (did you mean '{by_plain[close[0]]}'?)" if close else ""
