"""Reading YAML or JSON input safely, within limits, and finding the line of a field path.

YAML is read from the parser's events, one pass, without recursion: only plain data is
built (text, numbers, true/false, null, dates, lists, mappings) and any other tag, such as
``!!python/object`` or ``!!set``, is refused before it constructs anything. The limits of
:mod:`mandaat.limits` (size, depth, items, values, aliases) are checked while the events
come, so an input beyond one stops at once, with its line.

Line numbers are looked up only when there is a problem to report: the first lookup reads
the text once more into a small index of lines, and every lookup after it walks that index
along the field path (as deep as the path, whatever the size of the file).
"""

from __future__ import annotations

import errno
import json
import os
import re
import reprlib
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from ..errors import Loc, Problem
from ..limits import LIMITS, SHOWN_CHARS

# libyaml's parser where PyYAML was built with it. Only its events are used: what they
# become is decided here, so no tag ever constructs an object.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None


class _StrictSafeLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe loader that refuses duplicate mapping keys instead of keeping the last.

    For mandaat's own bundled files only: it holds no limits. Input from elsewhere is read
    with :func:`parse`.
    """


def _construct_mapping(loader: _StrictSafeLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{clip(key)}' (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


# --- values in messages, bounded ---------------------------------------------------------


class _BoundedRepr(reprlib.Repr):
    """``repr`` that looks at a bounded part of a value, however large or deep it is."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = 6
        self.maxarray = self.maxdict = 6
        self.maxstring = self.maxother = self.maxlong = 2 * SHOWN_CHARS

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 4 * SHOWN_CHARS:  # repr() of a huge int is slow, or refused
            return f"{'-' if x < 0 else ''}~2**{abs(x).bit_length() - 1}"
        return super().repr_int(x, level)

    def repr_dict(self, x: dict, level: int) -> str:  # in the order of the file, not sorted
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        pieces = [f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
                  for k, v in islice(x.items(), self.maxdict)]
        return "{" + ", ".join(pieces) + (", ..." if len(x) > self.maxdict else "") + "}"


_REPR = _BoundedRepr()


def show(value: Any) -> str:
    """``repr(value)`` cut to :data:`~mandaat.limits.SHOWN_CHARS` characters.

    The work is bounded too: a value of a million items, or nested a thousand deep, is
    shown as quickly as a short one.

    >>> show("anna"), show([1, 2]), show("x" * 100)
    ("'anna'", '[1, 2]', "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...")
    >>> show(10 ** 5000)
    '~2**16609'
    """
    try:
        text = _REPR.repr(value)
    except Exception:  # a value whose repr() fails: say what it is
        text = f"<{type(value).__name__}>"
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."


def clip(text: Any) -> str:
    """``str(text)`` cut to :data:`~mandaat.limits.SHOWN_CHARS` characters, for a name or
    an id inside quotes in a message.

    >>> clip("anna"), clip("a" * 50)
    ('anna', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...')
    """
    if isinstance(text, str):
        if len(text) > SHOWN_CHARS:
            return text[:SHOWN_CHARS - 3] + "..."
        return text
    return show(text)


#: The longest a text from the input may be where it stands in a field path (``loc``).
_LOC_CHARS = 100


def _clip_loc(loc: Loc) -> Loc:
    """``loc`` with every key cut to ``_LOC_CHARS`` and a lone surrogate written as ``\\ud800``
    (a key from a mapping or JSON given directly), so a field path can always be printed."""
    if all(not isinstance(part, str) or (len(part) <= _LOC_CHARS and _is_unicode(part))
           for part in loc):
        return loc
    return tuple(_clip_key(part) if isinstance(part, str) else part for part in loc)


def _clip_key(key: str) -> str:
    if len(key) > _LOC_CHARS:
        key = key[:_LOC_CHARS - 3] + "..."
    if not _is_unicode(key):
        key = key.encode("utf-8", "backslashreplace").decode("utf-8")
    return key


# --- a source and the lines of its field paths ---------------------------------------------


