"""The ``mandaat`` command line: thin, over the library (see ``docs/cli.md``).

Exit status: 0 no violations, 1 at least one violation (or lint findings), 2 bad input or
bad rules, with the message on stderr and no traceback.

This module parses the arguments; :mod:`~mandaat.cli.commands` does what each command
asks, over the library, and ``_board`` checks a board's schools on every core.
"""

from __future__ import annotations

import sys

from .._version import __version__
from ._exit import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_VIOLATIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import TextIO

# argparse, the library and its dependencies are imported once a command runs, so that
# ``mandaat --version`` starts in about the time of Python itself (docs/architecture.md).

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_VIOLATIONS", "console",
    "example_school_path", "main",
]


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="mandaat",
        description="Check who is responsible for what in a Dutch primary school, and why.",
    )
    parser.add_argument("--version", action="version", version=f"mandaat {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def rules_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--rules", action="append", default=[], metavar="PATH",
                       help="add a rule pack (a YAML file or a folder); may be repeated")
        p.add_argument("--rules-only", action="store_true",
                       help="use only the --rules packs, not the bundled lbbo-2022")

    def output_options(p: argparse.ArgumentParser,
                       formats: tuple[str, ...] = ("text", "json")) -> None:
        p.add_argument("--format", choices=formats, default=None,
                       help="text for people (default on a terminal) or json for apps"
                       + ("; html: one page to open in a browser and print" if "html" in formats
                          else ""))
        p.add_argument("--lang", choices=("nl", "en"), default="nl",
                       help="language of messages (default nl)")
        p.add_argument("--explain", "-v", action="store_true",
                       help="text: also the facts as the engine matched them, the route "
                       "and the thresholds")

    def file_options(p: argparse.ArgumentParser, what: str = "write to FILE instead of stdout",
                     *, metavar: str = "FILE", required: bool = False) -> None:
        p.add_argument("-o", "--output", metavar=metavar, required=required, help=what)
        p.add_argument("--force", action="store_true",
                       help=f"overwrite {metavar} if it exists")

    def timeout_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                       help="stop a school's reading, and its evaluation, each after this many "
                       "seconds (bad input, exit 2)")

    p = sub.add_parser("check", help="check a school's task division",
                       description="Check a school file against the rule packs. Without a "
                       "file, checks the bundled example school; with a folder or several "
                       "files, checks them all (a board's schools).")
    p.add_argument("school", nargs="*", metavar="SCHOOL_FILE")
    rules_options(p)
    output_options(p, ("text", "json", "html"))
    timeout_option(p)
    file_options(p, "write the report to FILE (atomically) instead of stdout")
    p.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                   help="for several schools: check them in N worker processes, at most 64 "
                   "(default: one per core; 1 checks them one by one in this process)")
    p.add_argument("--fixes", action="store_true",
                   help="add the verified fixes (mandaat fix): in json a field per finding, "
                   "in text a last section")

    # what if: docs/cli.md, mandaat diff and mandaat fix
    p = sub.add_parser("diff", help="compare two divisions: findings resolved and introduced",
                       description="Check BEFORE and AFTER with the same packs: the findings "
                       "AFTER resolves, introduces and keeps, and what changed in the "
                       "division. Exit 1 when AFTER introduces a violation.")
    p.add_argument("before", metavar="BEFORE")
    p.add_argument("after", metavar="AFTER")
    rules_options(p)
    output_options(p, ("text", "json", "html"))
    timeout_option(p)
    file_options(p)

    p = sub.add_parser("fix", help="propose verified fixes, or apply them (--apply -o NEW)",
                       description="Propose, for each finding, the edits its rule names, "
                       "each checked on a copy of the school first; --apply -o NEW writes "
                       "the school with the best non-conflicting fixes applied.")
    p.add_argument("school", nargs="?", metavar="SCHOOL_FILE")
    rules_options(p)
    output_options(p)
    p.add_argument("--apply", action="store_true",
                   help="apply the best verified fixes that do not conflict; needs -o NEW")
    file_options(p, "with --apply: the new school file, in the input's format", metavar="NEW")

    p = sub.add_parser("escalate", help="who acts now on an open signal, and why",
                       description="Answer who acts now on one signal of a school file.")
    p.add_argument("school", metavar="SCHOOL_FILE")
    p.add_argument("signal", metavar="SIGNAL_ID")
    rules_options(p)
    output_options(p)
    timeout_option(p)

    p = sub.add_parser("graph", help="draw the responsibility graph (Mermaid or DOT)",
                       description="Print the school's responsibility graph.")
    p.add_argument("school", nargs="?", metavar="SCHOOL_FILE")
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--route", metavar="ROUTE_ID", help="draw only this route, steps numbered")
    which.add_argument("--signal", metavar="SIGNAL_ID",
                       help="draw the route this signal walks, as far as it has come")
    which.add_argument("--focus", metavar="ID",
                       help="draw only what touches this person, team or task")

    p = sub.add_parser("matrix", help="print the RACI matrix (text, CSV or HTML)",
                       description="Print the school's RACI matrix: tasks down by domain, "
                       "people and teams across by role, A/R/C/I and hours in the cells.")
    p.add_argument("school", nargs="?", metavar="SCHOOL_FILE")
    p.add_argument("--format", choices=("text", "csv", "html"), default="text")
    p.add_argument("--lang", choices=("nl", "en"), default="nl")
    file_options(p)

    p = sub.add_parser("schema", help="print the JSON Schema of the school file format",
                       description="Print the JSON Schema of format mandaat/1 (with --report: "
                       "of the report, format mandaat-report/1).")
    p.add_argument("--report", action="store_true",
                   help="the schema of the JSON report instead of the school file")

    p = sub.add_parser("serve", help="answer checks over HTTP (an API for apps, a page for "
                       "people)",
                       description="Serve the check over HTTP: POST /v1/check and "
                       "/v1/escalate for apps, a page at / for people (docs/service.md).")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1: this machine only; "
                   "any other needs --token-file or --no-auth)")
    p.add_argument("--port", type=_port, default=8080, help="the port (default 8080)")
    p.add_argument("--workers", type=_jobs, default=1, metavar="N",
                   help="worker processes, at most 64 (default 1)")
    p.add_argument("--token-file", metavar="FILE",
                   help="a file holding the bearer token every /v1 request must send")
    p.add_argument("--no-auth", action="store_true",
                   help="serve on another address than 127.0.0.1 without a token")
    p.add_argument("--decision-log", metavar="FILE",
                   help="append one JSON line per decision to FILE (never the school itself)")
    p.add_argument("--rules", action="append", default=[], metavar="PATH",
                   help="load a rule pack (a YAML file or a folder) beside lbbo-2022; "
                   "may be repeated")
    p.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="the time a request's reading and check may take (default 10)")
    p.add_argument("--max-pending", type=_jobs, default=None, metavar="N",
                   help="requests a worker takes at once, waiting ones included, at most "
                   "64 (default 32); more are answered 503 with Retry-After")

    p = sub.add_parser("example", help="print the bundled example school file",
                       description="Print the bundled example school, a start for your own.")
    p.add_argument("--format", choices=("yaml", "json", "xlsx"), default="yaml",
                   help="yaml (the file as shipped), json, or xlsx (a workbook; needs -o)")
    file_options(p)

    # workbooks: docs/workbook.md
    p = sub.add_parser("template", help="write an empty workbook to fill in (.xlsx)",
                       description="Write an Excel workbook a school fills in: people, teams, "
                       "tasks as a RACI matrix, mandates, signals, routes; Dutch headings, "
                       "drop-down lists and an instruction sheet.")
    file_options(p, "the .xlsx to write", required=True)
    p.add_argument("--lang", choices=("nl", "en"), default="nl")

    p = sub.add_parser("import", help="convert a workbook or CSV files to a school file",
                       description="Read a filled-in workbook (or a RACI matrix as CSV, or a "
                       "planner's activity overview) and write it as a mandaat/1 school file. "
                       "Every problem is reported with its sheet and cell; nothing is written "
                       "unless the whole school is valid.")
    p.add_argument("source", metavar="WORKBOOK_OR_CSV")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE (.yaml or .json) instead of stdout")
    p.add_argument("--format", choices=("yaml", "json"), default=None,
                   help="the output format (default: from FILE's name, else yaml)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--layout", choices=("auto", "mandaat", "planner"), default="auto",
                   help="mandaat (the template's sheets) or planner (activities down, team "
                   "members across, hours in the cells); auto decides by the sheets")
    for name in ("people", "teams", "externals", "mandates", "signals", "school", "params"):
        p.add_argument(f"--{name}", metavar="CSV", help=f"with a CSV matrix: the {name} sheet "
                       "as CSV (optional)")
    p.add_argument("--lang", choices=("nl", "en"), default="nl")

    p = sub.add_parser("export", help="write a school file as a workbook (.xlsx)",
                       description="Write a school file as an Excel workbook that `mandaat "
                       "import` reads back as the same school.")
    p.add_argument("school", metavar="SCHOOL_FILE")
    file_options(p, "the .xlsx to write", required=True)
    p.add_argument("--lang", choices=("nl", "en"), default="nl")

    p = sub.add_parser("scenarios", help="run training scenarios as tests",
                       description="Run scenarios against the rule packs.")
    ssub = p.add_subparsers(dest="scenarios_command", required=True, metavar="ACTION")
    sp = ssub.add_parser("run", help="run every scenario and report rule coverage",
                         description="Run every scenario of a file or folder (default: the "
                         "bundled pack); exit 1 when one fails.")
    sp.add_argument("path", nargs="?", metavar="PATH")
    rules_options(sp)
    sp.add_argument("--format", choices=("text", "json"), default="text")
    sp.add_argument("--lang", choices=("nl", "en"), default="nl",
                    help="language of the text output (default nl); json is the same in both")

    p = sub.add_parser("oefen", help="practise a scenario in the terminal",
                       description="Practise scenarios: read the case, answer the question, "
                       "get hints, and see the explanation.")
    p.add_argument("path", nargs="?", metavar="PATH")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--scenario", metavar="ID_OR_NUMBER",
                       help="only this scenario: its id, or its number in --list")
    which.add_argument("--theme", metavar="THEME",
                       help="only the scenarios of this theme (rolzuiverheid, mandaat, "
                       "zorg-en-ouders, escalatie, continuiteit, kwaliteit-en-data)")
    p.add_argument("--list", action="store_true",
                   help="list the scenarios, numbered, with id, title and theme; play none")
    p.add_argument("--lang", choices=("nl", "en"), default="nl")

    p = sub.add_parser("rules", help="list or lint rule packs",
                       description="List the rules of the packs, or lint a pack.")
    rsub = p.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    lp = rsub.add_parser("list", help="list the rules", description="List the rules.")
    rules_options(lp)
    lp.add_argument("--format", choices=("text", "json"), default="text")
    lint = rsub.add_parser("lint", help="check a rule pack for mistakes",
                           description="Load a rule pack and report its mistakes.")
    lint.add_argument("path", metavar="PATH")
    lint.add_argument("--sources", metavar="DIR",
                      help="the folder of the source texts the rules quote (default: a "
                      "sources/ folder beside PATH, when there is one)")
    return parser


