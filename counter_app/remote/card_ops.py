"""The workstation's half of the card operations in the city (docs/ARCHITECTURE.md "Card
operations in the city"): the card is on this counter, the rules, the database and the keys
are on ``counter-server`` (``server/card_steps.py``).

Each operation: read the card (and check what needs only the PIN buffer, RULES P7), ask the
server to allow it (``card.prepare_*``: its rules, the pending password event, a key ticket
for that one card and purpose), run the card command here — a keyed one gets its MAC from
the server through ``RemoteKeyProvider`` — and report the card's answer
(``card.complete_*``), which the server records. The card's own error is raised after the
outcome is recorded, exactly as in-process (``pin_events.raise_card_error``). The holder's
PIN buffers are wiped before returning, whatever happens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from counter_app.remote.keys import RemoteKeyProvider
from counter_app.services import pin_reset
from counter_app.services.pin_events import (
    PasswordResult,
    check_new_pin,
    raise_card_error,
    run_card_step,
    wipe,
)
from reader.keys import KeyPurpose

if TYPE_CHECKING:
    from counter_app.remote.transport import ServerConnection
    from counter_app.services.approvals import ApprovalLike
    from counter_app.services.idcheck import IdDocumentLike
    from counter_app.services.sessions import HolderSession
    from reader.client import SocialSecurityCardClient
    from reader.pinbuffer import PinBuffer

#: ``method, *args`` -> the decoded result of ``/v1/call/<method>``.
Call = Callable[..., Any]


@dataclass(frozen=True)
class CardGrant:
    """The server allowed one card step: its pending password event and, for a keyed
    command, the key ticket (``server/keys.py``; empty for a PIN-only step)."""

    event_id: int
    ticket: str = ""


@dataclass(frozen=True)
class ApprovalRef:
    """A supervisor's approval as it travels (``approvals.ApprovalLike``: its id only)."""

    id: int


def _approval(approval: ApprovalLike | None) -> ApprovalRef | None:
    return None if approval is None else ApprovalRef(int(approval.id))


def _keyed(
    connection: ServerConnection,
    client: SocialSecurityCardClient,
    purpose: KeyPurpose,
    card_id_code: str,
    ticket: str,
) -> SocialSecurityCardClient:
    provider = RemoteKeyProvider(connection)
    provider.allow(purpose, bytes.fromhex(card_id_code), ticket)
    return client.with_keys(provider)


def reset_pin(
    call: Call,
    connection: ServerConnection,
    session: HolderSession,
    client: SocialSecurityCardClient,
    document: IdDocumentLike,
    new1: PinBuffer,
    new2: PinBuffer,
    approval: ApprovalLike | None,
    submission: str = "",
) -> PasswordResult:
    """RULES P5 through the server: the new PIN travels only inside the RELOAD command the
    server MACs (``/v1/keys/mac``)."""
    try:
        check_new_pin(new1, new2)
        identity = client.read_identity()
        grant = call("card.prepare_reset", session, identity, document, _approval(approval),
                     submission)
        keyed = _keyed(connection, client, KeyPurpose.RELOAD, identity.card_id_code,
                       grant.ticket)  # fmt: skip
        report, error = run_card_step(
            lambda: keyed.reload_pin(new1, expect_card_id=identity.card_id_code))
        result: PasswordResult = call("card.complete_reset", session, document,
                                      grant.event_id, report)  # fmt: skip
        raise_card_error(grant.event_id, report, error)
        return result
    finally:
        wipe(new1, new2)


def unblock_pin(
    call: Call,
    connection: ServerConnection,
    session: HolderSession,
    client: SocialSecurityCardClient,
    document: IdDocumentLike,
    approval: ApprovalLike | None = None,
    pin: PinBuffer | None = None,
) -> pin_reset.UnblockResult:
    """RULES P6 through the server; the holder's verify afterwards stays on this counter."""
    try:
        identity = client.read_identity()
        grant = call("card.prepare_unblock", session, identity, document, _approval(approval))
        keyed = _keyed(connection, client, KeyPurpose.UNBLOCK, identity.card_id_code,
                       grant.ticket)  # fmt: skip
        report, error = run_card_step(
            lambda: keyed.unblock_pin(expect_card_id=identity.card_id_code))
        result: pin_reset.UnblockResult = call("card.complete_unblock", session, document,
                                               grant.event_id, report)  # fmt: skip
        raise_card_error(grant.event_id, report, error)
        return pin_reset.verify_after_unblock(client, result, pin)
    finally:
        wipe(pin)
