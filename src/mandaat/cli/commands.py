"""What each command of ``mandaat`` does, over the library: imported once the arguments
are parsed, so that ``--help`` and ``--version`` load none of it."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .._data import example_school_path
from .._terminal import SafeWriter, safe_text
from ..errors import (
    MandaatInputError,
    Problem,
    SchoolFileError,
    UnknownSignalError,
)
from ..evaluation import check, escalate, ignored_params
from ..graph import build_graph, to_dot, to_mermaid
from ..limits import LIMITS
from ..loader import load_school, load_text, within
from ..rules import RulePack, load_rules, packs_params, packs_routes, shared_default_pack
from ..school._source import ParseFailure, Source, decode
from ..school.files import workbook_cells
from ..school.model import School
from ..school.vocabulary import did_you_mean
from ._exit import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_VIOLATIONS


def _packs(args: argparse.Namespace) -> list[RulePack]:
    return [load_rules(p) for p in args.rules]


# What only some commands use is imported where they use it: training, the board's
# workers, the text report, route pictures, the JSON Schema (docs/architecture.md).

#: The file name that means "read the school from standard input".
STDIN = "-"


def _school(path: str | None, stdin: TextIO | None = None,
            timeout: float | None = None) -> School:
    """The school at ``path`` (the example without one, standard input for ``-``); with a
    ``timeout``, read in a child process that is stopped when the time is up."""
    if path == STDIN:
        source = Source("<stdin>", _read_stdin(stdin or sys.stdin))
        return within(lambda: load_text(source), source.name, timeout)
    return load_school(Path(path) if path else example_school_path(), timeout=timeout)


def _read_stdin(stdin: TextIO) -> str:
    # one byte more than the limit, so that an endless stream stops at once (docs/errors.md)
    most = LIMITS["file_bytes"] + 1
    if hasattr(stdin, "buffer"):
        raw = stdin.buffer.read(most)
    else:
        raw = stdin.read(most).encode("utf-8", "surrogatepass")
    try:
        return decode(raw, "<stdin>")
    except ParseFailure as exc:
        raise SchoolFileError([exc.problem]) from None


def _fmt(args: argparse.Namespace, out: TextIO) -> str:
    if args.format:
        return args.format
    return "text" if out.isatty() else "json"


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "check":
        if len(args.school) > 1 or (args.school and Path(args.school[0]).is_dir()):
            if args.format == "html" or args.output:
                print("mandaat check: --format html en -o zijn er voor één school" if
                      args.lang == "nl" else
                      "mandaat check: --format html and -o are for one school", file=err)
                return EXIT_BAD_INPUT
            if args.fixes:
                print("mandaat check: --fixes is er voor één school" if args.lang == "nl" else
                      "mandaat check: --fixes is for one school", file=err)
                return EXIT_BAD_INPUT
            return _check_many(args, out, err)
        school = _school(args.school[0] if args.school else None, args.stdin, args.timeout)
        packs = _packs(args)
        _warn_ignored_params(school, packs, args, err)
        report = check(school, rules=packs, rules_only=args.rules_only, lang=args.lang,
                       timeout=args.timeout)
        proposed = None
        if args.fixes:
            from ._whatif import proposals

            proposed = proposals(school, packs, args.rules_only, args.lang)
        if args.format == "html" or args.output:
            _write_report(args, out, school, report, proposed)
        elif _fmt(args, out) == "json":
            out.write(_report_json(report, proposed))
        else:
            from ..report.text import render_text

            out.write(render_text(report, args.lang, cells=workbook_cells(school),
                                  explain=args.explain, fixes=_verified(proposed, args.lang)))
        return report.exit_code
    if args.command in ("diff", "fix"):
        from ._whatif import run

        return run(args, out, err, _school, _fmt)
    if args.command == "escalate":
        school = _school(args.school, args.stdin, args.timeout)
        answer = escalate(school, args.signal, rules=_packs(args), rules_only=args.rules_only,
                          lang=args.lang, timeout=args.timeout)
        if _fmt(args, out) == "json":
            out.write(answer.to_json())
        else:
            from ..report.text import render_escalation_text

            out.write(render_escalation_text(answer, args.lang, explain=args.explain))
        return EXIT_OK
    if args.command == "graph":
        school = _school(args.school, args.stdin)
        graph = build_graph(school, covers=False)  # not drawn
        if args.route or args.signal:
            out.write(route_picture(school, graph, route=args.route, signal=args.signal,
                                    format=args.format))
        else:
            out.write(_focused(school, graph, args.focus, args.format))
        return EXIT_OK
    if args.command == "matrix":
        return _matrix(args, out)
    if args.command == "schema":
        if args.report:
            from ..report.schema import report_json_schema as json_schema
        else:
            from ..school.model import json_schema

        out.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if args.command == "serve":
        import importlib.util

        missing = [m for m in ("fastapi", "uvicorn") if importlib.util.find_spec(m) is None]
        if missing:  # an extra of its own: docs/service.md
            print(f"mandaat serve: {' en '.join(missing)} ontbreekt; installeer het met: "
                  "pip install 'mandaat[serve]'", file=err)
            return EXIT_BAD_INPUT
        from ..service import serve

        return serve(args, out, err)
    if args.command == "example":
        return _example(args, out, err)
    if args.command in ("template", "import", "export"):
        return _workbook_command(args, out, err)
    if args.command == "scenarios":
        return _scenarios(args, out)
    if args.command == "oefen":
        return _oefen(args, out, err)
    if args.command == "rules":
        if args.rules_command == "lint":
            from ..rules import sources_folder
            from ..rules.fixes import fix_problems

            folder = sources_folder(args.path, args.sources)
            pack = load_rules(args.path, sources=folder)
            found = [*pack.lint, *fix_problems(pack)]
            for problem in found:
                print(str(problem), file=out)
            if folder is None:
                print("quotes not checked: no sources/ folder beside the pack; check them "
                      "with --sources DIR (the folder of the source texts)", file=out)
            print(f"{pack.name} v{pack.version}: {len(pack.rules)} rules, "
                  f"{len(found)} lint finding(s)", file=out)
            return EXIT_VIOLATIONS if found else EXIT_OK
        packs = ([] if args.rules_only else [shared_default_pack()]) + _packs(args)
        rows = [{"pack": p.name, "rule": r.id, "severity": r.severity, "kind": r.kind,
                 "source": r.source.text} for p in packs for r in p.rules]
        if args.format == "json":
            out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        else:
            for row in rows:
                out.write(f"{row['pack']:<12} {row['rule']:<28} {row['severity']:<9} "
                          f"{row['kind']:<10} {row['source']}\n")
        return EXIT_OK
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


#: A board folder's school files, by suffix in any case (``.YAML`` too)
SCHOOL_SUFFIXES = (".yaml", ".yml", ".json")


def _school_files(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(f for f in path.iterdir() if f.suffix.lower() in SCHOOL_SUFFIXES)
            if not found:
                raise MandaatInputError([Problem(str(path), None, (), "empty",
                                                 "no .yaml, .yml or .json school files here")])
            files.extend(found)
        else:
            files.append(path)
    return files


def _report_json(report, proposed: dict | None) -> str:
    """The report's JSON; with ``--fixes``, each finding's verified options in it."""
    if proposed is None:
        return report.to_json()
    from ._whatif import report_with_fixes

    return report_with_fixes(report, proposed)


def _verified(proposed: dict | None, lang: str) -> dict | None:
    """With ``--fixes``, each finding's best checked change as a sentence."""
    if proposed is None:
        return None
    from ._whatif import verified

    return verified(proposed, lang)


