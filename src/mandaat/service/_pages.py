"""The pages a browser gets: ``/``, where a school leader checks a workbook, and ``/docs``,
the service's description. Both are rendered from templates in the package, every value
escaped, and load nothing from elsewhere: they work without internet."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from ._settings import BODY_LIMITS


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("mandaat.service", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def upload_page(*, token: bool) -> str:
    """The Dutch page for people: drop a workbook or a school file, read the report."""
    return _environment().get_template("index.html.j2").render(
        token=token, limit_mb=BODY_LIMITS["xlsx"] // 1_000_000)


def docs_page(spec: dict[str, Any]) -> str:
    """The OpenAPI description ``spec`` as one page: each endpoint with its parameters,
    body and answers."""
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            endpoints.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [{
                    "name": p["name"], "in": p["in"], "required": p.get("required", False),
                    "description": p.get("description", ""),
                    "values": _values(p.get("schema", {}))} for p in op.get("parameters", [])],
                "body": list(body),
                "responses": [(status, r.get("description", ""), list(r.get("content", {})))
                              for status, r in op.get("responses", {}).items()],
            })
    return _environment().get_template("docs.html.j2").render(
        title=spec["info"]["title"], version=spec["info"]["version"],
        description=spec["info"].get("description", ""), endpoints=endpoints)


def _values(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "default" in schema:
        return f"default {schema['default']}"
    return ""
