"""The workers: forked processes that do the requests' work, one job at a time each, and
are killed when a job runs out of time.

durable_rules holds the GIL in its C calls, so nothing in the server's own process could
stop a runaway evaluation, and an evaluation in the event loop's process would hold up
every other request. So the server (one uvicorn process, asyncio) only takes requests and
answers them; it forks ``--workers`` worker processes when it starts (after the rule packs
are compiled and registered, so every child has them) and hands each job to the first
idle one over a socket, in the order the requests came. When a job is not answered within
the time limit its worker is killed (``SIGKILL``: the work really stops, and its engine
state dies with it), the client gets the ``timeout`` problem, and a new worker is forked.

Forking per job, as ``check(..., timeout=)`` does, would stop the work just the same, but
costs about as much again as the check (``docs/engine.md``); a long-lived worker costs one
round trip over a local socket. One queue for all workers keeps every worker busy however
the clients' connections arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import os
import pickle
import signal
import socket
import struct
import sys
from collections.abc import Mapping

from ..errors import CheckTimeoutError
from ..rules import RulePack
from ..rules._engine import fork
from ._work import BODY_NAMES, Answer, Job, answer, internal_error, problem_answer

_HEADER = struct.Struct("!Q")
#: The cycle collector's thresholds in the child: as for a board (cli/_board.py)
_THRESHOLDS = (50_000, 20, 20)
#: A child is replaced after this many jobs, so that nothing it gathers grows without end.
#: More than the benchmark sends (10,000 over two workers), so that it measures the
#: workers' own memory, not their replacement.
JOBS_PER_CHILD = 50_000


class Evaluator:
    """One worker process; :meth:`run` one job at a time."""

    def __init__(self, packs: Mapping[str, RulePack], timeout: float):
        self._packs = packs
        self.timeout = timeout
        self._pid: int | None = None
        self._sock: socket.socket | None = None
        self._jobs = 0
        self._lock = asyncio.Lock()

    @property
    def pid(self) -> int | None:
        """The child's process id, while there is one."""
        return self._pid

    def start(self) -> None:
        """Fork the child (the rule packs compiled and registered first)."""
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        # the child takes no lock but the engine's, which no thread of the server holds
        # (it never evaluates)
        pid = fork()
        if pid == 0:  # pragma: no cover - the child; coverage does not follow it
            status = 0
            try:
                parent.close()
                _serve(child, self._packs)
            except BaseException:
                status = 70
            finally:
                os._exit(status)
        child.close()
        parent.setblocking(False)
        self._pid, self._sock, self._jobs = pid, parent, 0

    def stop(self) -> None:
        """End the child now (it may be at work: its work is lost)."""
        pid, sock = self._pid, self._sock
        self._pid = self._sock = None
        if sock is not None:
            sock.close()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    async def run(self, job: Job) -> Answer:
        """The answer to ``job``; the ``timeout`` problem when the child took longer than
        :attr:`timeout` (and was replaced)."""
        async with self._lock:
            if self._pid is None or self._jobs >= JOBS_PER_CHILD:
                self.stop()
                self.start()
            self._jobs += 1
            try:
                return await asyncio.wait_for(self._exchange(job), self.timeout)
            except TimeoutError:
                self.stop()
                return problem_answer(CheckTimeoutError.after(BODY_NAMES[job.kind],
                                                              self.timeout), job.lang)
            except (OSError, EOFError, pickle.UnpicklingError):  # the child died: a bug
                self.stop()
                print("mandaat serve: a worker ended without an answer", file=sys.stderr)
                return internal_error(job.lang)
            except BaseException:  # cancelled (the server stops): its answer would come to
                self.stop()        # the next job, so the worker goes
                raise

    async def _exchange(self, job: Job) -> Answer:
        loop = asyncio.get_running_loop()
        sock = self._sock
        assert sock is not None
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        await loop.sock_sendall(sock, _HEADER.pack(len(data)) + data)
        size = _HEADER.unpack(await _read(loop, sock, _HEADER.size))[0]
        return pickle.loads(await _read(loop, sock, size))


async def _read(loop: asyncio.AbstractEventLoop, sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = await loop.sock_recv_into(sock, view[got:])
        if n == 0:
            raise EOFError("the evaluator closed its socket")
        got += n
    return bytes(buffer)


# --- the child ----------------------------------------------------------------------------


def _serve(sock: socket.socket, packs: Mapping[str, RulePack]) -> None:  # pragma: no cover
    """The child's loop: a job in, its answer out, until the worker closes the socket."""
    _leave_the_worker(sock)
    gc.freeze()  # what the worker loaded is never traversed again, and stays shared
    gc.set_threshold(*_THRESHOLDS)
    sock.setblocking(True)
    while True:
        head = _recv_exactly(sock, _HEADER.size)
        if head is None:
            return
        data = _recv_exactly(sock, _HEADER.unpack(head)[0])
        if data is None:
            return
        job: Job = pickle.loads(data)
        reply = pickle.dumps(answer(job, packs), protocol=pickle.HIGHEST_PROTOCOL)
        sock.sendall(_HEADER.pack(len(reply)) + reply)


def _leave_the_worker(sock: socket.socket) -> None:  # pragma: no cover - the child
    """Let go of what the worker's process holds: its sockets (a client's connection must
    close when the worker closes it), its signal handlers and its event loop's wake-up."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the server stops its children
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    keep = sock.fileno()
    most = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65_536
    os.closerange(3, keep)
    os.closerange(keep + 1, max(most, keep + 1))
    with contextlib.suppress(OSError, AttributeError):  # Linux: die with the worker
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:  # pragma: no cover
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            return None
        got += n
    return bytes(buffer)


class Pool:
    """The server's workers, and the requests they take: :meth:`run` gives a job to the
    first idle worker, in the order the jobs came."""

    def __init__(self, packs: Mapping[str, RulePack], timeout: float, size: int):
        self.workers = [Evaluator(packs, timeout) for _ in range(size)]
        self._idle: asyncio.Queue[Evaluator] = asyncio.Queue()
        #: jobs taken, at work and waiting for a worker
        self.pending = 0

    def start(self) -> None:
        """Fork every worker."""
        for worker in self.workers:
            worker.start()
            self._idle.put_nowait(worker)

    def stop(self) -> None:
        """End every worker."""
        for worker in self.workers:
            worker.stop()

    async def run(self, job: Job) -> Answer:
        """The answer to ``job`` from the first worker that is free."""
        worker = await self._idle.get()
        try:
            return await worker.run(job)
        finally:
            self._idle.put_nowait(worker)
