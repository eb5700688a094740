"""Starting the server: what ``mandaat serve`` does with its options."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
from typing import TextIO

from ..errors import MandaatInputError
from ._settings import DEFAULT_MAX_PENDING, DEFAULT_TIMEOUT, Settings

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (``127.0.0.1``, ``::1``, ``localhost``).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Check the options, load the rule packs once to say what is wrong with them, then
    run uvicorn with ``args.workers`` worker processes until it is stopped."""
    nl = getattr(args, "lang", "nl") == "nl"
    if not is_loopback(args.host) and not args.token_file and not args.no_auth:
        print(f"mandaat serve: {args.host} is bereikbaar van buiten deze computer; geef "
              "--token-file BESTAND (een token dat elk verzoek meestuurt), of --no-auth om "
              "zonder token te serveren" if nl else
              f"mandaat serve: {args.host} can be reached from other machines; give "
              "--token-file FILE (a token every request sends), or --no-auth to serve "
              "without one", file=err)
        return EXIT_BAD_INPUT
    if args.token_file and args.no_auth:
        print("mandaat serve: --token-file en --no-auth gaan niet samen" if nl else
              "mandaat serve: --token-file and --no-auth do not go together", file=err)
        return EXIT_BAD_INPUT
    settings = Settings(
        rules=tuple(os.path.abspath(p) for p in args.rules),
        token_file=os.path.abspath(args.token_file) if args.token_file else None,
        decision_log=os.path.abspath(args.decision_log) if args.decision_log else None,
        timeout=args.timeout or DEFAULT_TIMEOUT, workers=args.workers,
        max_pending=args.max_pending or DEFAULT_MAX_PENDING)
    from .app import create_app

    try:  # the packs and the token: what is wrong with them is said before anything starts
        app = create_app(settings)
    except MandaatInputError:
        raise
    except (OSError, ValueError) as exc:
        print(f"mandaat serve: {exc}", file=err)
        return EXIT_BAD_INPUT
    taken = unusable_address(args.host, args.port)
    if taken is not None:
        print(f"mandaat serve: kan niet luisteren op {args.host} poort {args.port} ({taken}); "
              "kies een andere poort met --port, of een ander adres met --host" if nl else
              f"mandaat serve: cannot listen on {args.host} port {args.port} ({taken}); choose "
              "another port with --port, or another address with --host", file=err)
        return EXIT_BAD_INPUT
    import gc

    import uvicorn

    gc.freeze()  # what was loaded stays: no collection walks it again, nor a worker's
    # One process takes the requests (asyncio); the workers that check are its forks
    # (service/_evaluator.py). No access log: a request's query names a signal, and a
    # signal's id may name a person.
    uvicorn.run(app, host=args.host, port=args.port, access_log=False,
                timeout_graceful_shutdown=max(5, int(settings.timeout) + 1), log_level="info")
    return EXIT_OK


def unusable_address(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host`` and ``port`` (the system's words: a
    port in use, one below 1024 without the right, an address this machine does not
    have), or ``None`` where it can. It binds a socket as uvicorn will and closes it: the
    reason is then said in mandaat's words, with exit 2, before uvicorn starts."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        return str(getattr(exc, "strerror", None) or exc)
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None
