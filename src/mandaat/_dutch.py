"""Problem messages about a school file, in Dutch: the language of the people who write it.

``Problem.msg`` stays English (apps and tests match on it). :func:`problem_text` gives the
message in the language asked for; Dutch comes from an ordered table of the English
message templates, one row per template the school-file path can produce, with the
vocabulary inside them (role, task type, "did you mean", ...) translated too. Details from
the YAML and JSON parsers are translated where they are known; an unknown detail stays
English inside a Dutch frame (``ongeldige YAML: ...``).

The table is written for school files. Rule-pack and scenario-file problems stay English
(their authors are developers): ``MandaatInputError.render`` does not translate them.

>>> from mandaat.errors import Problem
>>> p = Problem("school.yaml", 6, ("people", 1, "roles", 0), "unknown_value",
...             "unknown role 'intern-begeleider' (did you mean 'intern_begeleider'?)")
>>> problem_text(p, "nl")
"onbekende rol 'intern-begeleider' (bedoelde u 'intern_begeleider'?)"
>>> problem_text(p, "en") == p.msg
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Protocol


class _Message(Protocol):
    """What :func:`problem_text` reads of a :class:`mandaat.errors.Problem`."""

    type: str
    msg: str


LANGS: tuple[str, ...] = ("nl", "en")


#: The months, in each language of :data:`LANGS`.
MONTHS = {"nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                   "september", "oktober", "november", "december"),
           "en": ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")}


def date_words(iso: str, lang: str) -> str:
    """``2027-01-12`` as "12 januari 2027" (or "12 January 2027"); ``""`` stays empty.

    >>> date_words("2027-01-12", "nl"), date_words("", "en")
    ('12 januari 2027', '')
    """
    if not iso:
        return ""
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{day} {MONTHS[lang][month - 1]} {year}"


def check_lang(lang: str) -> None:
    """Refuse a language mandaat has no messages in."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")


def problem_text(problem: _Message, lang: str) -> str:
    """The message of ``problem`` in ``lang`` (``"nl"`` or ``"en"``).

    A message no row of the table knows is returned as it is (English); the tests render
    a problem of every type the school loader raises to keep that from happening.
    """
    check_lang(lang)
    if lang == "en":
        return problem.msg
    return translate(problem.msg, problem.type)


def translate(msg: str, type_: str = "") -> str:
    """The Dutch form of an English problem message; ``type_`` picks a fallback frame.

    >>> translate("no person or team with id 'anne' (did you mean 'anna'?)")
    "er is geen persoon of team met id 'anne' (bedoelde u 'anna'?)"
    >>> translate("failed to decode base64 data: Incorrect padding", "not_yaml")
    'ongeldige YAML: failed to decode base64 data: Incorrect padding'
    """
    for pattern, template in _table():
        match = pattern.fullmatch(msg)
        if match:
            return _fill(template, match)
    frame = _FALLBACK.get(type_)
    return frame.format(msg) if frame else msg


# --- the parts inside a message -------------------------------------------------------------

#: `` (did you mean 'x'?)`` as :func:`mandaat.school.vocabulary.did_you_mean` writes it.
_HINT = r"(?P<hint> \(did you mean '.*'\?\))?"

#: ``unknown <what> 'x'``: the words of the vocabulary, with the article's form in Dutch.
_UNKNOWN_VALUE: dict[str, str] = {
    "role": "onbekende rol",
    "task type": "onbekend taaktype",
    "domain": "onbekend domein",
    "signal type": "onbekend signaaltype",
    "team kind": "onbekende soort team",
    "external kind": "onbekende soort externe partij",
    "step role": "onbekende rol in een route",
    "task type or domain": "onbekend taaktype of domein",
}

#: ``no <what> with id 'x'``: what a reference names.
_REFERENCE: dict[str, str] = {
    "person": "persoon",
    "team": "team",
    "person or team": "persoon of team",
    "person, team or external party": "persoon, team of externe partij",
    "external party": "externe partij",
}

#: ``id 'x' is reserved: it means <what>``: what a reserved id stands for.
_RESERVED: dict[str, str] = {
    "all staff": "het hele team",
    "the pupil's parents": "de ouders van de leerling",
}

#: The wrong-type messages of ``_validation._EXPECTED``, word for word.
_EXPECTED: dict[str, str] = {
    "expected text": "verwacht tekst",
    "expected a whole number": "verwacht een geheel getal",
    "expected a number": "verwacht een getal",
    "expected true or false": "verwacht true of false",
    "expected a list": "verwacht een lijst",
    "expected a mapping": "verwacht velden met een waarde (veld: waarde)",
    "expected a date (YYYY-MM-DD)": "verwacht een datum (JJJJ-MM-DD)",
    "expected a finite number": "verwacht een eindig getal",
}

#: What a document is instead of a mapping (``type(data).__name__``).
_KIND: dict[str, str] = {
    "empty": "het bestand is leeg",
    "list": "dit is een lijst",
    "str": "dit is losse tekst",
    "int": "dit is een getal",
    "float": "dit is een getal",
    "bool": "dit is alleen true of false",
}

