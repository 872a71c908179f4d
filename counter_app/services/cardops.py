"""Small helpers for use cases that send authorised card commands (CARD.md "MAC")."""

from __future__ import annotations

from counter_app.services.context import ServiceContext
from counter_app.services.errors import CardOperationFailed
from reader.client import SocialSecurityCardClient
from reader.transport import Transport


def keyed_client(ctx: ServiceContext, client: SocialSecurityCardClient) -> SocialSecurityCardClient:
    """``client`` on the same reader, computing MACs with ``ctx.key_provider`` (the issuer's
    keys configured for this workstation); ``client`` itself when none is configured."""
    if ctx.key_provider is None:
        return client
    transport = getattr(client, "transport", None) or getattr(client, "_transport", None)
    if not isinstance(transport, Transport):
        raise CardOperationFailed("无法访问读卡器。请重新插卡后重试。")
    return SocialSecurityCardClient(transport, ctx.key_provider, getattr(client, "_trace", None))
