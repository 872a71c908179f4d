"""Card passwords and the web/12333 query password (RULES P2–P8).

**Card and database never disagree.** The card command goes first; the password event is
recorded ``success`` only when the card confirmed it. A card that was pulled before the
command went out (``CardRemoved``) changed nothing: ``failed``. A command that went out but
whose answer was lost (``OutcomeUnknown``) is recorded ``unknown`` and
:class:`OutcomeUnknownRecorded` is raised; :func:`resolve_unknown_outcome` settles it later
by asking the card (a PIN that verifies is proof; the retry counter shows an unblock).

PINs live only in the caller's :class:`~reader.pinbuffer.PinBuffer`\\ s, which every function
here wipes before returning, whatever happens; no digit reaches a log, an audit record, the
database or an exception text. Weak new PINs (P7) are refused before the card is touched —
except on the reader's PIN pad (``change_pin(..., pinpad=...)``), where the new PIN never
enters the PC and only the card could judge it (see :func:`change_pin`).

**Receipts (密码重置/解锁回执, RULES P5, P6).** A reset or unblock the card confirmed is
recorded ``success`` together with its receipt: the form serial is allocated and the
receipt's plain data stored (``services.forms.issue_form``) *in the same transaction* as
the password event's success record and its audit event (the card goes first, so this is
the transaction that follows the card's answer; nothing is issued for a failed or unknown
outcome). The result carries the registered ``PinReceipt`` and a lazy ``.pdf``; the receipt
can be reprinted (``counter-admin form reprint``, 补打) and verified (``form verify``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card, CardState
from counter_app.models.holder import Holder
from counter_app.models.office import Office
from counter_app.models.security import (
    Outcome,
    PasswordEvent,
    PasswordEventKind,
    ServicePassword,
)
from counter_app.services import approvals, audit
from counter_app.services import forms as service_forms
from counter_app.services.cardops import keyed_client
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    CardNotActive,
    CardNotFound,
    IdDocumentMismatch,
    IdNumberRequired,
    OutcomeUnknownRecorded,
    PasswordEventNotFound,
    PinEntriesDiffer,
    WeakPin,
    WrongCard,
)
from counter_app.services.idcheck import IdDocumentLike, check_document, number_matches
from counter_app.services.permissions import Action
from counter_app.services.refusals import refusals_audited, require
from counter_app.services.sessions import HolderSession, require_open
from counter_app.services.uow import run_retrying
from counter_app.validation.idnumber import normalise_id_number
from forms import data as fd
from reader.client import SocialSecurityCardClient
from reader.errors import CardError, CardRemoved, OutcomeUnknown, PinPadUnavailable, WrongPin
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad

#: RULES P1: a holder's card PIN has 6 digits.
PIN_DIGITS = 6
#: Digits of a one-time query password (P8): keyed on a phone keypad, so digits only.
ONE_TIME_DIGITS = 8
#: The password event's detail of a change made on the PIN pad (P7 not checked here).
PINPAD_DETAIL = "读卡器密码键盘输入，工作站未校验新密码强度（RULES P7）"

_HASHER = PasswordHasher()


class _WithReceipt:
    """The registered receipt of a reset or unblock (None for a PIN change) and its PDF."""

    receipt: fd.PinReceipt | None
    serial: str
    form_key: bytes

    @property
    def form(self) -> fd.PinReceipt | None:
        return self.receipt

    @cached_property
    def pdf(self) -> bytes:
        """The receipt drawn from its plain data (``forms.render``); no receipt: empty."""
        if self.receipt is None:
            return b""
        from forms.render import render_form

        return render_form(self.receipt, key=self.form_key)


@dataclass(frozen=True)
class PasswordResult(_WithReceipt):
    event_id: int
    outcome: str
    receipt: fd.PinReceipt | None = None
    serial: str = ""
    form_key: bytes = field(repr=False, default=b"")


@dataclass(frozen=True)
class UnblockResult(_WithReceipt):
    event_id: int
    #: After the unblock the holder verified the PIN (None: not asked / no PIN given).
    verified: bool | None
    tries_left: int | None
    receipt: fd.PinReceipt | None = None
    serial: str = ""
    form_key: bytes = field(repr=False, default=b"")


@dataclass(frozen=True)
class OneTimePassword:
    """RULES P8: shown to the holder once; only its argon2 hash is stored."""

    holder_id: int
    value: str = field(repr=False)
    must_change: bool = True

    def __str__(self) -> str:
        return "<OneTimePassword (hidden)>"


class PasswordOutcomeUnknown(OutcomeUnknownRecorded):
    """The card command went out, its answer was lost; ``event_id`` is the ``unknown``
    password event to settle with :func:`resolve_unknown_outcome`."""

    def __init__(self, event_id: int) -> None:
        self.event_id = event_id
        super().__init__()


# --------------------------------------------------------------------------- helpers


def check_new_pin(new1: PinBuffer, new2: PinBuffer) -> None:
    """RULES P7 (and P1): both entries equal, 6 digits, not weak — before the card is touched."""
    if not new1.matches(new2):
        raise PinEntriesDiffer()
    if len(new1) != PIN_DIGITS:
        raise WeakPin("新密码须为 6 位数字。请持卡人重新设置。")
    if new1.is_weak():
        raise WeakPin()


def pin_reset_digest(actor: Actor, session: HolderSession, submission: str = "") -> str:
    """The request digest a supervisor approves for a forgotten-password reset (P5).

    ``submission`` names one attempt (the dialog's key): a reset cancelled after approval
    and started again is a new request that needs, and can get, its own approval."""
    return approvals.request_digest(Action.RESET_PIN.value, actor,
                                    holder_id=session.holder_id, session=session.session_id,
                                    submission=submission)


@dataclass(frozen=True)
class _Subject:
    """The holder and card a password operation is about (plain data)."""

    holder_id: int
    ssn: str
    card_id: int
    card_number: str
    card_id_code: str


def _session_card(ctx: ServiceContext, session: HolderSession) -> _Subject:
    """The holder and the card of the session (the card read, or the card in use)."""
    with ctx.uow() as uow:
        db = uow.session
        holder = db.get(Holder, session.holder_id)
        card: Card | None
        if session.card_id is not None:
            card = db.get(Card, session.card_id)
        else:
            card = db.scalars(
                select(Card).where(Card.holder_id == session.holder_id,
                                   Card.state == CardState.ACTIVE)
            ).first()  # fmt: skip
        if holder is None or card is None:
            raise CardNotFound()
        if card.state != CardState.ACTIVE:
            raise CardNotActive(
                "该卡已挂失或已申请补卡，不能办理密码业务。请先核实卡片状态（解除挂失或补卡）。"
            )
        return _Subject(holder.id, holder.ssn, card.id, card.card_number, card.card_id_code)


def _read_same_card(client: SocialSecurityCardClient, card: _Subject | Card) -> CardIdentity:
    identity = client.read_identity()
    if (identity.card_id_code.upper() != card.card_id_code.upper()
            or identity.card_number != card.card_number):  # fmt: skip
        raise WrongCard()
    return identity


#: Issues a receipt in the success transaction: (session, now) -> (serial, receipt).
ReceiptIssuer = Callable[[Session, dt.datetime], tuple[str, fd.PinReceipt]]


@dataclass(frozen=True)
class _Recorded:
    event_id: int
    serial: str = ""
    receipt: fd.PinReceipt | None = None


def _record(
    ctx: ServiceContext,
    actor: Actor | None,
    kind: PasswordEventKind,
    holder_id: int,
    card_id: int | None,
    outcome: Outcome,
    detail: str | None = None,
    receipt: ReceiptIssuer | None = None,
) -> _Recorded:
    """One password event and its audit record — and, for a success with ``receipt``, the
    receipt's form serial and data — in one transaction (no secret in any of them).
    Retried on a transient conflict (each attempt a fresh transaction)."""

    def work() -> _Recorded:
        with ctx.uow() as uow:
            now = ctx.now()
            event = PasswordEvent(
                at=now, kind=kind, channel="counter", holder_id=holder_id, card_id=card_id,
                staff_id=actor.staff_id if actor else None,
                office_id=actor.office_id if actor else None,
                workstation=actor.workstation_id if actor else None,
                outcome=outcome, detail=detail,
            )  # fmt: skip
            uow.session.add(event)
            uow.session.flush()
            serial, form = "", None
            if receipt is not None and outcome is Outcome.SUCCESS:
                serial, form = receipt(uow.session, now)
            details: dict[str, object] = {"event_id": event.id}
            if serial:
                details["serial"] = serial  # the access slip lists it with the action
            audit.record(uow.session, actor, f"password.{kind.value}", holder_id=holder_id,
                         card_id=card_id, outcome=outcome.value, reason=detail,
                         details=details, at=now)  # fmt: skip
            uow.commit()
            return _Recorded(event.id, serial, form)

    return run_retrying(work)


def _receipt_issuer(
    ctx: ServiceContext,
    actor: Actor,
    subject: _Subject,
    document: IdDocumentLike,
    action: fd.PinAction,
) -> ReceiptIssuer:
    """The 密码重置/解锁回执 of ``subject``'s card, issued as a registered form."""
    reset = action is fd.PinAction.RESET
    kind = service_forms.KIND_PIN_RESET if reset else service_forms.KIND_UNBLOCK
    doc_kind, doc_number = str(document.kind), normalise_id_number(document.number)

    def issue(session: Session, now: dt.datetime) -> tuple[str, fd.PinReceipt]:
        holder = session.get(Holder, subject.holder_id)
        office = session.get(Office, actor.office_id)
        if holder is None or office is None:
            raise CardNotFound()
        # The receipt names the holder; contact details are not on it.
        holder_data = dataclasses.replace(service_forms.form_holder(holder), phone="", address="")

        def build(header: fd.FormHeader) -> fd.Form:
            return fd.PinReceipt(
                header=header, holder=holder_data, card_number=subject.card_number,
                action=action, id_document=service_forms.form_document(doc_kind, doc_number),
                retry_limit=ctx.settings.pin_retry_limit,
            )  # fmt: skip

        document_row, form = service_forms.issue_form(
            session, kind=kind, office=office, staff_id=actor.staff_id,
            holder_id=subject.holder_id, card_id=subject.card_id, at=now, build=build,
            handler=service_forms.form_staff(actor),
        )  # fmt: skip
        assert isinstance(form, fd.PinReceipt)
        return document_row.serial, form

    return issue


def _card_command(
    ctx: ServiceContext,
    actor: Actor,
    kind: PasswordEventKind,
    holder_id: int,
    card_id: int,
    command: Callable[[], None],
    receipt: ReceiptIssuer | None = None,
    detail: str | None = None,
) -> _Recorded:
    """Send the card command, then record what the card said (see the module docstring)."""
    try:
        command()
    except OutcomeUnknown as error:
        recorded = _record(ctx, actor, kind, holder_id, card_id, Outcome.UNKNOWN,
                           "卡片在命令发出后被拔出，结果待核实")  # fmt: skip
        raise PasswordOutcomeUnknown(recorded.event_id) from error
    except CardRemoved:
        _record(ctx, actor, kind, holder_id, card_id, Outcome.FAILED,
                "命令发出前卡片已被拔出，卡片未改动")  # fmt: skip
        raise
    except WrongPin as error:
        _record(ctx, actor, kind, holder_id, card_id, Outcome.FAILED,
                f"原密码错误，剩余 {error.tries_left} 次")  # fmt: skip
        raise
    except CardError as error:
        _record(ctx, actor, kind, holder_id, card_id, Outcome.FAILED,
                f"卡片拒绝：{type(error).__name__}")  # fmt: skip
        raise
    return _record(ctx, actor, kind, holder_id, card_id, Outcome.SUCCESS, detail,
                   receipt=receipt)  # fmt: skip


def _reader_pinpad(client: SocialSecurityCardClient) -> SecurePinPad | None:
    # The client keeps its transport private; the PIN pad sits on the same reader.
    transport = getattr(client, "transport", None) or getattr(client, "_transport", None)
    return SecurePinPad.detect(transport) if transport is not None else None


def _wipe(*pins: PinBuffer | None) -> None:
    for pin in pins:
        if pin is not None:
            pin.wipe()


# --------------------------------------------------------------------------- P2–P4, P7


def change_pin(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    client: SocialSecurityCardClient,
    old: PinBuffer | None,
    new1: PinBuffer | None,
    new2: PinBuffer | None,
    id_number: str | None = None,
    *,
    pinpad: SecurePinPad | None = None,
) -> PasswordResult:
    """RULES P2–P4, P7: the holder types the old PIN and the new one twice.

    When the old PIN is still the default 123456 the holder's ID number must be given and
    match (P2) — checked by comparison, never stored or logged. ``WrongPin`` (old PIN wrong,
    tries left) and other card errors propagate after being recorded as failed.

    **On the reader's PIN pad** (``old``/``new1``/``new2`` all None; ``pinpad`` the pad, or
    None to find it on the client's reader, as ``sessions.open_card_session`` does): the
    holder types all three on the pad and the card gets them in one CHANGE PIN the pad
    builds (``client.change_pin_on_pinpad``) — the PIN never enters the PC. What the
    workstation then cannot check, and what it does instead:

    - P7 (weak new PIN): the new PIN is never seen here, so 123456, six equal digits or a
      straight run cannot be refused by the workstation; only the card could, and this
      card does not. The holder is told the rule on the holder-facing screen before
      typing (the change-PIN dialog puts it on the PIN-pad notice), and the event's detail
      records that P7 was not checked. An accepted risk.
    - P2 (old PIN still 123456 → ID number first): whether the old PIN is the default is
      not known before the holder types, so on this path the ID number is *always*
      required and checked (what P4 asks at a counter anyway: a valid ID document).
    - Both new entries must match: the pad compares them (``PinMismatch``, nothing changes).
    """
    try:
        require(ctx, actor, Action.CHANGE_PIN, holder_id=session.holder_id)
        require_open(ctx, session)
        with refusals_audited(ctx, actor, AuditAction.PIN_CHANGE, holder_id=session.holder_id,
                              card_id=session.card_id):  # fmt: skip
            on_pad = pinpad is not None or (old is None and new1 is None and new2 is None)
            if not on_pad:
                if old is None or new1 is None or new2 is None:
                    raise WeakPin("请持卡人输入原密码和两次新密码。")
                check_new_pin(new1, new2)
            subject = _session_card(ctx, session)
            if on_pad or (old is not None and old.is_default()):
                if id_number is None or not id_number.strip():
                    raise IdNumberRequired()
                if not number_matches(subject, id_number):
                    raise IdDocumentMismatch("身份证号码与持卡人不一致，密码未修改。")
            _read_same_card(client, subject)
        if on_pad:
            pad = pinpad or _reader_pinpad(client)
            if pad is None or not pad.can_modify:
                raise PinPadUnavailable()
            recorded = _card_command(ctx, actor, PasswordEventKind.PIN_CHANGE,
                                     subject.holder_id, subject.card_id,
                                     lambda: client.change_pin_on_pinpad(pad),
                                     detail=PINPAD_DETAIL)  # fmt: skip
        else:
            assert old is not None and new1 is not None
            old_pin, new_pin = old, new1
            recorded = _card_command(ctx, actor, PasswordEventKind.PIN_CHANGE,
                                     subject.holder_id, subject.card_id,
                                     lambda: client.change_pin(old_pin, new_pin))  # fmt: skip
        return PasswordResult(recorded.event_id, Outcome.SUCCESS.value)
    finally:
        _wipe(old, new1, new2)


# --------------------------------------------------------------------------- P5


def reset_pin(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    client: SocialSecurityCardClient,
    document: IdDocumentLike,
    new1: PinBuffer,
    new2: PinBuffer,
    approval: approvals.ApprovalLike | None,
    submission: str = "",
) -> PasswordResult:
    """RULES P5: a forgotten PIN is reloaded after an ID check, without the old one
    (RELOAD PIN with a MAC from ``ctx.key_provider``). Four-eyes (setting ``four_eyes``):
    ``approval`` for :func:`pin_reset_digest` of the same ``submission``, consumed before
    the card is touched."""
    try:
        require(ctx, actor, Action.RESET_PIN, holder_id=session.holder_id)
        require_open(ctx, session)
        with refusals_audited(ctx, actor, AuditAction.PIN_RESET, holder_id=session.holder_id,
                              card_id=session.card_id):  # fmt: skip
            subject = _session_card(ctx, session)
            check_document(subject, document)
            check_new_pin(new1, new2)
            identity = _read_same_card(client, subject)
            with ctx.uow() as uow:
                approvals.consume(uow.session, approval, required=ctx.settings.four_eyes,
                                  digest=pin_reset_digest(actor, session, submission),
                                  actor=actor,
                                  now=ctx.now())  # fmt: skip
                uow.commit()
        key = service_forms.form_key(ctx.settings)  # before the card: a missing key refuses
        keyed = keyed_client(ctx, client)
        recorded = _card_command(
            ctx, actor, PasswordEventKind.PIN_RESET, subject.holder_id, subject.card_id,
            lambda: keyed.reload_pin(new1, expect_card_id=identity.card_id_code),
            receipt=_receipt_issuer(ctx, actor, subject, document, fd.PinAction.RESET),
        )
        return PasswordResult(recorded.event_id, Outcome.SUCCESS.value, recorded.receipt,
                              recorded.serial, key)  # fmt: skip
    finally:
        _wipe(new1, new2)


# --------------------------------------------------------------------------- P6


def unblock_pin(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    client: SocialSecurityCardClient,
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None = None,
    *,
    pin: PinBuffer | None = None,
) -> UnblockResult:
    """RULES P6: after the P5 ID check, UNBLOCK PIN (MAC) puts the retry counter back; then
    the holder verifies (``pin``). The unblock is recorded as soon as the card confirmed it;
    a wrong PIN afterwards is reported with the tries left and does not undo it."""
    try:
        require(ctx, actor, Action.UNBLOCK_PIN, holder_id=session.holder_id)
        require_open(ctx, session)
        with refusals_audited(ctx, actor, AuditAction.PIN_UNBLOCK, holder_id=session.holder_id,
                              card_id=session.card_id):  # fmt: skip
            subject = _session_card(ctx, session)
            check_document(subject, document)
            identity = _read_same_card(client, subject)
            if approval is not None:
                with ctx.uow() as uow:
                    approvals.consume(uow.session, approval, required=False,
                                      digest=approvals.request_digest(
                                          Action.UNBLOCK_PIN.value, actor,
                                          holder_id=session.holder_id,
                                          session=session.session_id),
                                      actor=actor, now=ctx.now())  # fmt: skip
                    uow.commit()
        key = service_forms.form_key(ctx.settings)  # before the card: a missing key refuses
        keyed = keyed_client(ctx, client)
        recorded = _card_command(
            ctx, actor, PasswordEventKind.PIN_UNBLOCK, subject.holder_id, subject.card_id,
            lambda: keyed.unblock_pin(expect_card_id=identity.card_id_code),
            receipt=_receipt_issuer(ctx, actor, subject, document, fd.PinAction.UNBLOCK),
        )
        verified: bool | None = None
        tries_left: int | None = None
        if pin is not None:
            try:
                client.verify(pin)
                verified = True
            except WrongPin as error:
                verified, tries_left = False, error.tries_left
        return UnblockResult(recorded.event_id, verified, tries_left, recorded.receipt,
                             recorded.serial, key)  # fmt: skip
    finally:
        _wipe(pin)


# --------------------------------------------------------------------------- P8


def reset_service_password(
    ctx: ServiceContext, actor: Actor, session: HolderSession, document: IdDocumentLike
) -> OneTimePassword:
    """RULES P8: after an ID check, a random one-time query password (digits, for phone
    keypads) — shown once, stored only as an argon2 hash, to be changed at the next use."""
    require(ctx, actor, Action.RESET_SERVICE_PASSWORD, holder_id=session.holder_id)
    require_open(ctx, session)
    with refusals_audited(ctx, actor, AuditAction.SERVICE_PASSWORD_RESET,
                          holder_id=session.holder_id):  # fmt: skip
        with ctx.uow() as uow:
            db = uow.session
            holder = db.get(Holder, session.holder_id)
            if holder is None:
                raise CardNotFound()
            check_document(holder, document)
            value = _one_time_value()
            now = ctx.now()
            row = db.get(ServicePassword, holder.id, with_for_update=True)
            if row is None:
                row = ServicePassword(holder_id=holder.id, password_hash="")
                db.add(row)
            row.password_hash = _HASHER.hash(value)
            row.must_change = True
            row.set_at = now
            row.set_by_staff_id = actor.staff_id
            row.failed_attempts = 0
            row.locked_until = None
            event = PasswordEvent(
                at=now, kind=PasswordEventKind.SERVICE_PASSWORD_RESET, channel="counter",
                holder_id=holder.id, staff_id=actor.staff_id, office_id=actor.office_id,
                workstation=actor.workstation_id, outcome=Outcome.SUCCESS,
            )  # fmt: skip
            db.add(event)
            db.flush()
            audit.record(db, actor, AuditAction.SERVICE_PASSWORD_RESET, holder_id=holder.id,
                         details={"event_id": event.id, "must_change": True},
                         at=now)  # fmt: skip
            uow.commit()
        return OneTimePassword(holder.id, value)


def _one_time_value() -> str:
    """Random digits that are not weak (P7's rule applies to query passwords too)."""
    while True:
        value = "".join(secrets.choice("0123456789") for _ in range(ONE_TIME_DIGITS))
        steps = {ord(b) - ord(a) for a, b in zip(value, value[1:], strict=False)}
        if steps not in ({0}, {1}, {-1}):
            return value


# --------------------------------------------------------------------------- unknown outcomes


def resolve_unknown_outcome(
    ctx: ServiceContext,
    actor: Actor,
    client: SocialSecurityCardClient,
    event_id: int,
    pin: PinBuffer | None = None,
    *,
    pin_is: Literal["new", "old"] = "new",
) -> str:
    """Settle an ``unknown`` password event by asking the card it was about.

    - unblock: the retry counter — above 0 means the unblock happened (``success``);
    - change / reset: the holder types a PIN; ``pin_is`` says which. The new PIN verifying
      proves the change (``success``); the old one verifying proves it did not (``failed``).
      A PIN that does not verify settles nothing: ``WrongPin`` propagates, still unknown.

    Returns the resolved outcome. The PIN is wiped before returning."""
    try:
        require(ctx, actor, Action.CHANGE_PIN)
        with ctx.uow() as uow:
            event = uow.session.get(PasswordEvent, event_id)
            if event is None or event.outcome != Outcome.UNKNOWN or event.resolved_outcome:
                raise PasswordEventNotFound()
            card = uow.session.get(Card, event.card_id) if event.card_id else None
            if card is None:
                raise CardNotFound()
            kind = PasswordEventKind(event.kind)
            subject = _Subject(event.holder_id, "", card.id, card.card_number, card.card_id_code)
        _read_same_card(client, subject)
        if kind is PasswordEventKind.PIN_UNBLOCK:
            resolved = Outcome.SUCCESS if client.pin_tries_left() > 0 else Outcome.FAILED
        else:
            if pin is None:
                raise WeakPin("请持卡人输入密码以核实结果。")
            client.verify(pin)
            if pin_is == "new":
                resolved = Outcome.SUCCESS
            else:
                resolved = Outcome.FAILED
        with ctx.uow() as uow:
            now = ctx.now()
            row = uow.session.get(PasswordEvent, event_id, with_for_update=True)
            assert row is not None
            if row.resolved_outcome is None:
                row.resolved_outcome = resolved.value
                row.resolved_at = now
                audit.record(uow.session, actor, AuditAction.PASSWORD_RESOLVE_UNKNOWN,
                             holder_id=row.holder_id, card_id=row.card_id,
                             outcome=resolved.value,
                             details={"event_id": row.id, "kind": row.kind},
                             at=now)  # fmt: skip
            uow.commit()
            return row.resolved_outcome or resolved.value
    finally:
        _wipe(pin)