#: Details of the YAML parser (libyaml, and PyYAML's own where it differs).
_YAML: list[tuple[str, str]] = [
    (r"did not find expected node content", "hier ontbreekt een waarde"),
    (r"found a tab character that violates indentation|found character '\\t' that cannot "
     r"start any token", "er staat een tab in de inspringing; gebruik spaties"),
    (r"found unexpected end of stream",
     "het bestand houdt onverwacht op (is een aanhalingsteken of haakje niet gesloten?)"),
    (r"did not find expected key|could not find expected ':'",
     "hier hoort een veld met een waarde (veld: waarde)"),
    (r"did not find expected '-' indicator", "hier hoort een regel van de lijst (met '-')"),
    (r"did not find expected (?P<a>.+) or (?P<b>.+)", "hier ontbreekt {a} of {b}"),
    (r"did not find expected (?P<a>.+)", "hier ontbreekt {a}"),
    (r"expected (?P<a>.+?) or (?P<b>.+?), but (?:found|got) (?P<c>.+)",
     "hier hoort {a} of {b}, maar er staat {c}"),
    (r"expected (?P<a>.+?), but (?:found|got) (?P<c>.+)", "hier hoort {a}, maar er staat {c}"),
    (r"mapping values are not allowed (?:in this context|here)",
     "hier mag geen 'veld: waarde' staan (een dubbele punt te veel, of ontbreken er "
     "aanhalingstekens?)"),
    (r"block sequence entries are not allowed (?:in this context|here)",
     "hier mag geen regel van een lijst ('-') staan"),
    (r"found undefined alias(?: (?P<a>.+))?", "verwijzing naar een onbekend anker{a_}"),
    (r"second occurrence|found duplicate anchor.*",
     "een anker (&naam) komt twee keer voor"),
    (r"found character(?: (?P<a>.+))? that cannot start any token",
     "een waarde mag niet met dit teken{a_} beginnen; zet de waarde tussen aanhalingstekens"),
    (r"found unknown escape character(?: (?P<a>.+))?",
     "onbekende code na een backslash{a_} in tekst tussen dubbele aanhalingstekens"),
    (r"control characters are not allowed|unacceptable character .*",
     "het bestand bevat een teken dat niet is toegestaan"),
    (r"month must be in 1\.\.12", "een datum met een maand die niet bestaat (1 tot en met 12)"),
    (r"day is out of range for month", "een datum met een dag die die maand niet heeft"),
    (r"year (?P<a>-?\d+) is out of range", "een datum met een jaar dat niet kan ({a})"),
    (r"maximum recursion depth exceeded.*", "de gegevens zijn te diep genest"),
    (r"but found another document",
     "na het eerste document begint er nog een (---); een schoolbestand is één document"),
    (r"(?P<a>.*) cannot be read as a whole number", "{a} is geen geheel getal"),
    (r"(?P<a>.*) cannot be read as a number", "{a} is geen getal"),
    (r"(?P<a>.*) cannot be read as true or false", "{a} is niet true of false"),
    (r"(?P<a>.*) cannot be read as a date", "{a} is geen datum (JJJJ-MM-DD)"),
]

#: Details of Python's JSON parser.
_JSON: list[tuple[str, str]] = [
    (r"Expecting value", "hier ontbreekt een waarde"),
    (r"Expecting property name enclosed in double quotes",
     "hier hoort een veldnaam tussen dubbele aanhalingstekens"),
    (r"Expecting ',' delimiter", "hier ontbreekt een komma"),
    (r"Expecting ':' delimiter", "hier ontbreekt een dubbele punt"),
    (r"Extra data", "na het einde van het document staat nog tekst"),
    (r"Unterminated string starting at", "een tekst zonder sluitend aanhalingsteken"),
    (r"Invalid control character at", "een stuurteken in een tekst"),
    (r"Invalid \\escape|Invalid \\uXXXX escape", "onbekende code na een backslash"),
    (r"Illegal trailing comma before end of (?:object|array)", "een komma te veel aan het eind"),
]

#: Why bytes are not UTF-8 (``UnicodeDecodeError.reason``).
_UTF8: list[tuple[str, str]] = [
    (r"invalid start byte|invalid continuation byte", "er staat een teken in dat geen UTF-8 is"),
    (r"unexpected end of data", "het bestand eindigt midden in een letter"),
    (r"surrogates not allowed", "er staat een teken in dat in UTF-8 niet kan bestaan"),
]

#: Why a file cannot be read (``OSError.strerror``).
_OS: list[tuple[str, str]] = [
    (r"Permission denied", "u heeft geen toegang tot dit bestand"),
    (r"File name too long", "de naam van het bestand is te lang"),
    (r"Too many levels of symbolic links", "te veel snelkoppelingen achter elkaar"),
    (r"Not a directory", "een deel van het pad is geen map"),
    (r"No such file or directory", "de map bestaat niet"),
    (r"No space left on device", "de schijf is vol"),
    (r"Read-only file system", "op deze schijf kan niet worden geschreven"),
]

#: pydantic's own messages that ``_validation`` passes on (type ``invalid_value``).
_PYDANTIC: list[tuple[str, str]] = [
    (r"string should have at most (?P<a>\d+) characters?", "mag hoogstens {a} tekens lang zijn"),
    (r"string should have at least (?P<a>\d+) characters?", "moet minstens {a} tekens lang zijn"),
    (r"list should have at most (?P<a>\d+) items?.*", "mag hoogstens {a} onderdelen hebben"),
    (r"list should have at least (?P<a>\d+) items?.*", "moet minstens {a} onderdelen hebben"),
    (r"recursion loop detected", "de gegevens verwijzen naar zichzelf"),
    (r"a step names exactly one of role, person, team or external(?: \(not .*\))?",
     "een stap noemt precies één van 'role', 'person', 'team' of 'external'"),
    (r"the first step of a route acts: 'joins' is for a later step, where someone joins "
     r"whoever acts",
     "de eerste stap van een route handelt: 'joins' is voor een latere stap, waar iemand "
     "aansluit bij wie handelt"),
]


