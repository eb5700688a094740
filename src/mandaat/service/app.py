"""The HTTP service: the FastAPI application of ``mandaat serve`` (``docs/service.md``).

Endpoints: ``POST /v1/check``, ``POST /v1/escalate``, ``POST /v1/fix`` and ``POST /v1/diff``
(the answers of ``mandaat check``, ``escalate``, ``fix`` and ``diff --format json``, byte
for byte), ``GET /v1/rules``, the JSON
Schemas of the school file and the report, ``GET /healthz``, ``GET /openapi.json``, the
docs page ``/docs`` and the page for people ``/``. Every answer carries a decision id
and the rules' revision in its headers; bad input is a Problem Details answer, never a
traceback. The work of a request is done by a worker process (:mod:`._evaluator`),
which is killed when a request runs out of time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from .._version import __version__
from ..errors import MandaatInputError, Problem, RulePackError
from ..evaluation import prepare
from ..problem_details import KINDS, MEDIA_TYPE, document, dumps, problem_entries
from ..report import Escalation, Report
from ..rules import RulePack, load_rules, shared_default_pack
from ..rules.sources import registry
from ..whatif.diff import Diff
from ..whatif.fix import Fix
from ._evaluator import Pool
from ._models import PackDescription, ProblemDocument, RuleDescription, RulesAnswer
from ._settings import MAX_BODY, Settings
from ._work import BODY_NAMES, JSON, MEDIA_TYPES, Answer, Job, pack_revision, revision

__all__ = ["create_app"]

Lang = Literal["nl", "en"]
#: The query parameters every deciding endpoint takes: the language, and the packs.
LangQuery = Annotated[Lang, Query(description="the language of messages")]
RulesQuery = Annotated[list[str] | None, Query(
    description="names of rule packs the server was started with (repeated or "
    "comma-separated); default: all of them")]

#: The service's own kinds of problem document: status, Dutch and English title
_REFUSALS: dict[str, tuple[int, str, str]] = {
    "bad-request": (400, "Het verzoek klopt niet", "The request is not right"),
    "unknown-endpoint": (404, "Dit adres is er niet", "No such endpoint"),
    "method": (405, "Deze methode kan hier niet", "Method not allowed"),
    "unknown-pack": (404, "Dit regelpakket is er niet", "No such rule pack"),
    "unsupported-media-type": (415, "Dit soort bestand wordt niet gelezen",
                               "This kind of body is not read"),
    "too-large": KINDS["too-large"],
    "unauthorized": (401, "Token nodig", "A token is needed"),
    "busy": (503, "De server is even vol", "The server is busy"),
}

#: The seconds a client that got ``busy`` is asked to wait
RETRY_AFTER = 1
_HTML = "text/html; charset=utf-8"
_REQUEST = "<request>"


class _Refused(Exception):
    """A request answered before its work: the answer, and headers to add."""

    def __init__(self, answer: Answer, headers: Mapping[str, str] | None = None):
        self.answer = answer
        self.headers = dict(headers or {})


def _refusal(kind: str, lang: str, problems: list[Problem], detail: str = "") -> Answer:
    status, title_nl, title_en = _REFUSALS[kind]
    error = MandaatInputError(problems)
    entries = problem_entries(error, lang)
    doc = document(kind, status, title_nl if lang == "nl" else title_en,
                   detail or entries[0]["message"], entries)
    return Answer(status, MEDIA_TYPE, dumps(doc).encode("utf-8"))


def _lang_of(request: Request) -> str:
    lang = request.query_params.get("lang")
    return lang if lang in ("nl", "en") else "nl"


class _State:
    """What the server holds for all its requests: the packs, the token, the workers, the
    decision log. Nothing of one request is kept for another."""

    def __init__(self, settings: Settings):
        self.settings = settings
        bundled = shared_default_pack()
        loaded = [load_rules(path) for path in settings.rules]
        self.packs: dict[str, RulePack] = {}
        for pack in (bundled, *loaded):
            if pack.name in self.packs:
                raise RulePackError([Problem(pack.origin, None, (), "duplicate_rule",
                                             f"two rule packs named '{pack.name}'")])
            self.packs[pack.name] = pack
        #: the packs a request uses without ``rules=``: all of them, the bundled one first
        self.default = tuple(self.packs)
        # compiled and registered now: packs that do not go together are said before the
        # server starts, and the workers, forked later, have them
        prepare([self.packs[n] for n in self.default], rules_only=True)
        #: each pack's revision, worked out once: a pack does not change while it is held
        self.revisions = {name: pack_revision(pack) for name, pack in self.packs.items()}
        self.revision = self.revision_of(self.default)
        self.token = _read_token(settings.token_file) if settings.token_file else None
        self.pool = Pool(self.packs, settings.timeout, settings.workers)
        #: requests taken at once, in all: at work and waiting for a worker
        self.max_pending = settings.max_pending * settings.workers
        self._log_fd: int | None = None

    def revision_of(self, names: tuple[str, ...]) -> str:
        """The revision of the packs ``names``, together and in that order."""
        return revision([self.revisions[n] for n in names])

    def start(self) -> None:
        if self.settings.decision_log:
            self._log_fd = os.open(self.settings.decision_log,
                                   os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        self.pool.start()

    def stop(self) -> None:
        self.pool.stop()
        if self._log_fd is not None:
            os.close(self._log_fd)
            self._log_fd = None

    def log(self, record: dict[str, Any]) -> None:
        """Append one decision as one line, in one write (``O_APPEND``): a log that other
        processes append to as well never has lines mixed."""
        if self._log_fd is not None:
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
            os.write(self._log_fd, line.encode("utf-8"))


def _read_token(path: str) -> str:
    token = Path(path).read_text(encoding="utf-8").strip()
    if not token:
        raise ValueError(f"the token file {path} is empty")
    return token


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application of ``mandaat serve`` with ``settings`` (the defaults: the bundled
    rule pack, no token, no decision log, one worker). The worker processes are forked when
    the application starts (its lifespan), and ended when it stops."""
    state = _State(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start()
        try:
            yield
        finally:
            state.stop()

    app = FastAPI(
        title="mandaat", version=__version__, lifespan=lifespan,
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
        description="Checks who is responsible for what in a Dutch primary school, and "
                    "explains why: the check of `mandaat check` as an HTTP service.")
    app.state.mandaat = state
    app.add_middleware(_Headers, default_revision=state.revision)
    _routes(app, state)
    _handlers(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def app_from_environment() -> FastAPI:
    """The application with the settings of :data:`~._settings.ENVIRONMENT`, for an ASGI
    server that starts it by its import path (``uvicorn --factory
    mandaat.service.app:app_from_environment``)."""
    return create_app(Settings.from_environment())


class _Headers:
    """Every answer gets a decision id and the rules' revision in its headers."""

    def __init__(self, app: Any, default_revision: str):
        self.app = app
        self.default_revision = default_revision

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_state = scope.setdefault("state", {})
        request_state["decision_id"] = uuid.uuid4().hex

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                revision_ = request_state.get("revision", self.default_revision)
                message = dict(message, headers=[
                    *message.get("headers", []),
                    (b"x-decision-id", request_state["decision_id"].encode("ascii")),
                    (b"x-rules-revision", revision_.encode("ascii"))])
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- the endpoints ------------------------------------------------------------------------

_BODY_DOC = {
    "description": "The school: a school file of format mandaat/1 as JSON or YAML, or an "
                   "Excel workbook (docs/workbook.md). At most 4,000,000 bytes of JSON or "
                   "YAML, 10,000,000 bytes of workbook.",
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/School"}},
        "application/yaml": {"schema": {"$ref": "#/components/schemas/School"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}},
    },
}


def _problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    meaning = {400: "a body that cannot be parsed, or a query parameter not taken",
               401: "no bearer token, or a wrong one (a server started with --token-file)",
               404: "a rule pack the server was not started with",
               413: "a body over its limit",
               415: "a body of another content type",
               422: "a school that does not load (every problem, with line or cell)",
               503: "the check took too long (timeout), or the worker is busy (Retry-After)"}
    return {s: {"description": meaning[s], "content": {MEDIA_TYPE: {
        "schema": {"$ref": "#/components/schemas/ProblemDocument"}}}} for s in statuses}


def _routes(app: FastAPI, state: _State) -> None:
    settings = state.settings

    async def authorized(request: Request) -> None:
        if state.token is None:
            return
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(),
                                                              state.token.encode()):
            return
        await _drain(request)
        which = "none was given" if not given else "the one given is not right"
        raise _Refused(_refusal("unauthorized", _lang_of(request), [Problem(
            _REQUEST, None, ("headers", "authorization"), "unauthorized",
            f"this server needs a bearer token (Authorization: Bearer ...); {which}")]),
            {"WWW-Authenticate": 'Bearer realm="mandaat"'})

    Auth = Depends(authorized)

    async def packs_of(request: Request, names: list[str] | None, lang: str
                       ) -> tuple[str, ...]:
        if not names:
            chosen = state.default
        else:
            chosen = tuple(dict.fromkeys(n.strip() for name in names for n in name.split(",")
                                         if n.strip()))
        unknown = [n for n in chosen if n not in state.packs]
        if unknown:
            from ..school.vocabulary import did_you_mean

            await _drain(request)
            known = ", ".join(state.packs)
            raise _Refused(_refusal("unknown-pack", lang, [Problem(
                _REQUEST, None, ("query", "rules"), "unknown_pack",
                f"no rule pack named '{_clip(n)}'{did_you_mean(n, list(state.packs))}; "
                f"this server has: {known}") for n in unknown]))
        request.state.revision = state.revision_of(chosen)
        return chosen

    async def decide(request: Request, action: str, lang: str, rules: list[str] | None,
                     signal: str | None = None) -> Response:
        started = time.perf_counter()
        pool = state.pool
        if pool.pending >= state.max_pending:
            await _drain(request)
            raise _Refused(_refusal("busy", lang, [Problem(
                _REQUEST, None, (), "busy",
                f"the server is checking as many schools as it takes at once "
                f"({state.max_pending}); try again in {RETRY_AFTER} s")]),
                {"Retry-After": str(RETRY_AFTER)})
        pool.pending += 1
        try:
            chosen = await packs_of(request, rules, lang)
            kind = _kind_of(request)
            if action == "diff" and kind not in (None, "json"):
                kind = None  # BEFORE and AFTER come together in one JSON object
            if kind is None:
                await _drain(request)
                given = request.headers.get("content-type", "")
                raise _Refused(_refusal("unsupported-media-type", lang, [Problem(
                    _REQUEST, None, ("headers", "content-type"), "unsupported_media_type",
                    f"a body of type '{_clip(given)}' is not read; send application/json, "
                    "application/yaml or application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet")]))
            limit = settings.body_limits[kind]
            body = await _read_body(request, limit)
            if body is None:
                raise _Refused(_refusal("too-large", lang, [Problem(
                    BODY_NAMES[kind], None, (),
                    "workbook_too_large" if kind == "xlsx" else "file_too_large",
                    f"larger than {limit:,} bytes, the most mandaat reads")]))
            html = action == "check" and _wants_html(request)
            job = Job(action, body, kind, lang, chosen, html=html, signal=signal)
            result = await pool.run(job)
            state.log({
                "id": request.state.decision_id,
                "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                "endpoint": action,
                "input_sha256": hashlib.sha256(body).hexdigest(),
                "revision": request.state.revision,
                "status": result.status,
                "counts": dict(result.summary) if result.summary is not None else None,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            })
            return _response(result)
        finally:
            pool.pending -= 1

    @app.post("/v1/check", summary="Check a school's task division",
              description="The answer is byte for byte what `mandaat check FILE --format "
              "json` writes for the same school (format mandaat-report/1); with `Accept: "
              "text/html` the HTML report. A school that does not load is a 422 Problem "
              "Details answer with every problem, its line or its sheet and cell.",
              response_class=Response, openapi_extra={"requestBody": _BODY_DOC},
              responses={200: {"model": Report, "description": "the report",
                               "content": {"text/html": {"schema": {"type": "string"}}}},
                         **_problem_responses(400, 401, 404, 413, 415, 422, 503)})
    async def check_school(
        request: Request,
        lang: LangQuery = "nl",
        rules: RulesQuery = None,
        _: None = Auth,
    ) -> Response:
        return await decide(request, "check", lang, rules)

    @app.post("/v1/escalate", summary="Who acts now on an open signal, and why",
              description="The answer of `mandaat escalate FILE SIGNAL --format json`, byte "
              "for byte. A signal the school does not have is a 422 Problem Details answer "
              "(type unknown_signal) that names the known ones.",
              response_class=Response, openapi_extra={"requestBody": _BODY_DOC},
              responses={200: {"model": Escalation, "description": "who acts now"},
                         **_problem_responses(400, 401, 404, 413, 415, 422, 503)})
    async def escalate_signal(
        request: Request,
        signal: Annotated[str, Query(description="the id of a signal of the school")],
        lang: LangQuery = "nl",
        rules: RulesQuery = None,
        _: None = Auth,
    ) -> Response:
        return await decide(request, "escalate", lang, rules, signal)

    @app.post("/v1/fix", summary="Verified fixes for a school's findings",
              description="The answer of `mandaat fix FILE --format json` (format "
              "mandaat-fix/1), byte for byte: for every finding, the options its rule "
              "names that were applied to a copy of the school and checked with the same "
              "packs, best first; an option that introduces a violation is never proposed.",
              response_class=Response, openapi_extra={"requestBody": _BODY_DOC},
              responses={200: {"model": Fix, "description": "the proposals"},
                         **_problem_responses(400, 401, 404, 413, 415, 422, 503)})
    async def fix_school(
        request: Request,
        lang: LangQuery = "nl",
        rules: RulesQuery = None,
        _: None = Auth,
    ) -> Response:
        return await decide(request, "fix", lang, rules)

    @app.post("/v1/diff", summary="Compare two divisions",
              description="The answer of `mandaat diff BEFORE AFTER --format json` (format "
              "mandaat-diff/1), byte for byte: the findings AFTER resolves, introduces and "
              "keeps, and what changed in the division. The body is a JSON object "
              "`{\"before\": ..., \"after\": ...}`, each a school (an object) or a school "
              "file's text (YAML or JSON). The exit code of the command (1 when AFTER "
              "introduces a violation) is `summary.introduced.violation` here.",
              response_class=Response,
              responses={200: {"model": Diff, "description": "the comparison"},
                         **_problem_responses(400, 401, 404, 413, 415, 422, 503)})
    async def diff_schools(
        request: Request,
        lang: LangQuery = "nl",
        rules: RulesQuery = None,
        _: None = Auth,
    ) -> Response:
        return await decide(request, "diff", lang, rules)

    rules_answer = _describe(state).model_dump_json(indent=2).encode("utf-8") + b"\n"

    @app.get("/v1/rules", summary="The rule packs, their revision and their rules",
             response_model=RulesAnswer, responses=_problem_responses(401))
    async def list_rules(_: None = Auth) -> Response:
        return Response(rules_answer, media_type=JSON)

    school_schema = _json_bytes(_school_schema())
    report_schema = _json_bytes(_report_schema())

    @app.get("/v1/schema/school", summary="The JSON Schema of the school file (mandaat/1)",
             responses={200: {"content": {JSON: {"schema": {"type": "object"}}}},
                        **_problem_responses(401)})
    async def school_schema_(_: None = Auth) -> Response:
        return Response(school_schema, media_type=JSON)

    @app.get("/v1/schema/report", summary="The JSON Schema of the report (mandaat-report/1)",
             responses={200: {"content": {JSON: {"schema": {"type": "object"}}}},
                        **_problem_responses(401)})
    async def report_schema_(_: None = Auth) -> Response:
        return Response(report_schema, media_type=JSON)

    @app.get("/healthz", summary="Whether the server answers, its version and revision")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "revision": state.revision,
                "packs": list(state.default)}

    from ._pages import docs_page, upload_page

    page = upload_page(token=state.token is not None).encode("utf-8")

    @app.get("/", summary="A page to check a workbook or school file in the browser",
             response_class=Response, include_in_schema=False)
    async def index() -> Response:
        return Response(page, media_type=_HTML)

    @app.get("/docs", summary="This description as a page", include_in_schema=False)
    async def docs() -> Response:
        return Response(docs_page(app.openapi()).encode("utf-8"), media_type=_HTML)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(_Refused)
    async def refused(request: Request, exc: _Refused) -> Response:
        return _response(exc.answer, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        await _drain(request)
        problems = [_query_problem(error) for error in exc.errors()]
        return _response(_refusal("bad-request", _lang_of(request), problems))

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
        await _drain(request)
        kind = "method" if exc.status_code == 405 else "unknown-endpoint"
        answer = _refusal(kind, _lang_of(request), [Problem(
            _REQUEST, None, ("path",), "unknown_endpoint",
            f"no endpoint {_clip(request.method)} {_clip(request.url.path)}; the service's "
            "endpoints are listed at /docs")])
        return _response(answer, exc.headers)


def _query_problem(error: Mapping[str, Any]) -> Problem:
    loc = tuple(str(part) for part in error.get("loc", ()))
    name = loc[-1] if loc else "?"
    if error.get("type") == "missing":
        msg = f"missing query parameter '{name}'"
    elif error.get("type") == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        msg = (f"query parameter '{name}' must be one of {expected}, not "
               f"{_clip(repr(error.get('input')))}")
    else:
        msg = f"query parameter '{name}': {_clip(str(error.get('msg', '')), 200)}"
    return Problem(_REQUEST, None, loc, "bad_request", msg)


def _response(answer: Answer, headers: Mapping[str, str] | None = None) -> Response:
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                    headers=dict(headers or {}))


