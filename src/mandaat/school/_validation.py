"""pydantic's validation errors, in words a school administrator or pack author can act on.

Shared by the school loader and the rule-pack loader, so both report the same kind of
mistake the same way: a located problem with a stable type and, where one is close, the
valid value meant.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Loc, Problem
from . import vocabulary as V
from ._source import Source, clip, clip_msg, show
from .model import ID_PATTERN

_EXPECTED = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "finite_number": "expected a finite number",
}


def problems_from(exc: ValidationError, src: Source, root: type[BaseModel],
                  most: int | None = None) -> list[Problem]:
    """One located problem per pydantic error (the first ``most``, when given); ``root`` is
    the model that was validated."""
    problems = []
    for err in islice(exc.errors(include_url=False), most):
        loc: Loc = tuple(err["loc"])
        kind, msg = _translate(err, root, loc)
        problems.append(src.problem(loc, kind, msg))
    return problems


def _translate(err: Any, root: type[BaseModel], loc: Loc) -> tuple[str, str]:
    kind = err["type"]
    ctx = err.get("ctx", {})
    if kind == "missing":
        return "missing", f"missing required field '{loc[-1]}'"
    if kind == "extra_forbidden":
        allowed = fields_at(root, loc[:-1])
        msg = f"unknown field '{clip(loc[-1])}'{V.did_you_mean(str(loc[-1]), allowed)}"
        if allowed:
            msg += f"; allowed: {', '.join(sorted(allowed))}"
        return "unknown_field", msg
    if kind == "unknown_value":
        if {"what", "value", "hint"} <= ctx.keys():  # mandaat.school.model's vocabulary
            return kind, f"unknown {ctx['what']} '{clip(ctx['value'])}'{ctx['hint']}"
        return kind, clip_msg(err["msg"])
    if kind == "literal_error":
        expected = ctx["expected"]
        choices = re.findall(r"'([^']+)'", expected)
        return "unknown_value", (f"expected one of {expected}, got {show(err['input'])}"
                                 f"{V.did_you_mean(err['input'], choices)}")
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == ID_PATTERN:
            return "invalid_id", (f"invalid id {show(err['input'])}: use lowercase letters, "
                                  "digits, '-' and '_', starting with a letter or digit "
                                  "(at most 64)")
        return "bad_value", f"{show(err['input'])} does not match the form {ctx['pattern']}"
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return ("negative" if ctx.get("ge") == 0 else "too_small",
                f"must be {bound:g} or more, not {show(err['input'])}")
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return "too_large", f"must be {bound:g} or less, not {_show(err['input'])}"
    if kind in _EXPECTED:
        return "wrong_type", f"{_EXPECTED[kind]}, got {_show(err['input'])}"
    if kind in ("too_short", "string_too_short"):
        return "too_short", "must not be empty"
    return "invalid_value", clip_msg(err["msg"][0].lower() + err["msg"][1:])


def _show(value: Any) -> str:
    """``repr(value)`` in at most 40 characters, with bounded work (:func:`show`)."""
    return show(value)


def fields_at(model: Any, loc: Loc) -> list[str]:
    """The field names (aliases where given) allowed at ``loc`` below ``model``."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        if field is None:
            return []
        model = _inner_model(field.annotation)
        if model is None:
            return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
