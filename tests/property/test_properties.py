"""Properties that hold for every school (hypothesis)."""

from __future__ import annotations

import os

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mandaat
from mandaat import SchoolFileError
from tests.strategies import schools, shuffled

# ci: the same examples every run, so a run's result is the code's; hunt: new ones each time
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("hunt", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@given(schools())
def test_dump_then_load_gives_the_same_school(data):
    """Round trip: any valid school survives dump -> load unchanged, in YAML and JSON."""
    school = mandaat.load_school(data)
    assert mandaat.load_school(mandaat.dump_school(school)) == school
    assert mandaat.load_school(mandaat.dump_school(school, format="json"), name="s.json") == school


@given(schools(), st.randoms(use_true_random=False))
def test_list_order_does_not_change_the_report(data, rnd):
    """Order independence: the same school in any list order gives byte-identical JSON."""
    expected = mandaat.check(mandaat.load_school(data)).to_json()
    assert mandaat.check(mandaat.load_school(shuffled(data, rnd))).to_json() == expected


@given(schools())
def test_findings_name_what_exists_and_explain_themselves(data):
    """Every finding's subjects and escalate_to exist in the school; every finding has an
    explanation with a source and a suggestion."""
    school = mandaat.load_school(data)
    known = ({p.id for p in school.people} | {t.id for t in school.teams}
             | {t.id for t in school.tasks} | {m.id for m in school.mandates}
             | {s.id for s in school.signals} | {e.id for e in school.externals}
             | {r.id for r in school.routes} | {"team", "ouders"})
    people = {p.id for p in school.people}
    for finding in mandaat.check(school).findings:
        assert set(finding.subjects) <= known
        # a person, or a team or external party that a school's own route names as a step
        actors = people | {t.id for t in school.teams} | {e.id for e in school.externals}
        assert finding.escalate_to is None or finding.escalate_to in actors
        assert finding.message and finding.explanation.suggestion
        assert finding.explanation.because or finding.rule == "NO_SCHOOL_LEADER"
        assert finding.explanation.source.quote


@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_ever_raise_school_file_error(blob):
    """The loader never raises anything but SchoolFileError on arbitrary input."""
    text = blob.decode("utf-8", errors="replace") + "\n"
    try:
        mandaat.load_school(text)
    except SchoolFileError as exc:
        assert exc.problems


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12)


@given(schools(max_people=3, max_tasks=3), st.data())
def test_broken_schools_only_ever_raise_school_file_error(data, draw):
    """Any value anywhere in a valid school: a school or a SchoolFileError, nothing else."""
    section = draw.draw(st.sampled_from(sorted(data)))
    broken = dict(data)
    value = broken[section]
    if isinstance(value, list) and value:
        item = dict(value[0])
        key = draw.draw(st.sampled_from(sorted(item)))
        item[key] = draw.draw(yaml_values)
        broken[section] = [item, *value[1:]]
    else:
        broken[section] = draw.draw(yaml_values)
    text = yaml.safe_dump(broken, allow_unicode=True)
    try:
        mandaat.check(mandaat.load_school(text))  # check() refuses unknown params
    except SchoolFileError as exc:
        assert all(str(p) for p in exc.problems)


@given(st.lists(schools(max_people=6, max_tasks=8), min_size=2, max_size=4))
def test_a_check_does_not_depend_on_the_checks_before_it(batch):
    """Determinism: checking a school gives the same JSON alone, twice, or after others."""
    first = mandaat.load_school(batch[0])
    alone = mandaat.check(first).to_json()
    for data in batch[1:]:
        mandaat.check(mandaat.load_school(data))
    assert mandaat.check(first).to_json() == alone
    assert mandaat.check(first).to_json() == alone


@given(schools(), st.integers(1, 30), st.integers(0, 30))
def test_raising_dev_lag_weeks_never_hands_a_signal_to_the_school_leader(data, weeks, more):
    """Monotonic threshold: a signal that stays with the ib'er (DEV_LAG_SUPPORT) at some
    dev_lag_weeks never goes to the school leader (DEV_LAG_TO_LEADER) at a higher one."""
    def support(w: int) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
        school = mandaat.load_school({**data, "params": {**data.get("params", {}),
                                                         "dev_lag_weeks": w}})
        report = mandaat.check(school)
        to_leader = {tuple(f.subjects) for f in report.findings if f.rule == "DEV_LAG_TO_LEADER"}
        kept = {tuple(f.subjects) for f in report.findings if f.rule == "DEV_LAG_SUPPORT"}
        assert not kept & to_leader
        return kept, to_leader

    kept_low, _ = support(weeks)
    kept_high, to_leader_high = support(weeks + more)
    assert kept_low <= kept_high
    assert not kept_low & to_leader_high


