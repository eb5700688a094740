"""How a server runs: its rule packs, token, decision log, workers and limits. Plain data;
``MANDAAT_SERVE`` in the environment carries it to an application started by another
ASGI server (:func:`mandaat.service.app.app_from_environment`)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

from ..limits import LIMITS as TEXT_LIMITS

#: The environment variable that carries the settings to an application an ASGI server
#: starts by its import path
ENVIRONMENT = "MANDAAT_SERVE"

#: The largest body of each kind read: a school as JSON or YAML is held to the limit of
#: every school file (4,000,000 bytes), a workbook to the workbook's (10 MB)
BODY_LIMITS = {"json": TEXT_LIMITS["file_bytes"], "yaml": TEXT_LIMITS["file_bytes"],
               "xlsx": 10_000_000}
#: No body is read beyond this, whatever its type
MAX_BODY = max(BODY_LIMITS.values())

#: The default time a request's reading and check may take, in seconds
DEFAULT_TIMEOUT = 10.0
#: The default number of requests each worker takes at once, the one at work included
DEFAULT_MAX_PENDING = 32


@dataclass(frozen=True)
class Settings:
    """What ``mandaat serve`` was started with (``docs/service.md``)."""

    #: rule packs loaded beside the bundled ``lbbo-2022``: paths of a YAML file or a folder
    rules: tuple[str, ...] = ()
    #: the file holding the bearer token every ``/v1`` request must send; ``None``: none
    token_file: str | None = None
    #: where each decision is appended as one JSON line; ``None``: not kept
    decision_log: str | None = None
    #: seconds a request's reading and check may take before the work is stopped
    timeout: float = DEFAULT_TIMEOUT
    #: worker processes that check, each one school at a time
    workers: int = 1
    #: requests each worker takes at once (at work and waiting); more get 503 busy
    max_pending: int = DEFAULT_MAX_PENDING
    #: the bodies' limits in bytes, by kind (``json``, ``yaml``, ``xlsx``)
    body_limits: dict[str, int] = field(default_factory=lambda: dict(BODY_LIMITS))

    def to_environment(self) -> str:
        """The settings as the text of :data:`ENVIRONMENT`."""
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> Settings:
        """The settings a worker was started with (the defaults when there are none)."""
        text = os.environ.get(ENVIRONMENT)
        if not text:
            return cls()
        data = json.loads(text)
        data["rules"] = tuple(data.get("rules", ()))
        return cls(**data)