def _write_report(args: argparse.Namespace, out: TextIO, school: School, report,
                  proposed: dict | None = None) -> None:
    """``check --format html`` and ``check -o FILE``: the report as a page or to a file
    (``proposed``: what ``mandaat fix`` proposes per finding, for ``--fixes``)."""
    from ..report.text import render_text

    suffix = Path(args.output or "").suffix.lower()
    fmt = args.format or {".html": "html", ".htm": "html", ".json": "json"}.get(
        suffix, "text" if args.output else _fmt(args, out))
    if fmt == "html":
        from ..report.html import render_html

        text = render_html(report, school, args.lang, fixes=_verified(proposed, args.lang))
    elif fmt == "json":
        text = _report_json(report, proposed)
    else:
        text = safe_text(render_text(report, args.lang, cells=workbook_cells(school),
                                     explain=args.explain,
                                     fixes=_verified(proposed, args.lang)))
    if not args.output:
        out.write(text)
        return
    from ..workbook import write_file

    write_file(args.output, text, overwrite=args.force,
               suffix={"html": ".html", "json": ".json"}.get(fmt, ".txt"))
    print(f"Geschreven: {args.output}" if args.lang == "nl" else f"Written: {args.output}",
          file=out)


def _focused(school: School, graph, focus: str | None, format: str) -> str:
    """``graph [--focus ID]``: the whole picture, or what touches one node."""
    import networkx as nx

    try:
        return (to_mermaid if format == "mermaid" else to_dot)(graph, focus=focus)
    except nx.NodeNotFound:
        known = sorted(n for n, d in graph.nodes(data=True)
                       if d.get("kind") in ("person", "team", "task"))
        raise MandaatInputError([Problem(_where(school), None, ("focus",), "unknown_reference",
                                         f"no person, team or task with id '{focus}'"
                                         f"{did_you_mean(focus or '', known)}")]) from None


