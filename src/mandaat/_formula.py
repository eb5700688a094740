"""CSV a spreadsheet does not run: the OWASP rule against formula injection.

Excel, LibreOffice and Google Sheets run a CSV cell that starts with ``=``, ``+``, ``-``
or ``@`` as a formula (and a tab or carriage return in front of one hides it). Names and
titles come from a school file someone else wrote, so every CSV cell mandaat writes goes
through :func:`csv_cell` (:func:`csv_line` writes a row of them), which puts a single quote in front of such a cell; the CSV
reader takes it off again with :func:`csv_value`, so a school reads back as it was.

A cell that is only a number (``-3``, ``+5``, ``-1,5``) is data, not a formula: it is
written as it is, so that a spreadsheet still reads it as a number.

>>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("-3"), csv_cell("Anna")
('\\'=HYPERLINK("http://x")', '-3', 'Anna')
>>> csv_value(csv_cell("@SUM(1+1)")), csv_value(csv_cell("'=1")), csv_value("'Anna")
('@SUM(1+1)', "'=1", "'Anna")
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The characters a spreadsheet starts a formula with, or hides one behind.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# A cell that needs the quote: the characters above, after any quotes already there (so
# that a name that itself starts with "'=" reads back with its quote).
_DANGER = re.compile(r"'*[=+\-@\t\r]")
# A number a spreadsheet reads as a number: sign, digits, a decimal point or comma.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def csv_cell(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs as a formula.

    A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    single quote in front (also one that starts with quotes and then one of those, so that
    :func:`csv_value` gives back every text); a number such as ``-3`` stays as it is.
    """
    if _DANGER.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_value(cell: str) -> str:
    """The text of a cell :func:`csv_cell` wrote: one leading quote off where it added one."""
    if cell.startswith("'") and _DANGER.match(cell, 1):
        return cell[1:]
    return cell


def csv_line(cells: Iterable[str], delimiter: str = ";") -> str:
    """One CSV row of :func:`csv_cell` cells, ending in a newline.

    A cell with the delimiter, a double quote, a line feed or a carriage return is quoted
    (Python's ``csv.writer`` leaves a lone carriage return unquoted when lines end in
    ``\\n``, and a reader then breaks the row there).

    >>> print(csv_line(["@cmd", "a;b", "say 'x'", "-3"]), end="")
    '@cmd;"a;b";say 'x';-3
    >>> csv_line(["line\\rbreak"])
    '"line\\rbreak"\\n'
    """
    out = []
    for text in cells:
        cell = csv_cell(text)
        if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return delimiter.join(out) + "\n"
