"""The diff and the fixes as text for people, in Dutch or English.

Every name, title and message comes from a school file or a rule pack: the command line
writes it through its escaping writer, and the HTML page through autoescaping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..report.model import Finding
from .diff import Change, Diff, counted

_LETTERS = {"accountable": "A", "responsible": "R", "consulted": "C", "informed": "I"}

_W: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Wat verandert er: {before} → {after}",
        "resolved": "Opgelost", "introduced": "Nieuw", "unchanged": "Blijft",
        "changes": "Wijzigingen in de verdeling", "no_changes": "geen",
        "gate_bad": "De nieuwe verdeling introduceert een overtreding.",
        "gate_ok": "De nieuwe verdeling introduceert geen overtreding.",
        "added": "nieuw", "removed": "vervalt", "changed": "gewijzigd",
        "person": "persoon", "team": "team", "external": "externe partij", "task": "taak",
        "mandate": "mandaat", "signal": "signaal", "route": "route", "param": "drempel",
        "school": "school", "defaults": "standaard",
        "hours": "uur", "suggestion": "Wat te doen",
        "footer": "Gemaakt met mandaat {version}. Deze pagina is één bestand en werkt zonder "
                  "internet.",
    },
    "en": {
        "title": "What changes: {before} → {after}",
        "resolved": "Resolved", "introduced": "Introduced", "unchanged": "Unchanged",
        "changes": "Changes in the division", "no_changes": "none",
        "gate_bad": "The new division introduces a violation.",
        "gate_ok": "The new division introduces no violation.",
        "added": "added", "removed": "removed", "changed": "changed",
        "person": "person", "team": "team", "external": "external party", "task": "task",
        "mandate": "mandate", "signal": "signal", "route": "route", "param": "threshold",
        "school": "school", "defaults": "default",
        "hours": "hours", "suggestion": "What to do",
        "footer": "Made with mandaat {version}. This page is one file and works without "
                  "an internet connection.",
    },
}

#: The RACI letters in words, as a change of a task says them.
_ROLE_WORDS = {
    "nl": {"accountable": "eindverantwoordelijk", "responsible": "uitvoerend",
           "consulted": "meedenkend", "informed": "geïnformeerd"},
    "en": {"accountable": "accountable", "responsible": "responsible",
           "consulted": "consulted", "informed": "informed"},
}


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_line(c: Change, names: Mapping[str, str], lang: str) -> str:
    """One change in a sentence."""
    w = _W[lang]
    nl = lang == "nl"

    def name(i: str | None) -> str:
        if i is None:
            return ""
        label = names.get(i, i)
        return f"{label} ({i})" if label != i else i

    what = w[c.kind]
    if c.field is None:
        if c.kind in ("school", "defaults"):
            return f"{what}: {_show(c.before)} → {_show(c.after)}"
        if c.kind == "param":
            return f"{what} {c.id}: {_show(c.before)} → {_show(c.after)}"
        return (f"{what} {name(c.id)}: {w[c.change]}" if c.change != "changed"
                else f"{what} {name(c.id)}: {_show(c.before)} → {_show(c.after)}")
    subject = f"{what} {name(c.id)}" if c.id else what
    if c.kind == "task" and c.field in _LETTERS and c.value is not None:
        letter, role = _LETTERS[c.field], _ROLE_WORDS[lang][c.field]
        if nl:
            verb = "wordt" if c.change == "added" else "is niet meer"
            return f"{subject}: {name(c.value)} {verb} {role} ({letter})"
        verb = "becomes" if c.change == "added" else "is no longer"
        return f"{subject}: {name(c.value)} {verb} {role} ({letter})"
    if c.field == "hours":
        who = name(c.value)
        if c.change == "added":
            return (f"{subject}: {who} krijgt {_show(c.after)} uur" if nl else
                    f"{subject}: {who} gets {_show(c.after)} hours")
        if c.change == "removed":
            return (f"{subject}: de {_show(c.before)} uur van {who} vervallen" if nl else
                    f"{subject}: the {_show(c.before)} hours of {who} go")
        return (f"{subject}: uren van {who} {_show(c.before)} → {_show(c.after)}" if nl else
                f"{subject}: hours of {who} {_show(c.before)} → {_show(c.after)}")
    label = _FIELD_WORDS[lang].get(c.field, c.field)
    if c.value is not None:
        sign = "+" if c.change == "added" else "-"
        shown = name(c.value) if c.field in _ID_FIELDS else names.get(c.value, c.value)
        return f"{subject}: {label} {sign} {shown}"

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return ("ja" if v else "nee") if nl else ("yes" if v else "no")
        if isinstance(v, str) and c.field in _ID_FIELDS:
            return name(v)
        if isinstance(v, str) and c.field in ("type", "domain"):
            return names.get(v, v)
        return _show(v)

    return f"{subject}: {label} {value(c.before)} → {value(c.after)}"


#: Fields whose values are ids of the school, shown with their names.
_ID_FIELDS = frozenset({"case_holder", "about", "from", "to", "deputy", "replaces",
                        "handled_by", "accountable", "members", "leads"})

#: The fields of a school file as a change names them.
_FIELD_WORDS = {
    "nl": {"roles": "rol", "case_holder": "casushouder", "about": "over", "type": "soort",
           "title": "titel", "domain": "domein", "from": "gegeven door", "to": "aan",
           "scope": "reikwijdte", "communicated_to_team": "bekend bij het team",
           "since": "sinds", "deputy": "vervanger", "replaces": "vervangt",
           "absent": "afwezig", "leads": "geeft leiding aan", "members": "leden",
           "name": "naam", "groups": "groepen", "supervises": "begeleidt",
           "handled_by": "behandeld door", "steps": "stappen",
           "parent_consent": "toestemming ouders", "hours_per_week": "uren per week",
           "days_per_week": "dagen per week"},
    "en": {"roles": "role", "case_holder": "case holder", "communicated_to_team":
           "told to the team", "from": "granted by", "handled_by": "handled by",
           "parent_consent": "parents' consent", "hours_per_week": "hours a week",
           "days_per_week": "days a week"},
}


def finding_lines(f: Finding, indent: str = "  ") -> list[str]:
    return [f"{indent}[{f.rule}] {', '.join(f.subjects)}", f"{indent}  {f.message}"]


def render_diff_text(d: Diff, lang: str = "nl") -> str:
    """The diff for people: the counts, the changes in the division, then the findings."""
    w = _W[lang]
    names = d._reading[0] if d._reading else {}
    lines = [w["title"].format(before=d.before, after=d.after)]
    for part in ("resolved", "introduced", "unchanged"):
        lines.append(f"{w[part]}: {counted(d.summary[part], lang)}")
    lines.append(w["gate_bad"] if d.exit_code else w["gate_ok"])
    lines.append("")
    lines.append(f"== {w['changes']} ({len(d.changes)}) ==")
    lines += [f"  - {change_line(c, names, lang)}" for c in d.changes] or [f"  {w['no_changes']}"]
    for part in ("introduced", "resolved"):
        found: Sequence[Finding] = getattr(d, part)
        lines.append("")
        lines.append(f"== {w[part]} ({len(found)}) ==")
        for f in found:
            lines += finding_lines(f)
        if not found:
            lines.append(f"  {w['no_changes']}")
    lines.append("")
    lines.append(f"== {w['unchanged']} ({len(d.unchanged)}) ==")
    lines += [f"  [{f.rule}] {', '.join(f.subjects)}" for f in d.unchanged]
    return "\n".join(lines) + "\n"


def render_diff_html(d: Diff, lang: str = "nl") -> str:
    """The diff as one self-contained HTML page (the report's style; everything escaped)."""
    import jinja2

    from .._version import __version__
    from ..report.html import _visible

    w = dict(_W[lang])
    w["footer"] = w["footer"].format(version=__version__)
    names = d._reading[0] if d._reading else {}
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("mandaat.whatif", "templates"),
                                    jinja2.PackageLoader("mandaat.report", "templates")]),
        autoescape=True, finalize=_visible, undefined=jinja2.StrictUndefined)
    parts = [{"anchor": part, "heading": w[part], "findings": getattr(d, part),
              "show_suggestion": part == "introduced"}
             for part in ("introduced", "resolved", "unchanged")]
    counts = [{"severity": sev, "anchor": part,
               "text": f"{w[part]}: {counted(d.summary[part], lang)}"}
              for part, sev in (("introduced", "violation"), ("resolved", "advice"),
                                ("unchanged", "warning"))]
    return env.get_template("diff.html.j2").render(
        lang=lang, version=__version__, words=w,
        title=w["title"].format(before=d.before, after=d.after),
        gate=w["gate_bad"] if d.exit_code else w["gate_ok"], counts=counts,
        changes=[change_line(c, names, lang) for c in d.changes], parts=parts)