def _seconds(text: str) -> float:
    """``--timeout``: a positive number of seconds."""
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return value


#: The most worker processes ``--jobs`` starts (docs/cli.md)
MAX_JOBS = 64


def _port(text: str) -> int:
    """``--port``: a TCP port, from 0 (any free one) to 65535."""
    import argparse

    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= 65535:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise argparse.ArgumentTypeError(
            f"expected a port, a whole number from 0 to 65535, not {shown!r}")
    return n


def _jobs(text: str) -> int:
    """``--jobs``: a whole number of workers, from 1 to :data:`MAX_JOBS`."""
    import argparse

    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_JOBS:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_JOBS}, not {shown!r}")
    return n


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None, stdin: TextIO | None = None) -> int:
    """Run the command line; return the exit status (the console script exits with it)."""
    return _main(argv, stdout=stdout, stderr=stderr, stdin=stdin)


def _main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
          stderr: TextIO | None = None, stdin: TextIO | None = None,
          freeze: bool = False) -> int:
    from .._terminal import SafeWriter
    from ..errors import MandaatInputError

    out = stdout or sys.stdout
    err: TextIO = SafeWriter(stderr or sys.stderr)  # type: ignore[assignment]
    args = _parser().parse_args(argv)
    args.stdin = stdin or sys.stdin
    if _writes_text(args, out):
        out = SafeWriter(out)  # type: ignore[assignment]
    try:
        from .commands import _run

        if freeze:
            import gc

            # The console script imports with the cycle collector off: the imports make
            # most of the process's objects (modules, classes, schemas), none of them
            # garbage, and the collections they set off walked them again and again
            # (30-60 ms of a whole check). What they made is then moved out of the
            # collector's sight, and the objects the command makes are collected as usual.
            gc.freeze()
            gc.enable()
        return _run(args, out, err)
    except MandaatInputError as exc:
        lang = getattr(args, "lang", "nl")
        print(exc.render(lang), file=err)
        if _json_on_stdout(args, out):
            # apps read the same problems on stdout, as one document (docs/cli.md)
            from ..problem_details import problem_json

            out.write(problem_json(exc, lang))
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # pragma: no cover - e.g. `mandaat check | head`
        return EXIT_OK
    except KeyboardInterrupt:  # Ctrl-C: no traceback, the shell's status for it
        return EXIT_INTERRUPTED


