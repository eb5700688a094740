"""Reading YAML or JSON input safely, and finding the line of a field path.

Only ``yaml.SafeLoader`` is used: a tag such as ``!!python/object`` is refused by the
parser and never constructs anything. Line numbers are looked up only when there is an
error to report, so the normal path parses the text once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Loc, Problem

# libyaml's parser where PyYAML was built with it; the constructor is SafeConstructor
# either way, so no tag ever constructs an object.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictSafeLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe loader that refuses duplicate mapping keys instead of keeping the last."""


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
                None,
                None,
                f"duplicate key '{key}' (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


@dataclass(frozen=True)
class Source:
    """The text of an input and the name to report it under."""

    name: str
    text: str
    #: Where the document this source describes stands inside ``text`` (an inline school
    #: inside a scenario file stands at ``("school",)``).
    prefix: Loc = ()

    def line_of(self, loc: Loc) -> int | None:
        """Return the 1-based line where ``loc`` (or its nearest existing parent) stands."""
        if not self.text:
            return None  # parsed data given directly has no lines
        loc = (*self.prefix, *loc)
        try:
            node = yaml.compose(self.text, Loader=_SafeBase)  # the parser parse() uses
        except yaml.YAMLError:
            return None
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        line = key_node.start_mark.line + 1
                        node = value_node
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    node = node.value[part]
                    line = node.start_mark.line + 1
                else:
                    return line
            else:
                return line
        return line

    def problem(self, loc: Loc, type_: str, msg: str) -> Problem:
        """Build a located problem for this source."""
        return Problem(file=self.name, line=self.line_of(loc), loc=(*self.prefix, *loc),
                       type=type_, msg=msg)


def read_source(path: str | Path) -> Source:
    """Read a file as UTF-8 text; an unreadable file is reported as ``ParseFailure``."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ParseFailure(Problem(str(p), None, (), "file_not_found", "no such file")) from None
    except IsADirectoryError:
        raise ParseFailure(
            Problem(str(p), None, (), "is_a_directory", "is a folder, not a file")
        ) from None
    except UnicodeDecodeError as exc:
        raise ParseFailure(
            Problem(str(p), None, (), "not_utf8", f"not UTF-8 text ({exc.reason})")
        ) from None
    except OSError as exc:
        raise ParseFailure(
            Problem(str(p), None, (), "unreadable", f"cannot read: {exc.strerror}")
        ) from None
    return Source(str(p), text)


class ParseFailure(Exception):
    """Raised by :func:`parse` with the problem; callers wrap it in their error type."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def parse(source: Source) -> Any:
    """Parse YAML (or JSON, which is read as JSON when the name ends in ``.json``)."""
    if source.name.endswith(".json"):
        try:
            return json.loads(source.text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise ParseFailure(
                Problem(source.name, exc.lineno, (), "not_json", f"not valid JSON: {exc.msg}")
            ) from None
        except ValueError as exc:
            raise ParseFailure(Problem(source.name, None, (), "not_json", str(exc))) from None
    try:
        return yaml.load(source.text, Loader=_StrictSafeLoader)  # noqa: S506 - strict safe loader
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = str(exc.problem or "")
        if "could not determine a constructor" in problem:
            tag = problem.split("tag ", 1)[-1].replace("'tag:yaml.org,2002:", "'!!")
            msg = f"YAML tag {tag} is not allowed: a school file holds plain data only"
            raise ParseFailure(Problem(source.name, line, (), "yaml_tag", msg)) from None
        raise ParseFailure(Problem(source.name, line, (), "not_yaml", problem)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParseFailure(
            Problem(source.name, line, (), "not_yaml", f"not valid YAML: {reason}")
        ) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # SafeLoader can still fail on odd scalars (a date like 2026-02-30).
        raise ParseFailure(
            Problem(source.name, None, (), "not_yaml", f"not valid YAML: {exc}")
        ) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a school file may hold")
