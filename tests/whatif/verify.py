"""What the property tests and the unit tests of fixes hold each proposal to, with a full
check of the edited school written out and read back (not the fix's own re-check)."""

from __future__ import annotations

import mandaat

Key = tuple[str, tuple[str, ...]]
ORDER = ("violation", "warning", "advice")


def keys(report: mandaat.Report) -> set[Key]:
    return {(f.rule, tuple(f.subjects)) for f in report.findings}


def reloaded(school: mandaat.School) -> mandaat.School:
    return mandaat.load_school(mandaat.dump_school(school))


def verify_fix(school: mandaat.School, result: mandaat.Fix, **rules) -> int:
    """Every option of every proposal, applied and checked in full: it removes the finding
    it was proposed for, introduces no violation, and its effect is exactly what the full
    check finds. Returns how many options were checked."""
    report = mandaat.check(school, **rules)
    before = keys(report)
    severity = {f.rule: f.severity for f in report.findings}
    assert [p.finding.subjects for p in result.proposals] == [f.subjects for f in
                                                              report.findings]
    n = 0
    for proposal in result.proposals:
        key = (proposal.finding.rule, tuple(proposal.finding.subjects))
        assert (proposal.note is None) == bool(proposal.options)
        ranks = []
        for option in proposal.options:
            # apply_edits validates the edited school as loading its file would
            after_report = mandaat.check(mandaat.apply_edits(school, option.edits), **rules)
            after = keys(after_report)
            severity.update({f.rule: f.severity for f in after_report.findings})
            assert key not in after, (key, option.edits)
            introduced = after - before
            assert not any(severity[r] == "violation" for r, _ in introduced), (
                key, option.edits, introduced)
            assert {(r.rule, tuple(r.subjects)) for r in option.effect.resolved} == \
                before - after, option.edits
            assert {(r.rule, tuple(r.subjects)) for r in option.effect.introduced} == \
                introduced, option.edits
            e = option.effect.summary
            ranks.append((*(e["introduced"][s] - e["resolved"][s] for s in ORDER),
                          option.size))
            n += 1
        assert ranks == sorted(ranks), ranks  # best first: by net effect, then size
    return n


def counts(report: mandaat.Report) -> tuple[int, ...]:
    return tuple(report.summary[s] for s in ORDER)


def verify_applied(school: mandaat.School, applied: mandaat.Applied | object, **rules) -> None:
    """``apply_fixes``: the new school reads back as it is, has fewer findings by severity
    than the school when anything was applied (the same school when nothing was), and no
    violation the school did not have; its diff is the diff of the two."""
    old = mandaat.check(school, **rules)
    new_school = applied.school  # type: ignore[attr-defined]
    assert reloaded(new_school) == new_school
    new = mandaat.check(new_school, **rules)
    if applied.applied:  # type: ignore[attr-defined]
        assert counts(new) < counts(old)
    else:
        assert keys(new) == keys(old)
    violations_before = {k for k in keys(old) if _sev(old, k) == "violation"}
    assert {k for k in keys(new) if _sev(new, k) == "violation"} <= violations_before
    d = applied.diff  # type: ignore[attr-defined]
    assert {(f.rule, tuple(f.subjects)) for f in d.resolved} == keys(old) - keys(new)
    assert {(f.rule, tuple(f.subjects)) for f in d.introduced} == keys(new) - keys(old)


def _sev(report: mandaat.Report, key: Key) -> str:
    return next(f.severity for f in report.findings if (f.rule, tuple(f.subjects)) == key)
