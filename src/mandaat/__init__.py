"""mandaat: who is responsible for what in a Dutch primary school, and why.

>>> import mandaat
>>> school = mandaat.load_school(mandaat.example_school_path())
>>> report = mandaat.check(school)
>>> report.summary["violation"] > 0
True
>>> mandaat.escalate(school, "s-tom").acts_now
'anna'
"""

import importlib

from . import _moved
from ._version import __version__

#: Every public name and the module it is imported from when it is first used:
#: ``import mandaat`` loads none of them, so ``mandaat --version`` and ``--help`` start
#: without pydantic, networkx or durable-rules, and a check loads no workbook, template
#: or command-line code (``docs/architecture.md``).
_ON_FIRST_USE = {
    "Applied": "whatif.fix",
    "Defaults": "school.model",
    "Diff": "whatif.diff",
    "Escalation": "report.model",
    "Explanation": "report.model",
    "External": "school.model",
    "Finding": "report.model",
    "Fix": "whatif.fix",
    "MandaatInputError": "errors",
    "Mandate": "school.model",
    "Person": "school.model",
    "Problem": "errors",
    "Report": "report.model",
    "RulePack": "rules",
    "RulePackError": "errors",
    "School": "school.model",
    "SchoolFileError": "errors",
    "Signal": "school.model",
    "Task": "school.model",
    "Team": "school.model",
    "UnknownSignalError": "errors",
    "apply_edits": "whatif.fix",
    "apply_fixes": "whatif.fix",
    "build_graph": "graph",
    "check": "evaluation",
    "default_pack": "rules",
    "diff": "whatif.diff",
    "dump_school": "school.files",
    "escalate": "evaluation",
    "example_school_path": "_data",
    "fix": "whatif.fix",
    "json_schema": "school.model",
    "load_rules": "rules",
    "load_school": "loader",
    "raci_matrix": "graph.matrix",
    "read_csv": "workbook",
    "read_workbook": "workbook",
    "render_html": "report.html",
    "workbook_cells": "school.files",
    "write_template": "workbook",
    "write_workbook": "workbook",
}

_moved.install()


def __getattr__(name: str) -> object:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module 'mandaat' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_ON_FIRST_USE})


__all__ = [
    "Applied",
    "Defaults",
    "Diff",
    "Escalation",
    "Explanation",
    "External",
    "Finding",
    "Fix",
    "MandaatInputError",
    "Mandate",
    "Person",
    "Problem",
    "Report",
    "RulePack",
    "RulePackError",
    "School",
    "SchoolFileError",
    "Signal",
    "Task",
    "Team",
    "UnknownSignalError",
    "__version__",
    "apply_edits",
    "apply_fixes",
    "build_graph",
    "check",
    "default_pack",
    "diff",
    "dump_school",
    "escalate",
    "example_school_path",
    "fix",
    "json_schema",
    "load_rules",
    "load_school",
    "raci_matrix",
    "read_csv",
    "read_workbook",
    "render_html",
    "workbook_cells",
    "write_template",
    "write_workbook",
]