_FIX_W = {
    "nl": {"title": "Gecontroleerde wijzigingen voor {school}",
           "count": "{fixable} van {findings} bevindingen hebben een wijziging die is "
                    "gecontroleerd: ze lost de bevinding op en introduceert geen overtreding.",
           "effect": "lost {resolved} op; introduceert {introduced}",
           "without": "Zonder voorstel", "applied": "Toegepast",
           "none_applied": "Geen wijziging toegepast: geen optie maakte de verdeling beter.",
           "written": "Geschreven: {path}"},
    "en": {"title": "Verified changes for {school}",
           "count": "{fixable} of {findings} findings have a change that was checked: it "
                    "resolves the finding and introduces no violation.",
           "effect": "resolves {resolved}; introduces {introduced}",
           "without": "Without a proposal", "applied": "Applied",
           "none_applied": "No change applied: no option made the division better.",
           "written": "Written: {path}"},
}


def effect_words(summary: Mapping[str, Mapping[str, int]], lang: str) -> str:
    """``lost 2 overtredingen op; introduceert geen`` for an option's checked effect."""
    return _FIX_W[lang]["effect"].format(resolved=counted(summary["resolved"], lang),
                                         introduced=counted(summary["introduced"], lang))


def render_fix_text(fix: Any, lang: str = "nl") -> str:
    """The proposals for people: each finding with its verified options, best first, then
    the findings without one and why."""
    w = _FIX_W[lang]
    lines = [w["title"].format(school=fix.school),
             w["count"].format(**fix.summary), ""]
    without = []
    for p in fix.proposals:
        if not p.options:
            without.append(p)
            continue
        lines.append(f"[{p.finding.rule}] {', '.join(p.finding.subjects)}")
        lines.append(f"  {p.message}")
        for i, o in enumerate(p.options, 1):
            lines.append(f"  {i}. {o.text}")
            lines.append(f"     {effect_words(o.effect.summary, lang)}")
        lines.append("")
    if without:
        lines.append(f"== {w['without']} ({len(without)}) ==")
        for p in without:
            lines.append(f"  [{p.finding.rule}] {', '.join(p.finding.subjects)}: {p.note}")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_applied_text(applied: Any, lang: str = "nl") -> str:
    """What ``fix --apply`` did: the options applied, then the diff."""
    w = _FIX_W[lang]
    lines = [f"== {w['applied']} ({len(applied.applied)}) =="]
    lines += [f"  - {o.text} ({effect_words(o.effect.summary, lang)})" for o in applied.applied]
    if not applied.applied:
        lines.append(f"  {w['none_applied']}")
    return "\n".join(lines) + "\n\n" + render_diff_text(applied.diff, lang)
