"""The server's composition: ``counter_app.compose`` (settings → pooled engine →
``ServiceContext`` with the card key provider and clock) with the server's own parts on top —
the services behind the typed interface, the authenticator (PKI revocation list, token
signer) and the key service. ``counter-server run`` and the tests (``tests/server``) build a
server through :func:`compose_server` (``runner.build_parts``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from counter_app.api.inprocess import InProcessServices
from counter_app.compose import compose
from counter_app.server.app import ServerParts
from counter_app.server.auth import Authenticator
from counter_app.server.config import ServerConfig
from counter_app.server.keys import KeyService
from counter_app.server.pki import Pki
from counter_app.server.revocation import RevocationList
from counter_app.server.tokens import TokenSigner
from counter_app.services.context import utcnow


def compose_server(
    config: ServerConfig, clock: Callable[[], datetime] | None = None
) -> tuple[ServerParts, Callable[[], None]]:
    """The parts of one server process and a function that releases them (the pool)."""
    built = compose(config.settings, clock=clock or utcnow, pool_size=config.pool_size)
    ctx = built.ctx
    pki = Pki(config.pki_dir)
    signer = TokenSigner(config.token_secret, config.token_minutes * 60)
    auth = Authenticator(ctx, signer, RevocationList(pki.crl, pki.ca_cert))
    keys = KeyService(ctx.key_provider, config.token_secret)
    # No in-process password gate: the dispatcher refuses from the token's caller (rpc.py).
    return ServerParts(InProcessServices(ctx, gate=False), auth, keys), built.close