@dataclass(frozen=True)
class Source:
    """The text of an input and the name to report it under."""

    name: str
    text: str
    #: Where the document this source describes stands inside ``text`` (an inline school
    #: inside a scenario file stands at ``("school",)``).
    prefix: Loc = ()

    def line_of(self, loc: Loc) -> int | None:
        """Return the 1-based line where ``loc`` (or its nearest existing parent) stands.

        >>> src = Source("s.yaml", "people:\\n  - id: anna\\n    roles: [ib]\\n")
        >>> src.line_of(("people", 0, "roles", 0)), src.line_of(("people", 5))
        (3, 1)
        """
        if not self.text:
            return None  # parsed data given directly has no lines
        lines = self.__dict__.get("_lines")
        if lines is None:
            lines = _lines_of(self.text)
            object.__setattr__(self, "_lines", lines)  # not a field: equality is unchanged
        return lines.line_of((*self.prefix, *loc))

    def item_cells(self, school: Any) -> dict[str, str]:
        """Each id's first cell, for a school read from a workbook or CSV (see
        :func:`workbook_cells`); a school read from text has none."""
        return {}

    def problem(self, loc: Loc, type_: str, msg: str) -> Problem:
        """Build a located problem for this source."""
        return Problem(file=self.name, line=self.line_of(loc),
                       loc=_clip_loc((*self.prefix, *loc)), type=type_, msg=msg)


class _Lines:
    """The line of every field path of a YAML (or JSON) text.

    A mapping is ``{key: (line of the key, value)}``, a list ``[(line of the item, item)]``
    and anything else ``None``; an alias shares its anchor's entry.
    """

    __slots__ = ("root",)

    def __init__(self, root: tuple[int, Any] | None):
        self.root = root

    def line_of(self, loc: Loc) -> int | None:
        if self.root is None:
            return None
        line, node = self.root
        for part in loc:
            if isinstance(node, dict):
                try:
                    found = node.get(part) or node.get(str(part))
                except TypeError:  # a part that is no key
                    found = None
            elif isinstance(node, list) and type(part) is int and 0 <= part < len(node):
                found = node[part]
            else:
                found = None
            if found is None:
                break
            line, node = found
        return line + 1


def _lines_of(text: str) -> _Lines:
    try:
        return _Lines(_index(text))
    except (yaml.YAMLError, ValueError, TypeError, KeyError):
        return _Lines(None)  # a text the parser refuses has no lines to give


def _index(text: str) -> tuple[int, Any] | None:
    """The :class:`_Lines` tree of ``text``, read from the parser's events (no limits: the
    tree holds no values, and an alias shares its anchor's entry instead of copying it)."""
    anchors: dict[str, Any] = {}
    # each open list or mapping: [entries, the key waiting for its value, its line]
    stack: list[list[Any]] = []
    root: tuple[int, Any] | None = None
    for event in yaml.parse(text, Loader=_SafeBase):
        cls = event.__class__
        if cls is MappingStartEvent or cls is SequenceStartEvent:
            entries: Any = {} if cls is MappingStartEvent else []
            if event.anchor is not None:
                anchors[event.anchor] = entries
            stack.append([entries, _NO_KEY, 0, event.start_mark.line])
            continue
        if cls is ScalarEvent:
            entry, key, line = None, event.value, event.start_mark.line
            if event.anchor is not None:
                anchors[event.anchor] = None
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            entry, _, _, line = stack.pop()
            key = _UNUSABLE
        elif cls is AliasEvent:
            entry, key, line = anchors.get(event.anchor), _UNUSABLE, event.start_mark.line
        else:
            continue
        if not stack:
            root = (line, entry)
            continue
        frame = stack[-1]
        if frame[0].__class__ is list:
            frame[0].append((line, entry))
        elif frame[1] is _NO_KEY:
            frame[1], frame[2] = key, line
        else:
            if frame[1] is not _UNUSABLE:
                frame[0].setdefault(frame[1], (frame[2], entry))
            frame[1] = _NO_KEY
    return root


_NO_KEY = object()      # a mapping waits for a key
_UNUSABLE = object()    # the key just read cannot be looked up (a list, a mapping, an alias)


# --- reading -------------------------------------------------------------------------------


