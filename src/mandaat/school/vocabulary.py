"""The domain vocabulary of format ``mandaat/1``, defined once.

The school loader, the facts layer and the rule-pack validator all read these tables, so a
role or task type exists in exactly one place.

>>> DOMAIN_OF_TASK_TYPE["schoolanalyse"]
'data_monitoring_reflectie'
>>> "functioneringsgesprek" in PERSONNEL_TASK_TYPES
True
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping

ROLES: tuple[str, ...] = (
    "bestuur",
    "schoolleider",
    "adjunct_directeur",
    "intern_begeleider",
    "interim_intern_begeleider",
    "leraar",
    "bouwcoordinator",
    "expert_leraar",
    "onderwijsassistent",
)

#: The three LBBO domains first, then the implicit fourth.
DOMAINS: tuple[str, ...] = (
    "leren_en_ontwikkeling",
    "data_monitoring_reflectie",
    "zorg_en_ondersteuning",
    "beleid_en_beheer",
)
LBBO_DOMAINS: tuple[str, ...] = DOMAINS[:3]

#: The role of the internal supervisor in each LBBO domain.
DOMAIN_ROLE: dict[str, str] = {
    "leren_en_ontwikkeling": "leercoordinator",
    "data_monitoring_reflectie": "trendanalist",
    "zorg_en_ondersteuning": "zorgregisseur",
    "beleid_en_beheer": "beheer",
}

_TASK_TYPES_BY_DOMAIN: dict[str, tuple[str, ...]] = {
    "leren_en_ontwikkeling": (
        "coaching",
        "collegiale_consultatie",
        "leerteam_begeleiden",
        "studiedag",
        "methodekeuze",
        "visie_vertalen",
        "scholing_plannen",
    ),
    "data_monitoring_reflectie": (
        "schoolanalyse",
        "trendanalyse",
        "toetskalender",
        "kwaliteitszorg",
        "interne_audit",
        "kwaliteitsdialoog",
    ),
    "zorg_en_ondersteuning": (
        "leerlingbespreking",
        "zorgcasus",
        "oudergesprek_zorg",
        "mdo_organiseren",
        "opp_opstellen",
        "contact_extern",
        "groepsbespreking",
        "groepsplan",
        "zorgstructuur",
        "aanmelding_sbo_so",
        "extern_onderzoek",
        "arrangement_swv",
        "overdracht_vo",
    ),
    "beleid_en_beheer": (
        "administratie",
        "planning",
        "overleg_schoolleiding",
        "bovenschools_overleg",
        "lvs_beheer",
        "klassenbezoek_checklist",
        "dossiertoezicht",
        "leidinggeven",
        "functioneringsgesprek",
        "beoordelingsgesprek",
        "personeelsdossier",
    ),
}

PERSONNEL_TASK_TYPES: frozenset[str] = frozenset(
    {"functioneringsgesprek", "beoordelingsgesprek", "personeelsdossier"}
)

#: The task type for anything else; its domain comes from the task's ``domain`` field.
OTHER_TASK_TYPE = "overig"
DEFAULT_OTHER_DOMAIN = "beleid_en_beheer"

DOMAIN_OF_TASK_TYPE: dict[str, str] = {
    task_type: domain
    for domain, types in _TASK_TYPES_BY_DOMAIN.items()
    for task_type in types
}
TASK_TYPES: tuple[str, ...] = (*DOMAIN_OF_TASK_TYPE, OTHER_TASK_TYPE)

SIGNAL_TYPES: tuple[str, ...] = (
    "ontwikkeling_blijft_achter",
    "eigen_koers",
    "afspraak_niet_nagekomen",
    "extra_ondersteuning_nodig",
    "resultaten_onder_signaleringswaarde",
    "vraag_ouders",
)
#: The signal a pupil's lagging development is: the ones about a person are about staff.
PUPIL_LAG_SIGNAL = "extra_ondersteuning_nodig"
#: What a signal's ``about`` refers to: a person, a pupil reference, or a team.
SIGNAL_ABOUT: dict[str, str] = {
    "ontwikkeling_blijft_achter": "person",
    "eigen_koers": "person",
    "afspraak_niet_nagekomen": "person",
    "extra_ondersteuning_nodig": "pupil",
    "resultaten_onder_signaleringswaarde": "team",
    "vraag_ouders": "pupil",
}

TEAM_KINDS: tuple[str, ...] = ("leerteam", "bouw", "visieteam", "werkgroep", "managementteam")

#: Roles a route step can name, relative to the case: the teacher of the group, the ib'er
#: who supervises it, whoever handles the signal now, the school leader, the board.
STEP_ROLES: tuple[str, ...] = ("leraar", "ib", "handled_by", "schoolleider", "bestuur",
                               "adjunct_directeur", "bouwcoordinator")

#: Readable names of the route step roles (and step kinds), for messages.
STEP_ROLE_LABELS: dict[str, dict[str, str]] = {
    "nl": {"leraar": "de leraar van de groep", "ib": "de ib'er",
           "handled_by": "wie het signaal behandelt", "schoolleider": "de schoolleider",
           "bestuur": "het bestuur", "adjunct_directeur": "de adjunct-directeur",
           "bouwcoordinator": "de bouwcoördinator", "person": "een persoon",
           "team": "een team", "external": "een externe partij"},
    "en": {"leraar": "the group's teacher", "ib": "the ib'er",
           "handled_by": "whoever handles the signal", "schoolleider": "the school leader",
           "bestuur": "the board", "adjunct_directeur": "the deputy head",
           "bouwcoordinator": "the building coordinator", "person": "a person",
           "team": "a team", "external": "an outside party"},
}

#: Kinds of parties outside the school's staff (``externals[].kind``).
EXTERNAL_KINDS: tuple[str, ...] = (
    "samenwerkingsverband",
    "sbo_so",
    "ggd_jgz",
    "schoolmaatschappelijk_werk",
    "orthopedagoog",
    "ambulant_begeleider",
    "logopedie",
    "vo_school",
    "leerplicht",
    "jeugdhulp",
    "andere_school",
    "overig",
)

#: The reserved id that means "all staff" in ``responsible``, ``consulted`` and ``informed``.
ALL_STAFF = "team"
#: The reserved id that means the pupil's parents (ouders/verzorgers) in a task's RACI.
PARENTS = "ouders"
#: Ids no person, team, external or other item may take.
RESERVED_IDS: tuple[str, ...] = (ALL_STAFF, PARENTS)

RACI: tuple[str, ...] = ("accountable", "responsible", "consulted", "informed")

#: Role classes the rules speak of, as flags on person facts.
#:
#: ``leader``: holds final responsibility (``schoolleider`` or ``bestuur``).
#: ``ib``: "the ib'er" of the catalogue: an (interim) internal supervisor who is not also
#: the school leader (that combination is a finding of its own).
#: ``teacher``: holds ``leraar``.
LEADER_ROLES: frozenset[str] = frozenset({"schoolleider", "bestuur"})
IB_ROLES: frozenset[str] = frozenset({"intern_begeleider", "interim_intern_begeleider"})


def role_classes(roles: Iterable[str]) -> dict[str, bool]:
    """Return the role-class flags for a set of roles.

    >>> role_classes(["intern_begeleider", "schoolleider"])
    {'leader': True, 'ib': False, 'teacher': False}
    >>> role_classes(["interim_intern_begeleider"])["ib"]
    True
    """
    held = set(roles)
    return {
        "leader": bool(held & LEADER_ROLES),
        "ib": bool(held & IB_ROLES) and "schoolleider" not in held,
        "teacher": "leraar" in held,
    }


#: Escalation targets: a name a rule may use in ``escalate_to``, and the roles whose first
#: holder (in file order) is the person who acts. ``intern_begeleider`` as a target also
#: finds an interim ib'er, and a school leader who is also the ib'er. ``ib`` is "the
#: ib'er" of the catalogue's structural rules: the first person holding an ib role who is
#: not also the school leader.
TARGETS: dict[str, tuple[str, ...]] = {
    "schoolleider": ("schoolleider",),
    "intern_begeleider": ("intern_begeleider", "interim_intern_begeleider"),
    "ib": ("intern_begeleider", "interim_intern_begeleider"),
    "bestuur": ("bestuur",),
    "adjunct_directeur": ("adjunct_directeur",),
    "bouwcoordinator": ("bouwcoordinator",),
}


def holds_target(target: str, roles: Iterable[str]) -> bool:
    """Whether a person with ``roles`` holds escalation target ``target``.

    >>> holds_target("intern_begeleider", ["schoolleider", "intern_begeleider"])
    True
    >>> holds_target("ib", ["schoolleider", "intern_begeleider"])
    False
    """
    if target == "ib":
        return role_classes(roles)["ib"]
    holding = TARGETS[target]
    return any(role in holding for role in roles)


@functools.lru_cache(maxsize=256)
def targets_held(roles: tuple[str, ...]) -> frozenset[str]:
    """The escalation targets a person with ``roles`` holds, as :func:`holds_target` says.

    >>> sorted(targets_held(("schoolleider", "intern_begeleider")))
    ['intern_begeleider', 'schoolleider']
    """
    return frozenset(target for target in TARGETS if holds_target(target, roles))


#: Words in a task's title that point to a task type, beyond the type's own name (read
#: with underscores as spaces). An ``overig`` task whose title holds one is nudged toward
#: that type.
_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "coaching": ("coachen", "coachingstraject", "beeldcoaching"),
    "collegiale_consultatie": ("collegiale visitatie", "bij elkaar in de klas", "lesson study"),
    "leerteam_begeleiden": ("leerteam", "leerteams"),
    "studiedag": ("studiemiddag", "teamscholing"),
    "methodekeuze": ("methode kiezen", "nieuwe methode"),
    "visie_vertalen": ("schoolvisie", "onderwijsvisie"),
    "scholing_plannen": ("scholingsplan", "nascholing"),
    "schoolanalyse": ("schoolbespreking", "analyse van de toetsen"),
    "trendanalyse": ("trendanalyses", "opbrengsten analyseren"),
    "toetskalender": ("toetsplanning", "toetsrooster", "toetsafname"),
    "kwaliteitszorg": ("kwaliteitsbeleid", "kwaliteitskaart"),
    "interne_audit": ("audit",),
    "kwaliteitsdialoog": ("kwaliteitsoverleg", "kwaliteitsgesprek", "ib-directie-overleg",
                          "overleg directie en ib"),
    "leerlingbespreking": ("leerlingbesprekingen",),
    "zorgcasus": ("casus", "zorgleerling"),
    # the rapport- and tienminutengesprekken every teacher holds are no care: only a
    # conversation a title ties to care points to this type
    "oudergesprek_zorg": ("zorggesprek", "oudergesprek over zorg", "gesprek met ouders over zorg"),
    "mdo_organiseren": ("mdo", "multidisciplinair overleg", "zorgteam", "ondersteuningsteam"),
    "opp_opstellen": ("opp", "ontwikkelingsperspectief"),
    "contact_extern": ("externe contacten", "contact met externen"),
    "groepsbespreking": ("groepsbesprekingen",),
    "groepsplan": ("groepsplannen", "handelingsplan", "handelingsplannen", "groepsoverzicht"),
    "zorgstructuur": ("zorgplan", "ondersteuningsplan", "zorgbeleid", "ondersteuningsbeleid",
                      "ondersteuningsstructuur", "schoolondersteuningsprofiel"),
    "aanmelding_sbo_so": ("sbo", "speciaal basisonderwijs", "speciaal onderwijs",
                          "toelaatbaarheidsverklaring", "tlv"),
    "extern_onderzoek": ("onderzoek aanvragen", "dyslexieonderzoek", "psychologisch onderzoek",
                         "intelligentieonderzoek"),
    "arrangement_swv": ("arrangement", "arrangementen", "samenwerkingsverband"),
    "overdracht_vo": ("overdracht naar het vo", "overstap naar het vo", "schooladvies",
                      "voortgezet onderwijs"),
    "administratie": ("registratie", "leerlingadministratie"),
    "planning": ("jaarplanning", "rooster"),
    "overleg_schoolleiding": ("mt-overleg", "directieoverleg", "managementteam"),
    "bovenschools_overleg": ("ib-netwerk", "bovenschools"),
    "lvs_beheer": ("leerlingvolgsysteem", "parnassys", "esis"),
    "klassenbezoek_checklist": ("klassenbezoek", "klassenbezoeken", "kijkwijzer"),
    "dossiertoezicht": ("dossiers bijhouden", "leerlingdossier", "leerlingdossiers",
                        "toezicht op dossiers", "bewaken van afspraken"),
    "leidinggeven": ("leiding geven", "leidinggevende", "bouwleiding", "aansturen"),
    "functioneringsgesprek": ("functioneringsgesprekken",),
    "beoordelingsgesprek": ("beoordelingsgesprekken", "beoordeling"),
    "personeelsdossier": ("personeelsdossiers",),
}


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


#: A word this long or longer is also found as the last part of a compound
#: ("groepshandelingsplannen" holds "handelingsplannen"); shorter ones ("mdo", "tlv",
#: "casus") only on their own, where they cannot be part of another word by chance; and
#: so is a word whose compounds mean something else ("zelfbeoordeling" is no assessment
#: interview).
_COMPOUND_FROM = 6
_NOT_IN_COMPOUNDS = frozenset({"beoordeling"})


def word_forms(word: str) -> tuple[str, ...]:
    """The forms of a title word that point to its task type: the word, its plurals
    (``-s``, and ``-en``: ``-n`` after an ``e``, after a doubled consonant where a short
    vowel comes before it, as in plan, plannen); in a phrase, of its last word.

    >>> word_forms("handelingsplan")
    ('handelingsplan', 'handelingsplannen', 'handelingsplans')
    >>> word_forms("analyse")
    ('analyse', 'analysen', 'analyses')
    """
    last = word[-1]
    if last == "e":
        plural = word + "n"
    elif (len(word) >= 3 and last not in "aeiouywx" and word[-2] in "aeiou"
          and word[-3] not in "aeiou"):
        plural = word + last + "en"
    else:
        plural = word + "en"
    return (word, plural, word + "s")


def _compounds(word: str) -> bool:
    """Whether ``word`` is also found at the end of a compound: its first part is long
    enough, and its compounds do not mean something else."""
    first = re.split(r"[^a-z]", word, maxsplit=1)[0]
    return len(first) >= _COMPOUND_FROM and word not in _NOT_IN_COMPOUNDS


def _word_pattern(word: str) -> str:
    """The pattern of ``word`` in a title read backwards: a word's forms end where a word
    ends, so read backwards each begins after a boundary; a compound's first part follows
    as letters. ``suggested_type`` finds the same without it (``_TYPE_PATTERNS`` are the
    patterns, which the tests compare with it)."""
    return (r"(?<![a-z0-9])(?:" + "|".join(re.escape(f[::-1]) for f in word_forms(word))
            + ")" + ("[a-z]*" if _compounds(word) else "") + r"(?![a-z0-9])")


def type_words() -> dict[str, tuple[str, ...]]:
    """The words in a title that point to each known task type: its own name (read with
    underscores as spaces) and the words schools write for it (docs/school-format.md
    lists them). Each is also found in its plural and, from six letters on, at the end of
    a compound.

    >>> type_words()["groepsplan"][:3]
    ('groepsplan', 'groepsplannen', 'handelingsplan')
    """
    return {t: (t.replace("_", " "), *_TYPE_WORDS.get(t, ())) for t in DOMAIN_OF_TASK_TYPE}


def _ranked_words() -> list[tuple[str, str]]:
    """Every type word with its type, longest word first (then alphabetically)."""
    return sorted(((w, t) for t, words in type_words().items() for w in words),
                  key=lambda wt: (-len(wt[0]), wt[0]))


#: A run of the characters a word is made of; anything else parts words.
_WORD = re.compile(r"[a-z0-9]+")


class _TypeIndex:
    """The type words as ``suggested_type`` looks them up, built on the first title looked
    at: each form of one word (``mdo``, ``groepsplannen``) in a dictionary from the form
    to the rank of its word, and the forms of several words (``aanmelding sbo``) in a
    list. A rank is a word's place in :func:`_ranked_words`; the lowest found wins."""

    def __init__(self) -> None:
        self.ranked = _ranked_words()
        #: form -> lowest rank of a word with that form, on its own and in compounds
        self.whole: dict[str, int] = {}
        self.ending: dict[str, int] = {}
        #: (form, rank, in compounds) of the forms that are more than one word
        self.phrases: list[tuple[str, int, bool]] = []
        for rank, (word, _type) in enumerate(self.ranked):
            compounds = _compounds(word)
            for form in word_forms(word):
                if _WORD.fullmatch(form):
                    self.whole.setdefault(form, rank)
                    if compounds:
                        self.ending.setdefault(form, rank)
                else:
                    self.phrases.append((form, rank, compounds))

    def rank(self, plain: str) -> int | None:
        """The lowest rank of a word found in ``plain`` (a title as :func:`_plain` makes
        it): a form that is a whole word, or, for a word found in compounds, the end of
        a word whose first part is letters."""
        best: int | None = None
        whole, ending = self.whole, self.ending
        for token in _WORD.findall(plain):
            found = whole.get(token)
            if ending:
                for cut in range(1, len(token)):
                    rank = ending.get(token[cut:])
                    if rank is not None and (found is None or rank < found) \
                            and token[:cut].isalpha():
                        found = rank
            if found is not None and (best is None or found < best):
                best = found
        for form, rank, compounds in self.phrases:
            if (best is None or rank < best) and _phrase_in(plain, form, compounds):
                best = rank
        return best


