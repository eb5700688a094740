"""The HTML report, the matrix and the focused picture from the command line, and the page as
people see it: rendered by a real headless browser (Debian's chromium, driven by Playwright).

The browser tests need the Python package ``playwright`` (in the test extras) and a
Chromium on PATH (``make test`` installs Debian's ``chromium`` where it can, see the
Makefile's ``system-deps``); Playwright's own browser download is never used. Where either
is missing the browser tests are skipped, saying which and how to get it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

import mandaat
from mandaat.cli import main
from tests.unit.test_report_html import HOSTILE, hostile_school


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --- the command line -------------------------------------------------------------------------


def test_check_format_html_writes_one_page_atomically_and_never_over_a_file(tmp_path):
    target = tmp_path / "rapport.html"
    code, out, err = run("check", "--format", "html", "-o", str(target))
    assert code == 1 and err == ""  # the example has violations: the exit status says so
    assert out == f"Geschreven: {target}\n"
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]  # no temporary file left
    code, _, err = run("check", "--format", "html", "-o", str(target))
    assert code == 2 and "--force" in err and target.read_text(encoding="utf-8") == html
    code, _, _ = run("check", "--format", "html", "-o", str(target), "--force", "--lang", "en")
    assert code == 1 and '<html lang="en">' in target.read_text(encoding="utf-8")


def test_check_format_html_without_o_prints_the_page_and_json_is_unchanged():
    code, out, _ = run("check", "--format", "html")
    assert code == 1 and out.startswith("<!DOCTYPE html>") and "bevinding-18" in out
    code, out, _ = run("check", "--format", "json")
    assert json.loads(out) == json.loads(
        mandaat.check(mandaat.load_school(mandaat.example_school_path())).to_json())


def test_check_o_takes_the_format_from_the_file_name(tmp_path):
    code, _, _ = run("check", "-o", str(tmp_path / "r.json"))
    assert code == 1 and json.loads((tmp_path / "r.json").read_text())["format"] == \
        "mandaat-report/1"
    run("check", "-o", str(tmp_path / "r.html"))
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


def test_html_is_for_one_school(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(mandaat.example_school_path(), tmp_path / name)
    code, out, err = run("check", str(tmp_path), "--format", "html")
    assert code == 2 and out == "" and "één school" in err


def test_matrix_command_text_csv_and_html(tmp_path):
    code, out, _ = run("matrix")
    assert code == 0 and out.startswith("Taakverdeling van OBS De Regenboog: wie doet wat\n")
    assert "  Zorgadministratie" in out
    code, out, _ = run("matrix", "--format", "csv", "--lang", "en")
    rows = list(csv.reader(io.StringIO(out), delimiter=";"))
    assert rows[0][:2] == ["id", "task"] and len(rows) == 1 + len(
        mandaat.load_school(mandaat.example_school_path()).tasks)
    code, out, _ = run("matrix", "--format", "html", "-o", str(tmp_path / "m.html"))
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert code == 0 and 'id="matrix-tabel"' in page and "bevinding" not in page.split(
        "<body>")[1].split("<footer>")[0]  # the matrix alone: no check, no findings


def test_graph_focus(capsys):
    code, out, _ = run("graph", "--focus", "ilse")
    assert code == 0 and "n_ilse" in out and "n_rob" not in out
    code, out, _ = run("graph", "--focus", "jaarplanning", "--format", "dot")
    assert code == 0 and '"mark" -> "jaarplanning"' in out and '"klassenbezoeken"' not in out
    code, out, err = run("graph", "--focus", "jaarplaning")
    assert code == 2 and out == "" and "'jaarplaning'" in err
    assert "did you mean 'jaarplanning'" in err
    with pytest.raises(SystemExit) as stopped:  # one picture at a time
        run("graph", "--focus", "ilse", "--route", "route-ouders")
    assert stopped.value.code == 2 and "not allowed with" in capsys.readouterr().err


# --- in a real browser ------------------------------------------------------------------------

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser")
                 if shutil.which(name)), None)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the browser test needs the Python package playwright: "
                    "pip install -e '.[test]' (make test does)")
    if CHROMIUM is None:
        pytest.skip("the browser test needs chromium on PATH: apt-get install chromium "
                    "(make test installs it as root on Debian)")
    with sync_playwright() as p:
        # Debian's chromium; Playwright's own browser download is never used
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


class Visit:
    """A page opened in the browser, with everything it asked of the network and said."""

    def __init__(self, browser, path: Path, *, width: int = 1280):
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def report_page(browser, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "rapport.html"
    assert run("check", "--format", "html", "-o", str(path))[0] == 1
    visit = Visit(browser, path)
    yield visit
    visit.close()


def test_the_report_in_a_browser_shows_findings_matrix_and_picture(report_page, tmp_path):
    page = report_page.page
    school = mandaat.load_school(mandaat.example_school_path())
    report = mandaat.check(school)
    # the summary and the findings
    assert page.title() == "Taakverdeling van OBS De Regenboog"
    assert page.locator("#samenvatting").inner_text().split("\n") == [
        "7 overtredingen", "4 waarschuwingen", "8 adviezen"]
    # one card per problem: Mark accountable without a mandate on two tasks is one card
    assert page.locator("article.finding").count() == len(report.findings) - 1
    first = page.locator("#bevinding-1")
    assert first.is_visible()
    assert first.locator("h4").inner_text().endswith(
        "Iemand is eindverantwoordelijk zonder mandaat van de schoolleider")
    # the text report and the page name the same things to do first
    from mandaat.report import render_text
    steps = render_text(report).split("Eerst doen\n", 1)[1].split("\n\n", 1)[0]
    assert page.locator("#eerst-doen li").count() == len(steps.splitlines()) == 3
    # the matrix: every task a row, a column for every person and team, letters in the cells
    table = page.locator("#matrix-tabel")
    assert table.is_visible()
    assert table.locator("th.task[scope=row]").count() == len(school.tasks)
    assert table.locator("thead th.who").count() == len(school.people) + len(school.teams) + 4
    cell = page.locator('[id="cel-jaarplanning.mark"]')
    assert cell.is_visible() and cell.inner_text().startswith("A/R")
    box = cell.bounding_box()
    assert box and box["width"] >= 20 and box["height"] >= 14
    # the picture: drawn, with its nodes, lines and legend, and readable at this width
    svg = page.locator("#plaat-svg")
    assert svg.is_visible()
    size = svg.bounding_box()
    assert size and size["width"] > 900 and size["height"] > 900
    assert page.locator("#plaat-svg .edges path.edge").count() > 60
    assert page.locator("#p-h-ilse").is_visible() and page.locator("#p-t-jaarplanning").is_visible()
    assert "A eindverantwoordelijk" in page.locator("#plaat-svg .legend").text_content()
    # the page fits the window: nothing sticks out to the right
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # a screenshot, as a person would see it
    shot = tmp_path / "rapport.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 100_000
    keep = os.environ.get("MANDAAT_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)


def test_the_report_loads_nothing_and_says_nothing_wrong(report_page):
    assert report_page.requests == [report_page.url]  # only the page itself
    assert [m for m in report_page.console if m[0] in ("error", "warning")] == []
    assert report_page.errors == [] and report_page.dialogs == []


def test_a_marked_cell_takes_you_to_its_finding(report_page):
    page = report_page.page
    page.locator('[id="cel-jaarplanning.mark"] a').first.click()
    assert page.url.endswith("#bevinding-1")
    assert page.locator("#bevinding-1").evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight }")
    page.locator("#bevinding-1").get_by_role("link", name="Jaarplanning × Mark de Vries").click()
    assert page.url.endswith("#cel-jaarplanning.mark")


def test_pointing_at_a_person_shows_only_their_lines(report_page):
    page = report_page.page
    node = page.locator("#p-h-mark")
    node.scroll_into_view_if_needed()
    node.hover()
    page.wait_for_timeout(300)  # the lines fade in 0.15 s
    opacity = page.evaluate("""() => {
        const of = sel => [...document.querySelectorAll(sel)].map(
            e => parseFloat(getComputedStyle(e).opacity));
        return {mark: of('.edges .edge.h-mark'), anna: of('.edges .edge.h-anna')};
    }""")
    assert opacity["mark"] and min(opacity["mark"]) == 1
    assert opacity["anna"] and max(opacity["anna"]) < 0.5


def test_the_report_prints_on_a4(report_page, tmp_path):
    page = report_page.page
    page.emulate_media(media="print")
    try:
        assert not page.locator("nav.toc").is_visible()
        assert page.locator("#matrix-tabel").is_visible() and page.locator("#plaat-svg").is_visible()
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")
    sizes = [(round(float(w)), round(float(h))) for w, h in
             re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]
    # A4 in points: the findings and the picture upright, the matrix across one page
    assert sizes.count((842, 595)) == 1 and sizes.count((595, 842)) >= 3
    assert set(sizes) == {(595, 842), (842, 595)}


def test_hostile_names_in_a_browser_are_text(browser, tmp_path):
    school = hostile_school()
    path = tmp_path / "boos.html"
    path.write_text(mandaat.render_html(mandaat.check(school), school), encoding="utf-8")
    visit = Visit(browser, path)
    try:
        page = visit.page
        assert visit.dialogs == [] and visit.errors == []
        assert visit.requests == [visit.url]  # the <img src=https://...> in a name is text
        text = page.locator("body").inner_text()
        assert HOSTILE["name"] in text and HOSTILE["quote"] in text
        assert "Esc\\x1b[2J\\x07bell" in text
        assert page.locator("script").count() == 0 and page.locator("img").count() == 0
        assert page.title() == "Taakverdeling van " + HOSTILE["style"]
    finally:
        visit.close()
