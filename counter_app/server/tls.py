"""Mutual TLS for uvicorn: a client certificate is required, and each request carries the
verified peer certificate to the application.

uvicorn does not put the peer certificate into the ASGI scope. :class:`PeerCertProtocol`
(an ``H11Protocol``) reads it once per connection, after the handshake, and adds it to the
per-connection copy of the scope's ``state`` (``request.state.peer_cert_der``). A request
that somehow arrives without one is refused by the application (``auth.py``).
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

PEER_CERT_KEY = "peer_cert_der"


def server_ssl_context(cert: Path, key: Path, ca: Path) -> ssl.SSLContext:
    """TLS 1.2+ server context that requires a client certificate signed by ``ca``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    context.load_verify_locations(cafile=str(ca))
    context.verify_mode = ssl.CERT_REQUIRED
    return context


class PeerCertProtocol(H11Protocol):
    """``H11Protocol`` that hands the verified client certificate to every request."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object: Any = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        # A copy per connection: the lifespan state dict is shared by all connections.
        self.app_state = {**self.app_state, PEER_CERT_KEY: der}