def _writes_text(args: argparse.Namespace, out: TextIO) -> bool:
    """Whether the command writes text for people (escaped), not JSON, DOT or Mermaid."""
    if args.command in ("graph", "schema", "example"):
        return False
    fmt = getattr(args, "format", None)
    if args.command in ("check", "escalate", "diff", "fix"):
        return (fmt or ("text" if out.isatty() else "json")) == "text"
    return fmt != "json"


def _json_on_stdout(args: argparse.Namespace, out: TextIO) -> bool:
    """Whether ``check`` or ``escalate`` writes its JSON answer on stdout."""
    if args.command not in ("check", "escalate") or getattr(args, "output", None):
        return False
    return (args.format or ("text" if out.isatty() else "json")) == "json"


def console() -> None:
    """Entry point of the ``mandaat`` console script.

    ``mandaat --version`` answers before anything else is imported.
    """
    if sys.argv[1:] == ["--version"]:
        print(f"mandaat {__version__}")
        sys.exit(EXIT_OK)
    import gc

    gc.disable()  # until the command's modules are imported (see _main)
    sys.exit(_main(freeze=True))


def __getattr__(name: str) -> object:
    if name == "example_school_path":  # where mandaat 0.1 had it
        from .._data import example_school_path

        return example_school_path
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
