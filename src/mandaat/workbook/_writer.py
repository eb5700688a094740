"""Writing cells: the school's data, the names to write for ids, and the styles and
drop-down lists of the workbook being written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..school import vocabulary as V
from ._columns import _LIST_COLUMNS, _Column, _Table
from ._common import ALL_STAFF_HEADER, SHEET_LISTS, _column_letter, _number_text
from ._names import _Names

# --- writing a workbook --------------------------------------------------------------------


class _Writing:
    """The school's data, the names to write for ids, and the workbook being written."""

    def __init__(self, data: Mapping[str, Any], template: bool = False):
        from openpyxl.styles import Font, PatternFill

        self.data = data
        self.template = template
        self.names = _Names()
        for section, kind in (("people", "person"), ("teams", "team"),
                              ("externals", "external")):
            for item in data.get(section, []):
                self.names.add(item["id"], kind, item.get("name"))
        self.order: list[tuple[str, str, list[str]]] = []
        self.exact: list[tuple[str, int, list[Any]]] = []
        self.bold = Font(bold=True)
        self.grey = Font(color="666666", italic=True)
        self.fill = PatternFill("solid", fgColor="DDEBF7")

    def text(self, ws: Any, row: int, col: int, value: str) -> Any:
        cell = ws.cell(row=row, column=col, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    def number(self, ws: Any, row: int, col: int, value: float) -> None:
        # openpyxl writes 16 significant digits; a number that needs 17 is written as text
        if isinstance(value, int) or float(f"{value:.16g}") == value:
            ws.cell(row=row, column=col, value=value)
        else:
            self.text(ws, row, col, _number_text(value))

    def put(self, ws: Any, row: int, col: int, column: _Column, value: Any,
            item: Mapping[str, Any]) -> None:
        kind = column.kind
        if kind in ("text", "id", "word", "group"):
            self.text(ws, row, col, str(value))
        elif kind in ("number", "whole"):
            self.number(ws, row, col, value)
        elif kind == "flag":
            if value:
                self.text(ws, row, col, "ja")
        elif kind == "yesno":
            self.text(ws, row, col, "ja" if value else "nee")
        elif kind == "date":
            day = dt.date.fromisoformat(value)
            if day.year >= 1900:
                ws.cell(row=row, column=col, value=day).number_format = "DD-MM-YYYY"
            else:
                self.text(ws, row, col, value)
        elif kind in ("words", "groups", "supervises"):
            self.text(ws, row, col, ", ".join(str(v) for v in value))
        elif kind == "ref":
            self.text(ws, row, col, self.names.label(value, column.refs or ("person",)))
        elif kind == "refs":
            self.text(ws, row, col, ", ".join(self.names.label(v, column.refs, in_list=True)
                                              for v in value))
        elif kind == "about":
            about = V.SIGNAL_ABOUT.get(item.get("type", ""))
            if about == "person":
                self.text(ws, row, col, self.names.label(value, ("person",)))
            elif about == "team":
                self.text(ws, row, col, ALL_STAFF_HEADER if value == V.ALL_STAFF else
                          self.names.label(value, ("team", "all_staff")))
            else:
                self.text(ws, row, col, value)
        else:  # pragma: no cover
            raise AssertionError(kind)

    def list_validation(self, ws: Any, list_name: str, area: str, *, strict: bool) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        title, words = _LIST_COLUMNS[list_name]
        col = _column_letter(list(_LIST_COLUMNS).index(list_name) + 1)
        dv = DataValidation(type="list", formula1=f"={SHEET_LISTS}!${col}$2:${col}$"
                            f"{len(words) + 1}", allow_blank=True)
        dv.showErrorMessage = strict
        dv.errorTitle = "Niet in de lijst"
        dv.error = f"Kies een waarde uit de lijst ({title}, blad {SHEET_LISTS})."
        dv.add(area)
        ws.add_data_validation(dv)

    def validate(self, ws: Any, table: _Table | None, columns: Sequence[_Column],
                 n: int) -> None:
        lists = dict(table.lists) if table else {("type",): "task_type", ("domain",): "domain",
                                                 ("parent_consent",): "yesno"}
        last = n + 200
        for c, column in enumerate(columns, start=1):
            letter = _column_letter(c)
            name = lists.get(column.key)
            if name is not None:
                self.list_validation(ws, name, f"{letter}2:{letter}{last}",
                                     strict=column.kind not in ("words",))
            if column.kind in ("text", "id", "groups", "group", "supervises", "refs", "ref",
                               "about"):
                # typed text stays text: Excel would make a date of groups "1-2"
                ws.column_dimensions[letter].number_format = "@"


def _header_row(ws: Any, headers: Sequence[str], widths: Sequence[int]) -> None:
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=1, column=c, value=text)
        cell.data_type = "s"
        cell.font = bold
        cell.fill = fill
        ws.column_dimensions[_column_letter(c)].width = width
