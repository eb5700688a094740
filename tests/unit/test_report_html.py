"""The HTML report as markup: what it holds, that it loads nothing, that names are text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import mandaat
from mandaat.report.html import render_html, render_matrix_html
from tests.conftest import school_data


class _Page(HTMLParser):
    """The elements of a page: ids, links, attributes that could load something, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.loads: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "id":
                self.ids.append(value)
            if name == "href":
                self.hrefs.append(value)
            if name in ("src", "srcset", "href", "xlink:href", "action", "poster", "data") \
                    and not (value or "").startswith("#"):
                self.loads.append((tag, name, value))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def example_page():
    school = mandaat.load_school(mandaat.example_school_path())
    report = mandaat.check(school)
    return school, report, render_html(report, school)


def test_the_page_has_the_summary_the_findings_the_matrix_and_the_picture(example_page):
    school, report, html = example_page
    page = _parse(html)
    text = " ".join(page.text)
    assert "Taakverdeling van OBS De Regenboog" in text
    assert "7 overtredingen" in text and "8 adviezen" in text and "Eerst doen" in text
    assert "22 november 2026" in text
    # one card per problem: Mark accountable without a mandate on two tasks is one
    cards = len(report.findings) - 1
    for n in range(1, cards + 1):
        assert f"bevinding-{n}" in page.ids
    assert f"bevinding-{cards + 1}" not in page.ids
    assert "Iemand is eindverantwoordelijk zonder mandaat van de schoolleider" in text
    assert "De kwaliteitscoördinator heeft geen beoordelende rol" in text  # the quote
    assert {"matrix", "plaat", "matrix-tabel", "plaat-svg"} <= set(page.ids)
    assert page.tags.count("article") == cards
    # every link goes somewhere on the page
    assert all(h.startswith("#") and h[1:] in page.ids for h in page.hrefs if h != "data:,")


def test_cells_that_findings_are_about_link_to_them_and_back(example_page):
    _, report, html = example_page
    number = next(n for n, f in enumerate(report.findings, 1)
                  if f.rule == "ACCOUNTABLE_HAS_AUTHORITY" and "jaarplanning" in f.subjects)
    cell = re.search(r'<td id="cel-jaarplanning\.mark" class="([^"]*)"[^>]*>(.*?)</td>', html,
                     re.DOTALL)
    assert cell, "the cell of Jaarplanning and Mark is not marked"
    assert "found violation" in cell[1] and "A/R" in cell[2]
    assert f'href="#bevinding-{number}"' in cell[2]
    article = html.split(f'id="bevinding-{number}"', 1)[1].split("</article>", 1)[0]
    assert '<a href="#cel-jaarplanning.mark">Jaarplanning × Mark de Vries</a>' in article
    # the other task of the same card links to the same card
    other = re.search(r'<td id="cel-lvs-beheer\.mark" class="([^"]*)"[^>]*>(.*?)</td>', html,
                      re.DOTALL)
    assert other and f'href="#bevinding-{number}"' in other[2]
    assert "Geldt ook voor: &#39;Beheer leerlingvolgsysteem&#39;" in article
    # an unmarked cell is plain
    assert re.search(r'<td class="A[^"]*" title="Anna Jansen · Zorgadministratie: '
                     r'eindverantwoordelijk">A</td>', html)


def test_the_page_loads_nothing_from_anywhere(example_page):
    _, _, html = example_page
    page = _parse(html)
    assert page.loads == [("link", "href", "data:,")]  # the empty icon: no favicon request
    assert "<script" not in html and "@import" not in html and "url(" not in html
    assert not re.search(r"https?://", html)
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">") in html
    assert "@page" in html and "@media print" in html


def test_english_page(example_page):
    school, _, _ = example_page
    html = render_html(mandaat.check(school, lang="en"), school, "en")
    text = " ".join(_parse(html).text)
    assert '<html lang="en">' in html
    assert "Task division of OBS De Regenboog" in text and "7 violations" in text
    assert "Who does what: the RACI matrix" in text and "internal supervisor" in text
    assert "Eerst doen" not in text and "Overtredingen" not in text and "Peildatum" not in text


def test_the_json_report_keeps_its_shape(example_page):
    _, report, _ = example_page
    data = report.model_dump(mode="json")
    assert list(data) == ["format", "school", "as_of", "rule_packs", "findings", "summary",
                          "notes"]
    # the contract's keys in the contract's order; title is an addition beside them
    assert list(data["findings"][0]) == ["rule", "title", "severity", "subjects",
                                         "escalate_to", "message", "explanation"]
    assert list(data["findings"][0]["explanation"]["source"]) == ["text", "quote", "title"]


HOSTILE = {
    "name": '<script>alert("x")</script>',
    "quote": 'Quote " and \' & <b>bold</b>',
    "control": "Esc\x1b[2J\x07bell",
    "style": "</style><img src=https://evil.example/x.png>",
}


def hostile_school() -> mandaat.School:
    data = school_data()
    data["school"] = {"name": HOSTILE["style"]}
    data["people"][0]["name"] = HOSTILE["name"]
    data["people"][1]["name"] = HOSTILE["control"]
    data["teams"][0]["name"] = HOSTILE["quote"]
    data["tasks"][0]["title"] = "</td></tr></table><svg onload=alert(1)>"
    return mandaat.load_school(data)


def test_hostile_names_are_text_in_the_page_and_the_picture():
    school = hostile_school()
    html = render_html(mandaat.check(school), school)
    page = _parse(html)
    assert "<script" not in html and "<img" not in html
    assert not any(name.startswith("on") for name in page.attributes)  # no event handlers
    assert "\x1b" not in html and "\x07" not in html
    text = "".join(page.text)
    assert HOSTILE["name"] in text and HOSTILE["quote"] in text
    assert "Esc\\x1b[2J\\x07bell" in text  # a control character is shown, never obeyed
    assert "</td></tr></table><svg onload=alert(1)>" in text
    assert page.tags.count("svg") == 1 and page.tags.count("table") == 1
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert page.loads == [("link", "href", "data:,")]
    matrix = render_matrix_html(school)
    assert "<script" not in matrix and HOSTILE["name"] in "".join(_parse(matrix).text)


def test_a_long_name_is_cut_in_the_matrix_header_and_whole_in_its_title():
    """A name of 5,000 characters written upright made the header thousands of pixels
    tall: the header shows 40 characters of it, and its title the whole name."""
    long = "<b>Anna & " + "Jansen-" * 700
    data = school_data()
    data["people"][0]["name"] = long
    school = mandaat.load_school(data)
    for html in (render_matrix_html(school), render_html(mandaat.check(school), school)):
        head = html.split('<table class="raci"', 1)[1].split("</thead>", 1)[0]
        (shown,) = re.findall(r'<div class="v">([^<]*)<br>', head)[:1]
        assert shown == "&lt;b&gt;Anna &amp; " + ("Jansen-" * 5)[:29] + "…"
        titles = re.findall(r' title="([^"]*)"', head)
        assert any(t.startswith("&lt;b&gt;Anna &amp; " + "Jansen-" * 700) for t in titles)
        assert max(len(d) for d in re.findall(r'<div class="v">(.*?)</div>', head)) < 200