def _detail(rows: list[tuple[str, str]]) -> Callable[[str | None], str]:
    compiled = functools.cache(lambda: [(re.compile(p), template) for p, template in rows])

    def translate_detail(text: str | None) -> str:
        text = text or ""
        for pattern, template in compiled():
            match = pattern.fullmatch(text)
            if match:
                found = {k: v or "" for k, v in match.groupdict().items()}
                found.update({f"{k}_": f" {v}" if v else "" for k, v in found.items()})
                return template.format(**found)
        return text

    return translate_detail


def _hint(text: str | None) -> str:
    if not text:
        return ""
    return text.replace(" (did you mean ", " (bedoelde u ", 1)


def _got(text: str | None) -> str:
    """A value as ``repr`` showed it, in the words of the file where they differ.

    >>> _got("None"), _got("True"), _got("'x'"), _got("datetime.datetime(2026, 9, 1, 10, 0)")
    ('een lege waarde', 'true', "'x'", '2026-09-01 10:00 (een datum met een tijd)')
    """
    text = text or ""
    moment = re.fullmatch(r"datetime\.datetime\((\d+), (\d+), (\d+), (\d+), (\d+)[^)]*\)", text)
    if moment:
        y, mo, d, h, mi = (int(n) for n in moment.groups())
        return f"{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} (een datum met een tijd)"
    return {"None": "een lege waarde", "True": "true", "False": "false"}.get(text, text)


def _choices(text: str | None) -> str:
    return re.sub(r" or ('[^']*')$", r" of \1", text or "")


def _allowed(text: str | None) -> str:
    return f"; toegestaan: {text}" if text else ""


def _params(text: str | None) -> str:
    if not text or text == "none":
        return "de regelpakketten kennen geen parameters"
    return f"de regelpakketten kennen: {text}"


def _known(text: str | None) -> str:
    return f"bekende signalen: {text}" if text else "de school heeft geen signalen"


#: How a named group of a row's pattern is put in Dutch before it fills the template.
def _thousands(number: str | None) -> str:
    """A number as Dutch writes it: ``10,000`` as ``10.000``."""
    return (number or "").replace(",", ".")


_GROUPS: dict[str, Callable[[str | None], str]] = {
    "hint": _hint,
    "got": _got,
    "choices": _choices,
    "allowed": _allowed,
    "params": _params,
    "known": _known,
    "unknown": lambda what: _UNKNOWN_VALUE[what or ""],
    "ref": lambda what: _REFERENCE[what or ""],
    "reserved": lambda what: _RESERVED[what or ""],
    "expected": lambda what: _EXPECTED[what or ""],
    "kind": lambda kind: _KIND.get(kind or "", f"dit is {kind}"),
    "yaml": _detail(_YAML),
    "json": _detail(_JSON),
    "utf8": _detail(_UTF8),
    "os": _detail(_OS),
    "pydantic": _detail(_PYDANTIC),
    # numbers with thousands: 10,000 -> 10.000
    "count": _thousands, "first": _thousands, "n": _thousands, "limit": _thousands,
    "month": lambda m: MONTHS["nl"][MONTHS["en"].index(m)] if m in MONTHS["en"] else m or "",
    "node": lambda kind: _NODE[kind or ""],
    "link": lambda text: ("is een koppeling naar " + text[len("is a link to "):]) if text else "",
    "reads": lambda what: {"CSV": "CSV", "a workbook": "werkboek",
                           "a school file": "schoolbestand"}[what or ""],
    "written": lambda what: _WRITTEN[what or ""],
    "which": lambda what: {"none was given": "er is er geen meegestuurd",
                           "the one given is not right": "het meegestuurde token klopt niet"
                           }[what or ""],
    "types": lambda what: (what or "").replace(" or ", " of "),
}

#: What a name that is not a regular file is (mandaat.workbook.write_file).
_NODE = {"a named pipe (FIFO)": "een named pipe (FIFO)", "a socket": "een socket",
         "a device": "een apparaat", "something else": "iets anders"}
#: What is written, for a name whose suffix does not fit it (mandaat.workbook.write_file).
_WRITTEN = {"a school file": "een schoolbestand", "JSON": "JSON", "CSV": "CSV",
            "a web page": "een webpagina", "text": "tekst"}


def _alternatives(words: Mapping[str, str]) -> str:
    # the longest first, so "task type or domain" is not read as "task type"
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