def _kind_of(request: Request) -> str | None:
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return MEDIA_TYPES.get(given)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    types = [part.split(";")[0].strip() for part in accept.split(",")]
    return "text/html" in types and "application/json" not in types


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or ``None`` when it is larger than ``limit``: then no more of it is kept
    (what follows is read and dropped, up to the largest limit of all)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None  # not read at all: the connection is closed after the answer
    chunks: list[bytes] | None = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            chunks = None
            if size > MAX_BODY:
                break
        elif chunks is not None:
            chunks.append(chunk)
    return b"".join(chunks) if chunks is not None else None


async def _drain(request: Request) -> None:
    """Read what is left of a body that will not be used (up to the largest limit), so
    that the connection is closed cleanly, not reset with unread data in it."""
    size = 0
    with contextlib.suppress(Exception):
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                return


def _clip(text: str, most: int = 100) -> str:
    return text if len(text) <= most else text[:most] + "..."


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _school_schema() -> dict[str, Any]:
    from ..school.model import json_schema

    return json_schema()


def _report_schema() -> dict[str, Any]:
    from ..report.schema import report_json_schema

    return report_json_schema()


def _describe(state: _State) -> RulesAnswer:
    packs = []
    for name in state.default:
        pack = state.packs[name]
        sources = registry(pack.origin) if pack.origin else {}
        rules = []
        for rule in pack.rules:
            info = sources.get(rule.source.text)
            rules.append(RuleDescription(
                id=rule.id, severity=rule.severity, kind=rule.kind,
                title=rule.title.model_dump() if rule.title else None,
                source={"text": rule.source.text, "title": info.title if info else None}))
        packs.append(PackDescription(name=pack.name, version=pack.version,
                                     revision=state.revisions[name], rules=rules))
    return RulesAnswer(revision=state.revision, packs=packs)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's description, with the school file's own JSON Schema as ``School`` and the
    Problem Details document, both from their one definition."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    spec = get_openapi(title=app.title, version=app.version, description=app.description,
                       routes=app.routes)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    school = _school_schema()
    defs = school.pop("$defs", {})
    school.pop("$schema", None)
    renamed = {name: (name if name not in schemas else f"School{name}") for name in defs}

    def rewrite(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (f"#/components/schemas/{renamed[v.rsplit('/', 1)[1]]}"
                        if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/")
                        else rewrite(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [rewrite(v) for v in value]
        return value

    for name, definition in defs.items():
        schemas[renamed[name]] = rewrite(definition)
    schemas["School"] = rewrite(school)
    problem = ProblemDocument.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in problem.pop("$defs", {}).items():
        schemas[name] = definition
    schemas["ProblemDocument"] = problem
    app.openapi_schema = spec
    return spec
