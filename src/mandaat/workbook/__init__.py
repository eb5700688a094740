"""School files as spreadsheets: a workbook template, import, export, and the planner layout.

Schools make their werkverdeling in spreadsheets, so mandaat reads and writes them
(``docs/workbook.md`` is the whole story, for school leaders and app developers):

- :func:`write_template` writes an empty workbook to fill in: an instruction sheet,
  ``School``, ``Personen``, ``Teams``, ``Externen``, ``Taken`` (a RACI matrix: one row a
  task, one column a person, team or external party, cells ``A``, ``R``, ``C``, ``I`` with
  hours, as ``R 20``), ``Mandaten``, ``Signalen`` and ``Drempels``, with drop-down lists.
- :func:`read_workbook` reads a filled-in ``.xlsx`` (or a planner's activity overview,
  ``layout="planner"``) and :func:`read_csv` a RACI matrix saved as CSV, each into a
  :class:`~mandaat.school.model.School`; every problem is a :class:`~mandaat.errors.Problem`
  that names the sheet and cell (``Taken!D7``), checked by the same loader as YAML.
- :func:`write_workbook` writes a school as a workbook; reading it back gives the same
  school, and what a workbook cannot hold is refused, never dropped.

A workbook is untrusted input: its size, its zip parts, their unpacked size and
compression ratio, and the rows and columns of every sheet mandaat reads are checked
against :data:`LIMITS` before openpyxl parses it; macros, DTDs, formulas and merged
cells where mandaat reads are refused with the cell named.

openpyxl is imported only when a workbook is read or written.

The modules, in the order they build on each other: ``_common`` (sheet names, limits),
``_grid`` (a sheet's values), ``_xlsx`` and ``_csv`` (reading files safely), ``_names``
(what people type for a person), ``_columns`` (how each column reads and writes),
``_cells`` (one cell read as a field), ``_writer`` (writing cells), ``_sheets`` (one class
a sheet), ``_planner`` (a planner's overview), ``_read`` and ``_write`` (a whole
workbook), ``_files`` (files on disk).
"""

from .._data import example_workbook_path
from ..school._source import is_workbook_path
from ..school.files import workbook_cells
from ._common import LIMITS
from ._files import load_workbook_path, write_file, write_template, write_workbook
from ._read import WorkbookSource, read_csv, read_workbook
from ._write import template_bytes, workbook_bytes

__all__ = [
    "LIMITS",
    "WorkbookSource",
    "example_workbook_path",
    "is_workbook_path",
    "load_workbook_path",
    "read_csv",
    "read_workbook",
    "template_bytes",
    "workbook_bytes",
    "workbook_cells",
    "write_file",
    "write_template",
    "write_workbook",
]