class ParseFailure(Exception):
    """Raised by :func:`parse` with the problem; callers wrap it in their error type."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


#: The file suffixes :func:`mandaat.load_school` reads as a workbook, the ones it refuses as
#: macro-enabled, and the suffix of a RACI matrix in CSV (see :mod:`mandaat.workbook`, which
#: is imported only for them).
WORKBOOK_SUFFIXES = (".xlsx", ".xltx")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
CSV_SUFFIXES = (".csv",)


def is_workbook_path(path: str | Path) -> bool:
    """Whether :func:`mandaat.load_school` reads ``path`` as a workbook or CSV file.

    Parameters
    ----------
    path
        A file name; only its suffix counts (``.xlsx``, ``.xltx``, ``.csv``, and the
        macro-enabled ``.xlsm``, ``.xltm``, ``.xlam``, the old ``.xls`` and the
        OpenDocument ``.ods``, refused when read).

    Returns
    -------
    bool

    Examples
    --------
    >>> is_workbook_path("werkverdeling.xlsx"), is_workbook_path("school.yaml")
    (True, False)
    """
    return Path(path).suffix.lower() in (*WORKBOOK_SUFFIXES, *MACRO_SUFFIXES, *CSV_SUFFIXES,
                                         ".xls", ".ods")



#: The message of ``not_a_regular_file``: a FIFO, a device or a socket is never opened.
NOT_A_REGULAR_FILE = "not a regular file (a FIFO, device or socket); mandaat reads files only"


class NotARegularFile(OSError):
    """A path that names a FIFO, a device or a socket (raised by :func:`open_regular`)."""


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file to read bytes; anything else raises :class:`NotARegularFile`
    before it is opened, so a pipe nobody writes to never blocks and ``/dev/zero`` is not
    read. What ``os.stat`` and ``open`` raise (no such file, a folder) is raised as it is.

    The open file is checked again (non-blocking), in case the path changed in between.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if not stat.S_ISREG(mode):
        raise NotARegularFile(str(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_source(path: str | Path) -> Source:
    """Read a file as UTF-8 text; an unreadable or too large file is a ``ParseFailure``.

    Only a regular file is opened (a FIFO, device or socket is ``not_a_regular_file``),
    and at most ``LIMITS["file_bytes"]`` bytes and one more are read of it.
    """
    p = Path(path)
    limit = LIMITS["file_bytes"]
    try:
        with open_regular(p) as f:
            raw = f.read(limit + 1)
    except NotARegularFile:
        raise ParseFailure(
            Problem(str(p), None, (), "not_a_regular_file", NOT_A_REGULAR_FILE)) from None
    except FileNotFoundError:
        raise ParseFailure(Problem(str(p), None, (), "file_not_found", "no such file")) from None
    except IsADirectoryError:
        raise ParseFailure(
            Problem(str(p), None, (), "is_a_directory", "is a folder, not a file")
        ) from None
    except OSError as exc:
        raise ParseFailure(
            Problem(str(p), None, (), "unreadable", f"cannot read: {clip(exc.strerror)}")
        ) from None
    return Source(str(p), decode(raw, str(p)))


def decode(raw: bytes, name: str) -> str:
    """The UTF-8 text of ``raw`` (read with one byte more than the limit allows)."""
    if len(raw) > LIMITS["file_bytes"]:
        raise ParseFailure(_too_large(name))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseFailure(
            Problem(name, None, (), "not_utf8", f"not UTF-8 text ({exc.reason})")
        ) from None


def _too_large(name: str) -> Problem:
    return Problem(name, None, (), "file_too_large",
                   f"larger than {LIMITS['file_bytes']:,} bytes, the most mandaat reads")


def parse(source: Source) -> Any:
    """Parse YAML (or JSON, which is read as JSON when the name ends in ``.json``, in
    any case).

    The input is held to :data:`mandaat.limits.LIMITS`; beyond one, or not plain data, it
    is a :class:`ParseFailure` with the line and field path where it went too far.
    """
    text = source.text
    if len(text) > LIMITS["file_bytes"] or (
            4 * len(text) > LIMITS["file_bytes"]
            and len(text.encode("utf-8", "surrogatepass")) > LIMITS["file_bytes"]):
        raise ParseFailure(_too_large(source.name))
    if source.name.lower().endswith(".json"):
        return _parse_json(source)
    return _YamlReader(source).read()


def _parse_json(source: Source) -> Any:
    try:
        data = json.loads(source.text, parse_constant=_refuse_constant,
                          object_pairs_hook=_json_object)
    except _DuplicateKey as exc:
        raise ParseFailure(_duplicate_json_key(source, exc.key)) from None
    except json.JSONDecodeError as exc:
        # nested past the limit before the mistake: mandaat's limit decides first, as it
        # does for YAML
        deep = _deep_line(source.text, end=exc.pos)
        if deep is not None:
            raise ParseFailure(Problem(source.name, deep, (), "too_deep", _deep_msg())) \
                from None
        raise ParseFailure(
            Problem(source.name, exc.lineno, (), "not_json", f"not valid JSON: {exc.msg}")
        ) from None
    except RecursionError:
        raise ParseFailure(Problem(source.name, _deep_line(source.text), (), "too_deep",
                                   _deep_msg())) from None
    except _NotANumber as exc:
        raise ParseFailure(Problem(source.name, _constant_line(source.text), (), "not_json",
                                   f"{exc} is not a number JSON allows: write a number"),
                           ) from None
    except ValueError as exc:
        raise ParseFailure(Problem(source.name, None, (), "not_json", clip_msg(str(exc)))) \
            from None
    try:
        check_data(data, source)
    except ParseFailure as failure:
        # Python's json reads far deeper than mandaat on some versions (3.13), and the lines
        # of so deep a text are not found: the line is where the text goes too deep
        if failure.problem.type == "too_deep":
            failure.problem = replace(
                failure.problem, line=_deep_line(source.text))
        raise
    return data


class _DuplicateKey(ValueError):
    """A JSON object holds a key twice (the key is ``key``)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; a key given twice is refused, as YAML refuses it."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def _duplicate_json_key(source: Source, key: str) -> Problem:
    """The problem of a JSON text with a key twice in one object: the first such key in
    the text, on its line, with the line of the first.

    >>> str(_duplicate_json_key(Source("s.json", '{"a": {"b": 1,\\n "b": "{"}}'), "b"))
    "s.json:2: (file): duplicate key 'b' (first on line 1)"
    """
    text = source.text
    objects: list[dict[str, int] | None] = []  # per open object its keys' lines; None: list
    line, at = 1, 0
    for token in _JSON_KEY.finditer(text):
        kind = token.group()
        if kind in ("{", "["):
            objects.append({} if kind == "{" else None)
        elif kind in ("}", "]"):
            if objects:
                objects.pop()
        elif token.group("colon") is not None and objects and objects[-1] is not None:
            line, at = line + text.count("\n", at, token.start()), token.start()
            name, keys = json.loads(token.group("key")), objects[-1]
            if name in keys:
                return Problem(source.name, line, (), "not_json",
                               f"duplicate key '{clip(name)}' (first on line {keys[name]})")
            keys[name] = line
    return Problem(source.name, None, (), "not_json", f"duplicate key '{clip(key)}'")


