"""Where the files mandaat carries are: the example school, the rule packs, the scenarios.

>>> example_school_path().name, bundled_rules_path().joinpath("lbbo-2022").is_dir()
('example-school.yaml', True)
"""

from __future__ import annotations

from pathlib import Path


def _data() -> Path:
    return Path(__file__).resolve().parent / "data"


def example_school_path() -> Path:
    """The bundled example school file."""
    return _data() / "example-school.yaml"


def example_workbook_path() -> Path:
    """The bundled example school as a workbook.

    Returns
    -------
    Path
        ``example-school.xlsx`` in the package: the export of ``example-school.yaml``.
    """
    return _data() / "example-school.xlsx"


def bundled_rules_path() -> Path:
    """The folder of the bundled rule packs (``rules/`` at the top of the project).

    An installed wheel carries it inside the package; an editable install of a source
    checkout reads the checkout's own ``rules/``, so there is only ever one copy.
    """
    inside = _data() / "rules"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "rules"


def bundled_scenarios_path() -> Path:
    """The folder of the bundled scenario pack."""
    return _data() / "scenarios" / "lbbo-2022"
