"""mandaat: who is responsible for what in a Dutch primary school, and why.

>>> import mandaat
>>> school = mandaat.load_school(mandaat.example_school_path())
>>> report = mandaat.check(school)
>>> report.summary["violation"] > 0
True
>>> mandaat.escalate(school, "s-tom").acts_now
'anna'
"""

__version__ = "0.1.0"

from .check import check, escalate
from .cli import example_school_path
from .errors import (
    MandaatInputError,
    Problem,
    RulePackError,
    SchoolFileError,
    UnknownSignalError,
)
from .graph import build_graph
from .loader import dump_school, load_school
from .matrix import raci_matrix
from .model import (
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
from .report import Escalation, Explanation, Finding, Report
from .report_html import render_html
from .rules import RulePack, default_pack, load_rules
from .workbook import (
    read_csv,
    read_workbook,
    workbook_cells,
    write_template,
    write_workbook,
)

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
