"""The JSON Schema of the report (format ``mandaat-report/1``): what ``mandaat schema
--report`` prints and ``mandaat serve`` gives at ``GET /v1/schema/report``.

The schema is made from the report's models (:mod:`mandaat.report.model`), the one
description of the report, as they write JSON.

>>> schema = report_json_schema()
>>> schema["properties"]["format"]["const"], sorted(schema["required"])[:3]
('mandaat-report/1', ['as_of', 'findings', 'format'])
"""

from __future__ import annotations

from typing import Any

from .model import Escalation, Report

__all__ = ["escalation_json_schema", "report_json_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON report, as ``Report.to_json`` writes it."""
    return _schema(Report, "mandaat-report/1: the report of mandaat check")


def escalation_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the answer of ``mandaat escalate --format json``."""
    return _schema(Escalation, "The answer of mandaat escalate: who acts now, and why")


def _schema(model: type[Report] | type[Escalation], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    # every field is written, those with a default too (``notes``)
    schema["required"] = list(schema["properties"])
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in schema.items()
                                                    if k != "title"}}
