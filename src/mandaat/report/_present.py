"""The report for people: the matched facts as sentences, what to fix first, cross-references.

Everything here is read off one :class:`~mandaat.report.Report` (the facts the engine
matched, as ``explanation.because``); nothing is worked out again. The text report and the
HTML page both show what :func:`present` returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..rules.sources import SourceInfo, corrected, describe
from ..school import vocabulary as V
from .model import Finding, Report

_WHO = {"nl": {"who_ib": "een ib'er", "who_teacher": "een leraar",
               "who_leader": "de schoolleider",
               "who_schoolleider": "de schoolleider", None: "iemand"},
        "en": {"who_ib": "an ib'er", "who_teacher": "a teacher",
               "who_leader": "the school leader",
               "who_schoolleider": "the school leader", None: "anyone"}}
_NO_WHO = {"nl": {"who_ib": "geen ib'er", "who_teacher": "geen leraar",
                  "who_leader": "de schoolleider niet",
                  "who_schoolleider": "de schoolleider niet", None: "niemand"},
           "en": {"who_ib": "no ib'er", "who_teacher": "no teacher",
                  "who_leader": "not the school leader",
                  "who_schoolleider": "not the school leader", None: "nobody"}}
#: How a member of a team named on a task is on it (``member_assignment``).
_VIA = {"nl": (" via {team}", " via een team"), "en": (" through {team}", " through a team")}


@dataclass
class Item:
    """One card as a person reads it: a finding, and the findings of the same rule about the
    same problem (``others``), so that one problem is said once, with everyone it concerns."""

    number: int
    finding: Finding
    title: str
    why: list[str]
    source: str
    quote: str
    see_also: list[int] = field(default_factory=list)
    #: The other findings of the card (same rule, sharing a subject).
    others: list[Finding] = field(default_factory=list)
    #: Whom and what the other findings concern beyond the first, as names.
    also: list[str] = field(default_factory=list)


@dataclass
class Presented:
    """A report as a person reads it: counts in words, what to do first, the cards."""

    counts: str
    first: list[tuple[int, str]]
    items: list[Item]
    #: The card of each finding, by the finding's place in the report (from 1).
    card_of: dict[int, int] = field(default_factory=dict)


class _Words:
    def __init__(self, names: Mapping[str, str], lang: str):
        self.names, self.lang = names, lang
        self.raci = V.RACI_LABELS[lang]

    def name(self, value: Any) -> str:
        return self.names.get(str(value), str(value)) if value not in ("", None) else "—"

    def task(self, value: Any) -> str:
        return f"'{self.name(value)}'"

    def one_or_more(self, value: Any, labels: Mapping[str, str]) -> str:
        values = value.get("in", []) if isinstance(value, dict) else [value]
        shown = [labels.get(str(v), str(v)) for v in values]
        word = " of " if self.lang == "nl" else " or "
        return ", ".join(shown[:-1]) + word + shown[-1] if len(shown) > 1 else "".join(shown)


def because_words(fact: Mapping[str, Any], names: Mapping[str, str], lang: str = "nl") -> str:
    """One matched fact (or one looked for and not found) as a sentence.

    >>> because_words({"fact": "assignment", "task": "fg", "as": "responsible",
    ...                "who": "ilse"}, {"ilse": "Ilse Bakker", "fg": "Gesprekken"})
    "Ilse Bakker is uitvoerend bij 'Gesprekken'."
    >>> because_words({"fact": "assignment", "absent": True, "task": "mdo",
    ...                "as": "responsible", "who_ib": True}, {"mdo": "MDO"})
    "Bij 'MDO' is geen ib'er uitvoerend."
    >>> because_words({"fact": "member_assignment", "task": "ov", "as": "responsible",
    ...                "who": "ilse", "via_team": "mt"}, {"ilse": "Ilse", "mt": "het MT"})
    "Ilse is uitvoerend via het MT bij 'ov'."
    >>> because_words({"fact": "scope", "absent": True, "to": "mark", "from_leader": True,
    ...                "item": "planning"}, {"mark": "Mark"})
    'Mark heeft geen mandaat van de schoolleider voor planning.'
    """
    w = _Words(names, lang)
    kind, absent = fact.get("fact"), bool(fact.get("absent"))
    text = (_looked_for(fact, w).rstrip(",") if absent
            else _SENTENCES.get(kind, _generic)(fact, w, absent))
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _who_key(fact: Mapping[str, Any]) -> str | None:
    return next((k for k in ("who_ib", "who_teacher", "who_schoolleider", "who_leader")
                 if fact.get(k) is True), None)


def _assignment(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    nl = w.lang == "nl"
    role = w.one_or_more(f.get("as", ""), w.raci) if "as" in f else (
        "betrokken" if nl else "involved")
    if f.get("fact") == "member_assignment":
        one, any_team = _VIA[w.lang]
        role += one.format(team=w.name(f["via_team"])) if "via_team" in f else any_team
    if not absent:
        tail = ((" (volgens de standaard van de school)" if nl else " (by the school's default)")
                if f.get("by_default") else "")
        return f"{w.name(f.get('who'))} is {role} {'bij' if nl else 'on'} {w.task(f.get('task'))}" \
            + tail
    where = ""
    if "task_type" in f:
        where = (" " + ("van het soort " if nl else "of the kind ")
                 + w.one_or_more(f["task_type"], V.TASK_TYPE_LABELS[w.lang]))
    if "domain" in f:
        where += (" in het domein " if nl else " in the domain ") + w.one_or_more(
            f["domain"], V.DOMAIN_LABELS[w.lang])
    if "task" in f:
        who = (f"{w.name(f['who'])} {'niet' if nl else 'not'}" if "who" in f
               else _NO_WHO[w.lang][_who_key(f)])
        return (f"bij {w.task(f['task'])} is {who} {role}" if nl else
                f"on {w.task(f['task'])}, {who} is {role}")
    who = w.name(f["who"]) if "who" in f else _WHO[w.lang][_who_key(f)]
    return (f"er is geen taak{where} waarbij {who} {role} is" if nl else
            f"there is no task{where} on which {who} is {role}")


def _person(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    nl = w.lang == "nl"
    roles = [V.ROLE_LABELS[w.lang][r] for r in V.ROLES if f.get(r) is True]
    if absent:
        who = w.name(f["person"]) if "person" in f else ("niemand" if nl else "nobody")
        if roles:
            return (f"{who} heeft de rol {' en '.join(roles)}" if nl and who != "niemand" else
                    f"niemand is {' en '.join(roles)}" if nl else f"nobody is {' and '.join(roles)}")
        return f"{who} {'is er niet' if nl else 'is not there'}"
    text = f"{w.name(f.get('person'))} is {(' en ' if nl else ' and ').join(roles) or '—'}"
    if f.get("away"):
        text += " en is afwezig" if nl else " and is away"
    return text


def _task(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    nl = w.lang == "nl"
    kind = w.one_or_more(f.get("type", "overig"), V.TASK_TYPE_LABELS[w.lang])
    if absent:
        return f"er is geen taak van het soort {kind}" if nl else f"there is no task of the kind {kind}"
    parts = [f"{w.task(f.get('task'))} ({kind})"]
    parts.append((f"eindverantwoordelijk: {f.get('n_accountable', 0)}, uitvoerend: "
                  f"{f.get('n_responsible', 0)}") if nl else
                 (f"accountable: {f.get('n_accountable', 0)}, responsible: "
                  f"{f.get('n_responsible', 0)}"))
    if f.get("case_holder"):
        parts.append(("casushouder: " if nl else "case holder: ") + w.name(f["case_holder"]))
    return ", ".join(parts)


def _mandate(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    nl = w.lang == "nl"
    if absent:
        return (f"{w.name(f.get('to'))} heeft geen mandaat van de schoolleider" if nl else
                f"{w.name(f.get('to'))} holds no mandate from the school leader")
    told = "" if f.get("communicated_to_team") else (
        ", niet bekendgemaakt aan het team" if nl else ", not made known to the team")
    return (f"mandaat '{f.get('mandate')}' van {w.name(f.get('from'))} aan "
            f"{w.name(f.get('to'))}{told}" if nl else
            f"mandate '{f.get('mandate')}' from {w.name(f.get('from'))} to "
            f"{w.name(f.get('to'))}{told}")


def _scope(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    nl = w.lang == "nl"
    item = str(f.get("item", ""))
    label = V.TASK_TYPE_LABELS[w.lang].get(item) or V.DOMAIN_LABELS[w.lang].get(item, item)
    if absent:
        return (f"{w.name(f.get('to'))} heeft geen mandaat van de schoolleider voor {label}"
                if nl else
                f"{w.name(f.get('to'))} holds no mandate from the school leader for {label}")
    return (f"mandaat '{f.get('mandate')}' geldt voor {label}" if nl else
            f"mandate '{f.get('mandate')}' covers {label}")


def _workload(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    domains = " + ".join(V.DOMAIN_LABELS[w.lang].get(d, d)
                         for d in str(f.get("domains", "")).split("+"))
    share = f"{float(f.get('share', 0)):.0%}"
    return (f"{w.name(f.get('person'))} besteedt {share} van de taakuren "
            f"({f.get('hours', 0):g} van {f.get('task_hours', 0):g}) aan {domains}"
            if w.lang == "nl" else
            f"{w.name(f.get('person'))} spends {share} of task hours "
            f"({f.get('hours', 0):g} of {f.get('task_hours', 0):g}) on {domains}")


def _signal(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    nl = w.lang == "nl"
    kind = V.SIGNAL_LABELS[w.lang].get(str(f.get("type")), str(f.get("type")))
    text = (f"signaal {f.get('signal')} ({kind}) over {w.name(f.get('about'))}, "
            f"{f.get('age_days', 0)} dagen oud" if nl else
            f"signal {f.get('signal')} ({kind}) about {w.name(f.get('about'))}, "
            f"{f.get('age_days', 0)} days old")
    if f.get("count", 1) != 1:
        text += f", {f['count']} keer" if nl else f", {f['count']} times"
    if f.get("conversation_held"):
        text += ", het gesprek is gevoerd" if nl else ", the conversation was held"
    if f.get("willful"):
        text += ", moedwillig" if nl else ", willful"
    if f.get("handled_by"):
        text += (", behandeld door " if nl else ", handled by ") + w.name(f["handled_by"])
    return text


def _walk(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    nl = w.lang == "nl"
    route = (f"de route '{w.name(f['route'])}' van de school" if f.get("route") and nl else
             f"the school's route '{w.name(f['route'])}'" if f.get("route") else
             "de standaardroute" if nl else "the default route")
    role = V.STEP_ROLE_LABELS[w.lang].get(str(f.get("role")), str(f.get("role")))
    who = w.name(f["person"]) if f.get("person") else ("niemand" if nl else "nobody")
    joined = [w.name(p) for p in str(f.get("joined") or "").split(",") if p]
    also = ""
    if joined:
        names = (", ".join(joined[:-1]) + (" en " if nl else " and ") + joined[-1]
                 if len(joined) > 1 else joined[0])
        also = (f"; {names} sluit{'en' if len(joined) > 1 else ''} aan" if nl else
                f"; {names} join{'' if len(joined) > 1 else 's'}")
    return (f"volgens {route} is het signaal bij stap {int(f.get('step', 0)) + 1} van "
            f"{f.get('steps')} ({role}): {who} is aan zet{also}" if nl else
            f"by {route} the signal is at step {int(f.get('step', 0)) + 1} of {f.get('steps')} "
            f"({role}): {who} acts now{also}")


def _holder(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    nl = w.lang == "nl"
    role = V.STEP_ROLE_LABELS[w.lang].get(str(f.get("target")), str(f.get("target")))
    if absent:
        return f"niemand is {role}" if nl else f"nobody is {role}"
    return f"{w.name(f.get('person'))} is {role}"


def _lead(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    return (f"{w.name(f.get('leader'))} geeft leiding aan {w.name(f.get('person'))}"
            if w.lang == "nl" else
            f"{w.name(f.get('leader'))} line-manages {w.name(f.get('person'))}")


def _route_step(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    ref = V.STEP_ROLE_LABELS[w.lang].get(str(f.get("ref")), w.name(f.get("ref")))
    route = w.name(f.get("route"))
    return (f"stap {f.get('step')} van route '{route}': {ref}" if w.lang == "nl" else
            f"step {f.get('step')} of route '{route}': {ref}")


def _generic(f: Mapping[str, Any], w: _Words, absent: bool) -> str:
    shown = ", ".join(f"{k} {w.name(v)}" for k, v in f.items() if k not in ("fact", "absent"))
    return (("geen " if absent and w.lang == "nl" else "no " if absent else "")
            + f"{f.get('fact')}: {shown}")

# --- what an absent pattern looked for: every one of its conditions ----------------------


_MISSING = object()
_COMPARE = {"nl": {"gt": "meer dan", "gte": "minstens", "lt": "minder dan", "lte": "hoogstens",
                   "ne": "anders dan"},
            "en": {"gt": "more than", "gte": "at least", "lt": "fewer than", "lte": "at most",
                   "ne": "other than"}}
#: The roles a who_* field asks for, as :data:`_WHO` says them.
_WHO_FIELDS = ("who_ib", "who_teacher", "who_schoolleider", "who_leader")
#: Counts of a task, said of the task: (singular, plural) in Dutch and English.
_COUNTED = {"n_responsible": (("uitvoerende", "uitvoerenden"), ("responsible", "responsible")),
            "n_accountable": (("eindverantwoordelijke", "eindverantwoordelijken"),
                              ("accountable", "accountable")),
            "n_accountable_people": (("eindverantwoordelijke persoon", "eindverantwoordelijke "
                                      "personen"), ("accountable person", "accountable people"))}
#: The classes of people a person fact's flags name, beside its roles.
_CLASSES = {"nl": {"leader": "schoolleider", "ib": "ib'er", "teacher": "leraar"},
            "en": {"leader": "school leader", "ib": "ib'er", "teacher": "teacher"}}


def _tests(value: Any) -> list[tuple[str, Any]]:
    """A condition as (operator, value) pairs: a constant is ``eq``."""
    if isinstance(value, dict):
        return list(value.items())
    return [("eq", value)]


class _Looked:
    """The conditions of an absent pattern, taken one by one as a sentence says them; what
    no part of the sentence says is said at the end, so that none is left out."""

    def __init__(self, fact: Mapping[str, Any], w: _Words):
        self.w, self.nl = w, w.lang == "nl"
        self.left = {k: v for k, v in fact.items() if k not in ("fact", "absent")}

    def take(self, key: str) -> Any:
        return self.left.pop(key, _MISSING)

    def values(self, key: str, labels: Mapping[str, str] | None = None) -> str:
        """``key``'s condition as a phrase: "coaching", "de toetskalender of planning",
        "anders dan de toetskalender"; "" when the pattern has none."""
        value = self.take(key)
        if value is _MISSING:
            return ""
        return (" en " if self.nl else " and ").join(
            self._one(op, v, labels) for op, v in _tests(value))

    def _one(self, op: str, value: Any, labels: Mapping[str, str] | None) -> str:
        shown = [self._shown(v, labels) for v in (value if isinstance(value, list) else [value])]
        word = " of " if self.nl else " or "
        text = ", ".join(shown[:-1]) + word + shown[-1] if len(shown) > 1 else "".join(shown)
        if op in ("eq", "in"):
            return text
        if op in ("ne", "not_in"):
            return f"{_COMPARE[self.w.lang]['ne']} {text}"
        return f"{_COMPARE[self.w.lang].get(op, op)} {text}"

    def _shown(self, value: Any, labels: Mapping[str, str] | None) -> str:
        if isinstance(value, bool):
            return ("ja" if value else "nee") if self.nl else ("yes" if value else "no")
        if isinstance(value, (int, float)):
            return f"{value:g}"
        if labels is not None and str(value) in labels:
            return labels[str(value)]
        return self.w.name(value)

    def count(self, key: str) -> str:
        """A task's count as "zonder uitvoerende", "met meer dan 1 uitvoerenden"."""
        value = self.take(key)
        if value is _MISSING:
            return ""
        (one, many), (one_en, many_en) = _COUNTED[key]
        parts = []
        for op, n in _tests(value):
            if op == "eq" and n == 0:
                parts.append(f"zonder {one}" if self.nl else f"without anyone {one_en}")
            elif op == "eq":
                parts.append(f"met precies {n:g} {one if n == 1 else many}" if self.nl else
                             f"with exactly {n:g} {one_en if n == 1 else many_en}")
            else:
                words = _COMPARE[self.w.lang].get(op, op)
                shown = self._one("in", n, None) if op in ("in", "not_in") else f"{n:g}"
                parts.append(f"met {words} {shown} {many}" if self.nl else
                             f"with {words} {shown} {many_en}")
        return " en ".join(parts) if self.nl else " and ".join(parts)

    def who(self) -> str:
        """Who the pattern asks for: a name, "een ib'er", "iemand anders dan een ib'er"."""
        who = self.take("who")
        if who is not _MISSING and not isinstance(who, dict):
            return self.w.name(who)
        if who is not _MISSING:
            self.left["who"] = who
        wanted, not_wanted = [], []
        for key in _WHO_FIELDS:
            value = self.take(key)
            if value is True:
                wanted.append(_WHO[self.w.lang][key])
            elif value is False:
                not_wanted.append(_WHO[self.w.lang][key])
            elif value is not _MISSING:
                self.left[key] = value
        text = (" en " if self.nl else " and ").join(wanted) or _WHO[self.w.lang][None]
        if not_wanted:
            text += (" anders dan " if self.nl else " other than ") + (
                " of " if self.nl else " or ").join(not_wanted)
        return text

    def rest(self) -> str:
        """What no other part said, field by field: ", waarbij personnel ja is"."""
        if not self.left:
            return ""
        said = [f"{key}: {self.values(key)}" for key in sorted(self.left)]
        return f" ({', '.join(said)})"


