"""Module paths from before mandaat's packages, still importable as the modules they became.

``import mandaat.vocabulary`` gives :mod:`mandaat.school.vocabulary` itself (the same
module object, so its names and its state are one), for apps written against the paths
mandaat 0.1 documented. New code imports the new paths.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from types import ModuleType

#: Each old module path and the module it is now.
MOVED: dict[str, str] = {
    "mandaat.facts": "mandaat.rules.facts",
    "mandaat.matrix": "mandaat.graph.matrix",
    "mandaat.model": "mandaat.school.model",
    "mandaat.picture": "mandaat.report.picture",
    "mandaat.report_html": "mandaat.report.html",
    "mandaat.routes": "mandaat.graph.routes",
    "mandaat.scenarios": "mandaat.training.scenarios",
    "mandaat.sources": "mandaat.rules.sources",
    "mandaat.vocabulary": "mandaat.school.vocabulary",
}


class _Alias:
    """Finds an old path of :data:`MOVED` and loads it as the module it names."""

    def find_spec(self, fullname: str, path: object = None, target: object = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(MOVED[spec.name])
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # the import system has put the old path's spec on the module: give it its own back
        own = module.__spec__.loader_state if module.__spec__ is not None else None
        if own is not None:
            module.__spec__ = own


def install() -> None:
    """Put the finder first on ``sys.meta_path``, once per process."""
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Alias())
