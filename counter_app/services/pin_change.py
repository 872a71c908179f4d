"""The holder changes their card PIN (RULES P2–P4, P7).

The holder types the old PIN and the new one twice — on the holder keypad (the workstation
checks P7 before the card is touched) or on the reader's PIN pad (the PIN never enters the
PC; the card refuses a weak new PIN itself, see :func:`change_pin`). At a window a valid ID
document is checked first, always (P4). The card command
goes first and its answer is recorded (``pin_events``). Every ``PinBuffer`` given is wiped
before returning, whatever happens.
"""

from __future__ import annotations

from collections.abc import Callable

from counter_app.models.audit_actions import AuditAction
from counter_app.models.security import PasswordEventKind
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import IdDocumentMismatch, IdNumberRequired, WeakPin
from counter_app.services.idcheck import (
    IdDocument,
    IdDocumentKind,
    IdDocumentLike,
    check_id,
    id_check_details,
)
from counter_app.services.permissions import Action
from counter_app.services.pin_events import (
    CardReport,
    PasswordResult,
    Subject,
    check_new_pin,
    open_event,
    raise_card_error,
    record_card_report,
    run_card_step,
    same_card,
    session_card,
    wipe,
)
from counter_app.services.refusals import refusals_audited, require
from counter_app.services.sessions import HolderSession, require_open
from reader.client import SocialSecurityCardClient
from reader.errors import PinPadUnavailable
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad

#: The password event's detail of a change made on the PIN pad (P7 judged by the card).
PINPAD_DETAIL = "读卡器密码键盘输入，新密码强度由卡片校验（RULES P7）"


def reader_pinpad(client: SocialSecurityCardClient) -> SecurePinPad | None:
    return client.pin_pad()


# --------------------------------------------------------------------------- P2–P4, P7


def change_pin(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    client: SocialSecurityCardClient,
    old: PinBuffer | None,
    new1: PinBuffer | None,
    new2: PinBuffer | None,
    document: IdDocumentLike | str | None = None,
    *,
    pinpad: SecurePinPad | None = None,
) -> PasswordResult:
    """RULES P3, P4, P7: the holder types the old PIN and the new one twice.

    **P4: at a window a change always needs a valid ID document and the original
    password** — whatever the old PIN is (P2's "only when the old PIN is 123456" is the
    phone line's rule). ``document`` is the document checked at the counter: an
    ``IdDocument`` (a chip read, or typed with its reason — ``idcheck``), checked against
    the session holder's record by ``idcheck.check_document`` (kind, number, chip name,
    validity); a bare ``str`` is taken as the number of a resident ID card typed by staff.
    Compared, never stored or logged. Missing: ``IdNumberRequired``; not the holder's:
    ``IdDocumentMismatch``. ``WrongPin`` (old PIN wrong, tries left) and other card errors
    propagate after being recorded as failed.

    **On the reader's PIN pad** (``old``/``new1``/``new2`` all None; ``pinpad`` the pad, or
    None to find it on the client's reader, as ``sessions.open_card_session`` does): the
    holder types all three on the pad and the card gets them in one CHANGE PIN the pad
    builds (``client.change_pin_on_pinpad``) — the PIN never enters the PC. P7 (weak new
    PIN) is then judged by the card itself (CARD.md "Password": ``6A80``, nothing changes,
    no try spent), which the client reports as ``NewPinRefused`` and this service as
    ``WeakPin`` ("新密码过于简单，请持卡人重新设置"). Both new entries must match: the pad
    compares them (``PinMismatch``, nothing changes).
    """
    try:
        on_pad = pinpad is not None or (old is None and new1 is None and new2 is None)

        def check_pins() -> None:
            if not on_pad:
                if old is None or new1 is None or new2 is None:
                    raise WeakPin("请持卡人输入原密码和两次新密码。")
                check_new_pin(new1, new2)

        subject, checked = prepare_change(
            ctx, actor, session, client.read_identity, document, check_pins
        )
        if on_pad:
            pad = pinpad or reader_pinpad(client)
            if pad is None or not pad.can_modify:
                raise PinPadUnavailable()
            command: Callable[[], None] = lambda: client.change_pin_on_pinpad(pad)  # noqa: E731
        else:
            assert old is not None and new1 is not None
            old_pin, new_pin = old, new1
            command = lambda: client.change_pin(old_pin, new_pin)  # noqa: E731
        event_id = open_event(
            ctx, actor, PasswordEventKind.PIN_CHANGE, subject.holder_id, subject.card_id
        )
        report, error = run_card_step(command)
        result = complete_change(ctx, actor, event_id, checked, report, on_pad=on_pad)
        raise_card_error(event_id, report, error)
        return result
    finally:
        wipe(old, new1, new2)


def prepare_change(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    read_card: Callable[[], CardIdentity],
    document: IdDocumentLike | str | None,
    check_pins: Callable[[], None] | None = None,
) -> tuple[Subject, IdDocumentLike]:
    """The rule step of P3/P4/P7 (before the card is touched): permission, open session,
    the new PIN's P7 check (``check_pins``, where the PINs are), the ID document (P4), the
    same card (``read_card``: the chip's identity). Returns the card and the document
    checked; refusals are audited. The caller writes the event ahead (``open_event``)."""
    require(ctx, actor, Action.CHANGE_PIN, holder_id=session.holder_id)
    require_open(ctx, session, actor)
    with refusals_audited(
        ctx, actor, AuditAction.PIN_CHANGE, holder_id=session.holder_id, card_id=session.card_id
    ):
        if check_pins is not None:
            check_pins()
        subject = session_card(ctx, session)
        checked = check_window_document(ctx, subject, document)
        same_card(read_card(), subject)
    return subject, checked


def complete_change(
    ctx: ServiceContext,
    actor: Actor,
    event_id: int,
    checked: IdDocumentLike,
    report: CardReport,
    *,
    on_pad: bool,
) -> PasswordResult:
    """The record step: the card's answer to CHANGE PIN settles the written-ahead event."""
    recorded = record_card_report(
        ctx,
        actor,
        event_id,
        report,
        detail=PINPAD_DETAIL if on_pad else None,
        details=id_check_details(checked),
    )
    return PasswordResult(recorded.event_id, report.outcome)


def check_window_document(
    ctx: ServiceContext, subject: Subject, document: IdDocumentLike | str | None
) -> IdDocumentLike:
    """RULES P4: a valid ID document of the holder, at a window, for every PIN change
    (``idcheck.check_id``: the chip's name and validity, the manual-forbidden setting).
    Returns the document checked (a bare number as a typed resident ID card)."""
    if document is None or (isinstance(document, str) and not document.strip()):
        raise IdNumberRequired("在窗口修改卡密码须核验持卡人的有效身份证件。请先核验证件后再办理。")
    if isinstance(document, str):
        typed = IdDocument(IdDocumentKind.RESIDENT_ID, document)
        try:
            check_id(ctx, Action.CHANGE_PIN, subject, typed)
        except IdDocumentMismatch:
            raise IdDocumentMismatch("身份证号码与持卡人不一致，密码未修改。") from None
        return typed
    check_id(ctx, Action.CHANGE_PIN, subject, document)
    return document
