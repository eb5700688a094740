"""The limits of what mandaat reads, in one place (``docs/errors.md``, "Limits").

Every file mandaat reads (a school, a rule pack, a scenario file), standard input, a text
passed to :func:`mandaat.load_school` and a mapping passed to it are held to these limits
before any other work starts, so that no input, however small or strange, costs more time
or memory than a large real one. An input beyond a limit is refused with a located problem
(:class:`mandaat.SchoolFileError` for a school; exit status 2 on the command line).

The numbers are generous: the largest real board has schools of about 1,000 staff, whose
file is about 1 MB of YAML holding some 80,000 values, a few thousand items in its longest
list, nested six deep (a rule pack: ten deep). Each limit leaves room for about four times
that; together they keep the worst input within seconds and a few hundred MB.

>>> LIMITS["file_bytes"]
4000000
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: name -> the largest number allowed; docs/errors.md lists the same (a test checks).
LIMITS: Mapping[str, int] = MappingProxyType({
    # bytes of one file or of standard input (only this many and one more are ever read)
    "file_bytes": 4_000_000,
    # values nested inside each other: a school file needs 6, a rule pack 10
    "depth": 32,
    # items of one list, or keys of one mapping
    "items": 10_000,
    # values (texts, numbers, lists, mappings) in one document, every alias written out
    "values": 300_000,
    # characters of all texts of one document together, every alias written out
    "text_chars": 4_000_000,
    # YAML aliases (*name) in one file
    "aliases": 10_000,
    # problems reported for one school file: the first ones, and one that says there are more
    "problems": 1_000,
})

#: At most this many characters of a value from the input are shown in a message.
SHOWN_CHARS = 40
