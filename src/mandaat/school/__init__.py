"""The school and its format ``mandaat/1``: what a school file may say, and reading it safely.

- :mod:`~mandaat.school.vocabulary`: roles, task types, domains, signal kinds, defined once.
- :mod:`~mandaat.school.model`: the pydantic models of a school, and its JSON Schema.
- ``_source``: YAML and JSON read within limits, and the line of every field path.
- ``_references``: ids, cross-references and dates, checked on the raw data.
- ``_validation``: pydantic's errors in words a school administrator can act on.
- :mod:`~mandaat.school.files`: a school from YAML or JSON text, validated, and back.

Nothing here knows the graph, the rules or the report.
"""
