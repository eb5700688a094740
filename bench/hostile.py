"""Hostile inputs: workbooks built from the bundled example workbook, one builder per class of
attack on the zip, the XML and the sheets; and school files and rule packs whose routes,
deputies and joins multiply work out. ``make bench`` times each at full size in a process of
its own; ``tests/property/test_hostile_workbooks.py`` builds small ones for ``make test``."""

from __future__ import annotations

import bz2
import io
import json
import random
import struct
import zipfile
import zlib

from mandaat import workbook as W

#: The Personen sheet of the example workbook.
PERSONEN = "xl/worksheets/sheet3.xml"


def parts() -> list[tuple[str, bytes]]:
    """The parts of the example workbook, in order."""
    with zipfile.ZipFile(W.example_workbook_path()) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def raw_zip(items: list[dict]) -> bytes:
    """A zip with exactly these header fields, lies included: each item has a name, its
    packed data, a method, the size it declares and a CRC; ``listed`` repeats its entry in
    the central directory."""
    out = io.BytesIO()
    central = []
    for it in items:
        name = it["name"].encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, it["method"], 0, 0x21,
                              it["crc"], len(it["data"]), it["size"], len(name), 0))
        out.write(name + it["data"])
        entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, it["method"], 0, 0x21,
                            it["crc"], len(it["data"]), it["size"], len(name), 0, 0, 0, 0, 0,
                            offset) + name
        central += [entry] * it.get("listed", 1)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                          out.tell() - start, start, 0))
    return out.getvalue()


def deflated(name: str, data: bytes, **fields) -> dict:
    """A part packed as Excel packs it, with any header field overridden."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return {"name": name, "data": c.compress(data) + c.flush(), "method": 8,
            "size": len(data), "crc": zlib.crc32(data), **fields}


def workbook(replace: dict[str, bytes] | None = None, extra: list[dict] = ()) -> bytes:
    """The example workbook with parts replaced and parts added."""
    replace = replace or {}
    return raw_zip([deflated(n, replace.get(n, d)) for n, d in parts()] + list(extra))


def personen(edit) -> bytes:
    """The example workbook with its Personen sheet's XML edited by ``edit(text)``."""
    return workbook({PERSONEN: edit(dict(parts())[PERSONEN].decode()).encode()})


def zeros(megabytes: int, method: str = "deflate") -> bytes:
    """A stream of ``megabytes`` MB of zeros, packed with deflate or bzip2."""
    packer = (bz2.BZ2Compressor(9) if method == "bzip2" else
              zlib.compressobj(9, zlib.DEFLATED, -15))
    chunk = b"\0" * (1 << 20)
    out = [packer.compress(chunk) for _ in range(megabytes)]
    return b"".join(out) + packer.flush()


def bzip2_bomb(megabytes: int) -> bytes:
    """A bzip2 part that declares 205 bytes and unpacks to ``megabytes`` MB."""
    bomb = {"name": "docProps/app.xml", "data": zeros(megabytes, "bzip2"), "method": 12,
            "size": 205, "crc": zlib.crc32(b"\0" * 205)}
    return raw_zip([deflated(n, d) for n, d in parts() if n != "docProps/app.xml"] + [bomb])


def size_liars(count: int, megabytes: int) -> bytes:
    """``count`` parts, each a deflate stream of ``megabytes`` MB that declares 100 bytes."""
    stream = zeros(megabytes)
    return workbook(extra=[{"name": f"customXml/item{n}.xml", "data": stream, "method": 8,
                            "size": 100, "crc": zlib.crc32(b"\0" * 100)} for n in range(count)])


def listed_many(times: int, megabytes: int) -> bytes:
    """One deflate stream of ``megabytes`` MB listed ``times`` times in the central directory."""
    return workbook(extra=[{"name": "customXml/item.xml", "data": zeros(megabytes),
                            "method": 8, "size": 100, "crc": zlib.crc32(b"\0" * 100),
                            "listed": times}])


def row_gap(row: int) -> bytes:
    """An empty row numbered ``row`` at the end of the Personen sheet."""
    return personen(lambda s: s.replace("</sheetData>", f'<row r="{row}"/></sheetData>'))


LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;'
          '&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;'
          '&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>')


def dtd(encoding: str = "utf-16", name: str = PERSONEN) -> bytes:
    """The Personen sheet with an entity tree ("billion laughs") used in a cell, written in
    ``encoding`` under the part name ``name`` (the workbook points to it there)."""
    body = dict(parts())[PERSONEN].decode()
    body = body.split("?>", 1)[1] if body.startswith("<?xml") else body
    declared = {"utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-32": "UTF-32"}.get(
        encoding, encoding.upper())
    xml = f'<?xml version="1.0" encoding="{declared}"?>{LAUGHS}{body}'.replace(
        "<t>Anna Jansen</t>", "<t>&e;</t>", 1).encode(encoding)
    items = [deflated(n, d) for n, d in parts() if n != PERSONEN] + [deflated(name, xml)]
    if name != PERSONEN:
        rels = dict(parts())["xl/_rels/workbook.xml.rels"].replace(
            PERSONEN.removeprefix("xl/").encode(), name.removeprefix("xl/").encode())
        items = [deflated(i["name"], rels) if i["name"] == "xl/_rels/workbook.xml.rels" else i
                 for i in items]
    return raw_zip(items)