def _task_words(looked: _Looked, type_key: str) -> str:
    """The task a pattern looks for: " voor coaching in het domein …, zonder uitvoerende"."""
    w, nl = looked.w, looked.nl
    text = ""
    kinds = looked.values(type_key, V.TASK_TYPE_LABELS[w.lang])
    other = kinds.startswith(_COMPARE[w.lang]["ne"] + " ")
    if kinds and not other:
        text += (" voor " if nl else " for ") + kinds
    domain = looked.values("domain", V.DOMAIN_LABELS[w.lang])
    if domain:
        text += (" in het domein " if nl else " in the domain ") + domain
    if other:  # "in het domein …, anders dan de toetskalender,"
        text += f", {kinds}," if domain else f" {kinds}"
    counts = [looked.count(k) for k in _COUNTED if k in looked.left]
    if counts:
        text += " " + (" en " if nl else " and ").join(counts)
    return text


def _looked_for(f: Mapping[str, Any], w: _Words) -> str:
    """An absent pattern as a sentence that says each of its conditions, so that "there is
    no coaching task on which someone other than an ib'er is responsible" does not come out
    as "there is no coaching task"."""
    looked, nl = _Looked(f, w), w.lang == "nl"
    kind = f.get("fact")
    if kind in ("assignment", "member_assignment"):
        role = looked.values("as", w.raci) or ("betrokken" if nl else "involved")
        if kind == "member_assignment":  # "uitvoerend via een team"
            team = looked.take("via_team")
            one, any_team = _VIA[w.lang]
            role += any_team if team is _MISSING else one.format(team=w.name(team))
        if "task" in looked.left:
            task = w.task(looked.take("task"))
            who = looked.who()
            if not nl:
                first, _, more = who.partition(" ")
                if first in ("a", "an", "anyone"):  # "no ib'er is", "no one other than"
                    who = f"no {more}" if first != "anyone" else f"no one{who[6:]}"
                    return f"on {task}, {who} is {role}{looked.rest()}"
                return f"on {task}, {who} is not {role}{looked.rest()}"
            if who.startswith("een "):  # "bij 'MDO' is geen ib'er uitvoerend"
                return f"bij {task} is geen {who[4:]} {role}{looked.rest()}"
            if who.startswith("iemand"):  # "… is niemand anders dan een ib'er uitvoerend"
                return f"bij {task} is n{who} {role}{looked.rest()}"
            return f"bij {task} is {who} niet {role}{looked.rest()}"
        where = _task_words(looked, "task_type")
        who = looked.who()
        return (f"er is geen taak{where} waarbij {who} {role} is{looked.rest()}" if nl else
                f"there is no task{where} on which {who} is {role}{looked.rest()}")
    if kind == "task":
        where = _task_words(looked, "type")
        return (f"er is geen taak{where}{looked.rest()}" if nl else
                f"there is no task{where}{looked.rest()}")
    if kind == "person":
        roles = [V.ROLE_LABELS[w.lang][r] for r in V.ROLES if looked.left.get(r) is True]
        roles += [_CLASSES[w.lang][c] for c in _CLASSES[w.lang] if looked.left.get(c) is True]
        for key in [*V.ROLES, *_CLASSES[w.lang]]:
            if looked.left.get(key) is True:
                looked.take(key)
        person = looked.take("person")
        who = w.name(person) if person is not _MISSING else ""
        joined = (" en " if nl else " and ").join(roles)
        if who:
            return (f"{who} is geen {joined}{looked.rest()}" if nl and roles else
                    f"{who} is not {joined}{looked.rest()}" if roles else
                    f"{who} {'is er niet' if nl else 'is not there'}{looked.rest()}")
        return (f"niemand is {joined or 'er'}{looked.rest()}" if nl else
                f"nobody is {joined or 'there'}{looked.rest()}")
    if kind in ("scope", "covers", "mandate"):
        to = looked.take("to")
        holder = w.name(to) if to is not _MISSING else ("niemand" if nl else "nobody")
        from_leader = looked.take("from_leader")
        giver = ((" van de schoolleider" if nl else " from the school leader")
                 if from_leader is True else "")
        if from_leader not in (True, _MISSING):
            looked.left["from_leader"] = from_leader
        item = looked.take("item")
        label = ""
        if item is not _MISSING:
            label = str(item)
            label = (" voor " if nl else " for ") + (
                V.TASK_TYPE_LABELS[w.lang].get(label) or V.DOMAIN_LABELS[w.lang].get(label, label))
        else:
            label = _task_words(looked, "task_type")
        return (f"{holder} heeft geen mandaat{giver}{label}{looked.rest()}" if nl else
                f"{holder} holds no mandate{giver}{label}{looked.rest()}")
    if kind == "holder":
        target = looked.take("target")
        role = (V.STEP_ROLE_LABELS[w.lang].get(str(target))
                or V.ROLE_LABELS[w.lang].get(str(target), str(target)))
        return (f"niemand is {role}{looked.rest()}" if nl else
                f"nobody is {role}{looked.rest()}")
    noun = _NOUNS[w.lang].get(str(kind), str(kind))
    return (f"er is geen {noun}{looked.rest()}" if nl else f"there is no {noun}{looked.rest()}")


