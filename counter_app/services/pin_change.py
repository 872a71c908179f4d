"""The holder changes their card PIN (RULES P2–P4, P7).

The holder types the old PIN and the new one twice — on the holder keypad (the workstation
checks P7 before the card is touched) or on the reader's PIN pad (the PIN never enters the
PC; the card refuses a weak new PIN itself, see :func:`change_pin`). At a window a valid ID
document is checked first, always (P4). Three steps, which the city runs apart
(``server.card_steps``, ``remote.card_ops``): the rule step (:func:`prepare_change`,
``password_steps.allow_card_step``: refusals audited, the event written ahead), the card
command (``pin_events.run_card_step``), the record step (:func:`complete_change`). Every
``PinBuffer`` given is wiped before returning, whatever happens.
"""

from __future__ import annotations

from collections.abc import Callable

from counter_app.models.security import PasswordEventKind
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import IdDocumentMismatch, IdNumberRequired, WeakPin
from counter_app.services.idcheck import (
    IdDocument,
    IdDocumentKind,
    IdDocumentLike,
    check_id,
)
from counter_app.services.idcheck_reuse import checked_details
from counter_app.services.password_steps import Allowed, allow_card_step
from counter_app.services.permissions import Action
from counter_app.services.pin_events import (
    CardReport,
    PasswordResult,
    Subject,
    check_new_pin,
    raise_card_error,
    record_card_report,
    run_card_step,
    same_card,
    wipe,
)
from counter_app.services.sessions import HolderSession
from reader.client import SocialSecurityCardClient
from reader.errors import PinPadUnavailable
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad

#: The password event's detail of a change made on the PIN pad (P7 judged by the card).
PINPAD_DETAIL = "读卡器密码键盘输入，新密码强度由卡片校验（RULES P7）"


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
    None to find it on the client's reader, as ``card_sessions.open_card_session`` does): the
    holder types all three on the pad and the card gets them in one CHANGE PIN the pad
    builds (``client.change_pin_on_pinpad``) — the PIN never enters the PC. P7 (weak new
    PIN) is then judged by the card itself (CARD.md "Password": ``6A80``, nothing changes,
    no try spent), which the client reports as ``NewPinRefused`` and this service as
    ``WeakPin`` ("新密码过于简单，请持卡人重新设置"). Both new entries must match: the pad
    compares them (``PinMismatch``, nothing changes).
    """
    try:
        on_pad = pinpad is not None or (old is None and new1 is None and new2 is None)
        pad: SecurePinPad | None = None

        def check_entry() -> None:  # what needs only the PINs or the pad (P7)
            nonlocal pad
            if on_pad:
                pad = _modifying_pad(client, pinpad)
            elif old is None or new1 is None or new2 is None:
                raise WeakPin("请持卡人输入原密码和两次新密码。")
            else:
                check_new_pin(new1, new2)

        allowed = prepare_change(ctx, actor, session, client.read_identity, document, check_entry)
        report, error = run_card_step(_change_command(client, pad, old, new1))
        result = complete_change(ctx, actor, allowed.event_id, document, report, on_pad=on_pad)
        raise_card_error(allowed.event_id, report, error)
        return result
    finally:
        wipe(old, new1, new2)


def _change_command(
    client: SocialSecurityCardClient,
    pad: SecurePinPad | None,
    old: PinBuffer | None,
    new: PinBuffer | None,
) -> Callable[[], None]:
    """CHANGE PIN as the pad builds it (``pad``), or with the holder keypad's PINs."""
    if pad is not None:
        return lambda: client.change_pin_on_pinpad(pad)
    assert old is not None and new is not None
    return lambda: client.change_pin(old, new)


def _modifying_pad(client: SocialSecurityCardClient, pinpad: SecurePinPad | None) -> SecurePinPad:
    """The PIN pad that takes the whole change (``pinpad``, or the reader's own)."""
    pad = pinpad or client.pin_pad()
    if pad is None or not pad.can_modify:
        raise PinPadUnavailable()
    return pad


def prepare_change(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    read_card: Callable[[], CardIdentity],
    document: IdDocumentLike | str | None,
    check_entry: Callable[[], None] | None = None,
) -> Allowed:
    """The rule step of P3/P4/P7 (``password_steps.allow_card_step``): the new PIN's P7
    check (``check_entry``, where the PINs are), the ID document (P4), the same card
    (``read_card``: the chip's identity); the event written ahead."""

    def checks(subject: Subject) -> CardIdentity:
        if check_entry is not None:
            check_entry()
        check_window_document(ctx, subject, document)
        return same_card(read_card(), subject)

    return allow_card_step(
        ctx, actor, session, Action.CHANGE_PIN, PasswordEventKind.PIN_CHANGE, checks
    )


def complete_change(
    ctx: ServiceContext,
    actor: Actor,
    event_id: int,
    document: IdDocumentLike | str | None,
    report: CardReport,
    *,
    on_pad: bool,
) -> PasswordResult:
    """The record step: the card's answer to CHANGE PIN settles the written-ahead event
    (audited with how the ``document`` checked in the rule step was checked)."""
    recorded = record_card_report(
        ctx,
        actor,
        event_id,
        report,
        detail=PINPAD_DETAIL if on_pad else None,
        details=checked_details(ctx, actor, window_document(document), event_id=event_id),
    )
    return PasswordResult(recorded.event_id, report.outcome)


def window_document(document: IdDocumentLike | str | None) -> IdDocumentLike:
    """RULES P4: the document shown at the window (a bare number: a resident ID card typed
    by staff); none at all refuses with ``IdNumberRequired``."""
    if document is None or (isinstance(document, str) and not document.strip()):
        raise IdNumberRequired("在窗口修改卡密码须核验持卡人的有效身份证件。请先核验证件后再办理。")
    if isinstance(document, str):
        return IdDocument(IdDocumentKind.RESIDENT_ID, document)
    return document


def check_window_document(
    ctx: ServiceContext, subject: Subject, document: IdDocumentLike | str | None
) -> IdDocumentLike:
    """RULES P4: a valid ID document of the holder, at a window, for every PIN change
    (``idcheck.check_id``: the chip's name and validity, the manual-forbidden setting).
    Returns the document checked."""
    checked = window_document(document)
    try:
        check_id(ctx, Action.CHANGE_PIN, subject, checked)
    except IdDocumentMismatch:
        if isinstance(document, str):  # a typed number: say which document did not match
            raise IdDocumentMismatch("身份证号码与持卡人不一致，密码未修改。") from None
        raise
    return checked