def _phrase_in(plain: str, form: str, compounds: bool) -> bool:
    """Whether ``form`` stands in ``plain`` as a word of its own: nothing of a word right
    after it, and before it nothing of a word, or (``compounds``) letters back to where a
    word begins."""
    at = plain.find(form)
    while at >= 0:
        end = at + len(form)
        if end == len(plain) or not _is_word_char(plain[end]):
            start = at
            if compounds:
                while start and "a" <= plain[start - 1] <= "z":
                    start -= 1
            if not start or not _is_word_char(plain[start - 1]):
                return True
        at = plain.find(form, at + 1)
    return False


def _is_word_char(c: str) -> bool:
    return "a" <= c <= "z" or "0" <= c <= "9"


@functools.cache
def _type_index() -> _TypeIndex:
    return _TypeIndex()


def __getattr__(name: str) -> object:
    # The patterns that say per word what ``suggested_type`` finds, for the tests that
    # compare the two: compiling all of them takes longer than a whole check.
    if name == "_TYPE_PATTERNS":
        return tuple((re.compile(_word_pattern(w)), t) for w, t in _ranked_words())
    if name == "_ANY_TYPE_WORD":
        return re.compile("(?<![a-z0-9])(?:" + "|".join(
            _word_pattern(w)[len("(?<![a-z0-9])"):-len("(?![a-z0-9])")]
            for w, _ in _ranked_words()) + ")(?![a-z0-9])")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.lru_cache(maxsize=4096)
