"""A command starts without what it does not use: Jinja2 and the workbook module are
imported where the HTML report or a workbook is asked for, not by ``import mandaat`` nor
by checking a YAML or JSON school."""

from __future__ import annotations

import subprocess
import sys

import pytest

import mandaat


def test_the_command_line_starts_without_jinja2_or_the_workbook_module():
    probe = ("import sys, mandaat.cli; "
             "print(sorted(m for m in ('jinja2', 'mandaat.workbook', 'mandaat.report.html') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_checking_a_yaml_school_does_not_import_the_workbook_module(fmt):
    # the module is the largest mandaat has: importing it took about 6 ms of every call
    probe = ("import io, sys; from mandaat.cli import main, example_school_path; "
             f"code = main(['check', str(example_school_path()), '--format', {fmt!r}], "
             "stdout=io.StringIO()); "
             "print(code, 'mandaat.workbook' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.split() == ["1", "False"]


@pytest.mark.parametrize("name, module", sorted(mandaat._ON_FIRST_USE.items()))
def test_each_name_imported_on_first_use_is_the_modules_own(name, module):
    value = getattr(mandaat, name)
    assert value is getattr(__import__(f"mandaat.{module}", fromlist=[name]), name)
    assert name in dir(mandaat) and name in mandaat.__all__


def test_an_unknown_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'render_pdf'"):
        mandaat.render_pdf  # noqa: B018


DEPENDENCIES = ("pydantic", "networkx", "yaml", "durable_rules_engine", "openpyxl", "jinja2",
                "fastapi", "starlette", "uvicorn")


def _modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys; print(*sys.modules)"],
                          capture_output=True, text=True, timeout=120)
    return set(done.stdout.split())


def test_import_mandaat_loads_no_dependency_and_none_of_cli_training_workbook_html():
    loaded = _modules_after("import mandaat")
    assert sorted(m for m in loaded if m.split(".")[0] in DEPENDENCIES) == []
    assert sorted(m for m in loaded if m.startswith(("mandaat.cli", "mandaat.training",
                                                     "mandaat.workbook", "mandaat.report",
                                                     "mandaat.service"))) == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["check", "--help"],
                                  ["serve", "--help"]])
def test_version_and_help_load_no_dependency(argv):
    code = ("import io, contextlib, mandaat.cli as c\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            f"        c.main({argv!r})\n"
            "    except SystemExit:\n"
            "        pass")
    loaded = _modules_after(code)
    assert "mandaat.cli" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in DEPENDENCIES) == []


def test_the_console_script_answers_version_before_any_other_import():
    probe = ("import sys; sys.argv = ['mandaat', '--version']; import mandaat.cli as c\n"
             "try:\n    c.console()\nexcept SystemExit as e:\n    code = e.code\n"
             "print(code, sorted(m for m in sys.modules if m.startswith('mandaat')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    first, rest = done.stdout.split("\n", 1)
    assert first == f"mandaat {mandaat.__version__}"
    assert rest.strip() == ("0 ['mandaat', 'mandaat._moved', 'mandaat._version', 'mandaat.cli', "
                            "'mandaat.cli._exit']")


def test_a_check_of_a_yaml_school_loads_no_text_or_html_report_or_training():
    code = ("import io; from mandaat.cli import main\n"
            "main(['check', '--format', 'json'], stdout=io.StringIO())")
    loaded = _modules_after(code)
    assert "mandaat.evaluation" in loaded
    assert sorted(m for m in loaded if m in ("jinja2", "openpyxl", "mandaat.report.text",
                                             "mandaat.report.html", "mandaat.training",
                                             "mandaat.cli._board", "mandaat.service",
                                             "fastapi", "uvicorn")) == []


def test_a_durable_rules_built_without_the_python_3_13_define_says_how_to_rebuild(tmp_path):
    # what a durable-rules built on Python 3.13 without the define raises on import
    (tmp_path / "durable_rules_engine.py").write_text(
        "raise ImportError('/venv/durable_rules_engine.cpython-313-x86_64-linux-gnu.so: "
        "undefined symbol: PyEval_CallObject')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "from mandaat import check"],
                          capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()
    assert last[-2] == ("ImportError: durable-rules was built without the define Python 3.13 "
                        "and newer need, so its C engine cannot be loaded. Build it again with:")
    assert last[-1].split() == [
        "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject", "pip", "install",
        "--force-reinstall", "--no-cache-dir", "--no-binary", "durable-rules",
        "durable-rules==2.0.28"]
    assert "undefined symbol" not in done.stderr
