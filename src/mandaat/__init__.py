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
from ._data import example_school_path
from ._version import __version__
from .errors import (
    MandaatInputError,
    Problem,
    RulePackError,
    SchoolFileError,
    UnknownSignalError,
)
from .evaluation import check, escalate
from .graph import build_graph
from .graph.matrix import raci_matrix
from .loader import dump_school, load_school
from .report import Escalation, Explanation, Finding, Report
from .rules import RulePack, default_pack, load_rules
from .school.files import workbook_cells
from .school.model import (
    Defaults,
    External,
    Mandate,
    Person,
    School,
    Signal,
    Task,
    Team,
    json_schema,
)

#: Names imported when first used: the HTML report needs Jinja2, the workbooks a module of
#: their own, and most commands neither (together 80 ms of every command's start).
_ON_FIRST_USE = {
    "render_html": "report.html",
    "read_csv": "workbook",
    "read_workbook": "workbook",
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
    "Defaults",
    "Escalation",
    "Explanation",
    "External",
    "Finding",
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
    "build_graph",
    "check",
    "default_pack",
    "dump_school",
    "escalate",
    "example_school_path",
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