def suggested_type(title: str | None) -> str:
    """The known task type a task's title points to, or ``""``; the longest word found
    wins.

    >>> suggested_type("Groepsbesprekingen na de M-toetsen")
    'groepsbespreking'
    >>> suggested_type("Aanmelding bij het SBO")
    'aanmelding_sbo_so'
    >>> suggested_type("Groepshandelingsplannen"), suggested_type("Zelfbeoordeling")
    ('groepsplan', '')
    >>> suggested_type("Schoolreisje"), suggested_type(None)
    ('', '')
    """
    if not title:
        return ""
    index = _type_index()
    rank = index.rank(_plain(title))
    return "" if rank is None else index.ranked[rank][1]


#: Words school leaders write for the roles: suggested where a school file or a workbook
#: names a role that is not one (the planner layout of a workbook reads them as the role).
ROLE_WORDS: dict[str, str] = {
    "ib": "intern_begeleider", "ib'er": "intern_begeleider", "ib-er": "intern_begeleider",
    "iber": "intern_begeleider", "intern begeleider": "intern_begeleider",
    "zorgcoordinator": "intern_begeleider", "kwaliteitscoordinator": "intern_begeleider",
    "interim ib'er": "interim_intern_begeleider", "interim-ib'er": "interim_intern_begeleider",
    "interim ib": "interim_intern_begeleider",
    "directeur": "schoolleider", "directie": "schoolleider", "locatieleider": "schoolleider",
    "meerschoolse directeur": "schoolleider",
    "adjunct": "adjunct_directeur", "adjunct-directeur": "adjunct_directeur",
    "leerkracht": "leraar", "groepsleerkracht": "leraar", "leerkrachten": "leraar",
    "juf": "leraar", "meester": "leraar", "docent": "leraar", "l10": "leraar",
    "l11": "leraar", "la": "leraar", "lb": "leraar",
    "lc": "expert_leraar", "l12": "expert_leraar", "specialist": "expert_leraar",
    "bouwcoordinator": "bouwcoordinator", "bouwleider": "bouwcoordinator",
    "onderbouwcoordinator": "bouwcoordinator", "bovenbouwcoordinator": "bouwcoordinator",
    "oa": "onderwijsassistent", "klassenassistent": "onderwijsassistent",
    "bestuurder": "bestuur", "college van bestuur": "bestuur",
    # roles schools have that mandaat/1 names with one of its own (docs/school-format.md)
    "gedragsspecialist": "expert_leraar", "remedial teacher": "expert_leraar",
    "rt": "expert_leraar", "rt'er": "expert_leraar", "rt-er": "expert_leraar",
    "orthopedagoog": "expert_leraar", "taalspecialist": "expert_leraar",
    "rekenspecialist": "expert_leraar", "leesspecialist": "expert_leraar",
    "administratief medewerker": "onderwijsassistent", "administratie": "onderwijsassistent",
    "managementassistent": "onderwijsassistent", "secretaresse": "onderwijsassistent",
    "concierge": "onderwijsassistent",
    "oop": "onderwijsassistent", "onderwijsondersteuner": "onderwijsassistent",
    "clusterdirecteur": "schoolleider", "meerscholendirecteur": "schoolleider",
    "bovenschools directeur": "bestuur", "bovenschools coordinator": "bestuur",
}


