"""The page for people at ``/``, as a school leader uses it: in a real headless browser
(Debian's chromium, driven by Playwright, as the HTML report is tested), against the real
server. Skipped where Playwright or chromium is missing, saying which."""

from __future__ import annotations

import pytest

import mandaat
from tests.cli.test_html_report import browser  # noqa: F401 - the fixture
from tests.service.conftest import ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile_school.yaml"


class Page:
    """The page opened in a fresh browser context, with what it asked and said."""

    def __init__(self, browser, url: str):  # noqa: F811 - the fixture's value
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url + "/", wait_until="load")

    def drop(self, name: str, text: str) -> None:
        """Drop a file of ``text`` named ``name`` on the page, as from the file manager."""
        data = self.page.evaluate_handle(
            "([name, text]) => { const d = new DataTransfer();"
            " d.items.add(new File([text], name)); return d; }", [name, text])
        self.page.dispatch_event("#vak", "drop", {"dataTransfer": data})

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser, server):  # noqa: F811 - the fixture
    opened = Page(browser, server.url)
    yield opened
    opened.close()
    assert all(url.startswith((server.url, "blob:", "about:")) for url in opened.requests), \
        opened.requests  # nothing from the internet
    assert opened.errors == [] and opened.dialogs == []


def test_a_dropped_workbook_gives_the_report_in_the_page_and_to_download(page):
    p = page.page
    assert p.title() == "Taakverdeling controleren"
    assert "Sleep het bestand hierheen" in p.locator("#vak").inner_text()
    workbook = mandaat.example_school_path().with_suffix(".xlsx")
    p.set_input_files("#bestand", str(workbook))
    p.locator("#uitslag").wait_for(state="visible", timeout=30_000)
    assert p.locator("#status").inner_text() == "Klaar: het rapport staat hieronder."
    report = p.frame_locator("#rapport")
    assert report.locator("#samenvatting").inner_text().split("\n") == [
        "7 overtredingen", "4 waarschuwingen", "8 adviezen"]
    with p.expect_download() as info:
        p.locator("#download").click()
    download = info.value
    assert download.suggested_filename == "example-school-rapport.html"
    saved = download.path()
    html = saved.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "OBS De Regenboog" in html


def test_a_workbook_with_mistakes_shows_each_with_its_sheet_and_cell(page, tmp_path):
    import openpyxl

    path = tmp_path / "werkverdeling.xlsx"
    book = openpyxl.load_workbook(mandaat.example_school_path().with_suffix(".xlsx"))
    book["Personen"]["C3"] = "ib-er"
    book.save(path)
    p = page.page
    p.set_input_files("#bestand", str(path))
    p.locator("#fouten").wait_for(state="visible", timeout=30_000)
    assert p.locator("#fouten-titel").inner_text() == "De school kan niet worden gelezen"
    rows = [[cell.inner_text() for cell in row.locator("td").all()]
            for row in p.locator("#fouten-rijen tr").all()]
    assert ["Personen", "C3", "",
            "onbekende rol 'ib-er' (bedoelde u 'intern_begeleider'?)"] in rows
    assert not p.locator("#uitslag").is_visible()


def test_a_dropped_school_file_and_a_file_mandaat_does_not_read(page):
    p = page.page
    page.drop("school.yaml", mandaat.example_school_path().read_text(encoding="utf-8"))
    p.locator("#uitslag").wait_for(state="visible", timeout=30_000)
    assert p.locator("#bestandsnaam").inner_text() == "school.yaml"
    asked = len(page.requests)
    page.drop("notities.txt", "niets")
    assert "kies een Excel-werkboek (.xlsx)" in p.locator("#status").inner_text()
    assert len(page.requests) == asked  # nothing was sent
    page.drop("kapot.yaml", "people: [\n")
    p.locator("#fouten").wait_for(state="visible", timeout=30_000)
    rows = [[cell.inner_text() for cell in row.locator("td").all()]
            for row in p.locator("#fouten-rijen tr").all()]
    assert rows and rows[0][2].isdigit()  # a school file's problem has its line


def test_a_hostile_school_is_shown_as_text_and_runs_nothing(page):
    p = page.page
    page.drop("hostile.yaml", HOSTILE.read_text(encoding="utf-8"))
    p.locator("#uitslag").wait_for(state="visible", timeout=30_000)
    title = p.frame_locator("#rapport").locator("h1").inner_text()
    assert "<script>" in title  # shown, not run: the page's fixture holds no dialog