def _matrix(args: argparse.Namespace, out: TextIO) -> int:
    """``mandaat matrix``: the RACI matrix as text, CSV or an HTML page."""
    from ..graph.matrix import matrix_csv, matrix_text, raci_matrix

    school = _school(args.school, args.stdin)
    if args.format == "html":
        from ..report.html import render_matrix_html

        text = render_matrix_html(school, args.lang)
    elif args.format == "csv":
        # each cell made visible before it is made safe for a spreadsheet (docs/cli.md)
        text = matrix_csv(raci_matrix(school), args.lang, clean=safe_text)
    else:
        text = matrix_text(raci_matrix(school), args.lang)
    if args.format != "html":
        text = safe_text(text)  # a name with control characters stays visible, also in a file
    if args.output:
        from ..workbook import write_file

        write_file(args.output, text, overwrite=args.force,
                   suffix={"html": ".html", "csv": ".csv"}.get(args.format, ".txt"))
    else:
        out.write(text)
    return EXIT_OK


def route_picture(school: School, graph, *, route: str | None, signal: str | None,
                  format: str) -> str:
    """One route (``route``), or the walk of one signal (``signal``), as a picture."""
    from ..graph.routes import draw_route
    from ..rules.facts import case_of, route_for

    routes = packs_routes([shared_default_pack()])
    if signal is not None:
        found = next((s for s in school.signals if s.id == signal), None)
        if found is None:
            known = [s.id for s in school.signals]
            raise UnknownSignalError([Problem(_where(school), None, ("signals",),
                                              "unknown_signal",
                                              f"no signal with id '{signal}'"
                                              f"{did_you_mean(signal, known)}; known: "
                                              f"{', '.join(known) or '-'}")])
        chosen = route_for(school, found.type, routes)
        if chosen is None:
            raise UnknownSignalError([Problem(_where(school), None, ("signals",),
                                              "unknown_signal",
                                              f"no route for signal '{signal}' "
                                              f"({found.type})")])
        route_id, steps = chosen
        params = {**packs_params([shared_default_pack()]), **school.params}
        return draw_route(graph, steps, title=route_id or f"{found.type} (standaard)",
                          case=case_of(found, school.reference_date, params),
                          day=school.reference_date, format=format)
    own = next((r for r in school.routes if r.id == route), None)
    if own is None:
        known = [r.id for r in school.routes]
        raise SchoolFileError([Problem(_where(school), None, ("routes",), "unknown_reference",
                                       f"no route with id '{route}'"
                                       f"{did_you_mean(route, known)}; known: "
                                       f"{', '.join(known) or '-'}")])
    return draw_route(graph, own.steps, title=own.title or own.id, format=format)


def _where(school: School) -> str:
    return school._source.name if school._source is not None else "<school>"


