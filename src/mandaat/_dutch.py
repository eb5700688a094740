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

import re
from collections.abc import Callable, Mapping

from .errors import Loc, Problem, format_loc

LANGS: tuple[str, ...] = ("nl", "en")


def check_lang(lang: str) -> None:
    """Refuse a language mandaat has no messages in."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")


def problem_text(problem: Problem, lang: str) -> str:
    """The message of ``problem`` in ``lang`` (``"nl"`` or ``"en"``).

    A message no row of the table knows is returned as it is (English); the tests render
    a problem of every type the school loader raises to keep that from happening.
    """
    check_lang(lang)
    if lang == "en":
        return problem.msg
    return translate(problem.msg, problem.type)


def loc_text(loc: Loc, lang: str) -> str:
    """The field path as ``format_loc`` writes it, with ``(file)`` in ``lang``.

    >>> loc_text(("people", 1, "roles", 0), "nl"), loc_text((), "nl"), loc_text((), "en")
    ('people[1].roles[0]', '(bestand)', '(file)')
    """
    check_lang(lang)
    if not loc and lang == "nl":
        return "(bestand)"
    return format_loc(loc)


def translate(msg: str, type_: str = "") -> str:
    """The Dutch form of an English problem message; ``type_`` picks a fallback frame.

    >>> translate("no person or team with id 'anne' (did you mean 'anna'?)")
    "er is geen persoon of team met id 'anne' (bedoelde u 'anna'?)"
    >>> translate("failed to decode base64 data: Incorrect padding", "not_yaml")
    'ongeldige YAML: failed to decode base64 data: Incorrect padding'
    """
    for pattern, template in _TABLE:
        match = pattern.fullmatch(msg)
        if match:
            return _fill(template, match)
    frame = _FALLBACK.get(type_)
    return frame.format(msg) if frame else msg


# --- the parts inside a message -------------------------------------------------------------

#: `` (did you mean 'x'?)`` as :func:`mandaat.vocabulary.did_you_mean` writes it.
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
]

#: Why a file cannot be read (``OSError.strerror``).
_OS: list[tuple[str, str]] = [
    (r"Permission denied", "u heeft geen toegang tot dit bestand"),
    (r"File name too long", "de naam van het bestand is te lang"),
    (r"Too many levels of symbolic links", "te veel snelkoppelingen achter elkaar"),
    (r"Not a directory", "een deel van het pad is geen map"),
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
]


def _detail(rows: list[tuple[str, str]]) -> Callable[[str | None], str]:
    compiled = [(re.compile(pattern), template) for pattern, template in rows]

    def translate_detail(text: str | None) -> str:
        text = text or ""
        for pattern, template in compiled:
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
}


def _alternatives(words: Mapping[str, str]) -> str:
    # the longest first, so "task type or domain" is not read as "task type"
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


#: (English message template, Dutch template): one row per message the school-file path
#: can produce, in the order they are tried.
_ROWS: list[tuple[str, str]] = [
    # reading a file (_source.py, and the command line's standard input)
    (r"no such file", "dit bestand bestaat niet"),
    (r"is a folder, not a file", "dit is een map, geen bestand"),
    (r"not UTF-8 text \((?P<utf8>.*)\)",
     "de tekst is niet als UTF-8 opgeslagen ({utf8}); sla het bestand opnieuw op als UTF-8"),
    (r"cannot read: (?P<os>.*)", "het bestand kan niet worden gelezen: {os}"),
    (r"not valid JSON: (?P<json>.*)", "ongeldige JSON: {json}"),
    (r"(?P<name>NaN|-?Infinity) is not a number a school file may hold",
     "{name} is geen getal dat in een schoolbestand mag staan"),
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
    (rf"(?P<expected>{_alternatives(_EXPECTED)}), got (?P<got>.*)", "{expected}, kreeg {got}"),
    (r"must not be empty", "mag niet leeg zijn"),
    (r"(?P<pydantic>(?:string|list) should have at (?:most|least) .*|recursion loop detected"
     r"|a step names exactly one of .*)",
     "{pydantic}"),
    # references and dates (_references.py)
    (rf"id '(?P<id>.*)' is reserved: it means (?P<reserved>{_alternatives(_RESERVED)})",
     "de id '{id}' is gereserveerd: die betekent {reserved}; kies een andere id"),
    (r"duplicate id '(?P<id>.*)' \(also (?P<where>.*)\)",
     "de id '{id}' komt twee keer voor (ook bij {where})"),
    (rf"no (?P<ref>{_alternatives(_REFERENCE)}) with id '(?P<id>.*?)'{_HINT}",
     "er is geen {ref} met id '{id}'{hint}"),
    (r"a signal '(?P<type>.*)' needs 'since': the lag is measured from that date",
     "een signaal '{type}' heeft 'since' nodig: vanaf die datum wordt de achterstand gemeten"),
    (r"'since' (?P<since>\S+) is after 'as_of' (?P<as_of>\S+)",
     "'since' {since} ligt na de peildatum 'as_of' {as_of}"),
    (r"'until' (?P<until>\S+) is before 'from' (?P<start>\S+)",
     "de afwezigheid eindigt ('until' {until}) voordat ze begint ('from' {start})"),
    # the rule packs' params (check.py)
    (rf"unknown param '(?P<name>.*?)'{_HINT}; the rule packs define: (?P<params>.*)",
     "onbekende parameter '{name}'{hint}; {params}"),
    # a signal escalate is asked about (check.py)
    (rf"no signal with id '(?P<id>.*?)'{_HINT}; (?:known: (?P<known>.*)|the school has no "
     r"signals)", "er is geen signaal met id '{id}'{hint}; {known}"),
    # the command line's own problems (cli.py)
    (rf"no route with id '(?P<id>.*?)'{_HINT}; known: (?P<routes>.*)",
     "er is geen route met id '{id}'{hint}; routes in deze school: {routes}"),
    (r"no route for signal '(?P<id>.*?)' \((?P<type>.*)\)",
     "er is geen route voor signaal '{id}' ({type})"),
    (r"no \.yaml, \.yml or \.json school files here",
     "in deze map staan geen schoolbestanden (.yaml, .yml of .json)"),
]

_TABLE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern, re.DOTALL), template) for pattern, template in _ROWS
]

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
