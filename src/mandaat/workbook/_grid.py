"""The grid: the values of one sheet or CSV file, and where each stands; and the refusal
of a whole file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem
from ._common import _cell_name

# --- the grid: the values of one sheet or CSV file, and where each stands --------------------


@dataclass
class _Grid:
    """The values of a sheet (or a CSV file), 1-based, with the cells mandaat must refuse."""

    file: str
    sheet: str | None
    rows: list[list[Any]]
    #: (row, col) -> "formula" or "error": cells whose value is not typed data.
    special: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    #: Merged ranges as (min_row, min_col, max_row, max_col).
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def ref(self, row: int, col: int) -> str:
        """The cell as a problem names it: ``Taken!D7`` (a CSV file: ``D7``)."""
        return f"{self.sheet}!{_cell_name(row, col)}" if self.sheet else _cell_name(row, col)

    def label(self, row: int, col: int) -> str:
        """The cell as the report names it: ``Taken!D7`` (a CSV file: ``taken.csv!D7``)."""
        return f"{self.sheet or Path(self.file).name}!{_cell_name(row, col)}"

    def value(self, row: int, col: int) -> Any:
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= col <= len(cells):
                return cells[col - 1]
        return None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Refused(Exception):
    """A file mandaat refuses as a whole (too large, macros, not a workbook)."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _refuse(file: str, type_: str, msg: str, where: str | None = None) -> _Refused:
    return _Refused(Problem(file, None, (where,) if where else (), type_, msg))
