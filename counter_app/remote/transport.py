"""The workstation's HTTPS connection to ``counter-server``: mutual TLS, the staff session
token, the error envelope, and the network failures turned into one typed error.

- Every refusal arrives as the same ``ServiceError`` subclass, with the same Chinese
  message, as the in-process services raise (``protocol.error_from_envelope``).
- A lost connection, a timeout or a server that does not answer is
  :class:`~counter_app.remote.protocol.ServerUnreachable` (a ``DatabaseUnavailable``):
  the dialogs already keep what the clerk typed for that error.
- Calls are never retried here: a submission may have been applied before the answer was
  lost; the services' submission keys make the clerk's own retry safe.
"""

from __future__ import annotations

import logging
import ssl
import threading
from pathlib import Path
from typing import Any

import httpx

from counter_app.remote.protocol import (
    RENEWED_TOKEN_HEADER,
    WIRE_VERSION,
    WIRE_VERSION_HEADER,
    Refusal,
    ServerFault,
    ServerUnreachable,
    error_from_envelope,
)

log = logging.getLogger("counter_app.remote")

#: Seconds to connect, and to wait for an answer (a report on a busy server takes long).
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 120.0


def client_ssl_context(cert: Path, key: Path, ca: Path) -> ssl.SSLContext:
    """Verifies the server against the city CA; presents this workstation's certificate."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    return context


class ServerConnection:
    """One HTTPS client (connection pool) with this workstation's certificate."""

    def __init__(
        self,
        base_url: str,
        client_cert: Path,
        client_key: Path,
        server_ca: Path,
        *,
        read_timeout_s: float = READ_TIMEOUT_S,
    ) -> None:
        context = client_ssl_context(client_cert, client_key, server_ca)
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            verify=context,
            timeout=httpx.Timeout(read_timeout_s, connect=CONNECT_TIMEOUT_S),
        )
        self._lock = threading.Lock()
        self._token: str | None = None

    def __repr__(self) -> str:
        return f"<ServerConnection {self._client.base_url} (token hidden)>"

    @property
    def logged_in(self) -> bool:
        return self._token is not None

    def set_token(self, token: str | None) -> None:
        with self._lock:
            self._token = token

    def close(self) -> None:
        self._client.close()

    def post(self, path: str, body: dict[str, Any], *, auth: bool = True) -> Any:
        """The ``result`` of a call, or the server's refusal / a network error raised."""
        headers = {WIRE_VERSION_HEADER: str(WIRE_VERSION)}
        with self._lock:
            token = self._token
        if auth and token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self._client.post(path, json=body, headers=headers)
        except httpx.TransportError as exc:  # connect, TLS, read, write, timeouts
            log.warning("counter-server unreachable: %s", type(exc).__name__)
            raise ServerUnreachable() from None
        renewed = response.headers.get(RENEWED_TOKEN_HEADER)
        if renewed:
            self.set_token(renewed)
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict) and "result" in data:
            return data
        if response.status_code in (502, 503, 504) and not (
            isinstance(data, dict) and "error" in data
        ):
            raise ServerUnreachable()  # a balancer with no server behind it
        error: Refusal = error_from_envelope(data) if data is not None else ServerFault()
        raise error
