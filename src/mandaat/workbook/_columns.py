"""The columns of each sheet: how a cell is read and written, derived from the school model."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..school import vocabulary as V
from ..school.model import School
from ._common import SHEET_EXTERNALS, SHEET_MANDATES, SHEET_PEOPLE, SHEET_SIGNALS, SHEET_TEAMS

# --- columns: how a cell is read and written -----------------------------------------------


@dataclass(frozen=True)
class _Column:
    """One column of a table sheet: the field it holds and how its cells read."""

    key: tuple[str, ...]
    header: str
    kind: str
    help: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    vocabulary: tuple[str, ...] = ()
    words: Mapping[str, str] | None = None
    refs: tuple[str, ...] = ()
    width: int = 16

    def names(self) -> set[str]:
        return {V.fold(self.header), *(V.fold(a) for a in self.aliases)}


#: How each kind of column is written in the drop-down lists sheet.
_LIST_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "role": ("Rollen", V.ROLES),
    "task_type": ("Soort taak", V.TASK_TYPES),
    "domain": ("Domein", V.DOMAINS),
    "team_kind": ("Soort team", V.TEAM_KINDS),
    "external_kind": ("Soort externe partij", V.EXTERNAL_KINDS),
    "signal_type": ("Soort signaal", V.SIGNAL_TYPES),
    "scope": ("Taken en domeinen", (*V.TASK_TYPES, *V.DOMAINS)),
    "yesno": ("Ja/nee", ("ja", "nee")),
    "raci": ("RACI", ("A", "R", "C", "I", "A/R")),
}

_ID_HELP = ("Korte code: kleine letters, cijfers, - en _. Leeg: mandaat maakt er een van de "
            "naam.")


def _id_column(help_text: str = _ID_HELP) -> _Column:
    return _Column(("id",), "ID", "id", help_text, aliases=("id", "code"), width=18)


@dataclass(frozen=True)
class _Table:
    """A sheet with one row per item of a list section (people, teams, ...)."""

    section: str
    sheet: str
    model: type[BaseModel]
    columns: tuple[_Column, ...]
    #: The base of an id for a row without one: from these fields, in order.
    id_from: tuple[tuple[str, ...], ...]
    id_prefix: str = ""
    aliases: tuple[str, ...] = ()
    #: Which list from :data:`_LIST_COLUMNS` validates each column key.
    lists: Mapping[tuple[str, ...], str] = field(default_factory=dict)

    def present_columns(self) -> tuple[_Column, ...]:
        """The columns whose field the model has (the format may grow)."""
        return tuple(c for c in self.columns if _has_field(self.model, c.key))


def _has_field(model: type[BaseModel], key: tuple[str, ...]) -> bool:
    from ..school._validation import _inner_model

    current: Any = model
    for part in key:
        fields = current.model_fields if current is not None else {}
        found = fields.get(part) or next(
            (f for f in fields.values() if f.alias == part), None)
        if found is None:
            return False
        current = _inner_model(found.annotation)
    return True


@functools.cache
def _tables() -> dict[str, _Table]:
    from ..school.model import External, Mandate, Person, Signal, Team

    people = _Table(
        "people", SHEET_PEOPLE, Person,
        (
            _id_column(),
            _Column(("name",), "Naam", "text", "Voor- en achternaam.", width=22),
            _Column(("roles",), "Rollen", "words",
                    "Kies uit de lijst; meer rollen met een komma: leraar, bouwcoordinator.",
                    aliases=("rol", "functie"), required=True, vocabulary=V.ROLES,
                    words=V.ROLE_WORDS, width=26),
            _Column(("hours_per_week",), "Uren per week", "number",
                    "Werkuren per week (0 tot 168).", aliases=("uren",), width=12),
            _Column(("days_per_week",), "Dagen per week", "number",
                    "Werkdagen per week (0 tot 7).", aliases=("dagen",), width=12),
            _Column(("groups",), "Groepen", "groups",
                    "De groepen waar iemand lesgeeft: 5, of 1, 2, of 1 t/m 4; een "
                    "combinatiegroep als 1/2.", aliases=("groep",)),
            _Column(("supervises",), "Ib'er van", "supervises",
                    "De groepen of teams waarvoor iemand de ib'er is: 1, 2, 3, of 5-8, of "
                    "bovenbouw.",
                    aliases=("ib'er voor",), width=18),
            _Column(("leads",), "Geeft leiding aan", "refs",
                    "Personen of teams (naam of ID) aan wie iemand leiding geeft.",
                    aliases=("leidinggevende van",), refs=("person", "team"), width=20),
            _Column(("absent", "from"), "Afwezig vanaf", "date",
                    "Eerste dag van verlof of ziekte (dd-mm-jjjj).", width=14),
            _Column(("absent", "until"), "Afwezig tot en met", "date",
                    "Laatste dag van de afwezigheid; leeg: nog onbekend.",
                    aliases=("afwezig tot",), width=14),
            _Column(("deputy",), "Vervanger", "ref",
                    "Wie waarneemt zolang deze persoon afwezig is.", refs=("person",)),
            _Column(("replaces",), "Vervangt", "ref",
                    "Voor wie deze persoon waarneemt (een interim-ib'er).", refs=("person",)),
        ),
        id_from=(("name",),), aliases=("medewerkers", "personeel", "people"),
        lists={("roles",): "role"},
    )
    teams = _Table(
        "teams", SHEET_TEAMS, Team,
        (
            _id_column(),
            _Column(("kind",), "Soort", "word", "Kies uit de lijst: leerteam, bouw, ...",
                    aliases=("soort team",), required=True, vocabulary=V.TEAM_KINDS),
            _Column(("name",), "Naam", "text", "Naam van het team.", width=22),
            _Column(("members",), "Leden", "refs",
                    "De leden (naam of ID), met een komma ertussen.",
                    refs=("person",), width=40),
        ),
        id_from=(("name",), ("kind",)), lists={("kind",): "team_kind"},
    )
    externals = _Table(
        "externals", SHEET_EXTERNALS, External,
        (
            _id_column(),
            _Column(("kind",), "Soort", "word",
                    "Kies uit de lijst: samenwerkingsverband, ggd_jgz, ...",
                    aliases=("soort externe partij",), required=True,
                    vocabulary=V.EXTERNAL_KINDS, width=24),
            _Column(("name",), "Naam", "text", "Naam van de partij.", width=36),
        ),
        id_from=(("name",), ("kind",)), aliases=("externe partijen", "externals"),
        lists={("kind",): "external_kind"},
    )
    mandates = _Table(
        "mandates", SHEET_MANDATES, Mandate,
        (
            _id_column("Korte code; leeg: mandaat maakt er een van (m-<aan>)."),
            _Column(("from",), "Van", "ref", "Wie het mandaat geeft (de schoolleider).",
                    required=True, refs=("person",)),
            _Column(("to",), "Aan", "ref", "Wie het mandaat krijgt.", required=True,
                    refs=("person",)),
            _Column(("scope",), "Taken en domeinen", "words",
                    "Soorten taken of domeinen uit de lijst, met een komma ertussen.",
                    aliases=("over", "scope"), required=True,
                    vocabulary=(*V.TASK_TYPES, *V.DOMAINS), width=36),
            _Column(("communicated_to_team",), "Bekend bij het team", "yesno",
                    "ja: het team weet van dit mandaat; nee: nog niet gedeeld.",
                    aliases=("gedeeld met het team",), required=True),
            _Column(("since",), "Sinds", "date", "Sinds wanneer (dd-mm-jjjj).",
                    aliases=("vanaf",), width=14),
        ),
        id_from=(("to",),), id_prefix="m-", aliases=("mandates",),
        lists={("scope",): "scope", ("communicated_to_team",): "yesno"},
    )
    signals = _Table(
        "signals", SHEET_SIGNALS, Signal,
        (
            _id_column("Korte code; leeg: mandaat maakt er een van (s-<over>)."),
            _Column(("type",), "Soort signaal", "word", "Kies uit de lijst.",
                    aliases=("soort", "type"), required=True, vocabulary=V.SIGNAL_TYPES,
                    width=30),
            _Column(("about",), "Over", "about",
                    "Een persoon (naam of ID), een team, of voor een leerling een "
                    "leerlingnummer (nooit een naam).", required=True, width=18),
            _Column(("group",), "Groep", "group", "Voor een leerling: de groep.", width=10),
            _Column(("handled_by",), "Behandeld door", "ref", "Wie er nu mee bezig is.",
                    refs=("person",), width=18),
            _Column(("since",), "Sinds", "date", "Sinds wanneer (dd-mm-jjjj).", width=14),
            _Column(("count",), "Aantal keer", "whole",
                    "Hoe vaak een afspraak niet is nagekomen.", width=12),
            _Column(("conversation_held",), "Gesprek gevoerd", "flag",
                    "ja: het gesprek 'help mij te begrijpen' is gevoerd.", width=12),
            _Column(("willful",), "Bewust", "flag", "ja: bewust niet nagekomen.", width=10),
            _Column(("asked",), "Keer gevraagd", "whole",
                    "Hoe vaak gevraagd is de volgende stap over te nemen.", width=12),
            _Column(("consent",), "Ouders gaven toestemming", "flag",
                    "ja: de ouders gaven toestemming.", width=14),
        ),
        id_from=(("about",), ("type",)), id_prefix="s-", aliases=("signals",),
        lists={("type",): "signal_type", ("conversation_held",): "yesno",
               ("willful",): "yesno", ("consent",): "yesno"},
    )
    return {t.section: t for t in (people, teams, externals, mandates, signals)}


@functools.cache
def _task_columns() -> tuple[_Column, ...]:
    return (
        _id_column("Korte code; leeg: mandaat maakt er een van de taak."),
        _Column(("title",), "Taak", "text", "Wat de taak is, in uw woorden.",
                aliases=("omschrijving", "titel"), width=34),
        _Column(("type",), "Soort taak", "word", "Kies uit de lijst (zie Lijsten).",
                aliases=("type", "taaktype"), required=True, vocabulary=V.TASK_TYPES,
                width=24),
        _Column(("domain",), "Domein", "word", "Alleen bij soort 'overig': het domein.",
                vocabulary=V.DOMAINS, width=22),
        _Column(("case_holder",), "Casushouder", "ref", "Wie de casus houdt (een persoon).",
                refs=("person",)),
        _Column(("about",), "Gaat over", "ref",
                "Over wie de taak gaat (een persoon), bij personeelstaken.",
                aliases=("over",), refs=("person",)),
        _Column(("parent_consent",), "Toestemming ouders nodig", "flag",
                "ja: eerst toestemming van de ouders.", width=14),
    )


def _has_routes() -> bool:
    """Whether the school format has routes: then a workbook has a ``Routes`` sheet."""
    return "routes" in School.model_fields