def _check_many(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Check every school of a board, on every core: a table, or JSON Lines."""
    from ._board import Settings, check_all, default_jobs, error_line

    as_json = _fmt(args, out) == "json"
    try:
        files = _school_files(args.school)
    except MandaatInputError as exc:
        if not as_json:
            raise
        print(exc.render(args.lang), file=err)
        out.write(error_line(exc.problems[0].file, exc, args.lang))
        return EXIT_BAD_INPUT
    try:
        packs = _packs(args)
    except MandaatInputError as exc:
        if not as_json:
            raise
        out.write(error_line(None, exc, args.lang))
        return EXIT_BAD_INPUT
    settings = Settings(tuple(packs), args.rules_only, args.lang, args.timeout, as_json)
    progress = _Progress(err, len(files), args.lang)
    worst = EXIT_OK
    rows: list[tuple[str, str, tuple[int, int, int] | int]] = []
    for path, outcome in zip(files, check_all(files, settings, args.jobs or default_jobs()),
                             strict=True):
        progress.next(path.name)
        for note in outcome.notes:
            progress.say(note)
        worst = max(worst, outcome.code)
        if outcome.line is not None:
            out.write(outcome.line)
        if outcome.row is not None:
            rows.append(outcome.row)
    progress.clear()
    if not as_json:
        out.write(board_table(rows, args.lang))
    return worst


#: The board table's headings: file, school, and the three counts
_TABLE_HEADINGS = {"nl": ("bestand", "school", "overtredingen", "waarschuwingen", "adviezen"),
                   "en": ("file", "school", "violations", "warnings", "advice")}


def board_table(rows: Sequence[tuple[str, str, tuple[int, int, int] | int]], lang: str) -> str:
    """The table ``mandaat check DIR`` prints: a line per school with its counts under
    headings in ``lang``; a file with bad input says how many problems it has.

    >>> print(board_table([("a.yaml", "OBS De Linde", (0, 1, 2)), ("b.yaml", "-", 3)], "nl"),
    ...       end="")
    bestand  school        overtredingen  waarschuwingen  adviezen
    a.yaml   OBS De Linde              0               1         2
    b.yaml   -             onjuiste invoer (3 problemen)
    """
    file_h, school_h, *count_h = _TABLE_HEADINGS[lang]
    width = max([len(r[0]) for r in rows] + [len(file_h)])
    school_width = max([len(r[1]) for r in rows] + [len(school_h)])
    lines = [f"{file_h:<{width}}  {school_h:<{school_width}}  " + "  ".join(count_h)]
    for file, school, counts in rows:
        if isinstance(counts, int):
            shown = (f"onjuiste invoer ({counts} {'probleem' if counts == 1 else 'problemen'})"
                     if lang == "nl" else
                     f"bad input ({counts} problem{'' if counts == 1 else 's'})")
        else:
            shown = "  ".join(f"{n:>{len(h)}}" for n, h in zip(counts, count_h, strict=True))
        lines.append(f"{file:<{width}}  {school:<{school_width}}  {shown}")
    return "".join(line.rstrip() + "\n" for line in lines)


class _Progress:
    """A progress line on a terminal's stderr that other messages never run into."""

    def __init__(self, err: TextIO, total: int, lang: str):
        self.err, self.total, self.n = err, total, 0
        self.word = "controle" if lang == "nl" else "checking"
        # the carriage return is ours; the file name in it is escaped like any user text
        self._raw: TextIO = err.raw if isinstance(err, SafeWriter) else err
        self.on = err.isatty()
        self._shown = False

    def next(self, name: str) -> None:
        self.n += 1
        if self.on:
            self._raw.write(f"\r{self.word} {self.n}/{self.total}: {safe_text(name)[:40]:<40}")
            self.err.flush()
            self._shown = True

    def clear(self) -> None:
        if self._shown:
            self._raw.write("\r" + " " * 60 + "\r")
            self.err.flush()
            self._shown = False

    def say(self, text: str) -> None:
        """Write whole lines to stderr, below a cleared progress line."""
        self.clear()
        print(text, file=self.err)


def _warn_ignored_params(school: School, packs: Sequence[RulePack], args: argparse.Namespace,
                         err: TextIO | _Progress) -> None:
    """With --rules-only, say which of the school's params belong to the bundled pack only."""
    if not args.rules_only:
        return
    ignored = ignored_params(school, packs)
    if ignored:
        from ._board import ignored_note

        where = school._source.name if school._source is not None else "<school>"
        text = ignored_note(where, ignored, args.lang)
        if isinstance(err, _Progress):
            err.say(text)
        else:
            print(text, file=err)


def _example(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..loader import dump_school
    from ..workbook import example_workbook_path, write_file

    if args.format == "xlsx":
        if not args.output:
            print("mandaat example: --format xlsx heeft -o BESTAND nodig (een werkboek is geen "
                  "tekst)", file=err)
            return EXIT_BAD_INPUT
        write_file(args.output, example_workbook_path().read_bytes(), overwrite=args.force,
                   suffix=".xlsx")
        return EXIT_OK
    text = (example_school_path().read_text(encoding="utf-8") if args.format == "yaml" else
            dump_school(load_school(example_school_path()), format="json"))
    if args.output:
        write_file(args.output, text, overwrite=args.force, suffix=f".{args.format}")
    else:
        out.write(text)
    return EXIT_OK


def _workbook_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``template``, ``import`` and ``export`` (docs/workbook.md)."""
    from ..loader import dump_school
    from ..workbook import read_csv, read_workbook, write_file, write_template, write_workbook

    nl = args.lang == "nl"
    if args.command == "template":
        write_template(args.output, overwrite=args.force)
        out.write(f"Geschreven: {args.output}. Vul het in en controleer het met: mandaat check "
                  f"{args.output}\n" if nl else f"Written: {args.output}. Fill it in and check "
                  f"it with: mandaat check {args.output}\n")
        return EXIT_OK
    if args.command == "export":
        write_workbook(_school(args.school, args.stdin), args.output, overwrite=args.force)
        out.write(f"Geschreven: {args.output}\n" if nl else f"Written: {args.output}\n")
        return EXIT_OK
    sheets = {name: getattr(args, name) for name in
              ("people", "teams", "externals", "mandates", "signals", "school", "params")}
    if Path(args.source).suffix.lower() == ".csv":
        school = read_csv(args.source, layout=args.layout, **sheets)
    else:
        given = [f"--{name}" for name, path in sheets.items() if path]
        if given:
            print(f"mandaat import: {', '.join(given)} " + (
                "hoort bij een CSV-matrix, niet bij een werkboek" if nl else
                "go with a CSV matrix, not with a workbook"), file=err)
            return EXIT_BAD_INPUT
        school = read_workbook(args.source, layout=args.layout)
    for _kind, _sheet, message in getattr(school._source, "notes", ()):
        print(f"mandaat import: {safe_text(message['nl' if nl else 'en'])}", file=err)
    fmt = args.format or ("json" if (args.output or "").lower().endswith(".json") else "yaml")
    text = dump_school(school, format=fmt)
    if not args.output:
        out.write(text)
        return EXIT_OK
    write_file(args.output, text, overwrite=args.force, suffix=f".{fmt}")
    n_people, n_tasks = len(school.people), len(school.tasks)
    out.write(f"Geschreven: {args.output} ({n_people} personen, {n_tasks} taken)\n" if nl else
              f"Written: {args.output} ({n_people} people, {n_tasks} tasks)\n")
    return EXIT_OK


#: The words of ``mandaat scenarios run`` (text output).
_RUN_WORDS = {
    "nl": {"passed": "GOED", "failed": "FOUT",
           "count": "{n} casussen: {passed} goed, {failed} fout",
           "coverage": "Regeldekking van {pack}: {exercised} van {total} regels komen in een "
                       "casus voor",
           "uncovered": "; geen casus laat {rules} zien"},
    "en": {"passed": "PASS", "failed": "FAIL",
           "count": "{n} scenarios: {passed} passed, {failed} failed",
           "coverage": "Rule coverage of {pack}: {exercised} of {total} rules exercised",
           "uncovered": "; no scenario shows {rules}"},
}


def _scenarios(args: argparse.Namespace, out: TextIO) -> int:
    from ..training.scenarios import run_scenarios

    run = run_scenarios(args.path, rules=args.rules, rules_only=args.rules_only,
                        lang=args.lang)
    if args.format == "json":
        out.write(json.dumps({
            "scenarios": [{"id": r.scenario.id, "passed": r.passed, "diff": r.diff()}
                          for r in run.results],
            "passed": len(run.results) - len(run.failed), "failed": len(run.failed),
            "uncovered": run.uncovered,
        }, ensure_ascii=False, indent=2) + "\n")
        return EXIT_VIOLATIONS if run.failed else EXIT_OK
    w = _RUN_WORDS[args.lang]
    for r in run.results:
        title = r.scenario.text(args.lang)[0]
        out.write(f"{w['passed'] if r.passed else w['failed']}  {r.scenario.id}  {title}\n")
        for line in r.diff(args.lang):
            out.write(f"      {line}\n")
    out.write("\n" + w["count"].format(n=len(run.results),
                                       passed=len(run.results) - len(run.failed),
                                       failed=len(run.failed)) + "\n")
    for pack in run.packs:
        missing = run.uncovered[pack.name]
        out.write(w["coverage"].format(pack=pack.name, total=len(pack.rules),
                                       exercised=len(pack.rules) - len(missing))
                  + (w["uncovered"].format(rules=", ".join(missing)) if missing else "")
                  + "\n")
    return EXIT_VIOLATIONS if run.failed else EXIT_OK


def _oefen(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..training import NoSuchCase, goodbye, listing, numbered, pick, session, text_width
    from ..training.scenarios import bundled_scenarios_path, load_scenarios

    where = str(args.path or bundled_scenarios_path())
    try:
        items = load_scenarios(where)
    except KeyboardInterrupt:  # Ctrl-C while the scenarios load
        out.write(goodbye(args.lang))
        return EXIT_INTERRUPTED
    try:
        cases = pick(numbered(items), scenario=args.scenario, theme=args.theme, lang=args.lang,
                     where=where)
    except NoSuchCase as exc:
        print(f"mandaat oefen: {exc}", file=err)
        return EXIT_BAD_INPUT
    width = text_width(out)
    if args.list:
        out.write(listing(cases, lang=args.lang, width=width))
        return EXIT_OK
    # 0 all right, 1 not all right or input ended early, 130 Ctrl-C (docs/trainers.md)
    return session([item for _, item in cases],
                   stdin=getattr(args, "stdin", None) or sys.stdin, stdout=out,
                   lang=args.lang, width=width)
