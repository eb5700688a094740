"""mandaat template, import, export and example --format xlsx, driven in-process."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl

import mandaat
from mandaat import workbook as W
from tests.cli.test_cli import run
from tests.conftest import BASE
from tests.unit.test_workbook import column_of, fill_template, planner_workbook, write_csv


def test_template_then_check_gives_a_report_that_names_cells(tmp_path):
    path = tmp_path / "werkverdeling.xlsx"
    code, out, err = run("template", "-o", str(path))
    assert (code, err) == (0, "")
    assert out == (f"Geschreven: {path}. Vul het in en controleer het met: mandaat check "
                   f"{path}\n")
    fill_template(path)
    code, out, err = run("check", str(path), "--format", "text")
    assert code == 0 and err == ""  # warnings and advice only: no violation
    assert out.startswith("Taakverdeling van OBS Het Kompas (peildatum 2026-11-22)\n")
    assert "s-tom-mulder (Signalen!A2)" in out
    code, out, _ = run("check", str(path), "--format", "json")
    assert out == mandaat.check(mandaat.load_school(path)).to_json()
    assert "Signalen!A2" not in out  # the JSON report is the same as for a YAML file


def test_template_never_overwrites_without_force(tmp_path):
    path = tmp_path / "w.xlsx"
    path.write_bytes(b"ingevuld")
    code, out, err = run("template", "-o", str(path))
    assert (code, out) == (2, "")
    assert err == f"{path}: (bestand): bestaat al; mandaat overschrijft een bestand alleen met --force\n"
    assert path.read_bytes() == b"ingevuld"
    code, _, _ = run("template", "-o", str(path), "--force")
    assert code == 0 and zipfile.is_zipfile(path)


def test_import_writes_a_school_file_that_loads_as_the_workbook(tmp_path):
    workbook = tmp_path / "w.xlsx"
    W.write_workbook(mandaat.load_school(mandaat.example_school_path()), workbook)
    target = tmp_path / "school.yaml"
    code, out, err = run("import", str(workbook), "-o", str(target))
    assert (code, err) == (0, "")
    assert out == f"Geschreven: {target} (15 personen, 29 taken)\n"
    assert mandaat.load_school(target) == mandaat.load_school(mandaat.example_school_path())
    code, out, _ = run("import", str(workbook))                      # to stdout, as YAML
    assert code == 0 and out == target.read_text(encoding="utf-8")
    code, _, _ = run("import", str(workbook), "-o", str(tmp_path / "school.json"))
    data = json.loads((tmp_path / "school.json").read_text(encoding="utf-8"))
    assert data["school"]["name"] == "OBS De Regenboog"


def test_import_and_check_of_a_workbook_with_a_sheet_of_its_own(tmp_path):
    workbook = tmp_path / "w.xlsx"
    W.write_workbook(mandaat.load_school(mandaat.example_school_path()), workbook)
    book = openpyxl.load_workbook(workbook)
    book.create_sheet("Werkverdeling").append(["Wie", "Wat"])
    book.save(workbook)
    code, out, err = run("import", str(workbook), "-o", str(tmp_path / "school.yaml"))
    assert code == 0 and out.endswith("(15 personen, 29 taken)\n")
    assert err == ("mandaat import: Blad 'Werkverdeling' is niet gelezen: het lijkt op "
                   "'Taken', maar dat blad is er al (hernoem het als het een blad van mandaat "
                   "is)\n")
    code, out, err = run("check", str(workbook), "--format", "json")
    assert code == 1 and "Traceback" not in err
    notes = json.loads(out)["notes"]
    assert [(n["kind"], n["subjects"]) for n in notes] == [("sheet_ignored", ["Werkverdeling"])]


def test_import_of_a_bad_workbook_writes_nothing_and_names_every_cell(tmp_path):
    workbook = tmp_path / "w.xlsx"
    W.write_workbook(mandaat.load_school(BASE), workbook)
    wb = openpyxl.load_workbook(workbook)
    wb["Personen"]["C3"] = "ib-er"
    tasks = wb["Taken"]
    tasks.cell(row=1, column=column_of(tasks, "Anna Jansen"), value="Anna Janssen")
    wb.save(workbook)
    target = tmp_path / "school.yaml"
    code, out, err = run("import", str(workbook), "-o", str(target))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"{workbook}: Personen!C3: onbekende rol 'ib-er' (bedoelde u 'intern_begeleider'?)",
        f"{workbook}: Taken!H1: er is geen persoon, team of externe partij met naam of id "
        "'Anna Janssen' (bedoelde u 'Anna Jansen'?)",
    ]
    assert not target.exists() and "Traceback" not in err
    code, _, err = run("import", str(workbook), "--lang", "en")
    assert code == 2 and "Personen!C3: unknown role 'ib-er' (did you mean" in err


def test_export_and_import_give_the_same_file_back(tmp_path):
    source = tmp_path / "school.yaml"
    source.write_text(mandaat.dump_school(mandaat.load_school(mandaat.example_school_path())),
                      encoding="utf-8")
    workbook = tmp_path / "w.xlsx"
    code, out, err = run("export", str(source), "-o", str(workbook))
    assert (code, out, err) == (0, f"Geschreven: {workbook}\n", "")
    back = tmp_path / "back.yaml"
    assert run("import", str(workbook), "-o", str(back))[0] == 0
    assert back.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    code, _, err = run("export", str(source), "-o", str(workbook))   # exists: refused
    assert code == 2 and "--force" in err


def test_example_as_a_workbook_json_and_yaml(tmp_path):
    target = tmp_path / "voorbeeld.xlsx"
    assert run("example", "--format", "xlsx", "-o", str(target)) == (0, "", "")
    assert target.read_bytes() == W.example_workbook_path().read_bytes()
    code, out, err = run("example", "--format", "xlsx")
    assert (code, out) == (2, "") and "-o" in err
    code, out, _ = run("example", "--format", "json")
    assert json.loads(out)["school"]["name"] == "OBS De Regenboog"
    code, out, _ = run("example")
    assert out == mandaat.example_school_path().read_text(encoding="utf-8")


def test_import_csv_with_people_and_a_planner_layout(tmp_path):
    people = write_csv(tmp_path / "personen.csv", [
        ["ID", "Naam", "Rollen"], ["anna", "Anna Jansen", "schoolleider"],
        ["ilse", "Ilse Bakker", "intern_begeleider"]])
    tasks = write_csv(tmp_path / "taken.csv", [
        ["Taak", "Soort taak", "Anna Jansen", "Ilse Bakker"],
        ["Schoolanalyse", "schoolanalyse", "A", "R 20"]], delimiter=";")
    code, out, err = run("import", str(tasks), "--people", str(people))
    assert (code, err) == (0, "")
    assert "hours:\n    ilse: 20" in out
    code, _, err = run("import", str(planner_workbook(tmp_path / "p.xlsx")), "--people",
                       str(people))
    assert code == 2 and "--people" in err
    code, out, err = run("import", str(tmp_path / "p.xlsx"), "--layout", "planner")
    assert (code, err) == (0, "")
    assert "name: OBS De Linde" in out and "jeroen-bakker" in out
    code, out, _ = run("check", str(tmp_path / "p.xlsx"), "--format", "json")
    assert json.loads(out)["school"] == "OBS De Linde"


def test_a_hostile_workbook_exits_2_without_a_traceback(tmp_path):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", bytes(20_000_000))
    for command in (["check", str(path)], ["import", str(path)],
                    ["export", str(path), "-o", str(tmp_path / "x.xlsx")]):
        code, out, err = run(*command)
        assert code == 2, command
        if command[0] == "check":  # JSON on stdout (no terminal): the problem for apps too
            assert [p["type"] for p in json.loads(out)["problems"]] == ["zip_bomb"]
        else:
            assert out == "", command
        assert err.startswith(f"{path}: (bestand): onderdeel 'xl/worksheets/sheet1.xml' wordt "
                              "uitgepakt"), err
        assert "Traceback" not in err
    assert not Path(tmp_path / "x.xlsx").exists()


ODS = "an OpenDocument spreadsheet (.ods): mandaat reads Excel workbooks; save it as an " \
      "Excel workbook (.xlsx)"


def _ods(path: Path) -> Path:
    """A minimal OpenDocument spreadsheet: its mimetype first and stored, as ODF requires."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return path


def test_an_opendocument_spreadsheet_is_named_as_one_not_as_text_that_is_not_utf8(tmp_path):
    """`mandaat check werkverdeling.ods` said "not UTF-8 text"."""
    for name in ("werkverdeling.ods", "als-excel.xlsx"):
        path = _ods(tmp_path / name)
        for args in (["check", str(path)], ["import", str(path)]):
            code, out, err = run(*args, "--lang", "en")
            assert (code, err) == (2, f"{path}: (file): {ODS}\n"), args
            if args[0] == "check":  # JSON on stdout (no terminal): a body that is unparseable
                problem = json.loads(out)
                assert (problem["status"], problem["problems"][0]["message"]) == (400, ODS)
            else:
                assert out == ""
    code, _, err = run("check", str(tmp_path / "werkverdeling.ods"))
    assert "een OpenDocument-rekenblad (.ods)" in err