def _constant_line(text: str) -> int | None:
    """The line of the first ``NaN``, ``Infinity`` or ``-Infinity`` outside a string.

    >>> _constant_line('{"NaN": 1,\\n "a": [1, -Infinity]}')
    2
    """
    for token in _JSON_TOKEN.finditer(text):
        if token.group() in _CONSTANTS:
            return text.count("\n", 0, token.start()) + 1
    return None


#: what the JSON scans look for: a string (skipped whole), a bracket, and the words
#: Python's ``json`` reads as a number
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|-?Infinity|NaN')
_CONSTANTS = frozenset(("NaN", "Infinity", "-Infinity"))
#: a string (a key when a colon follows) or a bracket, for the scan of duplicate keys
_JSON_KEY = re.compile(r'(?P<key>"(?:[^"\\]|\\.)*")(?P<colon>\s*:)?|[\[\]{}]')


def _deep_line(text: str, tokens: re.Pattern[str] = _JSON_TOKEN, start: int = 0,
               end: int | None = None, depth: int = 0) -> int | None:
    """The line where ``text`` (from ``start`` to ``end``, with ``depth`` lists and mappings
    open at ``start``) goes deeper than ``LIMITS["depth"]``; ``tokens`` finds the brackets
    and what hides them (JSON by default).

    >>> deep = '{"a":\\n' + '[' * 40 + ']' * 40 + '}'
    >>> _deep_line(deep), _deep_line(deep, end=10), _deep_line('["[[[["]')
    (2, None, None)
    """
    for token in tokens.finditer(text, start, len(text) if end is None else end):
        kind = token.group()
        if kind in ("[", "{"):
            depth += 1
            if depth > LIMITS["depth"]:
                return text.count("\n", 0, token.start()) + 1
        elif kind in ("]", "}"):
            depth -= 1
    return None


