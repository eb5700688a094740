"""``mandaat diff`` and ``mandaat fix`` (docs/cli.md), and ``check --fixes``: over
:mod:`mandaat.whatif`, imported only when one of them runs."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from .._terminal import safe_text
from ..errors import MandaatInputError, Problem
from ..report.model import Report
from ..rules import load_rules
from ..school._source import CSV_SUFFIXES, WORKBOOK_SUFFIXES
from ..school.model import School
from ._exit import EXIT_BAD_INPUT, EXIT_OK


def run(args: argparse.Namespace, out: TextIO, err: TextIO,
        school_of: Callable[..., School], fmt_of: Callable[..., str]) -> int:
    """``diff`` or ``fix``; ``school_of`` reads a school as every command does (the
    example without a path, standard input for ``-``), ``fmt_of`` picks the format."""
    packs = [load_rules(p) for p in args.rules]
    if args.command == "diff":
        return _diff(args, out, packs, school_of, fmt_of)
    return _fix(args, out, err, packs, school_of, fmt_of)


def _diff(args: argparse.Namespace, out: TextIO, packs: list[Any], _school, fmt_of) -> int:
    from ..whatif._text import render_diff_html, render_diff_text
    from ..whatif.diff import diff

    if args.before == "-" and args.after == "-":
        raise MandaatInputError([Problem("-", None, (), "invalid_value",
                                         "only one of BEFORE and AFTER can be standard input")])
    before = _school(args.before, args.stdin, args.timeout)
    after = _school(args.after, args.stdin, args.timeout)
    result = diff(before, after, rules=packs, rules_only=args.rules_only, lang=args.lang,
                  timeout=args.timeout)
    suffix = Path(args.output or "").suffix.lower()
    fmt = args.format or {".html": "html", ".htm": "html", ".json": "json"}.get(
        suffix, "text" if args.output else fmt_of(args, out))
    if fmt == "html":
        text = render_diff_html(result, args.lang)
    elif fmt == "json":
        text = result.to_json()
    else:
        text = render_diff_text(result, args.lang)
        if args.output:
            text = safe_text(text)
    _emit(args, out, text, {"html": ".html", "json": ".json"}.get(fmt, ".txt"))
    return result.exit_code


def _emit(args: argparse.Namespace, out: TextIO, text: str, suffix: str) -> None:
    if not args.output:
        out.write(text)
        return
    from ..workbook import write_file

    write_file(args.output, text, overwrite=args.force, suffix=suffix)
    print(f"Geschreven: {args.output}" if args.lang == "nl" else f"Written: {args.output}",
          file=out)


def output_format(path: str | None) -> str:
    """The format ``fix --apply`` writes: the input's (``yaml`` for standard input and the
    example; ``yaml`` for a CSV matrix, which holds only the matrix)."""
    suffix = Path(path).suffix.lower() if path and path != "-" else ".yaml"
    if suffix in WORKBOOK_SUFFIXES:
        return "xlsx"
    if suffix == ".json":
        return "json"
    if suffix in CSV_SUFFIXES:
        return "yaml"
    return "yaml"


def _fix(args: argparse.Namespace, out: TextIO, err: TextIO, packs: list[Any], _school,
         fmt_of) -> int:
    from ..whatif._text import render_applied_text, render_fix_text
    from ..whatif.fix import apply_fixes, fix

    nl = args.lang == "nl"
    if args.apply and not args.output:
        print("mandaat fix: --apply heeft -o NIEUW nodig: het bestand waarin de verbeterde "
              "verdeling komt" if nl else "mandaat fix: --apply needs -o NEW: the file the "
              "improved division is written to", file=err)
        return EXIT_BAD_INPUT
    if args.output and not args.apply:
        print("mandaat fix: -o hoort bij --apply" if nl else "mandaat fix: -o goes with --apply",
              file=err)
        return EXIT_BAD_INPUT
    if args.apply:
        fmt = output_format(args.school)
        _refuse_output(args.output, args.force, fmt)  # before any work
    school = _school(args.school, args.stdin)
    if not args.apply:
        result = fix(school, rules=packs, rules_only=args.rules_only, lang=args.lang)
        if fmt_of(args, out) == "json":
            out.write(result.to_json())
        else:
            out.write(render_fix_text(result, args.lang))
        return EXIT_OK
    applied = apply_fixes(school, rules=packs, rules_only=args.rules_only, lang=args.lang)
    _write_school(applied.school, args.output, args.force, fmt)
    if fmt_of(args, out) == "json":
        data = {"applied": [o.model_dump(mode="json") for o in applied.applied],
                "written": args.output, "diff": json.loads(applied.diff.to_json())}
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render_applied_text(applied, args.lang))
        print(f"Geschreven: {args.output}" if nl else f"Written: {args.output}", file=out)
    return applied.diff.exit_code


def _refuse_output(path: str, force: bool, fmt: str) -> None:
    from ..workbook._files import _output

    _output(path, force, f".{fmt}")


def _write_school(school: School, path: str, force: bool, fmt: str) -> None:
    from ..loader import dump_school
    from ..workbook import write_file, write_workbook

    if fmt == "xlsx":
        write_workbook(school, path, overwrite=force)
    else:
        write_file(path, dump_school(school, format=fmt), overwrite=force, suffix=f".{fmt}")


def proposals(school: School, packs: list[Any], rules_only: bool, lang: str
              ) -> dict[tuple[str, tuple[str, ...]], Any]:
    """``check --fixes``: what ``mandaat fix`` proposes for each finding, by its rule and
    subjects (worked out once, then shown in the format asked)."""
    from ..whatif.fix import fix

    return {(p.finding.rule, tuple(p.finding.subjects)): p
            for p in fix(school, rules=packs, rules_only=rules_only,
                         lang=lang).proposals}  # type: ignore[arg-type]


def verified(proposed: Mapping[tuple[str, tuple[str, ...]], Any], lang: str
             ) -> dict[tuple[str, tuple[str, ...]], str]:
    """For the text and HTML reports: per finding with a verified fix, the best option
    and its checked effect as one sentence, shown in the card's "what to do" (``mandaat
    fix`` shows every option)."""
    from ..whatif._text import effect_words

    word = "Gecontroleerd" if lang == "nl" else "Checked"
    return {key: f"{word}: {p.options[0].text}: {effect_words(p.options[0].effect.summary, lang)}."
            for key, p in proposed.items() if p.options}


def report_with_fixes(report: Report, proposed: Mapping[tuple[str, tuple[str, ...]], Any]
                      ) -> str:
    """``check --format json --fixes``: the report with, in each finding that has a
    verified fix, ``fix``: its options, best first, each with its checked effect."""
    data = report.model_dump(mode="json")
    for finding in data["findings"]:
        found = proposed.get((finding["rule"], tuple(finding["subjects"])))
        if found is not None and found.options:
            finding["fix"] = {"options": [o.model_dump(mode="json") for o in found.options]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