#: (English message template, Dutch template): one row per message the school-file path
#: can produce, in the order they are tried.
_ROWS: list[tuple[str, str]] = [
    # reading a file (_source.py, and the command line's standard input)
    (r"no such file", "dit bestand bestaat niet"),
    (r"is a folder, not a file", "dit is een map, geen bestand"),
    (r"not a regular file \(a FIFO, device or socket\); mandaat reads files only",
     "geen gewoon bestand (een pipe, apparaat of socket); mandaat leest alleen bestanden"),
    (r"not UTF-8 text \((?P<utf8>.*)\)",
     "de tekst is niet als UTF-8 opgeslagen ({utf8}); sla het bestand opnieuw op als UTF-8"),
    (r"cannot read: (?P<os>.*)", "het bestand kan niet worden gelezen: {os}"),
    (r"not valid JSON: (?P<json>.*)", "ongeldige JSON: {json}"),
    (r"(?P<name>NaN|-?Infinity) is not a number JSON allows: write a number",
     "{name} is geen getal dat JSON toestaat: schrijf een getal"),
    (r"YAML tag (?P<tag>.*) is not allowed: a school file holds plain data only",
     "YAML-tag {tag} is niet toegestaan: een schoolbestand bevat alleen gewone gegevens"),
    (r"duplicate key '(?P<key>.*)' \(first on line (?P<line>\d+)\)",
     "veld '{key}' komt twee keer voor (de eerste keer op regel {line})"),
    (r"a mapping key must be a plain value",
     "een veldnaam moet gewone tekst of een getal zijn"),
    (r"not valid YAML: (?P<yaml>.*)", "ongeldige YAML: {yaml}"),
    # shape and vocabulary (loader.py, _validation.py, the models' vocabulary)
    (r"a school file is a mapping of keys, not (?P<kind>.*)",
     "een schoolbestand bestaat uit velden met een waarde (zoals 'format: mandaat/1'), "
     "maar {kind}"),
    (r"unsupported format (?P<format>.*); supported: (?P<supported>.*)",
     "onbekend formaat {format}; deze versie leest: {supported}"),
    (r"cannot be read as a school: (?P<detail>.*)",
     "de gegevens kunnen niet als school worden gelezen: {detail}"),
    (r"missing required field '(?P<field>.*)'", "ontbrekend verplicht veld '{field}'"),
    (rf"unknown field '(?P<field>.*?)'{_HINT}(?:; allowed: (?P<allowed>.*))?",
     "onbekend veld '{field}'{hint}{allowed}"),
    (rf"unknown (?P<unknown>{_alternatives(_UNKNOWN_VALUE)}) '(?P<value>.*?)'{_HINT}",
     "{unknown} '{value}'{hint}"),
    (rf"expected one of (?P<choices>.*), got (?P<got>.*?){_HINT}",
     "verwacht een van {choices}, kreeg {got}{hint}"),
    (r"invalid id (?P<value>.*): use lowercase letters, digits, '-' and '_', starting with a "
     r"letter or digit \(at most 64\)",
     "ongeldige id {value}: gebruik kleine letters, cijfers, '-' en '_', begin met een letter "
     "of cijfer, en hoogstens 64 tekens"),
    (r"(?P<value>.*) does not match the form (?P<pattern>.*)",
     "{value} heeft niet de vorm {pattern}"),
    (r"must be (?P<bound>\S+) or more, not (?P<got>.*)", "moet {bound} of meer zijn, niet {got}"),
    (r"must be (?P<bound>\S+) or less, not (?P<got>.*)",
     "mag hoogstens {bound} zijn, niet {got}"),
    (r"expected a list, got a set \(a set has no order\)",
     "verwacht een lijst, kreeg een verzameling (set): die heeft geen volgorde"),
    (rf"(?P<expected>{_alternatives(_EXPECTED)}), got (?P<got>.*)", "{expected}, kreeg {got}"),
    (r"must not be empty", "mag niet leeg zijn"),
    (r"(?P<pydantic>(?:string|list) should have at (?:most|least) .*|recursion loop detected"
     r"|a step names exactly one of .*|the first step of a route acts: .*)",
     "{pydantic}"),
    # references and dates (_references.py)
    (rf"id '(?P<id>.*)' is reserved: it means (?P<reserved>{_alternatives(_RESERVED)})",
     "de id '{id}' is gereserveerd: die betekent {reserved}; kies een andere id"),
    (r"duplicate id '(?P<id>.*)' \(also (?P<where>.*)\)",
     "de id '{id}' komt twee keer voor (ook bij {where})"),
    (r"no person with id '(?P<id>.*?)': a signal '(?P<type>.*)' is about a staff member; "
     r"a pupil whose development lags is a signal '(?P<pupil>.*)'",
     "er is geen persoon met id '{id}': een signaal '{type}' gaat over een medewerker; de "
     "ontwikkeling van een leerling die achterblijft is een signaal '{pupil}'"),
    (r"no person with name or id '(?P<id>.*?)': a signal '(?P<type>.*)' is about a staff "
     r"member; a pupil whose development lags is a signal '(?P<pupil>.*)'",
     "er is geen persoon met naam of id '{id}': een signaal '{type}' gaat over een "
     "medewerker; de ontwikkeling van een leerling die achterblijft is een signaal "
     "'{pupil}'"),
    (rf"no (?P<ref>{_alternatives(_REFERENCE)}) with id '(?P<id>.*?)'{_HINT}",
     "er is geen {ref} met id '{id}'{hint}"),
    (r"'supervises' is for an ib'er, and this person has no ib role \(intern_begeleider or "
     r"interim_intern_begeleider\); for line management write 'leads'",
     "'supervises' is voor een ib'er, en deze persoon heeft geen ib-rol (intern_begeleider "
     "of interim_intern_begeleider); leidinggeven schrijft u als 'leads'"),
    (r"a signal '(?P<type>.*)' needs 'since': the lag is measured from that date",
     "een signaal '{type}' heeft 'since' nodig: vanaf die datum wordt de achterstand gemeten"),
    (r"'since' (?P<since>\S+) is after 'as_of' (?P<as_of>\S+)",
     "'since' {since} ligt na de peildatum 'as_of' {as_of}"),
    (r"'until' (?P<until>\S+) is before 'from' (?P<start>\S+)",
     "de afwezigheid eindigt ('until' {until}) voordat ze begint ('from' {start})"),
    # the rule packs' params (evaluation.py)
    (rf"unknown param '(?P<name>.*?)'{_HINT}; the rule packs define: (?P<params>.*)",
     "onbekende parameter '{name}'{hint}; {params}"),
    # a signal escalate is asked about (evaluation.py)
    (rf"no signal with id '(?P<id>.*?)'{_HINT}; (?:known: (?P<known>.*)|the school has no "
     r"signals)", "er is geen signaal met id '{id}'{hint}; {known}"),
    # the command line's own problems (cli.py)
    (rf"no route with id '(?P<id>.*?)'{_HINT}; known: (?P<routes>.*)",
     "er is geen route met id '{id}'{hint}; routes in deze school: {routes}"),
    (r"no route for signal '(?P<id>.*?)' \((?P<type>.*)\)",
     "er is geen route voor signaal '{id}' ({type})"),
    (r"no \.yaml, \.yml or \.json school files here",
     "in deze map staan geen schoolbestanden (.yaml, .yml of .json)"),
    # a time budget (errors.CheckTimeoutError)
    (r"the check took longer than its time budget of (?P<seconds>\S+) s and was stopped; the "
     r"rule packs or the school may be too large",
     "de controle duurde langer dan de tijdslimiet van {seconds} s en is gestopt; de "
     "regelpakketten of de school zijn mogelijk te groot"),
    # requests to mandaat serve (service/)
    (r"missing query parameter '(?P<name>.*)'", "ontbrekende queryparameter '{name}'"),
    (r"query parameter '(?P<name>.*)' must be one of (?P<choices>.*), not (?P<got>.*)",
     "queryparameter '{name}' moet een van {choices} zijn, niet {got}"),
    (r"query parameter '(?P<name>.*?)': (?P<detail>.*)", "queryparameter '{name}': {detail}"),
    (r"no endpoint (?P<method>\S+) (?P<path>.*); the service's endpoints are listed at /docs",
     "er is geen endpoint {method} {path}; de endpoints van de service staan op /docs"),
    (rf"no rule pack named '(?P<name>.*?)'{_HINT}; this server has: (?P<names>.*)",
     "er is geen regelpakket met de naam '{name}'{hint}; deze server heeft: {names}"),
    (r"a body of type '(?P<type>.*)' is not read; send (?P<types>.*)",
     "een body van het type '{type}' wordt niet gelezen; stuur {types}"),
    (r"this server needs a bearer token \(Authorization: Bearer \.\.\.\); (?P<which>none was "
     r"given|the one given is not right)",
     "deze server vraagt een token (Authorization: Bearer ...); {which}"),
    (r"the server is checking as many schools as it takes at once \((?P<n>[\d,]+)\); try "
     r"again in (?P<seconds>\d+) s",
     "de server controleert al zoveel scholen tegelijk als hij aankan ({n}); probeer het over "
     "{seconds} s opnieuw"),
    # the limits of every input (_source.py, mandaat.limits)
    (r"larger than (?P<count>[\d,]+) bytes, the most mandaat reads",
     "groter dan {count} bytes; meer leest mandaat niet"),
    (r"lists and mappings nested more than (?P<count>[\d,]+) deep, the most mandaat reads",
     "lijsten en velden meer dan {count} lagen diep in elkaar; meer leest mandaat niet"),
    (r"more than (?P<count>[\d,]+) items in one list, the most mandaat reads",
     "meer dan {count} onderdelen in één lijst; meer leest mandaat niet"),
    (r"more than (?P<count>[\d,]+) keys in one mapping, the most mandaat reads",
     "meer dan {count} velden op één plek; meer leest mandaat niet"),
    (r"more than (?P<count>[\d,]+) values \(every alias written out\), the most mandaat reads",
     "meer dan {count} waarden (elke verwijzing *naam uitgeschreven); meer leest mandaat niet"),
    (r"more than (?P<count>[\d,]+) characters of text \(every alias written out\), the most "
     r"mandaat reads",
     "meer dan {count} tekens tekst (elke verwijzing *naam uitgeschreven); meer leest mandaat "
     "niet"),
    (r"more than (?P<count>[\d,]+) aliases \(\*name\), the most mandaat reads",
     "meer dan {count} verwijzingen (*naam); meer leest mandaat niet"),
    (r"the alias \*(?P<name>.*) stands inside the value its anchor names: it would hold itself",
     "de verwijzing *{name} staat binnen de waarde van haar eigen anker (&{name}): die waarde "
     "zou zichzelf bevatten"),
    (r"a list or mapping that holds itself", "een lijst of groep velden die zichzelf bevat"),
    (r"more than (?P<count>[\d,]+) problems; the first (?P<first>[\d,]+) are shown",
     "meer dan {count} problemen; alleen de eerste {count} staan hier"),
    # workbooks and CSV files (workbook.py)
    (r"and at least (?P<count>[\d,]+) more problems; the first (?P<first>[\d,]+) are shown",
     "en nog minstens {count} problemen; alleen de eerste {first} staan hier"),
    (r"and (?P<count>[\d,]+) more problems; the first (?P<first>[\d,]+) are shown",
     "en nog {count} problemen; alleen de eerste {first} staan hier"),
    (r"the file is (?P<size>\S+ MB); mandaat reads files up to (?P<limit>.*)",
     "het bestand is {size}; mandaat leest bestanden tot {limit}"),
    (r"not an Excel workbook \(\.xlsx\): an old \.xls file or a workbook protected with a "
     r"password; save it as an Excel workbook \(\.xlsx\) without a password",
     "geen Excel-werkmap (.xlsx): een oud .xls-bestand of een werkmap met een wachtwoord; sla "
     "het op als Excel-werkmap (.xlsx) zonder wachtwoord"),
    (r"an OpenDocument spreadsheet \(\.ods\): mandaat reads Excel workbooks; save it as an "
     r"Excel workbook \(\.xlsx\)",
     "een OpenDocument-rekenblad (.ods): mandaat leest Excel-werkmappen; sla het op als "
     "Excel-werkmap (.xlsx)"),
    (r"not an Excel workbook \(\.xlsx\): not a zip archive",
     "geen Excel-werkmap (.xlsx): het is geen zip-archief"),
    (r"not an Excel workbook \(\.xlsx\): the zip holds no workbook",
     "geen Excel-werkmap (.xlsx): het zip-archief bevat geen werkmap"),
    (r"not an Excel workbook \(\.xlsx\): damaged \(part '(?P<part>.*)' is listed twice\)",
     "geen Excel-werkmap (.xlsx): beschadigd (onderdeel '{part}' staat er twee keer in)"),
    (r"not an Excel workbook \(\.xlsx\): damaged \(part '(?P<part>.*)' is packed in a way "
     r"Excel does not use\)",
     "geen Excel-werkmap (.xlsx): beschadigd (onderdeel '{part}' is ingepakt op een manier "
     "die Excel niet gebruikt)"),
    (r"not an Excel workbook \(\.xlsx\): damaged \(part '(?P<part>.*)' is written in "
     r"(?P<encoding>.*), an encoding Excel does not use\)",
     "geen Excel-werkmap (.xlsx): beschadigd (onderdeel '{part}' is geschreven in "
     "{encoding}, een codering die Excel niet gebruikt)"),
    (r"not an Excel workbook \(\.xlsx\): damaged \((?P<detail>.*)\)",
     "geen Excel-werkmap (.xlsx): beschadigd ({detail})"),
    (r"the cell holds (?P<n>[\d,]+) characters; a cell holds at most (?P<limit>[\d,]+)",
     "de cel bevat {n} tekens; een cel bevat er hoogstens {limit}"),
    (r"part '(?P<part>.*)' holds more than (?P<n>[\d,]+) formats and styles; mandaat reads at "
     r"most (?P<limit>[\d,]+)",
     "onderdeel '{part}' bevat meer dan {n} opmaakprofielen; mandaat leest er hoogstens "
     "{limit}"),
    (r"part '(?P<part>.*)' holds more than (?P<n>[\d,]+) shared texts; mandaat reads at most "
     r"(?P<limit>[\d,]+)",
     "onderdeel '{part}' bevat meer dan {n} gedeelde teksten; mandaat leest er hoogstens "
     "{limit}"),
    (r"'(?P<text>.*)' is not a group or a range of groups; write '(?P<a>.*)' or '(?P<b>.*)'",
     "'{text}' is geen groep en geen reeks groepen; schrijf '{a}' of '{b}'"),
    (r"'(?P<text>.*)' is not a group or a range of groups; write the lowest group first: "
     r"'(?P<a>.*)'",
     "'{text}' is geen groep en geen reeks groepen; schrijf de laagste groep eerst: '{a}'"),
    (r"'(?P<text>.*)' is not a group or a range of groups: groups run from (?P<a>\d+) to "
     r"(?P<b>\d+)",
     "'{text}' is geen groep en geen reeks groepen: de groepen lopen van {a} tot en met {b}"),
    (r"'(?P<text>.*)' is not a date; write it as dd-mm-jjjj, such as (?P<example>.*)",
     "'{text}' is geen datum; schrijf hem als dd-mm-jjjj, zoals {example}"),
    (r"'(?P<text>.*)' is not a date: write the year in full, '(?P<full>.*)'",
     "'{text}' is geen datum: schrijf het jaar helemaal, '{full}'"),
    (r"'(?P<text>.*)' is not a date: there is no month (?P<n>\d+)",
     "'{text}' is geen datum: er is geen maand {n}"),
    (r"'(?P<text>.*)' is not a date: (?P<month>[A-Z][a-z]+) (?P<year>\d+) has no day "
     r"(?P<day>\d+)",
     "'{text}' is geen datum: {month} {year} heeft geen dag {day}"),
    (r"the group '(?P<group>.*)' reads back as no group; name it otherwise, or keep this "
     r"school as YAML or JSON",
     "de groep '{group}' wordt teruggelezen als geen groep; geef hem een andere naam, of houd "
     "deze school als YAML of JSON"),
    (r"the group '(?P<group>.*)' reads back as the groups (?P<groups>.*); name it otherwise, or "
     r"keep this school as YAML or JSON",
     "de groep '{group}' wordt teruggelezen als de groepen {groups}; geef hem een andere naam, "
     "of houd deze school als YAML of JSON"),
    (r"'(?P<text>.*)' is the first name of more than one: (?P<names>.*); write the whole name",
     "'{text}' is de voornaam van meer dan één persoon: {names}; schrijf de hele naam"),
    (r"the workbook holds (?P<n>\d+) parts; mandaat reads at most (?P<limit>\d+)",
     "het werkboek bestaat uit {n} delen; mandaat leest er hoogstens {limit}"),
    (r"the workbook unpacks to (?P<size>.*); mandaat reads at most (?P<limit>.*)",
     "uitgepakt is het werkboek {size}; mandaat leest hoogstens {limit}"),
    (r"part '(?P<part>.*)' unpacks to (?P<ratio>\d+) times its packed size; mandaat reads at "
     r"most (?P<limit>\d+) times",
     "onderdeel '{part}' wordt uitgepakt {ratio} keer zo groot (een zip-bom?); mandaat leest "
     "hoogstens {limit} keer zo groot"),
    (r"a workbook with macros \(\.xlsm, vbaProject\.bin\): mandaat runs no macros; save it as "
     r"an Excel workbook \(\.xlsx\)",
     "een werkboek met macro's (.xlsm, vbaProject.bin): mandaat voert geen macro's uit; sla "
     "het op als Excel-werkmap (.xlsx)"),
    (r"part '(?P<part>.*)' declares a DTD \(<!DOCTYPE or <!ENTITY\); a workbook needs none, "
     r"and mandaat reads none",
     "onderdeel '{part}' bevat een DTD (<!DOCTYPE of <!ENTITY); een werkboek heeft die niet "
     "nodig en mandaat leest die niet"),
    (r"the (?P<what>sheet|file) has values beyond column (?P<col>[A-Z]+); mandaat reads at most "
     r"(?P<limit>\d+) columns",
     "er staan waarden na kolom {col}; mandaat leest hoogstens {limit} kolommen"),
    (r"the (?P<what>sheet|file) has values beyond row (?P<row>\d+); mandaat reads at most "
     r"(?P<limit>\d+) rows",
     "er staan waarden na rij {row}; mandaat leest hoogstens {limit} rijen"),
    (r"the (?P<what>sheet|file) holds more than (?P<n>\d+) cells; mandaat reads at most "
     r"(?P<limit>\d+)",
     "er staan meer dan {n} cellen; mandaat leest er hoogstens {limit}"),
    (r"not a CSV file: (?P<detail>.*)", "geen geldig CSV-bestand: {detail}"),
    (r"unknown sheet '(?P<sheet>.*?)' \(did you mean '(?P<meant>.*)'\?\)",
     "onbekend blad '{sheet}' (bedoelde u '{meant}'?)"),
    (r"no sheet 'Personen' or 'Taken': is this a mandaat workbook\? \(for a planner's activity "
     r"overview: --layout planner\)",
     "geen blad 'Personen' of 'Taken': is dit een werkboek voor mandaat? (voor het "
     "activiteitenoverzicht van een planner: --layout planner)"),
    (r"no (?:sheet with a )?heading 'Activiteit' \(or 'Taak'\) in (?:its|the) first 30 rows; "
     r"is this a planner's activity overview\?",
     "geen kop 'Activiteit' (of 'Taak') in de eerste 30 rijen; is dit het "
     "activiteitenoverzicht van een planner?"),
    (r"a formula \((?P<formula>.*)\): mandaat reads typed values only; copy the cell and paste "
     r"it as a value",
     "een formule ({formula}): mandaat leest alleen ingevulde waarden; kopieer de cel en plak "
     "hem als waarde (Plakken speciaal, Waarden)"),
    (r"the cell shows an error \((?P<error>.*)\)", "de cel toont een foutwaarde ({error})"),
    (r"merged cells \((?P<area>.*)\): mandaat reads one value per cell; unmerge them",
     "samengevoegde cellen ({area}): mandaat leest één waarde per cel; maak het samenvoegen "
     "ongedaan"),
    (r"a column without a heading holds values; write a heading in row (?P<row>\d+)",
     "een kolom zonder kop bevat waarden; schrijf een kop in rij {row}"),
    (rf"unknown column '(?P<column>.*?)'{_HINT}; known: (?P<columns>.*)",
     "onbekende kolom '{column}'{hint}; bekend: {columns}"),
    (r"column '(?P<column>.*)' appears twice \(also (?P<cell>.*)\)",
     "kolom '{column}' staat er twee keer (ook in {cell})"),
    (r"row '(?P<row>.*)' appears twice \(also (?P<cell>.*)\)",
     "rij '{row}' staat er twee keer (ook in {cell})"),
    (r"'(?P<name>.*)' has two columns \(also (?P<cell>.*)\)",
     "'{name}' heeft twee kolommen (ook {cell})"),
    (r"'(?P<name>.*)' fits more than one: (?P<ids>.*); write the id instead",
     "'{name}' past bij meer dan één: {ids}; schrijf de id"),
    (rf"no (?P<ref>{_alternatives(_REFERENCE)}) with name or id '(?P<name>.*?)'{_HINT}",
     "er is geen {ref} met naam of id '{name}'{hint}"),
    (rf"no step role, person, team or external party with name or id '(?P<name>.*?)'{_HINT}",
     "er is geen rol, persoon, team of externe partij met naam of id '{name}'{hint}"),
    (r"expected ja or nee, got (?P<got>.*)", "verwacht ja of nee, kreeg {got}"),
    (r"a row without an ID needs a '(?P<column>.*)' to make one from",
     "een rij zonder ID heeft een '{column}' nodig om er een van te maken"),
    (r"missing required column '(?P<column>.*)'", "ontbrekende verplichte kolom '{column}'"),
    (r"a value without a label; write what it is in column A",
     "een waarde zonder omschrijving; schrijf in kolom A wat het is"),
    (r"without a 'Personen' sheet, a person's column heading names the roles too, as "
     r"'Anna Jansen \(leraar\)'; got (?P<got>.*)",
     "zonder blad 'Personen' noemt de kolomkop van een persoon ook de rollen, zoals "
     "'Anna Jansen (leraar)'; hier staat {got}"),
    (r"expected A, R, C or I and/or hours \(as 'R 20'\), got (?P<got>.*)",
     "verwacht A, R, C of I en/of uren (zoals 'R 20'), kreeg {got}"),
    (r"hours belong to a person, not to '(?P<name>.*)'",
     "uren horen bij een persoon, niet bij '{name}'"),
    (r"hours in a row without an activity", "uren in een rij zonder activiteit"),
    (r"no role for this team member: a row 'Functie' under the heading names each one's role",
     "geen rol voor dit teamlid: een rij 'Functie' onder de kop noemt de rol van elk teamlid"),
    (r"route '(?P<id>.*)' has another value here already: (?P<got>.*)",
     "route '{id}' heeft hier al een andere waarde: {got}"),
    (r"step (?P<n>\d+) names someone else already: (?P<got>.*)",
     "stap {n} noemt al iemand anders: {got}"),
    (r"the workbook has no sheet for '(?P<field>.*)'; keep this school as YAML or JSON",
     "het werkboek heeft geen blad voor '{field}'; bewaar deze school als YAML of JSON"),
    (r"the workbook has no column for '(?P<field>.*)'; keep this school as YAML or JSON",
     "het werkboek heeft geen kolom voor '{field}'; bewaar deze school als YAML of JSON"),
    (r"the workbook has no row for '(?P<field>.*)'; keep this school as YAML or JSON",
     "het werkboek heeft geen rij voor '{field}'; bewaar deze school als YAML of JSON"),
    (r"a list item with ',', ';', a line break or spaces at its ends cannot be written in one "
     r"cell", "een onderdeel van een lijst met ',', ';', een regeleinde of spaties aan het "
     "begin of eind past niet in één cel"),
    (r"cannot be written in a cell: it holds a control character",
     "kan niet in een cel: de tekst bevat een stuurteken"),
    (r"cannot be written in a cell: it is longer than a cell holds \((?P<n>\d+) characters\)",
     "kan niet in een cel: de tekst is langer dan een cel kan bevatten ({n} tekens)"),
    (r"the workbook would not read back as the same school; keep this school as YAML or JSON",
     "het werkboek zou niet als dezelfde school teruggelezen worden; bewaar deze school als "
     "YAML of JSON"),
    (r"already exists; mandaat overwrites a file only with --force",
     "bestaat al; mandaat overschrijft een bestand alleen met --force"),
    (r"cannot write: (?P<os>.*)", "kan niet schrijven: {os}"),
    (r"is (?P<node>a named pipe \(FIFO\)|a socket|a device|something else), not a regular "
     r"file; mandaat writes only to a regular file, also with --force: choose another name",
     "is {node}, geen gewoon bestand; mandaat schrijft alleen naar een gewoon bestand, ook "
     "met --force: kies een andere naam"),
    (r"(?P<link>is a link to '.*'; )?mandaat writes a workbook only to a name ending in "
     r"\.xlsx; name it '(?P<name>.*)'",
     "{link}mandaat schrijft een werkboek alleen naar een naam die eindigt op .xlsx; noem "
     "het '{name}'"),
    (r"(?P<link>is a link to '.*'; )?a name ending in (?P<got>\.\S+) is read as "
     r"(?P<reads>CSV|a workbook|a school file), and this is (?P<written>.*); name it "
     r"'(?P<name>.*)'",
     "{link}een naam die eindigt op {got} wordt gelezen als {reads}, en dit is {written}; "
     "noem het '{name}'"),
]

@functools.cache
def _table() -> list[tuple[re.Pattern[str], str]]:
    """The rows compiled, on the first message translated (not by every command's start)."""
    return [(re.compile(pattern, re.DOTALL), template) for pattern, template in _ROWS]

#: The Dutch frame around a message no row knows, by problem type.
_FALLBACK: dict[str, str] = {
    "not_yaml": "ongeldige YAML: {}",
    "not_json": "ongeldige JSON: {}",
    "unreadable": "het bestand kan niet worden gelezen: {}",
    "invalid_value": "ongeldige waarde: {}",
    "invalid": "de gegevens kunnen niet als school worden gelezen: {}",
}


def _fill(template: str, match: re.Match[str]) -> str:
    groups = match.groupdict()
    values = {name: _GROUPS.get(name, _as_is)(value) for name, value in groups.items()}
    return template.format(**values)


def _as_is(value: str | None) -> str:
    return value or ""
