"""The service under test: in this process (an ASGI client on an event loop of the test's
own thread) and as the real server (``mandaat serve`` in a process of its own, on a free
port of 127.0.0.1, called over HTTP). Nothing leaves the machine."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import mandaat
from mandaat.service import Settings, create_app

ROOT = Path(__file__).parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Every school file in the repository that loads: the example and the real schools
SCHOOL_FILES = sorted([mandaat.example_school_path(),
                       *(ROOT / "tests" / "scenarios" / "real").glob("*.yaml"),
                       ROOT / "tests" / "data" / "hostile_school.yaml"])


class Local:
    """The application in this process, started (its workers forked) and stopped by the
    fixture; :meth:`request` sends one request and waits for the answer."""

    def __init__(self, settings: Settings):
        self.app = create_app(settings)
        self.loop = asyncio.new_event_loop()
        self._lifespan = self.app.router.lifespan_context(self.app)
        self.loop.run_until_complete(self._lifespan.__aenter__())
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                        base_url="http://mandaat.test")

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, url, **kwargs))

    def gather(self, *calls: tuple[str, str, dict]) -> list[httpx.Response]:
        """Several requests at once, on the one event loop."""
        async def all_of() -> list[httpx.Response]:
            return await asyncio.gather(*(self.client.request(m, u, **kw)
                                          for m, u, kw in calls))
        return self.loop.run_until_complete(all_of())

    @property
    def state(self):
        return self.app.state.mandaat

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.run_until_complete(self._lifespan.__aexit__(None, None, None))
        self.loop.close()


@pytest.fixture
def local(request) -> Iterator[Local]:
    """The application with the settings of the test's ``settings`` marker, if any."""
    marker = request.node.get_closest_marker("settings")
    service = Local(Settings(**(marker.kwargs if marker else {})))
    try:
        yield service
    finally:
        service.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``mandaat serve`` in a process of its own."""

    def __init__(self, *options: str, tmp: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "server.log"
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mandaat", "serve", "--port", str(self.port), *options],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError("the server did not start:\n" + self.log.read_text())
            time.sleep(0.1)

    def processes(self) -> list[int]:
        """The server's process and its workers."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in
                            Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """The real server with two workers and a decision log."""
    tmp = tmp_path_factory.mktemp("serve")
    running = Server("--workers", "2", "--decision-log", str(tmp / "decisions.jsonl"), tmp=tmp)
    running.decisions = tmp / "decisions.jsonl"  # type: ignore[attr-defined]
    try:
        yield running
    finally:
        running.stop()


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "settings(**kwargs): the Settings of the local app")