def fold(text: str) -> str:
    """Text folded for comparing what people type: case, accents, spaces, quote marks.

    >>> fold("  IB’er "), fold("Zorgcoördinator")
    ("ib'er", 'zorgcoordinator')
    """
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("`", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(text.split())


def as_word(text: str) -> str:
    """A vocabulary word as typed (``Intern begeleider``) in the form of the format.

    >>> as_word("Intern begeleider")
    'intern_begeleider'
    """
    return re.sub(r"[\s-]+", "_", fold(text))


def hint(value: str, choices: Iterable[str], words: Mapping[str, str] | None = None) -> str:
    """`` (did you mean 'x'?)`` from the words people use (``words``), else the closest
    choice, to the value as typed or in the form of the format.

    >>> hint("ib-er", ROLES, ROLE_WORDS), hint("Directeur", ROLES, ROLE_WORDS)
    (" (did you mean 'intern_begeleider'?)", " (did you mean 'schoolleider'?)")
    >>> hint("Intern Begeleider", ROLES), hint("xyz", ROLES, ROLE_WORDS)
    (" (did you mean 'intern_begeleider'?)", '')
    """
    if words:
        folded = fold(value)
        meant = words.get(folded) or words.get(folded.replace("-", " "))
        if meant:
            return f" (did you mean '{meant}'?)"
    choices = list(choices)
    return did_you_mean(value, choices) or did_you_mean(as_word(value), choices)


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string.

    >>> did_you_mean("intern-begeleider", ROLES)
    " (did you mean 'intern_begeleider'?)"
    >>> did_you_mean("xyz", ROLES)
    ''
    """
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def domain_of(task_type: str, domain: str | None = None) -> str:
    """Return the domain a task of ``task_type`` belongs to.

    >>> domain_of("coaching")
    'leren_en_ontwikkeling'
    >>> domain_of("overig")
    'beleid_en_beheer'
    >>> domain_of("overig", "zorg_en_ondersteuning")
    'zorg_en_ondersteuning'
    """
    if task_type == OTHER_TASK_TYPE:
        return domain or DEFAULT_OTHER_DOMAIN
    return DOMAIN_OF_TASK_TYPE[task_type]


#: Readable names of the domains, for messages.
DOMAIN_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "leren_en_ontwikkeling": "leren en ontwikkeling (leercoördinator)",
        "data_monitoring_reflectie": "data, monitoring en reflectie (trendanalist)",
        "zorg_en_ondersteuning": "zorg en ondersteuning (zorgregisseur)",
        "beleid_en_beheer": "beleid en beheer",
    },
    "en": {
        "leren_en_ontwikkeling": "learning and development (learning coordinator)",
        "data_monitoring_reflectie": "data, monitoring and reflection (trend analyst)",
        "zorg_en_ondersteuning": "care and support (care director)",
        "beleid_en_beheer": "policy and administration",
    },
}
ALL_STAFF_LABEL: dict[str, str] = {"nl": "het hele team", "en": "all staff"}
PARENTS_LABEL: dict[str, str] = {"nl": "de ouders", "en": "the parents"}

#: Readable names of the RACI values, for messages.
RACI_LABELS: dict[str, dict[str, str]] = {
    "nl": {"accountable": "eindverantwoordelijk", "responsible": "uitvoerend",
           "consulted": "meedenkend", "informed": "geïnformeerd"},
    "en": {"accountable": "accountable", "responsible": "responsible",
           "consulted": "consulted", "informed": "informed"},
}

#: Readable names of the task types, for messages.
TASK_TYPE_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "coaching": "coaching", "collegiale_consultatie": "collegiale consultatie",
        "leerteam_begeleiden": "een leerteam begeleiden", "studiedag": "een studiedag",
        "methodekeuze": "methodekeuze", "visie_vertalen": "de visie vertalen",
        "scholing_plannen": "scholing plannen", "schoolanalyse": "de schoolanalyse",
        "trendanalyse": "trendanalyse", "toetskalender": "de toetskalender",
        "kwaliteitszorg": "kwaliteitszorg", "interne_audit": "een interne audit",
        "kwaliteitsdialoog": "het kwaliteitsoverleg van schoolleider en ib'er",
        "leerlingbespreking": "een leerlingbespreking", "zorgcasus": "een zorgcasus",
        "oudergesprek_zorg": "een oudergesprek over zorg",
        "mdo_organiseren": "een multidisciplinair overleg (mdo)",
        "opp_opstellen": "een ontwikkelingsperspectief (opp)",
        "contact_extern": "contact met externen", "groepsbespreking": "een groepsbespreking",
        "groepsplan": "groeps- en handelingsplannen", "zorgstructuur": "de zorgstructuur",
        "aanmelding_sbo_so": "aanmelding bij sbo of so",
        "extern_onderzoek": "extern onderzoek aanvragen",
        "arrangement_swv": "een arrangement bij het samenwerkingsverband",
        "overdracht_vo": "de overdracht naar het vo", "administratie": "administratie",
        "planning": "planning", "overleg_schoolleiding": "overleg van de schoolleiding",
        "bovenschools_overleg": "bovenschools overleg",
        "lvs_beheer": "het leerlingvolgsysteem beheren",
        "klassenbezoek_checklist": "klassenbezoeken met een checklist",
        "dossiertoezicht": "toezicht op dossiers en afspraken",
        "leidinggeven": "leidinggeven", "functioneringsgesprek": "functioneringsgesprekken",
        "beoordelingsgesprek": "beoordelingsgesprekken",
        "personeelsdossier": "het personeelsdossier", "overig": "een overige taak",
    },
    "en": {
        "coaching": "coaching", "collegiale_consultatie": "peer coaching",
        "leerteam_begeleiden": "guiding a leerteam", "studiedag": "a study day",
        "methodekeuze": "choosing a method", "visie_vertalen": "translating the vision",
        "scholing_plannen": "planning training", "schoolanalyse": "the school analysis",
        "trendanalyse": "trend analysis", "toetskalender": "the test calendar",
        "kwaliteitszorg": "quality assurance", "interne_audit": "an internal audit",
        "kwaliteitsdialoog": "the quality dialogue of school leader and ib'er",
        "leerlingbespreking": "a pupil review", "zorgcasus": "a care case",
        "oudergesprek_zorg": "a parent conversation about care",
        "mdo_organiseren": "a multidisciplinary meeting",
        "opp_opstellen": "a development perspective plan",
        "contact_extern": "contact with outside parties", "groepsbespreking": "a group review",
        "groepsplan": "group and action plans", "zorgstructuur": "the care structure",
        "aanmelding_sbo_so": "referral to special education",
        "extern_onderzoek": "requesting an outside assessment",
        "arrangement_swv": "an arrangement with the samenwerkingsverband",
        "overdracht_vo": "the handover to secondary school", "administratie": "administration",
        "planning": "planning", "overleg_schoolleiding": "leadership meetings",
        "bovenschools_overleg": "meetings across schools",
        "lvs_beheer": "running the pupil-tracking system",
        "klassenbezoek_checklist": "classroom visits with a checklist",
        "dossiertoezicht": "supervising files and agreements",
        "leidinggeven": "line management", "functioneringsgesprek": "performance reviews",
        "beoordelingsgesprek": "appraisals", "personeelsdossier": "the personnel file",
        "overig": "another task",
    },
}

#: Readable names of the roles, for people.
ROLE_LABELS: dict[str, dict[str, str]] = {
    "nl": {"bestuur": "bestuurder", "schoolleider": "schoolleider",
           "adjunct_directeur": "adjunct-directeur", "intern_begeleider": "intern begeleider",
           "interim_intern_begeleider": "interim-ib'er", "leraar": "leraar",
           "bouwcoordinator": "bouwcoördinator", "expert_leraar": "expert-leraar",
           "onderwijsassistent": "onderwijsassistent"},
    "en": {"bestuur": "board member", "schoolleider": "school leader",
           "adjunct_directeur": "deputy head", "intern_begeleider": "internal supervisor",
           "interim_intern_begeleider": "interim ib'er", "leraar": "teacher",
           "bouwcoordinator": "building coordinator", "expert_leraar": "expert teacher",
           "onderwijsassistent": "teaching assistant"},
}
SIGNAL_LABELS: dict[str, dict[str, str]] = {
    "nl": {"ontwikkeling_blijft_achter": "ontwikkeling blijft achter",
           "eigen_koers": "eigen koers", "afspraak_niet_nagekomen": "afspraak niet nagekomen",
           "extra_ondersteuning_nodig": "meer dan basisondersteuning nodig",
           "resultaten_onder_signaleringswaarde": "resultaten onder de signaleringswaarde",
           "vraag_ouders": "vraag van ouders"},
    "en": {"ontwikkeling_blijft_achter": "development lags", "eigen_koers": "own course",
           "afspraak_niet_nagekomen": "agreement not kept",
           "extra_ondersteuning_nodig": "needs more than basic support",
           "resultaten_onder_signaleringswaarde": "results below the signal value",
           "vraag_ouders": "parents' question"},
}


@functools.cache
def _by_label() -> dict[tuple[str, ...], dict[str, str]]:
    """For each vocabulary, the labels mandaat writes for its words (both languages, with
    and without an article or a role in brackets), folded, each to its word."""
    tables = ((ROLES, ROLE_LABELS), (TASK_TYPES, TASK_TYPE_LABELS), (DOMAINS, DOMAIN_LABELS),
              (SIGNAL_TYPES, SIGNAL_LABELS))
    found: dict[tuple[str, ...], dict[str, str]] = {}
    for vocabulary, labels in tables:
        words = found.setdefault(vocabulary, {})
        for lang in labels.values():
            for word, label in lang.items():
                plain = fold(label)
                for form in (plain, plain.split(" (", 1)[0]):
                    words.setdefault(form, word)
                    for article in _ARTICLES:
                        if form.startswith(article):
                            words.setdefault(form[len(article):], word)
    return found


_ARTICLES = ("een ", "de ", "het ", "a ", "an ", "the ")


def word_of_label(text: str, vocabulary: tuple[str, ...]) -> str | None:
    """The word of ``vocabulary`` whose label mandaat writes as ``text`` (in a RACI matrix,
    a report), so that what mandaat writes reads back; ``None`` if none.

    >>> word_of_label("leerlingvolgsysteem beheren", TASK_TYPES)
    'lvs_beheer'
    >>> word_of_label("Leren en ontwikkeling (leercoördinator)", DOMAINS)
    'leren_en_ontwikkeling'
    >>> word_of_label("bestuurder", ROLES), word_of_label("tuinman", ROLES)
    ('bestuur', None)
    """
    return _by_label().get(vocabulary, {}).get(fold(text))

#: A role's name for a group of more than one.
ROLE_PLURALS: dict[str, dict[str, str]] = {
    "nl": {"bestuur": "bestuurders", "schoolleider": "schoolleiders",
           "adjunct_directeur": "adjunct-directeuren", "intern_begeleider": "intern begeleiders",
           "interim_intern_begeleider": "interim-ib'ers", "leraar": "leraren",
           "bouwcoordinator": "bouwcoördinatoren", "expert_leraar": "expert-leraren",
           "onderwijsassistent": "onderwijsassistenten"},
    "en": {"bestuur": "board members", "schoolleider": "school leaders",
           "adjunct_directeur": "deputy heads", "intern_begeleider": "internal supervisors",
           "interim_intern_begeleider": "interim ib'ers", "leraar": "teachers",
           "bouwcoordinator": "building coordinators", "expert_leraar": "expert teachers",
           "onderwijsassistent": "teaching assistants"},
}
