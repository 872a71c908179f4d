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

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from counter_app.remote.keys import RemoteKeyProvider
from counter_app.remote.protocol import ServerUnreachable
from counter_app.services import pin_reset, unblock_verify
from counter_app.services.card_sessions import WrongPinReported, verify_holder_pin
from counter_app.services.errors import CardOperationFailed, DatabaseUnavailable, WeakPin
from counter_app.services.lift_card import lift_card_step, reblock
from counter_app.services.login_interrupted import LoginInterrupted
from counter_app.services.pin_events import (
    CardReport,
    NewPinFacts,
    PasswordResult,
    raise_card_error,
    run_card_step,
    wipe,
)
from reader.errors import ApplicationBlocked, CardError, PinBlocked, PinPadUnavailable, WrongPin
from reader.keys import KeyPurpose

if TYPE_CHECKING:
    from counter_app.remote.transport import ServerConnection
    from counter_app.services.approvals import ApprovalLike
    from counter_app.services.idcheck import IdDocumentLike
    from counter_app.services.lifting import LiftResult
    from counter_app.services.sessions import HolderSession
    from reader.client import SocialSecurityCardClient
    from reader.pinbuffer import PinBuffer
    from reader.pinpad import SecurePinPad

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


@dataclass(frozen=True)
class LiftGrant:
    """The server's answer to a lift's rule step: a resubmission's stored result, or
    whether the chip must be unblocked first (U5) with the MAINT key ticket for it."""

    stored: LiftResult | None = None
    app_blocked: bool = False
    ticket: str = ""


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
    server MACs (``/v1/keys/mac``). P7 is judged here, where the PIN is typed, and only the
    verdict (``NewPinFacts``, no digit) goes with the rule step: the server refuses and
    audits a weak or mistyped new PIN exactly as in-process, and checks the PIN in the
    RELOAD command once more before its MAC."""
    try:
        facts = NewPinFacts.of(new1, new2)
        identity = client.read_identity()
        grant = call(
            "card.prepare_reset",
            session,
            identity,
            document,
            _approval(approval),
            submission,
            facts,
        )
        keyed = _keyed(connection, client, KeyPurpose.RELOAD, identity.card_id_code, grant.ticket)
        try:
            report, error = run_card_step(
                lambda: keyed.reload_pin(new1, expect_card_id=identity.card_id_code)
            )
        except WeakPin:  # the server refused the RELOAD's MAC (P7): the card got nothing
            call("card.complete_reset", session, document, grant.event_id, CardReport("weak"))
            raise
        result: PasswordResult = call(
            "card.complete_reset", session, document, grant.event_id, report
        )
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
        keyed = _keyed(connection, client, KeyPurpose.UNBLOCK, identity.card_id_code, grant.ticket)
        report, error = run_card_step(
            lambda: keyed.unblock_pin(expect_card_id=identity.card_id_code)
        )
        result: pin_reset.UnblockResult = call(
            "card.complete_unblock", session, document, grant.event_id, report
        )
        raise_card_error(grant.event_id, report, error)
        return verify_after_unblock(call, session, client, result, pin)
    finally:
        wipe(pin)


def verify_after_unblock(
    call: Call,
    session: HolderSession,
    client: SocialSecurityCardClient,
    result: pin_reset.UnblockResult,
    pin: PinBuffer | None,
) -> pin_reset.UnblockResult:
    """RULES P6, Q7: the holder's PIN on the card here after the unblock; the card's answer
    (never the PIN) goes to the server, which audits it (``card.unblock_verified``). When
    the server cannot be reached the card has still answered: ``AnswerNotRecorded`` says
    what (``unblock_verify``), with ``result`` as the card left it, for the clerk to be
    told and the record made again (``RemoteServices.record_unblock_verify``)."""

    def record(event_id: int, answer: str, tries_left: int | None, card_error: str) -> None:
        try:
            call("card.unblock_verified", session, event_id, answer, tries_left, card_error)
        except unblock_verify.AnswerNotRecorded as error:
            error.result = _answered(result, error.answer, error.tries_left)
            raise
        except DatabaseUnavailable as error:
            lost = unblock_verify.AnswerNotRecorded.of(
                error, event_id, answer, tries_left, card_error
            )
            lost.result = _answered(result, answer, tries_left)
            raise lost from None

    return pin_reset.verified_with(client, result, pin, record)


def _answered(
    result: pin_reset.UnblockResult, answer: str, tries_left: int | None
) -> pin_reset.UnblockResult:
    """``result`` as the card's answer to the PIN after the unblock leaves it."""
    if answer == unblock_verify.SUCCESS:
        return dataclasses.replace(result, verified=True, tries_left=None)
    if answer in (unblock_verify.WRONG_PIN, unblock_verify.PIN_BLOCKED):
        return dataclasses.replace(result, verified=False, tries_left=tries_left)
    return result  # the card did not judge the PIN (a card error): nothing changed


def _outage(error: DatabaseUnavailable) -> str:
    """What could not be reached, as a clause for ``LoginInterrupted``."""
    if isinstance(error, ServerUnreachable):
        return "无法连接业务服务器（网络中断或服务器无响应）"
    return "业务服务器无法连接数据库"


