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
from collections.abc import Iterable

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
    ),
    "zorg_en_ondersteuning": (
        "leerlingbespreking",
        "zorgcasus",
        "oudergesprek_zorg",
        "mdo_organiseren",
        "opp_opstellen",
        "contact_extern",
    ),
    "beleid_en_beheer": (
        "administratie",
        "planning",
        "overleg_schoolleiding",
        "bovenschools_overleg",
        "lvs_beheer",
        "klassenbezoek_checklist",
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
)
#: What a signal's ``about`` refers to: a person, a pupil reference, or a team.
SIGNAL_ABOUT: dict[str, str] = {
    "ontwikkeling_blijft_achter": "person",
    "eigen_koers": "person",
    "afspraak_niet_nagekomen": "person",
    "extra_ondersteuning_nodig": "pupil",
    "resultaten_onder_signaleringswaarde": "team",
}

TEAM_KINDS: tuple[str, ...] = ("leerteam", "bouw", "visieteam", "werkgroep")

#: The reserved id that means "all staff" in ``responsible``, ``consulted`` and ``informed``.
ALL_STAFF = "team"

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
    held = set(roles)
    if target == "ib":
        return role_classes(held)["ib"]
    return bool(held & set(TARGETS[target]))


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

#: Readable names of the RACI values, for messages.
RACI_LABELS: dict[str, dict[str, str]] = {
    "nl": {"accountable": "eindverantwoordelijk", "responsible": "uitvoerend",
           "consulted": "meedenkend", "informed": "geïnformeerd"},
    "en": {"accountable": "accountable", "responsible": "responsible",
           "consulted": "consulted", "informed": "informed"},
}