class _NotANumber(ValueError):
    """JSON text holds ``NaN``, ``Infinity`` or ``-Infinity`` (the word is the message)."""


def _refuse_constant(name: str) -> Any:
    raise _NotANumber(name)


def clip_msg(msg: str, most: int = 4 * SHOWN_CHARS) -> str:
    """A message passed on from elsewhere (a parser, Python), cut to ``most`` characters."""
    if len(msg) > most:
        msg = msg[:most - 3] + "..."
    return msg if _is_unicode(msg) else msg.encode("utf-8", "backslashreplace").decode("utf-8")


def _deep_msg() -> str:
    return (f"lists and mappings nested more than {LIMITS['depth']} deep, the most mandaat "
            "reads")


def _items_msg(mapping: bool) -> str:
    what = "keys in one mapping" if mapping else "items in one list"
    return f"more than {LIMITS['items']:,} {what}, the most mandaat reads"


def _values_msg() -> str:
    return (f"more than {LIMITS['values']:,} values (every alias written out), the most "
            "mandaat reads")


def _chars_msg() -> str:
    return (f"more than {LIMITS['text_chars']:,} characters of text (every alias written "
            "out), the most mandaat reads")


# --- YAML, from the parser's events --------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _SEQ, _MAP = (
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1's resolver, and a number with an exponent written as JSON writes it
    (``1e3``, ``5e-324``, ``1.5e2``: no point or no sign) as YAML 1.2 reads it: a float,
    not text. A JSON school given as
    text (standard input, a request body) is read as YAML, and JSON writes such numbers."""


_Resolver.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+.0123456789"))
_RESOLVER = _Resolver()
#: The first characters of a plain scalar the resolver may read as something other than
#: text (a number, true/false, null, a date, ...): a plain scalar that starts with any
#: other character is text. YAML 1.1's resolver has no resolver for every first character
#: (``None``) and no path resolvers; ``test_loader`` checks both.
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: The plain tags of a scalar besides text and null: how to build one, and what it is.
_SCALARS: dict[str, tuple[Any, str]] = {
    _INT: (_CONSTRUCTOR.construct_yaml_int, "a whole number"),
    _FLOAT: (_CONSTRUCTOR.construct_yaml_float, "a number"),
    _BOOL: (_CONSTRUCTOR.construct_yaml_bool, "true or false"),
    _TIMESTAMP: (_CONSTRUCTOR.construct_yaml_timestamp, "a date"),
}
_KIND = {_STR: "scalar", _INT: "scalar", _FLOAT: "scalar", _BOOL: "scalar", _NULL: "scalar",
         _TIMESTAMP: "scalar", _SEQ: "sequence", _MAP: "mapping"}


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


@dataclass
class _Anchored:
    """What an anchor (``&name``) names: the value, and its size with aliases written out."""

    value: Any
    values: int
    chars: int
    height: int  # lists and mappings nested inside each other in it (0 for a scalar)


#: An open list or mapping, as a list (read for every value, so indexed, not named):
#: ``[value, key, key_line, key_lines, start, anchored]``. ``key`` is the key waiting for
#: its value (``_NO_KEY`` while a key comes next), ``key_line`` its line, and
#: ``key_lines`` each key's line (``None`` for a list); ``start`` is the start mark, and
#: ``anchored`` ``(anchor, values, chars, deepest)`` as its anchor began (``None`` without).
_Frame = list


def _events(text: str) -> Iterator[Any]:
    """The parser's events for ``text``, without a Python generator between them where
    libyaml is there."""
    if _CParser is not None:
        return iter(_CParser(text).get_event, None)
    return yaml.parse(text, Loader=_SafeBase)


#: what the depth count of a YAML text the parser stopped on looks for: a quoted text or a
#: comment (skipped whole), or a bracket
_YAML_BRACKET = re.compile(r"""'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|(?<!\S)#[^\n]*|[\[\]{}]""")


