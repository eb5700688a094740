"""``mandaat serve``: the check as an HTTP service for apps, with a page for people.

This package owns everything HTTP: the FastAPI application (:mod:`.app`: endpoints,
headers, the bearer token, limits, the decision log), the evaluator process that does each
request's work and is killed when it runs out of time (:mod:`._evaluator`), what a
request's work is (:mod:`._work`: load the body, check or escalate, render, with the very
code the command line uses), the pages (:mod:`._pages`: ``/`` and ``/docs``) and starting
uvicorn (:func:`serve`). See ``docs/service.md``.

Nothing below the command line imports it: ``import mandaat`` and every other command
start without FastAPI.
"""

from __future__ import annotations

from ._run import serve
from ._settings import Settings
from .app import create_app

__all__ = ["Settings", "create_app", "serve"]
