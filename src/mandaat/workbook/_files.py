"""Writing the files: atomically, never over a file unless asked; and a workbook or CSV
file read as ``load_school`` reads it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..errors import MandaatInputError, Problem
from ..school._source import CSV_SUFFIXES
from ..school.model import School
from ._read import read_csv, read_workbook
from ._write import template_bytes, workbook_bytes

# --- writing files: atomically, and never over a file unless asked -------------------------


def write_file(path: str | Path, content: bytes | str, *, overwrite: bool = False) -> None:
    """Write ``content`` to ``path`` atomically: a temporary file beside it, then a rename.

    Parameters
    ----------
    path
        Where to write.
    content
        Bytes, or text (written as UTF-8).
    overwrite
        Replace an existing file (``--force`` on the command line); without it an existing
        file is refused.

    Raises
    ------
    MandaatInputError
        ``file_exists`` when ``path`` exists and ``overwrite`` is false; ``unwritable``
        when it cannot be written. Nothing is left half-written either way.
    """
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    _refuse_existing(target, overwrite)
    if target.is_dir():
        raise MandaatInputError([Problem(str(target), None, (), "is_a_directory",
                                         "is a folder, not a file")])
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
        raise MandaatInputError([Problem(str(target), None, (), "unwritable",
                                         f"cannot write: {exc.strerror}")]) from None


def _refuse_existing(path: str | Path, overwrite: bool) -> None:
    if Path(path).exists() and not overwrite and not Path(path).is_dir():
        raise MandaatInputError([Problem(str(path), None, (), "file_exists",
                                         "already exists; mandaat overwrites a file only "
                                         "with --force")])


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
        ``file_exists`` or ``unwritable``.
    """
    _refuse_existing(path, overwrite)  # before any work
    write_file(path, workbook_bytes(school), overwrite=overwrite)


def write_template(path: str | Path, *, overwrite: bool = False) -> None:
    """Write the empty workbook of :func:`template_bytes` to ``path``.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write (atomically; see :func:`write_file`).
    overwrite
        Replace an existing file.
    """
    write_file(path, template_bytes(), overwrite=overwrite)



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