_NOUNS = {"nl": {"signal": "signaal", "lead": "leiding", "workload": "werklast",
                 "walk": "stap op een route", "route_step": "routestap"},
          "en": {"signal": "signal", "lead": "line management", "workload": "workload",
                 "walk": "step on a route", "route_step": "route step"}}



_SENTENCES = {"assignment": _assignment, "member_assignment": _assignment, "person": _person,
              "task": _task, "mandate": _mandate, "scope": _scope, "covers": _scope, "workload": _workload,
              "signal": _signal, "walk": _walk, "holder": _holder, "lead": _lead,
              "route_step": _route_step}


#: How many cards "Eerst doen" names, in the text and the HTML report alike.
FIRST_STEPS = 3


def present(report: Report, names: Mapping[str, str], titles: Mapping[str, str],
            sources: Mapping[str, SourceInfo], lang: str = "nl", first: int = FIRST_STEPS, *,
            people: frozenset[str] | set[str] = frozenset()) -> Presented:
    """The report as a person reads it.

    ``names`` turns ids into names, ``titles`` rule ids into the rules' titles, ``sources``
    the file names of source texts into what is known of them. Findings refer to each
    other where they share a task, mandate, signal or route (``people`` are left out: the
    ib'er is in many findings that have nothing else in common).
    """
    findings = report.findings
    cards = _cards(findings, people)
    items: list[Item] = []
    card_of: dict[int, int] = {}
    for number, members in enumerate(cards, 1):
        f = findings[members[0]]
        info = sources.get(f.explanation.source.text)
        shown = set(f.subjects)
        also = []
        for i in members[1:]:
            for s in findings[i].subjects:
                if s not in shown:
                    shown.add(s)
                    name = names.get(s, s)
                    also.append(name if s in people else f"'{name}'")
        items.append(Item(
            number=number, finding=f, title=titles.get(f.rule, f.rule),
            why=[because_words(fact, names, lang) for fact in f.explanation.because],
            source=describe(info, f.explanation.source.text, lang),
            quote=corrected(f.explanation.source.quote, info),
            others=[findings[i] for i in members[1:]], also=also))
        card_of.update({i + 1: number for i in members})
    by_subject: dict[str, set[int]] = {}
    for item in items:
        for f in (item.finding, *item.others):
            for s in f.subjects:
                by_subject.setdefault(s, set()).add(item.number)
    for item in items:
        related = {n for f in (item.finding, *item.others) for s in f.subjects
                   if s not in _EVERYONE and s not in people for n in by_subject[s]}
        item.see_also = sorted(related - {item.number})
    return Presented(counts=_counts(report, lang), first=_first(items, first, lang), items=items,
                     card_of=card_of)


