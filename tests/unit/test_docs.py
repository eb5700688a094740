"""The docs tell the truth about the code: facts, commands, links, the public API."""

from __future__ import annotations

import re
from pathlib import Path

import mandaat
from mandaat.cli import _parser
from mandaat.rules.facts import FACT_KINDS
from mandaat.school import vocabulary as V

ROOT = Path(__file__).parents[2]


def test_every_fact_field_is_documented():
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    table = {m[0]: m[1] for m in re.findall(r"^\| `(\w+)` \| (.*) \|$", doc, re.MULTILINE)}
    for kind, fields in FACT_KINDS.items():
        assert kind in table, kind
        for name, ftype in fields.items():
            shown = f"`{name}`" if name in V.ROLES else f"`{name}` ({ftype})"
            assert shown in table[kind], (kind, name)


def test_every_command_is_documented():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = _parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    for name in commands:
        assert f"mandaat {name}" in doc, name


def test_links_in_readme_and_docs_resolve():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not target.startswith("http"):
                assert (page.parent / target).exists(), (page.name, target)


def test_docs_name_no_file_outside_the_repository():
    # a reader of a clone has only the repository: shared/ beside it is not there
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        assert re.findall(r"`(?:\.\./|shared/)[^`]*`", text) == [], page.name


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert first_block.splitlines()[0].startswith("make run")
    assert first_block.splitlines()[1].startswith("make test")


def test_public_api_is_sorted_and_importable():
    assert mandaat.__all__ == sorted(mandaat.__all__)
    for name in mandaat.__all__:
        assert getattr(mandaat, name) is not None


def test_the_readme_layout_matches_the_package_tree():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    package = ROOT / "src" / "mandaat"
    inside = block.split("src/mandaat/", 1)[1].split("\ntests/", 1)[0]
    listed = [name for line in inside.splitlines()[1:] if line.startswith("  ")
              and not line.startswith("   ") for name in line.split("  ")[1].strip().split(", ")]
    assert [n for n in listed if not (package / n.rstrip("/")).exists()] == []
    folders = sorted(f"{p.name}/" for p in package.iterdir()
                     if p.is_dir() and (p / "__init__.py").exists() or p.name == "data")
    assert [f for f in folders if f not in listed] == []


def test_the_architecture_page_names_every_package_and_its_layer_test():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "src" / "mandaat"
    for folder in sorted(p.name for p in package.iterdir() if (p / "__init__.py").exists()):
        assert f"`{folder}/`" in doc, folder
    assert "tests/unit/test_layers.py" in doc


def test_each_function_schools_write_suggests_the_role_the_format_page_gives_it():
    doc = (ROOT / "docs" / "school-format.md").read_text(encoding="utf-8")
    table = doc.split("### Roles the format has no word for", 1)[1].split("\n\n", 3)[2]
    rows = [line.strip("| ").split(" | ") for line in table.splitlines()[2:]]
    assert len(rows) == 4
    for words, role, _ in rows:
        for word in words.split(", "):
            assert V.hint(word, V.ROLES, V.ROLE_WORDS) == f" (did you mean {role.strip('`')!r}?)", \
                word


def test_the_readme_escalate_example_is_what_the_command_prints():
    from mandaat.report import render_escalation_text
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("$ mandaat escalate school.yaml s-tom\n", 1)[1].split("```", 1)[0]
    answer = mandaat.escalate(mandaat.load_school(mandaat.example_school_path()), "s-tom")
    printed = render_escalation_text(answer, "nl").splitlines()
    shown = [line for line in block.splitlines() if line.strip() != "Bron: ..."]
    assert shown == printed[:len(shown)]
