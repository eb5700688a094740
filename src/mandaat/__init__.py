"""mandaat: who is responsible for what in a Dutch primary school, and why."""

from .errors import MandaatInputError, Problem, RulePackError, SchoolFileError, UnknownSignalError
from .loader import dump_school, load_school
from .model import Mandate, Person, School, Signal, Task, Team

__all__ = [
    "Mandate",
    "MandaatInputError",
    "Person",
    "Problem",
    "RulePackError",
    "School",
    "SchoolFileError",
    "Signal",
    "Task",
    "Team",
    "UnknownSignalError",
    "dump_school",
    "load_school",
]