def _cards(findings: Sequence[Finding], people: frozenset[str] | set[str]) -> list[list[int]]:
    """The findings (by index) on one card each problem: findings of one rule that share a
    subject (one ib'er leading three teachers, two ib'ers on one parent conversation, one
    person accountable without a mandate on two tasks), in the report's order. ``team``
    and ``ouders`` join nothing: they are everyone's."""
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, str], int] = {}
    for i, f in enumerate(findings):
        for subject in f.subjects:
            if subject in _EVERYONE:
                continue
            other = seen.setdefault((f.rule, subject), i)
            if other != i:
                parent[root(i)] = root(other)
    groups: dict[int, list[int]] = {}
    for i in range(len(findings)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())


_EVERYONE = (V.ALL_STAFF, V.PARENTS)


def _counts(report: Report, lang: str) -> str:
    return counts(report.summary, lang)


def _first(items: Sequence[Item], most: int, lang: str) -> list[tuple[int, str]]:
    """What to do first: the suggestions of the most serious cards, one per rule and one
    per subject."""
    out: list[tuple[int, str]] = []
    rules: set[str] = set()
    subjects: set[str] = set()
    for item in items:
        f = item.finding
        if f.severity == "advice" or len(out) >= most:
            break
        concerned = {s for g in (f, *item.others) for s in g.subjects[:1]}
        if f.rule in rules or concerned & subjects:
            continue
        rules.add(f.rule)
        subjects |= concerned
        out.append((item.number, suggestion(item, lang)))
    return out


