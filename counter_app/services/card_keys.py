"""Small helpers for use cases that send authorised card commands (CARD.md "MAC")."""

from __future__ import annotations

from counter_app.services.context import ServiceContext
from reader.client import SocialSecurityCardClient


def keyed_client(ctx: ServiceContext, client: SocialSecurityCardClient) -> SocialSecurityCardClient:
    """``client`` on the same reader, computing MACs with ``ctx.key_provider`` (the issuer's
    keys configured for this workstation); ``client`` itself when none is configured."""
    if ctx.key_provider is None:
        return client
    return client.with_keys(ctx.key_provider)
