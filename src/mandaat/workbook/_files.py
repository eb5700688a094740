"""Writing the files: atomically, only to a regular file with a name that fits what is
written, never over a file unless asked; and a workbook or CSV file read as
``load_school`` reads it."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from ..errors import MandaatInputError, Problem
from ..school._source import CSV_SUFFIXES, MACRO_SUFFIXES, WORKBOOK_SUFFIXES
from ..school.model import School
from ._read import read_csv, read_workbook
from ._write import template_bytes, workbook_bytes

# --- writing files: atomically, only a regular file, and never over a file unless asked ----

#: What is written, by the suffix that fits it, for the message of a name that does not.
_WHAT = {".yaml": "a school file", ".yml": "a school file", ".json": "JSON", ".csv": "CSV", ".html": "a web page",
         ".txt": "text"}

#: The suffixes mandaat reads as a workbook (or refuses as one with macros): text written
#: there would read as a damaged workbook, and a workbook goes nowhere else.
_WORKBOOK_NAMES = (*WORKBOOK_SUFFIXES, *MACRO_SUFFIXES)


def write_file(path: str | Path, content: bytes | str, *, overwrite: bool = False,
               suffix: str | None = None) -> None:
    """Write ``content`` to ``path`` atomically: a temporary file beside it, then a rename.

    Only a regular file is written. A symbolic link is followed: the file it points to is
    replaced and the link stays a link. A name that exists and is not a regular file (a
    folder, a named pipe, a device, a socket) is refused, also with ``overwrite``, and is
    never opened.

    Parameters
    ----------
    path
        Where to write.
    content
        Bytes, or text (written as UTF-8).
    overwrite
        Replace an existing file (``--force`` on the command line); without it an existing
        file is refused.
    suffix
        The suffix that fits what is written: ``".xlsx"`` for a workbook, ``".yaml"`` or
        ``".json"`` for a school file, ``".csv"``, ``".html"`` or ``".txt"`` for other text.
        A workbook is written only to a name ending in ``.xlsx``; anything else never to a
        name mandaat reads as a workbook, a school file not to a ``.csv`` name, and a
        report or other text not to a ``.yaml`` name (``wrong_suffix``). ``None``: any
        name.

    Raises
    ------
    MandaatInputError
        ``wrong_suffix``, ``is_a_directory`` or ``not_a_regular_file`` (also with
        ``overwrite``); ``file_exists`` when ``path`` exists and ``overwrite`` is false;
        ``unwritable`` when it cannot be written. Nothing is left half-written either way.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = _output(path, overwrite, suffix)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise MandaatInputError([Problem(str(path), None, (), "unwritable",
                                         f"cannot write: {exc.strerror}")]) from None


def _output(path: str | Path, overwrite: bool, suffix: str | None) -> Path:
    """The regular file ``path`` names (a link followed), or the problem of writing it.

    Only ``os.stat`` looks at what is there: a named pipe is never opened (opening one for
    writing waits for a reader), and the rename in :func:`write_file` replaces only a
    regular file.
    """
    given = Path(path)
    target = Path(os.path.realpath(given))
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise MandaatInputError([Problem(str(path), None, (), "unwritable",
                                         f"cannot write: {exc.strerror}")]) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise MandaatInputError([Problem(str(path), None, (), "is_a_directory",
                                         "is a folder, not a file")])
    if mode is not None and not stat.S_ISREG(mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else
                "a socket" if stat.S_ISSOCK(mode) else
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "something else")
        raise MandaatInputError([Problem(
            str(path), None, (), "not_a_regular_file",
            f"is {kind}, not a regular file; mandaat writes only to a regular file, also "
            f"with --force: choose another name")])
    _refuse_suffix(path, given, suffix)
    if given.is_symlink():
        _refuse_suffix(path, target, suffix, link=True)
    if mode is not None and not overwrite:
        raise MandaatInputError([Problem(str(path), None, (), "file_exists",
                                         "already exists; mandaat overwrites a file only "
                                         "with --force")])
    return target


def _refuse_suffix(path: str | Path, name: Path, suffix: str | None,
                   link: bool = False) -> None:
    if suffix is None:
        return
    got = name.suffix.lower()
    fits = name.with_suffix(suffix).name if name.name else f"x{suffix}"
    via = f"is a link to '{name}'; " if link else ""
    if suffix == ".xlsx":
        if got != ".xlsx":
            raise MandaatInputError([Problem(
                str(path), None, (), "wrong_suffix",
                f"{via}mandaat writes a workbook only to a name ending in .xlsx; name it "
                f"'{fits}'")])
    elif got in _WORKBOOK_NAMES or (got in CSV_SUFFIXES and suffix in (".yaml", ".yml",
                                                                         ".json")) or (
            got in (".yaml", ".yml") and suffix not in (".yaml", ".yml", ".json")):
        reads = ("CSV" if got in CSV_SUFFIXES else "a school file" if got in (".yaml", ".yml")
                 else "a workbook")
        what = _WHAT.get(suffix, "text")
        raise MandaatInputError([Problem(
            str(path), None, (), "wrong_suffix",
            f"{via}a name ending in {got} is read as {reads}, and this is {what}; "
            f"name it '{fits}'")])


def write_workbook(school: School, path: str | Path, *, overwrite: bool = False) -> None:
    """Write ``school`` as an Excel workbook; :func:`read_workbook` reads it back unchanged.

    Parameters
    ----------
    school
        A validated school.
    path
        The ``.xlsx`` file to write (atomically; see :func:`write_file`).
    overwrite
        Replace an existing file.

    Raises
    ------
    SchoolFileError
        ``cannot_export`` for what a workbook cannot hold (see :func:`workbook_bytes`).
    MandaatInputError
        As :func:`write_file`: ``wrong_suffix`` for a name not ending in ``.xlsx``,
        ``not_a_regular_file``, ``file_exists`` or ``unwritable``.
    """
    _output(path, overwrite, ".xlsx")  # before any work
    write_file(path, workbook_bytes(school), overwrite=overwrite, suffix=".xlsx")


def write_template(path: str | Path, *, overwrite: bool = False) -> None:
    """Write the empty workbook of :func:`template_bytes` to ``path``.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write (atomically; see :func:`write_file`).
    overwrite
        Replace an existing file.
    """
    write_file(path, template_bytes(), overwrite=overwrite, suffix=".xlsx")



def load_workbook_path(path: str | Path, name: str | None = None) -> School:
    """Read a workbook or a CSV matrix: what ``load_school("x.xlsx")`` does.

    Parameters
    ----------
    path
        A ``.csv`` file (read by :func:`read_csv`) or a workbook (:func:`read_workbook`).
    name
        The name to report a workbook's problems under.

    Returns
    -------
    School
    """
    suffix = Path(path).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    return read_workbook(path, name=name)