def suggestion(item: Item, lang: str = "nl") -> str:
    """A card's "what to do": its first finding's suggestion, and whom else it concerns."""
    text = item.finding.explanation.suggestion
    if not item.also:
        return text
    names = ", ".join(item.also[:-1]) + (" en " if lang == "nl" else " and ") + item.also[-1] \
        if len(item.also) > 1 else item.also[0]
    return text + (f" Net zo voor {names}." if lang == "nl" else f" The same for {names}.")


#: The severities counted in words: singular and plural of each.
_COUNT_WORDS = {
    "nl": ("overtreding", "overtredingen", "waarschuwing", "waarschuwingen", "advies",
           "adviezen"),
    "en": ("violation", "violations", "warning", "warnings", "piece of advice",
           "pieces of advice"),
}


def counts(summary: dict[str, int], lang: str = "nl") -> str:
    """The findings counted in words, singular or plural as the number asks.

    >>> counts({"violation": 7, "warning": 1, "advice": 0})
    '7 overtredingen, 1 waarschuwing, 0 adviezen'
    >>> counts({"violation": 1, "warning": 2, "advice": 1}, "en")
    '1 violation, 2 warnings, 1 piece of advice'
    """
    words = _COUNT_WORDS[lang]
    parts = []
    for i, severity in enumerate(("violation", "warning", "advice")):
        n = summary.get(severity, 0)
        parts.append(f"{n} {words[2 * i] if n == 1 else words[2 * i + 1]}")
    return ", ".join(parts)


def fact_line(fact: dict[str, Any]) -> str:
    """A matched fact as the report's facts list shows it: ``kind(field=value, ...)``."""
    kind = fact.get("fact")
    rest = ", ".join(f"{k}={_short(v)}" for k, v in fact.items()
                     if k not in ("fact", "absent") and v != "")
    return f"{'geen ' if fact.get('absent') else ''}{kind}({rest})"


_OPERATOR_SIGNS = {"ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "not_in": "∉"}


def _short(value: Any) -> str:
    """A fact's value as the text report shows it; a condition such as ``{"in": [a, b]}``
    (what an absent fact was looked for with) as ``a|b``.

    >>> _short({"in": ["accountable", "responsible"]}), _short({"ne": "toetskalender"})
    ('accountable|responsible', '≠toetskalender')
    >>> _short(0.66666), _short(True)
    ('0.667', 'true')
    """
    if isinstance(value, dict) and len(value) == 1:
        (op, operand), = value.items()
        shown = "|".join(_short(v) for v in operand) if isinstance(operand, list) else \
            _short(operand)
        return shown if op == "in" else _OPERATOR_SIGNS.get(op, op + " ") + shown
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value).lower() if isinstance(value, bool) else str(value)
