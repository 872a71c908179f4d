"""The server's composition root: database pool, services, key provider, authenticator,
the FastAPI app and a uvicorn server with mutual TLS (``ssl.CERT_REQUIRED``).

The parts come from ``server/compose.py`` (over ``counter_app.compose``); built the same way
by ``counter-server run`` and by the tests (``build_server`` and
``ServerThread``, which serve on 127.0.0.1 in a background thread).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn

from counter_app.server.app import ServerParts, create_app
from counter_app.server.compose import compose_server
from counter_app.server.config import ServerConfig
from counter_app.server.pki import Pki
from counter_app.server.tls import PeerCertProtocol, server_ssl_context

log = logging.getLogger("counter_server")

#: How long a stopping server (SIGTERM, Ctrl-C) lets a request in flight finish; then its
#: task is cancelled and the process ends. Whoever stops a server and then removes what it
#: uses (``scripts/city_run.py``) waits at least this long, plus the release of the pool.
SHUTDOWN_GRACE_SECONDS = 5


class _ClosingProtocol(PeerCertProtocol):
    """:class:`PeerCertProtocol` that drops an idle keep-alive connection at once when the
    server stops.

    uvicorn's graceful shutdown closes an idle connection and waits until it is gone. Over
    TLS, closing means sending close_notify and waiting for the peer's (asyncio waits up to
    30 s): a workstation's idle pooled connection does not read until its next request, so
    it held a stopping server that long. Between two requests nothing is owed to the peer
    (each HTTP/1.1 message carries its length), so the connection is aborted instead. A
    connection with a request in flight is left to finish it (uvicorn closes it after the
    answer), within :data:`SHUTDOWN_GRACE_SECONDS`."""

    def shutdown(self) -> None:
        idle = self.cycle is None or self.cycle.response_complete
        super().shutdown()
        if idle:
            self.transport.abort()


def build_parts(
    config: ServerConfig, clock: Callable[[], Any] | None = None
) -> tuple[ServerParts, Callable[[], None]]:
    """The parts of one server process and a function that releases them
    (``server.compose.compose_server``)."""
    return compose_server(config, clock)


def build_server(config: ServerConfig, parts: ServerParts) -> uvicorn.Server:
    pki = Pki(config.pki_dir)
    app = create_app(parts)

    def tls(_config: uvicorn.Config, _default: Callable[[], Any]) -> Any:
        return server_ssl_context(pki.server_cert, pki.server_key, pki.ca_cert)

    uv_config = uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        http=_ClosingProtocol,
        ssl_context_factory=tls,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    return uvicorn.Server(uv_config)


class ServerThread:
    """A server running in a background thread (tests, ``scripts/city``)."""

    def __init__(self, server: uvicorn.Server) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.run, name="counter-server", daemon=True)

    def start(self) -> None:
        self.thread.start()
        started = threading.Event()
        while self.thread.is_alive() and not self.server.started:
            started.wait(0.02)
        if not self.server.started:
            raise RuntimeError("counter-server did not start (see its log)")

    def stop(self) -> None:
        # Tests and scripts/city end their server at once: a client's idle keep-alive
        # connection would otherwise hold uvicorn's graceful shutdown until the join gives up.
        self.server.should_exit = True
        self.server.force_exit = True
        self.thread.join(timeout=30)


def serve(config: ServerConfig) -> None:
    """Run one counter-server process until it is stopped; its start and end are logged
    (uvicorn's own log is kept to warnings: a restarted server said nothing at all)."""
    parts, release = build_parts(config)
    log.info(
        "counter-server listening on %s:%s (mutual TLS, workstation certificates required)",
        config.host,
        config.port,
    )
    try:
        with _sigterm_ends_serve():
            build_server(config, parts).run()
    except _StopRequested:
        pass  # stopped on request, as after Ctrl-C: not a failure of the server
    finally:
        release()
        log.info("counter-server stopped")


class _StopRequested(Exception):
    """SIGTERM, raised again by uvicorn once its graceful shutdown is done."""


@contextlib.contextmanager
def _sigterm_ends_serve() -> Iterator[None]:
    """uvicorn stops gracefully on SIGTERM (``kill``, systemd) and then raises the signal
    again with the handler it found: with the default one the process died right there,
    before the pool was released and the stop logged. This handler ends ``serve`` instead.
    Signals are only handled in the main thread (tests serve in other threads)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise _StopRequested

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
