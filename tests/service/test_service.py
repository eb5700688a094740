"""The HTTP service in this process: every endpoint, bad input as Problem Details, the
limits, the headers, the decision log and the worker that is killed when it runs out of
time."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import jsonschema
import pytest
import yaml

import mandaat
from mandaat.cli import main
from mandaat.service._models import ProblemDocument, RulesAnswer
from tests.conftest import GOOD
from tests.service.conftest import XLSX
from tests.strategies_packs import a_pack, a_rule

EXAMPLE = mandaat.example_school_path()
YAML = {"content-type": "application/yaml"}
JSON = {"content-type": "application/json"}


def problem(response) -> dict:
    """The Problem Details document of an answer, held to its model."""
    assert response.headers["content-type"] == "application/problem+json"
    doc = response.json()
    ProblemDocument.model_validate(doc)
    assert doc["status"] == response.status_code
    assert "Traceback" not in response.text
    return doc


def cli_json(*args: str) -> str:
    out = io.StringIO()
    main(["check", *args, "--format", "json"], stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- answers -----------------------------------------------------------------------------


def test_check_answers_what_the_command_line_writes(local):
    expected = cli_json(str(EXAMPLE)).encode("utf-8")
    response = local.request("POST", "/v1/check", content=EXAMPLE.read_bytes(), headers=YAML)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.content == expected
    english = local.request("POST", "/v1/check?lang=en", content=EXAMPLE.read_bytes(),
                            headers=YAML)
    assert english.content == cli_json(str(EXAMPLE), "--lang", "en").encode("utf-8")
    assert english.content != expected


def test_check_with_accept_html_gives_the_html_report(local):
    response = local.request("POST", "/v1/check", content=EXAMPLE.read_bytes(),
                             headers={**YAML, "accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    school = mandaat.load_school(EXAMPLE)
    assert response.text == mandaat.render_html(mandaat.check(school), school, "nl")


def test_escalate_answers_what_the_command_line_writes(local):
    out = io.StringIO()
    main(["escalate", str(EXAMPLE), "s-tom", "--format", "json"], stdout=out)
    response = local.request("POST", "/v1/escalate?signal=s-tom", content=EXAMPLE.read_bytes(),
                             headers=YAML)
    assert response.status_code == 200 and response.content == out.getvalue().encode()
    unknown = local.request("POST", "/v1/escalate?signal=s-tmo", content=EXAMPLE.read_bytes(),
                            headers=YAML)
    assert unknown.status_code == 422
    assert [(p["type"], p["suggestion"]) for p in problem(unknown)["problems"]] == [
        ("unknown_signal", "s-tom")]
    missing = local.request("POST", "/v1/escalate", content=EXAMPLE.read_bytes(), headers=YAML)
    assert missing.status_code == 400
    assert problem(missing)["problems"][0]["message"] == "ontbrekende queryparameter 'signal'"


def test_every_answer_has_a_decision_id_and_the_rules_revision(local):
    rules = local.request("GET", "/v1/rules")
    revision = RulesAnswer.model_validate(rules.json()).revision
    answers = [local.request("POST", "/v1/check", content=EXAMPLE.read_bytes(), headers=YAML),
               local.request("POST", "/v1/check", content=b"[", headers=JSON),
               local.request("GET", "/nergens"), local.request("GET", "/healthz"), rules]
    ids = [a.headers["x-decision-id"] for a in answers]
    assert len(set(ids)) == len(ids) and all(len(i) == 32 for i in ids)
    assert {a.headers["x-rules-revision"] for a in answers} == {revision}


def test_rules_lists_packs_revisions_and_every_rule_with_title_severity_and_source(local):
    answer = RulesAnswer.model_validate(local.request("GET", "/v1/rules").json())
    (pack,) = answer.packs
    bundled = mandaat.default_pack()
    assert (pack.name, pack.version) == (bundled.name, bundled.version)
    assert [r.id for r in pack.rules] == [r.id for r in bundled.rules]
    first = pack.rules[0]
    rule = bundled.rules[0]
    assert (first.severity, first.title.nl, first.source.text) == (
        rule.severity, rule.title.nl, rule.source.text)
    assert first.source.title and not first.source.title.endswith(".txt")
    assert answer.revision == pack.revision and len(pack.revision) == 16


def test_rules_names_the_packs_the_server_was_started_with(tmp_path):
    from mandaat.service import Settings
    from tests.service.conftest import Local

    pack = tmp_path / "eigen.yaml"
    pack.write_text(_OWN_PACK, encoding="utf-8")
    local = Local(Settings(rules=(str(pack),)))
    try:
        answer = local.request("GET", "/v1/rules").json()
        assert [p["name"] for p in answer["packs"]] == ["lbbo-2022", "eigen"]
        both = local.request("POST", "/v1/check", content=EXAMPLE.read_bytes(), headers=YAML)
        assert both.content == cli_json(str(EXAMPLE), "--rules", str(pack)).encode()
        assert both.headers["x-rules-revision"] == answer["revision"]
        only = local.request("POST", "/v1/check?rules=eigen", content=EXAMPLE.read_bytes(),
                             headers=YAML)
        assert only.content == cli_json(str(EXAMPLE), "--rules", str(pack),
                                        "--rules-only").encode()
        assert only.headers["x-rules-revision"] == answer["packs"][1]["revision"]
        # a name, never a path
        unknown = local.request("POST", f"/v1/check?rules={pack}", content=b"{}", headers=JSON)
        assert unknown.status_code == 404
        assert problem(unknown)["problems"][0]["type"] == "unknown_pack"
        near = local.request("POST", "/v1/check?rules=eign", content=b"{}", headers=JSON)
        assert problem(near)["problems"][0]["suggestion"] == "eigen"
    finally:
        local.close()


_OWN_PACK = yaml.safe_dump({**a_pack([a_rule("OWN_EVERYONE")]), "pack": "eigen"})


def test_schemas_and_the_openapi_description(local):
    school = local.request("GET", "/v1/schema/school").json()
    assert school == mandaat.json_schema()
    report = local.request("GET", "/v1/schema/report").json()
    jsonschema.validate(json.loads(cli_json(str(EXAMPLE))), report)
    spec = local.request("GET", "/openapi.json").json()
    assert {"/v1/check", "/v1/escalate", "/v1/rules", "/v1/schema/school",
            "/v1/schema/report", "/healthz"} <= set(spec["paths"])
    body = spec["paths"]["/v1/check"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/yaml", XLSX}
    refs = _refs(spec)
    schemas = spec["components"]["schemas"]
    assert {"School", "Report", "ProblemDocument"} <= set(schemas)
    missing = sorted(r for r in refs if r.rsplit("/", 1)[1] not in schemas)
    assert missing == []  # every reference resolves inside the description


def _refs(value) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value))
    return set()


def test_the_docs_page_and_the_page_for_people_load_nothing_from_elsewhere(local):
    for path in ("/docs", "/"):
        page = local.request("GET", path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "http://" not in page.text and "https://" not in page.text
        assert "<script src" not in page.text and "<link" not in page.text
    assert "POST" in local.request("GET", "/docs").text
    assert '<html lang="nl">' in local.request("GET", "/").text
    assert local.request("GET", "/redoc").status_code == 404


# --- bad input is an answer --------------------------------------------------------------


def test_a_school_that_does_not_load_is_422_with_every_problem_in_the_language_asked(
        local, tmp_path):
    bad = GOOD.replace("roles: [schoolleider]", "roles: [schoolleidr]", 1).encode()
    response = local.request("POST", "/v1/check", content=bad, headers=YAML)
    assert response.status_code == 422
    doc = problem(response)
    assert doc["type"] == "urn:mandaat:problem:bad-input"
    (entry,) = doc["problems"]
    assert (entry["file"], entry["type"], entry["loc"], entry["suggestion"]) == (
        "request.yaml", "unknown_value", ["people", 0, "roles", 0], "schoolleider")
    assert entry["line"] == 5 and entry["cell"] is None
    assert entry["message"] == "onbekende rol 'schoolleidr' (bedoelde u 'schoolleider'?)"
    english = problem(local.request("POST", "/v1/check?lang=en", content=bad, headers=YAML))
    assert english["problems"][0]["message"] == (
        "unknown role 'schoolleidr' (did you mean 'schoolleider'?)")
    # the same problems the command line gives for the same file, but for its name
    path = tmp_path / "request.yaml"
    path.write_bytes(bad)
    from_cli = json.loads(cli_json(str(path)))
    for entry in from_cli["problems"]:
        entry["file"] = "request.yaml"
    assert from_cli["problems"] == doc["problems"]


def test_a_workbook_that_does_not_load_names_sheet_and_cell(local, tmp_path):
    import openpyxl

    path = tmp_path / "w.xlsx"
    book = openpyxl.load_workbook(mandaat.example_school_path().with_suffix(".xlsx"))
    book["Personen"]["C3"] = "ib-er"
    book.save(path)
    response = local.request("POST", "/v1/check", content=path.read_bytes(),
                             headers={"content-type": XLSX})
    assert response.status_code == 422
    cells = [(p["cell"], p["line"], p["message"]) for p in problem(response)["problems"]]
    assert ("Personen!C3", None,
            "onbekende rol 'ib-er' (bedoelde u 'intern_begeleider'?)") in cells


def test_unparseable_bodies_are_400(local):
    for body, headers, kind in ((b'{"format": ', JSON, "not_json"),
                                (b"people: [\n", YAML, "not_yaml"),
                                (b"\xff\xfe", YAML, "not_utf8"),
                                (b"PK not a zip", {"content-type": XLSX}, "not_a_workbook")):
        response = local.request("POST", "/v1/check", content=body, headers=headers)
        assert response.status_code == 400, kind
        assert [p["type"] for p in problem(response)["problems"]] == [kind]


def test_a_body_of_another_type_is_415(local):
    for headers in ({"content-type": "text/plain"}, {}):
        response = local.request("POST", "/v1/check", content=GOOD.encode(), headers=headers)
        assert response.status_code == 415
        assert problem(response)["problems"][0]["type"] == "unsupported_media_type"


@pytest.mark.settings(body_limits={"json": 1_000, "yaml": 1_000, "xlsx": 2_000})
def test_a_body_over_its_limit_is_413_and_is_not_read_on(local):
    response = local.request("POST", "/v1/check", content=b" " * 1_001, headers=YAML)
    assert response.status_code == 413
    (entry,) = problem(response)["problems"]
    assert entry["type"] == "file_too_large"
    assert entry["message"] == "groter dan 1.000 bytes; meer leest mandaat niet"

    async def endless():  # no Content-Length: counted as it comes
        for _ in range(1_000):
            yield b" " * 1_000
    streamed = local.request("POST", "/v1/check", content=endless(), headers=YAML)
    assert streamed.status_code == 413
    workbook = local.request("POST", "/v1/check", content=b"x" * 2_001,
                             headers={"content-type": XLSX})
    assert problem(workbook)["problems"][0]["type"] == "workbook_too_large"


def test_bad_query_parameters_and_unknown_paths_are_problems_too(local):
    lang = local.request("POST", "/v1/check?lang=de", content=GOOD.encode(), headers=YAML)
    assert lang.status_code == 400
    assert problem(lang)["problems"][0]["loc"] == ["query", "lang"]
    gone = local.request("GET", "/v2/check?lang=en")
    assert gone.status_code == 404
    assert problem(gone)["problems"][0]["message"] == (
        "no endpoint GET /v2/check; the service's endpoints are listed at /docs")
    method = local.request("GET", "/v1/check")
    assert method.status_code == 405 and problem(method)["type"].endswith("method")


# --- limits ------------------------------------------------------------------------------


def _slow_when_asked(monkeypatch):
    """A reading that takes a minute when the body asks for it (``# traag``)."""
    from mandaat.service import _work

    real = _work._load

    def load(job):
        if b"# traag" in job.body:
            time.sleep(60)
        return real(job)

    monkeypatch.setattr(_work, "_load", load)


@pytest.fixture
def slow_local(monkeypatch):
    from mandaat.service import Settings
    from tests.service.conftest import Local

    _slow_when_asked(monkeypatch)  # before the fork: the workers have it
    service = Local(Settings(timeout=1.0, max_pending=1))
    yield service
    service.close()


def test_a_request_over_its_time_is_stopped_503_and_the_next_is_answered(slow_local):
    (worker,) = slow_local.state.pool.workers
    before = worker.pid
    start = time.monotonic()
    response = slow_local.request("POST", "/v1/check", content=b"# traag\n" + GOOD.encode(),
                                  headers=YAML)
    assert time.monotonic() - start < 10  # stopped on time, not after the minute
    assert response.status_code == 503
    doc = problem(response)
    assert doc["type"] == "urn:mandaat:problem:timeout"
    assert doc["problems"][0]["message"].startswith(
        "de controle duurde langer dan de tijdslimiet van 1 s")
    with pytest.raises(ProcessLookupError):  # the work really stopped
        os.kill(before, 0)
    after = slow_local.request("POST", "/v1/check", content=GOOD.encode(), headers=YAML)
    assert after.status_code == 200 and worker.pid != before


def test_requests_beyond_what_a_worker_takes_get_503_busy_with_retry_after(slow_local):
    answers = slow_local.gather(
        ("POST", "/v1/check", {"content": b"# traag\n" + GOOD.encode(), "headers": YAML}),
        *[("POST", "/v1/check", {"content": GOOD.encode(), "headers": YAML})] * 3)
    assert [a.status_code for a in answers] == [503, 503, 503, 503]
    assert problem(answers[0])["type"].endswith("timeout")
    for busy in answers[1:]:
        assert busy.headers["retry-after"] == "1"
        assert problem(busy)["problems"][0]["type"] == "busy"


# --- what is kept ------------------------------------------------------------------------


@pytest.fixture
def logging_local(tmp_path):
    from mandaat.service import Settings
    from tests.service.conftest import Local

    service = Local(Settings(decision_log=str(tmp_path / "besluiten.jsonl")))
    yield service
    service.close()


def test_the_decision_log_keeps_one_line_per_decision_and_nothing_of_the_school(
        logging_local):
    import hashlib

    body = EXAMPLE.read_bytes()
    ok = logging_local.request("POST", "/v1/check", content=body, headers=YAML)
    bad = logging_local.request("POST", "/v1/check?lang=en", content=b"people: [",
                                headers=YAML)
    logging_local.request("GET", "/v1/rules")  # not a decision
    lines = Path(logging_local.state.settings.decision_log).read_text().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert list(first) == ["id", "time", "endpoint", "input_sha256", "revision", "status",
                           "counts", "duration_ms"]
    assert first["id"] == ok.headers["x-decision-id"]
    assert first["input_sha256"] == hashlib.sha256(body).hexdigest()
    assert first["revision"] == ok.headers["x-rules-revision"]
    assert (first["status"], first["counts"]) == (200, json.loads(ok.text)["summary"])
    assert (second["id"], second["status"], second["counts"]) == (
        bad.headers["x-decision-id"], 400, {"problems": 1})
    text = "\n".join(lines)
    school = mandaat.load_school(EXAMPLE)
    for word in (school.school.name, *(p.name for p in school.people if p.name)):
        assert word not in text
    values = {v for line in lines for v in json.loads(line).values() if isinstance(v, str)}
    assert values >= {first["id"], first["endpoint"]}
    assert not values & ({p.id for p in school.people} | {s.id for s in school.signals})


def test_the_command_line_and_the_service_do_not_share_a_report_between_languages(local):
    answers = local.gather(*[("POST", f"/v1/check?lang={lang}",
                              {"content": EXAMPLE.read_bytes(), "headers": YAML})
                             for lang in ("nl", "en", "nl", "en")])
    assert [a.status_code for a in answers] == [200] * 4
    assert answers[0].content == answers[2].content != answers[1].content == answers[3].content


# --- how it is started -------------------------------------------------------------------


def test_a_worker_is_replaced_after_its_share_of_jobs(monkeypatch):
    from mandaat.service import Settings, _evaluator
    from tests.service.conftest import Local

    monkeypatch.setattr(_evaluator, "JOBS_PER_CHILD", 2)
    service = Local(Settings())
    try:
        (worker,) = service.state.pool.workers
        pids = []
        for _ in range(5):
            answer = service.request("POST", "/v1/check", content=GOOD.encode(), headers=YAML)
            assert answer.status_code == 200
            pids.append(worker.pid)
        assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
        with pytest.raises(ProcessLookupError):  # the one replaced is gone
            os.kill(pids[0], 0)
    finally:
        service.close()


def test_the_settings_reach_an_app_started_by_its_import_path(monkeypatch, tmp_path):
    from mandaat.service import Settings
    from mandaat.service.app import app_from_environment

    settings = Settings(decision_log=str(tmp_path / "log"), timeout=3.5, workers=2,
                        max_pending=4)
    monkeypatch.setenv("MANDAAT_SERVE", settings.to_environment())
    app = app_from_environment()
    assert app.state.mandaat.settings == settings
    assert app.state.mandaat.max_pending == 8  # each worker's share
    monkeypatch.delenv("MANDAAT_SERVE")
    assert app_from_environment().state.mandaat.settings == Settings()


def test_serve_without_its_extra_says_how_to_install_it(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "uvicorn" else real(name, *a))
    assert main(["serve"]) == 2
    assert capsys.readouterr().err == (
        "mandaat serve: uvicorn ontbreekt; installeer het met: pip install 'mandaat[serve]'\n")


def test_packs_that_do_not_go_together_are_said_before_the_server_starts(tmp_path, capsys):
    pack = tmp_path / "dubbel.yaml"
    pack.write_text(yaml.safe_dump({**a_pack([a_rule("OWN_EVERYONE")]), "pack": "lbbo-2022"}),
                    encoding="utf-8")
    assert main(["serve", "--rules", str(pack), "--port", "1"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{pack}: (file): two rule packs named 'lbbo-2022'")
    clash = tmp_path / "botsing.yaml"
    rule_id = mandaat.default_pack().rules[0].id
    clash.write_text(yaml.safe_dump({**a_pack([a_rule(rule_id)]), "pack": "botsing"}),
                     encoding="utf-8")
    assert main(["serve", "--rules", str(clash), "--port", "1"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{clash}:4: rules: rule '{rule_id}' is also defined by pack 'lbbo-2022'")


def test_a_port_in_use_is_said_before_the_server_starts(capsys):
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mandaat serve: kan niet luisteren op 127.0.0.1 poort {port} (")
    assert err.endswith("); kies een andere poort met --port, of een ander adres met --host\n")


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_a_port_outside_0_to_65535_is_refused(port, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--port", port])
    assert stop.value.code == 2
    assert "argument --port: expected a port, a whole number from 0 to 65535" in (
        capsys.readouterr().err)


def _command(*args: str) -> str:
    out = io.StringIO()
    main(list(args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_fix_and_diff_answer_what_the_command_line_writes(local, tmp_path):
    fixed = local.request("POST", "/v1/fix", content=EXAMPLE.read_bytes(), headers=YAML)
    assert fixed.status_code == 200
    assert fixed.content == _command("fix", str(EXAMPLE), "--format", "json").encode()
    assert json.loads(fixed.content)["format"] == "mandaat-fix/1"
    # AFTER: the school leader is accountable for the Jaarplanning alone
    def plain(text: str) -> dict:  # a school as a JSON object (dates as text)
        return json.loads(json.dumps(yaml.safe_load(text), default=str))

    data = plain(EXAMPLE.read_text(encoding="utf-8"))
    plan = next(t for t in data["tasks"] if t["id"] == "jaarplanning")
    plan["accountable"] = ["anna"]
    (tmp_path / "after.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                         encoding="utf-8")
    expected = _command("diff", str(EXAMPLE), str(tmp_path / "after.yaml"), "--format", "json")
    for body in ({"before": EXAMPLE.read_text(encoding="utf-8"), "after": data},
                 {"before": plain(EXAMPLE.read_text(encoding="utf-8")),
                  "after": yaml.safe_dump(data, allow_unicode=True)}):
        compared = local.request("POST", "/v1/diff", content=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
        assert compared.status_code == 200 and compared.content == expected.encode()
    assert json.loads(expected)["resolved"]  # the change resolves something
    # one school is not a diff; YAML is not its body
    alone = local.request("POST", "/v1/diff", content=json.dumps({"before": data}).encode(),
                          headers={"Content-Type": "application/json"})
    assert alone.status_code == 422
    assert "'before' and 'after'" in problem(alone)["problems"][0]["message"]
    yaml_body = local.request("POST", "/v1/diff", content=EXAMPLE.read_bytes(), headers=YAML)
    assert yaml_body.status_code == 415