def open_card_session(
    call: Call,
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    pinpad: SecurePinPad | None = None,
) -> HolderSession:
    """RULES Q1 in the city: the server checks the card the chip names (``card.
    session_check``) before the holder types; the PIN is verified by the card here and only
    the card's answer goes to the server, which opens the session (``card.session_open``).
    When the server cannot be reached, ``LoginInterrupted`` says whether the PIN went to
    the card and what the card answered (the holder types again later: the PIN is never
    kept for a retry)."""
    pin_sent = False
    verified: bool | None = None
    tries_left: int | None = None
    try:
        identity = client.read_identity()
        call("card.session_check", identity)
        pin_sent = True
        try:
            verify_holder_pin(client, pin, pinpad)
            verified = True
        except WrongPin as error:
            verified, tries_left = False, error.tries_left
            try:
                call("card.session_open", identity, "wrong_pin", error.tries_left)
            except WrongPinReported:
                pass  # recorded; the card's own error, with its tries left, is raised
            raise
        except PinBlocked:
            tries_left = 0  # locked already: the card did not judge this PIN
            call("card.session_open", identity, "pin_blocked", None)  # raises the refusal
            raise
        except ApplicationBlocked:
            call("card.session_open", identity, "app_blocked", None)
            raise
        session: HolderSession = call("card.session_open", identity, "success", None)
        return session
    except LoginInterrupted:
        raise
    except DatabaseUnavailable as error:
        raise LoginInterrupted.of(
            _outage(error), pin_sent=pin_sent, verified=verified, tries_left=tries_left
        ) from None
    finally:
        wipe(pin)


def change_pin(
    call: Call,
    session: HolderSession,
    client: SocialSecurityCardClient,
    old: PinBuffer | None,
    new1: PinBuffer | None,
    new2: PinBuffer | None,
    document: IdDocumentLike | str | None,
    pinpad: SecurePinPad | None = None,
) -> PasswordResult:
    """RULES P3/P4/P7 in the city: CHANGE PIN goes from this counter to the card (no key);
    the server checks the rules and the document first (``card.prepare_change``, the event
    written ahead; the new PIN's P7 verdict from here, ``NewPinFacts``, refused and audited
    there — on the PIN pad the card judges P7) and records the card's answer after
    (``card.complete_change``)."""
    try:
        on_pad = pinpad is not None or (old is None and new1 is None and new2 is None)
        facts: NewPinFacts | None = None
        if not on_pad:
            if old is None or new1 is None or new2 is None:
                raise WeakPin("请持卡人输入原密码和两次新密码。")
            facts = NewPinFacts.of(new1, new2)
        pad = (pinpad or client.pin_pad()) if on_pad else None
        if on_pad and (pad is None or not pad.can_modify):
            raise PinPadUnavailable()
        identity = client.read_identity()
        grant = call("card.prepare_change", session, identity, document, facts)
        if pad is not None:
            pin_pad = pad
            command: Callable[[], None] = lambda: client.change_pin_on_pinpad(pin_pad)  # noqa: E731
        else:
            assert old is not None and new1 is not None
            old_pin, new_pin = old, new1
            command = lambda: client.change_pin(old_pin, new_pin)  # noqa: E731
        report, error = run_card_step(command)
        result: PasswordResult = call(
            "card.complete_change", session, document, grant.event_id, report, on_pad
        )
        raise_card_error(grant.event_id, report, error)
        return result
    finally:
        wipe(old, new1, new2)


def lift_loss_report(
    call: Call,
    connection: ServerConnection,
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    document: IdDocumentLike,
    approval: ApprovalLike | None,
    idempotency_key: str,
    pinpad: SecurePinPad | None = None,
) -> LiftResult:
    """RULES U1–U5 in the city: the server's checklist and the supervisor's approval first
    (``card.prepare_lift``; the approval is spent when the lift is written), the card step
    here (APPLICATION UNBLOCK with a MAC from the server when the chip is blocked, then the
    holder's PIN on the card), then the lift written by the server
    (``card.complete_lift``); a card failure is reported (``card.lift_card_failed``)."""
    try:
        identity = client.read_identity()
        grant: LiftGrant = call(
            "card.prepare_lift", identity, document, idempotency_key, _approval(approval)
        )
        if grant.stored is not None:
            return grant.stored
        card = client
        if grant.app_blocked:
            card = _keyed(connection, client, KeyPurpose.MAINT, identity.card_id_code, grant.ticket)
        try:
            unblocked = lift_card_step(card, pin, pinpad, identity, grant.app_blocked)
        except (CardError, CardOperationFailed) as error:
            call("card.lift_card_failed", identity, document, type(error).__name__, str(error))
            raise
        try:
            result: LiftResult = call(
                "card.complete_lift",
                identity,
                document,
                _approval(approval),
                idempotency_key,
                unblocked,
            )
        except Exception:
            if unblocked:  # the lift did not happen: the chip goes back to blocked
                again = _keyed(
                    connection, client, KeyPurpose.MAINT, identity.card_id_code, grant.ticket
                )
                reblock(again, identity)
            raise
        return result
    finally:
        if pin is not None:
            pin.wipe()
