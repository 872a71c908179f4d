"""The server's composition root: database pool, services, key provider, authenticator,
the FastAPI app and a uvicorn server with mutual TLS (``ssl.CERT_REQUIRED``).

Built the same way by ``counter-server run`` and by the tests (``build_server`` and
``ServerThread``, which serve on 127.0.0.1 in a background thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import uvicorn

from counter_app import db
from counter_app.api.inprocess import InProcessServices
from counter_app.server.app import ServerParts, create_app
from counter_app.server.auth import Authenticator
from counter_app.server.config import ServerConfig
from counter_app.server.keys import KeyService
from counter_app.server.pki import Pki
from counter_app.server.revocation import RevocationList
from counter_app.server.tls import PeerCertProtocol, server_ssl_context
from counter_app.server.tokens import TokenSigner
from counter_app.services.context import ServiceContext
from reader.keys import KeyProvider, load_key_provider

log = logging.getLogger("counter_server")


def _key_provider(config: ServerConfig) -> KeyProvider | None:
    from reader.errors import KeySourceError

    try:
        return load_key_provider(config.settings.key_source, config.settings.mode)
    except KeySourceError as error:
        log.warning("no card key provider: %s", error)
        return None


def build_parts(
    config: ServerConfig, clock: Callable[[], Any] | None = None
) -> tuple[ServerParts, Callable[[], None]]:
    """The parts of one server process and a function that releases them."""
    url = config.settings.database_url()
    extra: dict[str, Any] = {}
    if not url.startswith("sqlite"):
        extra = {"pool_size": config.pool_size, "max_overflow": config.pool_size}
    engine = db.create_engine_for(url, lock_timeout_ms=config.settings.lock_timeout_ms, **extra)
    ctx = ServiceContext(session_factory=db.session_factory(engine), settings=config.settings,
                         key_provider=_key_provider(config))  # fmt: skip
    if clock is not None:
        ctx.clock = clock
    pki = Pki(config.pki_dir)
    signer = TokenSigner(config.token_secret, config.token_minutes * 60)
    auth = Authenticator(ctx, signer, RevocationList(pki.crl, pki.ca_cert))
    parts = ServerParts(InProcessServices(ctx), auth, KeyService(ctx.key_provider,
                                                                 config.token_secret))
    return parts, engine.dispose


def build_server(config: ServerConfig, parts: ServerParts) -> uvicorn.Server:
    pki = Pki(config.pki_dir)
    app = create_app(parts)

    def tls(_config: uvicorn.Config, _default: Callable[[], Any]) -> Any:
        return server_ssl_context(pki.server_cert, pki.server_key, pki.ca_cert)

    uv_config = uvicorn.Config(
        app, host=config.host, port=config.port, http=PeerCertProtocol,
        ssl_context_factory=tls, lifespan="off", log_level="warning", access_log=False,
    )  # fmt: skip
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
        self.server.should_exit = True
        self.thread.join(timeout=30)


def serve(config: ServerConfig) -> None:
    parts, release = build_parts(config)
    try:
        build_server(config, parts).run()
    finally:
        release()