@given(schools())
def test_every_walk_ends_at_a_present_person_or_is_reported_as_ending_at_nobody(data):
    """Termination and soundness of routes: each signal's walk stops within its route's
    steps, visits nobody twice in a row of substitutions, and ends at a person (team or
    external party) who exists and is not away, or the report says it ends at nobody."""
    school = mandaat.load_school(data)
    report = mandaat.check(school)
    day = school.reference_date
    people = {p.id: p for p in school.people}
    known = people.keys() | {t.id for t in school.teams} | {e.id for e in school.externals}
    escalations = {f.subjects[0]: f for f in report.findings
                   if f.subjects and f.subjects[0] in {s.id for s in school.signals}}
    for finding in escalations.values():
        walked = [f for f in finding.explanation.because if f["fact"] == "walk"]
        if not walked:
            continue
        (w,) = walked
        assert 0 <= w["step"] < w["steps"] <= 20
        route = next((r for r in school.routes if r.id == w["route"]), None)
        if route is not None:  # the step that acts is never one that only joins
            assert not route.steps[w["step"]].joins
            assert not w["person"] or w["person"] not in (w.get("joined") or "").split(",")
        if finding.rule == "NO_ESCALATION_TARGET":
            assert w["person"] == "" and w["nobody"] in ("role", "absent", "cycle", "too_far")
            assert finding.escalate_to is None
        else:
            acts = finding.escalate_to
            assert acts == w["person"] and acts in known
            assert acts not in people or not people[acts].is_absent(day)
        path = finding.explanation.path
        assert all(a != b for a, b in zip(path, path[1:]))
        assert len(path) <= 2 * w["steps"] + len(school.people) + 1


#: A school where several people qualify for most steps: two school leaders, three ib'ers
#: (one of a group, one of a bouw, one of nothing), two bouwen, a duo of leraren and an
#: assistant in one group, two interims replacing one absent ib'er.
_MANY: dict = {
    "format": "mandaat/1", "school": {"name": "OBS Veelvoud"}, "as_of": "2026-11-22",
    "people": [
        {"id": "zoe", "roles": ["schoolleider"]},
        {"id": "anna", "roles": ["schoolleider"]},
        {"id": "yara", "roles": ["intern_begeleider"]},
        {"id": "ilse", "roles": ["intern_begeleider"], "supervises": ["1", "2"]},
        {"id": "nina", "roles": ["intern_begeleider"], "supervises": ["bouw-4-6"],
         "absent": {"from": "2026-11-01"}},
        {"id": "wim", "roles": ["interim_intern_begeleider"], "replaces": "nina"},
        {"id": "piet", "roles": ["interim_intern_begeleider"], "replaces": "nina"},
        {"id": "tom", "roles": ["leraar"], "groups": ["5"]},
        {"id": "sara", "roles": ["leraar"], "groups": ["5", "8"]},
        {"id": "bas", "roles": ["onderwijsassistent"], "groups": ["5", "9"]},
        {"id": "kim", "roles": ["leraar"], "groups": ["1"]},
        {"id": "ed", "roles": ["leraar"], "groups": ["7"]},
    ],
    "teams": [{"id": "bouw-4-6", "kind": "bouw", "members": ["tom", "sara"]},
              {"id": "bouw-7-8", "kind": "bouw", "members": ["ed"]},
              {"id": "bouw-1-3", "kind": "bouw", "members": ["kim"]}],
    "signals": [
        {"id": "s-5", "type": "extra_ondersteuning_nodig", "about": "lln-1", "group": "5"},
        {"id": "s-7", "type": "extra_ondersteuning_nodig", "about": "lln-2", "group": "7"},
        {"id": "s-1", "type": "vraag_ouders", "about": "lln-3", "group": "1", "asked": 1,
         "since": "2026-10-01"},
        {"id": "s-vraag", "type": "vraag_ouders", "about": "lln-4", "group": "5",
         "since": "2026-10-01"},
        {"id": "s-9", "type": "vraag_ouders", "about": "lln-5", "group": "9",
         "since": "2026-10-01"},
        {"id": "s-ed", "type": "ontwikkeling_blijft_achter", "about": "ed",
         "since": "2026-11-01"},
        {"id": "s-tom", "type": "eigen_koers", "about": "tom", "since": "2026-11-01"},
    ],
}


@settings(max_examples=8)
@given(st.randoms(use_true_random=False))
def test_list_order_does_not_change_who_acts_where_several_qualify(rnd):
    """Where several people qualify and nothing in the school decides, the first by id
    acts: the school in any list order gives byte-identical escalation answers."""
    school = mandaat.load_school(_MANY)
    expected = [mandaat.escalate(school, s["id"]).to_json() for s in _MANY["signals"]]
    other = mandaat.load_school(shuffled(_MANY, rnd))
    assert [mandaat.escalate(other, s["id"]).to_json() for s in _MANY["signals"]] == expected
