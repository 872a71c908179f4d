"""A stopping counter-server (SIGTERM) is not held by a workstation's idle keep-alive
connection, and still finishes a request in flight.

In a city trial the server took ~20 s to stop after SIGTERM: uvicorn's graceful shutdown
closed each idle connection and waited until it was gone, and over TLS a close waits for the
peer's close_notify — which a workstation's idle pooled connection never sends, as it reads
nothing until its next request. ``scripts/city_run.py`` gave up after 15 s and removed the
database under the still-running server.

A child process runs ``runner.serve`` with the real uvicorn server of ``build_server``
(mutual TLS, the server's protocol and shutdown bound) on a free port; only the parts and
the application are replaced (a bare ASGI app). In the child, asyncio's wait for a peer's
close_notify is made longer than this test's generous join timeout: a peer that never
answers, as the idle workstation did — a shutdown that waited for it would show as a child
that does not end.
"""

from __future__ import annotations

import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.remote.transport import client_ssl_context
from counter_app.server.pki import Pki
from tests.server.conftest import _free_port, fresh_pki

ROOT = Path(__file__).resolve().parents[2]
WORKSTATION = "WS-SHUTDOWN-01"
JOIN_TIMEOUT = 120  # a hang guard only, far beyond the server's bound (runner.py)

CHILD = textwrap.dedent(
    """
    import asyncio, asyncio.constants, logging, sys
    from pathlib import Path
    from types import SimpleNamespace
    from counter_app.server import runner

    # A peer that never answers close_notify: a TLS close waits (all but) for ever.
    asyncio.constants.SSL_SHUTDOWN_TIMEOUT = 3600.0
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")

    servers = []
    real_build_server = runner.build_server

    def build_server(config, parts):
        servers.append(real_build_server(config, parts))
        return servers[0]

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if scope["path"] == "/in-flight":
            # Answered only once the server is stopping: the request is surely in flight.
            print("request in flight", flush=True)
            while not servers[0].should_exit:
                await asyncio.sleep(0.01)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    runner.build_parts = lambda _c: ("parts", lambda: print("pool released", flush=True))
    runner.create_app = lambda _parts: app
    runner.build_server = build_server
    runner.serve(SimpleNamespace(host="127.0.0.1", port=int(sys.argv[2]),
                                 pki_dir=Path(sys.argv[1])))
    print("serve returned", flush=True)
    """
)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    made = fresh_pki(tmp_path / "pki")
    made.issue_workstation(WORKSTATION, "500103-YB")
    return made


@pytest.fixture
def server(pki: Pki) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(pki.root), str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield child, port
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()


def _connect(pki: Pki, child: subprocess.Popen[str], port: int) -> ssl.SSLSocket:
    """A workstation's TLS connection (its certificate), once the server listens."""
    context = client_ssl_context(
        pki.workstation_cert(WORKSTATION), pki.workstation_key(WORKSTATION), pki.ca_cert
    )
    for _ in range(600):
        if child.poll() is not None:
            raise AssertionError(child.communicate())
        try:
            raw = socket.create_connection(("127.0.0.1", port))
        except OSError:
            time.sleep(0.1)
            continue
        return context.wrap_socket(raw, server_hostname="127.0.0.1")
    raise AssertionError("the child server never listened")


def _response(conn: ssl.SSLSocket) -> bytes:
    """One whole response (its head and the 2-byte body of the child's app)."""
    data = b""
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 2:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _get(conn: ssl.SSLSocket, path: str) -> None:
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())


def _stopped(child: subprocess.Popen[str]) -> tuple[str, str]:
    out, err = child.communicate(timeout=JOIN_TIMEOUT)
    assert child.returncode == 0, (child.returncode, err)
    assert "counter_server counter-server stopped" in err
    assert "pool released" in out and "serve returned" in out
    return out, err


def test_an_idle_keep_alive_connection_does_not_hold_a_stopping_server(
    pki: Pki, server: tuple[subprocess.Popen[str], int]
) -> None:
    child, port = server
    conn = _connect(pki, child, port)
    try:
        _get(conn, "/health")
        assert _response(conn).startswith(b"HTTP/1.1 200")  # kept alive, now idle
        child.send_signal(signal.SIGTERM)
        _stopped(child)  # ended while the workstation still holds its connection open
        assert conn.fileno() != -1
    finally:
        conn.close()


def test_a_request_in_flight_is_answered_by_a_stopping_server(
    pki: Pki, server: tuple[subprocess.Popen[str], int]
) -> None:
    child, port = server
    conn = _connect(pki, child, port)
    try:
        _get(conn, "/in-flight")
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "request in flight"
        child.send_signal(signal.SIGTERM)
        answer = _response(conn)
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"\r\n\r\nok")
        assert conn.recv(4096) == b""  # not kept alive: the server closed it after the answer
    finally:
        conn.close()  # as the workstation's client does on the server's close
    _stopped(child)
