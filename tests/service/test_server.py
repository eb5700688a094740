"""The real server: ``mandaat serve`` in a process of its own with two workers, called over
HTTP on 127.0.0.1. Its answers are the command line's bytes; a burst gets only 200 and 503;
a token guards it where it is asked for."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

import mandaat
from mandaat.cli import main
from tests.service.conftest import ROOT, SCHOOL_FILES, XLSX, Server

KINDS = {".yaml": "application/yaml", ".json": "application/json", ".xlsx": XLSX}


def cli_bytes(*args: str) -> bytes:
    """What ``mandaat ARGS`` writes on stdout, as bytes, from a process of its own."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-m", "mandaat", *args], capture_output=True,
                          env=env, timeout=120)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout


@pytest.fixture(scope="module")
def bodies(tmp_path_factory) -> list[tuple[str, Path]]:
    """Every school file of the repository as it is (YAML) and as JSON, and the example as
    a workbook: (name, file)."""
    tmp = tmp_path_factory.mktemp("scholen")
    found = []
    for path in SCHOOL_FILES:
        found.append((path.name, path))
        as_json = tmp / f"{path.stem}.json"
        as_json.write_text(mandaat.dump_school(mandaat.load_school(path), format="json"),
                           encoding="utf-8")
        found.append((as_json.name, as_json))
    workbook = mandaat.example_school_path().with_suffix(".xlsx")
    found.append((workbook.name, workbook))
    return found


def test_every_school_file_is_answered_with_the_command_lines_bytes(server, bodies):
    assert len(bodies) == 2 * len(SCHOOL_FILES) + 1 and len(SCHOOL_FILES) >= 4
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for name, path in bodies:
            expected = cli_bytes("check", str(path), "--format", "json")
            answer = client.post("/v1/check", content=path.read_bytes(),
                                 headers={"content-type": KINDS[path.suffix]})
            assert answer.status_code == 200, (name, answer.text[:500])
            assert answer.content == expected, name
            assert json.loads(expected)["format"] == "mandaat-report/1"
        english = client.post("/v1/check?lang=en", content=SCHOOL_FILES[0].read_bytes(),
                              headers={"content-type": "application/yaml"})
        assert english.content == cli_bytes("check", str(SCHOOL_FILES[0]), "--format", "json",
                                            "--lang", "en")


def test_escalate_over_http_is_the_command_lines_answer(server):
    example = mandaat.example_school_path()
    answer = httpx.post(f"{server.url}/v1/escalate?signal=s-tom", content=example.read_bytes(),
                        headers={"content-type": "application/yaml"}, timeout=60)
    assert answer.status_code == 200
    assert answer.content == cli_bytes("escalate", str(example), "s-tom", "--format", "json")


def test_a_burst_of_200_at_once_gets_only_200_and_503(server):
    body = mandaat.example_school_path().read_bytes()
    statuses: list[object] = []
    lock = threading.Lock()
    ready = threading.Barrier(200)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            conn.connect()
            ready.wait()
            conn.request("POST", "/v1/check", body=body,
                         headers={"Content-Type": "application/yaml"})
            response = conn.getresponse()
            response.read()
            status: object = response.status
            if status == 503:
                assert response.getheader("Retry-After") == "1"
        except Exception as exc:  # a reset connection, a timeout: the failure this test is for
            status = repr(exc)
        finally:
            conn.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=client) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = {s: statuses.count(s) for s in set(statuses)}
    assert set(counts) <= {200, 503}, counts
    # two workers take 32 each at once (--max-pending): the rest is told to come back
    assert counts.get(200, 0) >= 64 and counts.get(503, 0) > 0, counts
    assert httpx.get(f"{server.url}/healthz").status_code == 200  # and it goes on


def test_the_workers_hold_none_of_the_servers_connections(server):
    server_pid, *workers = server.processes()
    assert len(workers) == 2
    for pid in workers:
        fds = sorted(int(fd) for fd in os.listdir(f"/proc/{pid}/fd"))
        assert fds[:3] == [0, 1, 2] and len(fds) == 4  # stdio, and its socket to the server
    listening = [os.readlink(f"/proc/{server_pid}/fd/{fd}")
                 for fd in os.listdir(f"/proc/{server_pid}/fd")]
    assert any(link.startswith("socket:") for link in listening)


def test_the_decision_log_of_two_workers_has_one_whole_line_per_decision(server):
    before = server.decisions.read_text().splitlines() if server.decisions.exists() else []
    body = mandaat.example_school_path().read_bytes()
    ids = []
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for _ in range(6):
            ids.append(client.post("/v1/check", content=body,
                                   headers={"content-type": "application/yaml"})
                       .headers["x-decision-id"])
    lines = server.decisions.read_text().splitlines()[len(before):]
    assert [json.loads(line)["id"] for line in lines] == ids


def test_a_token_guards_the_api_but_not_the_health_check_nor_the_pages(tmp_path):
    token = tmp_path / "token"
    token.write_text("geheim-123\n", encoding="utf-8")
    guarded = Server("--token-file", str(token), tmp=tmp_path)
    try:
        body = mandaat.example_school_path().read_bytes()
        yaml_body = {"content-type": "application/yaml"}
        none = httpx.post(f"{guarded.url}/v1/check", content=body, headers=yaml_body)
        assert none.status_code == 401 and none.headers["www-authenticate"].startswith("Bearer")
        assert none.json()["problems"][0]["message"] == (
            "deze server vraagt een token (Authorization: Bearer ...); er is er geen "
            "meegestuurd")
        wrong = httpx.post(f"{guarded.url}/v1/check", content=body,
                           headers={**yaml_body, "authorization": "Bearer geheim-124"})
        assert wrong.status_code == 401
        right = httpx.post(f"{guarded.url}/v1/check", content=body,
                           headers={**yaml_body, "authorization": "Bearer geheim-123"})
        assert right.status_code == 200
        assert httpx.get(f"{guarded.url}/v1/rules").status_code == 401
        for open_path in ("/healthz", "/", "/docs", "/openapi.json"):
            assert httpx.get(f"{guarded.url}{open_path}").status_code == 200, open_path
        assert 'id="token"' in httpx.get(f"{guarded.url}/").text  # the page asks for it
    finally:
        guarded.stop()
    assert "geheim-123" not in guarded.log.read_text()


def test_another_address_than_this_machine_needs_a_token_or_no_auth(tmp_path, capsys):
    for host in ("0.0.0.0", "192.0.2.1", "::"):
        assert main(["serve", "--host", host, "--port", "1"]) == 2
        assert "--token-file" in capsys.readouterr().err
    empty = tmp_path / "leeg"
    empty.write_text("\n", encoding="utf-8")
    assert main(["serve", "--token-file", str(empty), "--port", "1"]) == 2
    assert "empty" in capsys.readouterr().err


def test_a_body_over_the_limit_is_answered_413_not_cut_off(server):
    body = b"{" + b" " * 4_000_000 + b"}"  # one byte more than a school file may have
    answer = httpx.post(f"{server.url}/v1/check", content=body,
                        headers={"content-type": "application/json"}, timeout=60)
    assert answer.status_code == 413
    assert answer.json()["problems"][0]["message"] == (
        "groter dan 4.000.000 bytes; meer leest mandaat niet")
    assert httpx.get(f"{server.url}/healthz").status_code == 200