class _YamlReader:
    """Plain data from a YAML text, held to the limits while the parser's events come."""

    def __init__(self, source: Source):
        self.source = source
        #: where the last event read ends (the text after it is the parser's alone)
        self.read_to = 0
        self.stack: list[_Frame] = []
        self.root: Any = None
        #: a plain scalar's text -> its value (text, number, true/false, null or date,
        #: all immutable): the text decides, the same way each time
        self.plain: dict[str, Any] = {}

    def read(self) -> Any:
        try:
            return self._read()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            if mark is not None:
                self._too_deep_before(mark)
            line = mark.line + 1 if mark is not None else None
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ParseFailure(Problem(self.source.name, line, (), "not_yaml",
                                       f"not valid YAML: {clip_msg(reason)}")) from None
        except UnicodeEncodeError as exc:  # a lone surrogate in a str given directly
            raise ParseFailure(Problem(self.source.name, None, (), "not_utf8",
                                       f"not UTF-8 text ({clip_msg(exc.reason)})")) from None

    def _too_deep_before(self, mark: Any) -> None:
        """Refuse the text as too deep if it nests past the limit before the parser's error.

        libyaml scans up to a line ahead of the events it gives (1,024 characters at most,
        the longest key), and stops at a nesting depth of its own (1,000 in PyYAML 6.0.4's
        wheels, none before): on a line of ``[[[[...`` it fails before mandaat has seen the
        33rd list. So the brackets between the last event read and the error are counted on
        top of the lists and mappings open, outside quotes and comments; where they go past
        the limit, that is the problem, whatever the parser's own limit.
        """
        line = _deep_line(self.source.text, _YAML_BRACKET, self.read_to, mark.index + 1,
                          len(self.stack))
        if line is not None:
            self.fail(None, "too_deep", _deep_msg(), line=line)

    def fail(self, mark: Any, type_: str, msg: str, loc: Loc | None = None,
             line: int | None = None) -> NoReturn:
        if mark is not None:
            line = mark.line + 1
        where = self.loc() if loc is None else loc
        raise ParseFailure(Problem(self.source.name, line, _clip_loc(where), type_, msg))

    def loc(self) -> Loc:
        """The field path of the value being read."""
        parts: list[Any] = []
        for value, key, _, key_lines, _, _ in self.stack:
            if key_lines is not None:
                if key is _NO_KEY:
                    break  # reading a key: the path of the mapping
                parts.append(key)
            else:
                parts.append(len(value))
        return tuple(parts)

    def _read(self) -> Any:
        max_depth, max_aliases = LIMITS["depth"], LIMITS["aliases"]
        max_values, max_chars = LIMITS["values"], LIMITS["text_chars"]
        max_items = LIMITS["items"]
        stack = self.stack
        plain = self.plain
        anchors: dict[str, _Anchored | None] = {}
        anchor_lines: dict[str, int] = {}
        values = chars = aliases = documents = 0
        deepest = 0  # the deepest list or mapping since the innermost open anchor began
        event = None
        try:
            for event in _events(self.source.text):
                cls = event.__class__
                if cls is ScalarEvent:
                    text = event.value
                    if event.tag is not None:
                        value = self._scalar(event)
                    elif not event.implicit[0]:
                        value = text  # quoted
                    else:
                        value = plain.get(text, _NO_KEY)
                        if value is _NO_KEY:
                            value = plain[text] = (text if text[:1] not in _RESOLVED_FIRST
                                                   else self._scalar(event))
                    values += 1
                    chars += len(text)
                    if values > max_values:
                        self.fail(event.start_mark, "too_many_values", _values_msg())
                    if chars > max_chars:
                        self.fail(event.start_mark, "too_many_values", _chars_msg())
                    if event.anchor is not None:
                        self._anchor(event, anchors, anchor_lines)
                        anchors[event.anchor] = _Anchored(value, 1, len(text), 0)
                    mark = event.start_mark
                elif cls is MappingStartEvent or cls is SequenceStartEvent:
                    is_map = cls is MappingStartEvent
                    if event.tag is not None:
                        self._collection_tag(event, is_map)
                    if len(stack) >= max_depth:
                        self.fail(event.start_mark, "too_deep", _deep_msg())
                    anchored = None
                    if event.anchor is not None:
                        self._anchor(event, anchors, anchor_lines)
                        anchors[event.anchor] = None  # being read: an alias to it is a loop
                        anchored = (event.anchor, values, chars, deepest)
                        deepest = 0
                    values += 1
                    if values > max_values:
                        self.fail(event.start_mark, "too_many_values", _values_msg())
                    if is_map:
                        stack.append([{}, _NO_KEY, 0, {}, event.start_mark, anchored])
                    else:
                        stack.append([[], _NO_KEY, 0, None, event.start_mark, anchored])
                    if len(stack) > deepest:
                        deepest = len(stack)
                    continue
                elif cls is MappingEndEvent or cls is SequenceEndEvent:
                    value, _, _, _, mark, anchored = stack.pop()
                    if anchored is not None:
                        anchor, values0, chars0, deepest0 = anchored
                        depth = len(stack) + 1
                        anchors[anchor] = _Anchored(value, values - values0, chars - chars0,
                                                    deepest - depth + 1)
                        deepest = max(deepest0, deepest)
                elif cls is AliasEvent:
                    aliases += 1
                    if aliases > max_aliases:
                        self.fail(event.start_mark, "too_many_aliases",
                                  f"more than {max_aliases:,} aliases (*name), the most mandaat "
                                  "reads")
                    found = anchors.get(event.anchor, _NO_KEY)
                    if found is _NO_KEY:
                        self.fail(event.start_mark, "not_yaml",
                                  f"not valid YAML: found undefined alias '{clip(event.anchor)}'",
                                  ())
                    if found is None:
                        self.fail(event.start_mark, "loop",
                                  f"the alias *{clip(event.anchor)} stands inside the value "
                                  "its anchor names: it would hold itself")
                    assert isinstance(found, _Anchored)
                    values += found.values
                    chars += found.chars
                    if values > max_values:
                        self.fail(event.start_mark, "too_many_values", _values_msg())
                    if chars > max_chars:
                        self.fail(event.start_mark, "too_many_values", _chars_msg())
                    if len(stack) + found.height > max_depth:
                        self.fail(event.start_mark, "too_deep", _deep_msg())
                    deepest = max(deepest, len(stack) + found.height)
                    value, mark = found.value, event.start_mark
                else:
                    if cls is DocumentStartEvent:
                        documents += 1
                        if documents > 1:
                            self.fail(event.start_mark, "not_yaml",
                                      "not valid YAML: but found another document", ())
                    continue
                # a value has been read (a scalar, a whole list or mapping, or an alias): put it
                # in the list or mapping it stands in
                if not stack:
                    self.root = value
                    continue
                frame = stack[-1]
                key_lines = frame[3]
                if key_lines is None:
                    if len(frame[0]) >= max_items:
                        self.fail(mark, "too_many_items", _items_msg(False))
                    frame[0].append(value)
                elif frame[1] is _NO_KEY:
                    try:
                        first = key_lines.get(value)
                    except TypeError:
                        self.fail(mark, "not_yaml", "a mapping key must be a plain value", ())
                    if first is not None:
                        self.fail(mark, "not_yaml",
                                  f"duplicate key '{clip(value)}' (first on line {first + 1})", ())
                    if len(frame[0]) >= max_items:
                        self.fail(mark, "too_many_items", _items_msg(True))
                    frame[1], frame[2] = value, mark.line
                else:
                    key = frame[1]
                    frame[0][key] = value
                    key_lines[key] = frame[2]
                    frame[1] = _NO_KEY
        except yaml.YAMLError:
            if event is not None:
                self.read_to = event.end_mark.index
            raise
        return self.root

    def _anchor(self, event: Any, anchors: dict[str, Any], lines: dict[str, int]) -> None:
        if event.anchor in anchors:
            self.fail(event.start_mark, "not_yaml",
                      f"not valid YAML: found duplicate anchor '{clip(event.anchor)}' "
                      f"(first on line {lines[event.anchor] + 1})", ())
        lines[event.anchor] = event.start_mark.line

    def _collection_tag(self, event: Any, is_map: bool) -> None:
        tag = event.tag
        if tag is None or tag == "!" or tag == (_MAP if is_map else _SEQ):
            return
        if tag in _KIND:
            found = "mapping" if is_map else "sequence"
            self.fail(event.start_mark, "not_yaml",
                      f"expected a {_KIND[tag]} node, but found {found}", ())
        self._refuse_tag(event, tag)

    def _refuse_tag(self, event: Any, tag: str) -> NoReturn:
        self.fail(event.start_mark, "yaml_tag",
                  f"YAML tag '{clip(_tag_name(tag))}' is not allowed: a school file holds "
                  "plain data only", ())

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if event.implicit[0]:  # plain: its text decides
                tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
            else:
                tag = _STR  # quoted
        if tag == _STR:
            return event.value
        if tag == _NULL:
            return None
        found = _SCALARS.get(tag)
        if found is None:
            if tag in _KIND:
                self.fail(event.start_mark, "not_yaml",
                          f"expected a {_KIND[tag]} node, but found scalar", ())
            self._refuse_tag(event, tag)
        build, what = found
        try:
            return build(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            if tag == _TIMESTAMP and isinstance(exc, ValueError) and len(str(exc)) < 80:
                msg = f"not valid YAML: {exc}"  # a date that does not exist: 2026-02-30
            else:
                msg = f"not valid YAML: {show(event.value)} cannot be read as {what}"
            self.fail(event.start_mark, "not_yaml", msg, ())


# --- the limits on parsed data (JSON, or a mapping given directly) --------------------------

#: A text with half of a UTF-16 pair (JSON's ``"\\ud800"``): no character, in no encoding.
_SURROGATE = "not UTF-8 text (surrogates not allowed)"


def _is_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True



def check_data(data: Any, source: Source) -> None:
    """Hold parsed data to :data:`mandaat.limits.LIMITS`; raise :class:`ParseFailure`.

    Walks the data once, without recursion, counting a value again wherever it is shared,
    so that neither shared nor looping lists and mappings make the work after it unbounded.
    A set is refused: it has no order, so neither would a report made from it; and so is
    a text with a lone surrogate, which no file can hold.
    """
    max_depth, max_items = LIMITS["depth"], LIMITS["items"]
    max_values, max_chars = LIMITS["values"], LIMITS["text_chars"]
    values = chars = 0
    # (value, depth, path); a path is (parent's path, key, parent) and a loc only for a problem
    todo: list[tuple[Any, int, Any]] = [(data, 0, None)]

    def fail(path: Any, type_: str, msg: str) -> NoReturn:
        loc: list[Any] = []
        while path is not None:
            path, key, _ = path
            loc.append(key)
        raise ParseFailure(source.problem(tuple(reversed(loc)), type_, msg))

    while todo:
        value, depth, path = todo.pop()
        values += 1
        if values > max_values:
            fail(path, "too_many_values", _values_msg())
        if isinstance(value, str):
            chars += len(value)
            if chars > max_chars:
                fail(path, "too_many_values", _chars_msg())
            if not _is_unicode(value):
                fail(path, "not_utf8", _SURROGATE)
            continue
        if isinstance(value, (set, frozenset)):
            fail(path, "wrong_type", "expected a list, got a set (a set has no order)")
        is_map = isinstance(value, Mapping)
        if not is_map and not isinstance(value, (list, tuple)):
            continue
        if depth + 1 > max_depth:
            fail(path, "too_deep", _deep_msg())
        up = path
        while up is not None:
            if up[2] is value:
                fail(path, "loop", "a list or mapping that holds itself")
            up = up[0]
        try:
            if len(value) > max_items:
                fail(path, "too_many_items", _items_msg(is_map))
            pairs = list(value.items()) if is_map else list(enumerate(value))
        except ParseFailure:
            raise
        except Exception:  # a mapping that cannot be read: the validation reports it
            continue
        for key, _ in pairs:
            if isinstance(key, str):
                chars += len(key)
                if not _is_unicode(key):
                    fail((path, key, value), "not_utf8", _SURROGATE)
        if chars > max_chars:
            fail(path, "too_many_values", _chars_msg())
        todo.extend((child, depth + 1, (path, key, value)) for key, child in reversed(pairs))