def styles(count: int) -> bytes:
    """A styles part with ``count`` more cell formats than the example's, varied so that the
    part packs within the ratio mandaat allows."""
    rnd = random.Random(5)
    text = dict(parts())["xl/styles.xml"].decode()
    xfs = "".join(f'<xf numFmtId="{rnd.randrange(50)}" fontId="0" fillId="{rnd.randrange(2)}" '
                  f'borderId="0" xfId="0" applyAlignment="{rnd.randrange(2)}"/>'
                  for _ in range(count))
    return workbook({"xl/styles.xml": text.replace("</cellXfs>", xfs + "</cellXfs>").encode()})


def shared_texts(count: int) -> bytes:
    """A shared-strings part with ``count`` texts."""
    return workbook(extra=[deflated("xl/sharedStrings.xml", (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main">' + "<si><t>x</t></si>" * count + "</sst>").encode())])


def huge_cell(characters: int) -> bytes:
    """Anna's name as one text of ``characters`` characters (a random letter every 60, so
    that the part packs within the ratio mandaat allows)."""
    rnd = random.Random(2)
    letters = "bcdefghijklmnopqrstuvwxyz"
    text = "".join("a" * 59 + rnd.choice(letters) for _ in range(characters // 60))
    return personen(lambda s: s.replace("<t>Anna Jansen</t>", f"<t>{text}</t>", 1))


def unknown_names(people: int, names: int) -> bytes:
    """``people`` people, and a team whose members are ``names`` names nobody has, each close
    to a name of the workbook (every one asks for a suggestion)."""
    import openpyxl

    wb = openpyxl.load_workbook(W.example_workbook_path())
    for n in range(people):
        wb["Personen"].append([f"p{n:05d}", f"Persoon {n:05d}", "leraar"])
    wb["Teams"]["D2"] = ", ".join(f"Persoon {n:05d}x" for n in range(names))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- school files and rule packs that multiply work out ------------------------------------

_AWAY = {"from": "2026-01-01"}


def _school(people: list[dict], **extra) -> str:
    data = {"format": "mandaat/1", "school": {"name": "R"}, "as_of": "2026-11-22",
            "people": [{"id": "anna", "roles": ["schoolleider"]}, *people],
            "tasks": [{"id": "t", "type": "planning", "accountable": "anna"}], **extra}
    return json.dumps(data)


def deputy_chains(steps: int, chain: int, signals: int) -> str:
    """A route of ``steps`` steps that each name p0, whose deputies stand in a chain of
    ``chain`` people all away but the last, and ``signals`` signals on that route."""
    people = [{"id": f"p{i}", "roles": ["leraar"], "absent": _AWAY, "deputy": f"p{i + 1}"}
              for i in range(chain)]
    del people[-1]["absent"], people[-1]["deputy"]
    route = [{"person": "p0", **({"when": {"after_weeks": 0}} if i else {})}
             for i in range(steps)]
    return _school(people, routes=[{"id": "r", "for": {"signal": "extra_ondersteuning_nodig"},
                                    "steps": route}],
                   signals=[{"id": f"s{i}", "type": "extra_ondersteuning_nodig", "about": "l",
                             "since": "2026-01-01"} for i in range(signals)])


def replaces_chain(length: int) -> str:
    """``length`` interim ib'ers, each standing in for the one before, all away but the last."""
    people = [{"id": f"p{i}", "roles": ["intern_begeleider"], "absent": _AWAY,
               **({"replaces": f"p{i - 1}"} if i else {})} for i in range(length)]
    del people[-1]["absent"]
    return _school(people, signals=[{"id": "s", "type": "extra_ondersteuning_nodig",
                                     "about": "lln-1"}])


def joined_rules(count: int) -> str:
    """A rule pack of ``count`` rules, each joining three person facts without a condition:
    each within the limit of one rule, together far beyond that of one check."""
    def person(alias: str) -> dict:
        return {"fact": "person", "as": alias}

    rules = [{"id": f"R{i}", "severity": "advice", "subjects": ["a.person", "b.person",
                                                                 "c.person"],
              "message": {"nl": "m", "en": "m"}, "suggestion": {"nl": "s", "en": "s"},
              "source": {"text": "001_7e2a7906d0b92de6.txt", "quote": "x"},
              "when": [person("a"), person("b"), person("c")]} for i in range(count)]
    return json.dumps({"pack": "joined", "version": "1", "rules": rules})
