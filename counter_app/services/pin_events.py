"""Password events: what the card confirmed, recorded (RULES P2–P6 — the shared part).

**Card and database never disagree.** Before the card is touched, the password event is
written ahead as ``unknown`` ("办理中") in its own committed transaction — a database that is
down refuses the operation while the card is still unchanged. Then the card command
(:func:`run_card_step`); then the event is settled: ``success`` only when the card confirmed
it. A card that was pulled before the command went out (``CardRemoved``) changed nothing:
``failed``. A command that went out but whose answer was lost (``OutcomeUnknown``) stays
``unknown`` and :class:`PasswordOutcomeUnknown` is raised. A card that confirmed while the
database went away before the event was settled leaves the written-ahead ``unknown`` row
(:class:`PasswordRecordPending`) — never a change the history does not know of.
``pin_outcomes.resolve_unknown_outcome`` settles both later by asking the card.

Also here, because the PIN change (``pin_change``) and the reset/unblock (``pin_reset``)
both need them: the P7 check of a new PIN (:func:`check_new_pin`), the holder and card a
session is about, the same-card check, :func:`wipe` of the caller's ``PinBuffer``\\ s, and
the result types. No PIN digit reaches a log, an audit record, the database or an
exception text: nothing here takes one except :func:`check_new_pin` and :func:`wipe`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.card import Card, CardState
from counter_app.models.holder import Holder
from counter_app.models.security import Outcome, PasswordEvent, PasswordEventKind
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    NOT_THE_HOLDERS_CARD,
    CardNotActive,
    CardNotFound,
    ConcurrentChange,
    DatabaseUnavailable,
    OutcomeUnknownRecorded,
    PasswordEventNotFound,
    PinEntriesDiffer,
    WeakPin,
    WrongCard,
)
from counter_app.services.form_result import CarriesForm
from counter_app.services.sessions import HolderSession
from counter_app.services.uow import run_retrying
from forms import data as fd
from reader.client import SocialSecurityCardClient
from reader.errors import CardError, CardRemoved, NewPinRefused, OutcomeUnknown, WrongPin
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer

#: RULES P1: a holder's card PIN has 6 digits.
PIN_DIGITS = 6


class WithReceipt(CarriesForm):
    """The registered receipt of a reset or unblock (None for a PIN change) and its PDF."""

    receipt: fd.PinReceipt | None
    serial: str
    form_key: bytes

    @property
    def form(self) -> fd.PinReceipt | None:
        return self.receipt

    def printable(self) -> fd.Form | None:
        return self.receipt


@dataclass(frozen=True)
class PasswordResult(WithReceipt):
    event_id: int
    outcome: str
    receipt: fd.PinReceipt | None = None
    serial: str = ""
    form_key: bytes = field(repr=False, default=b"")


class PasswordOutcomeUnknown(OutcomeUnknownRecorded):
    """The card command went out, its answer was lost; ``event_id`` is the ``unknown``
    password event to settle with :func:`resolve_unknown_outcome`."""

    def __init__(self, event_id: int) -> None:
        self.event_id = event_id
        super().__init__()


class PasswordRecordPending(PasswordOutcomeUnknown):
    """The card confirmed, but the database went away before the event was settled: the
    written-ahead ``unknown`` event ``event_id`` stands until it is resolved."""

    message = (
        "卡片已完成操作，但数据库暂时无法登记结果，已记录为“待核实”。"
        "数据库恢复后，请持卡人重新插卡核实。"
    )


# --------------------------------------------------------------------------- helpers


def check_new_pin(new1: PinBuffer, new2: PinBuffer) -> None:
    """RULES P7 (and P1): both entries equal, 6 digits, not weak — before the card is touched."""
    NewPinFacts.of(new1, new2).check()


@dataclass(frozen=True)
class NewPinFacts:
    """What RULES P7 needs to know of a new PIN typed twice — never a digit of it: its
    length, whether both entries match, whether it is weak. The counter where the PIN is
    typed sends these to counter-server, which refuses (and audits) as in-process."""

    digits: int
    entries_match: bool
    weak: bool

    @classmethod
    def of(cls, new1: PinBuffer, new2: PinBuffer) -> NewPinFacts:
        return cls(len(new1), new1.matches(new2), new1.is_weak())

    def check(self) -> None:
        """The P7 refusal these facts call for (strict: anything but a clean answer refuses)."""
        if self.entries_match is not True:
            raise PinEntriesDiffer()
        if self.digits != PIN_DIGITS:
            raise WeakPin("新密码须为 6 位数字。请持卡人重新设置。")
        if self.weak is not False:
            raise WeakPin()


@dataclass(frozen=True)
class Subject:
    """The holder and card a password operation is about (plain data)."""

    holder_id: int
    ssn: str
    card_id: int
    card_number: str
    card_id_code: str
    #: The registered name, compared with an ID card's chip (IDCARD.md; idcheck).
    name: str | None = None


def session_card(ctx: ServiceContext, session: HolderSession) -> Subject:
    """The holder and the card of the session (the card read, or the card in use)."""
    with ctx.uow() as uow:
        db = uow.session
        holder = db.get(Holder, session.holder_id)
        card: Card | None
        if session.card_id is not None:
            card = db.get(Card, session.card_id)
        else:
            card = db.scalars(
                select(Card).where(
                    Card.holder_id == session.holder_id, Card.state == CardState.ACTIVE
                )
            ).first()
        if holder is None or card is None:
            raise CardNotFound()
        if card.state != CardState.ACTIVE:
            raise CardNotActive(
                "该卡已挂失或已申请补卡，不能办理密码业务。请先核实卡片状态（解除挂失或补卡）。"
            )
        return Subject(
            holder.id, holder.ssn, card.id, card.card_number, card.card_id_code, holder.name
        )


def read_same_card(client: SocialSecurityCardClient, card: Subject | Card) -> CardIdentity:
    return same_card(client.read_identity(), card)


def same_card(identity: CardIdentity, card: Subject | Card) -> CardIdentity:
    """``identity`` (read from the chip) is ``card``'s: 卡识别码 and card number."""
    if (
        identity.card_id_code.upper() != card.card_id_code.upper()
        or identity.card_number != card.card_number
    ):
        raise WrongCard(NOT_THE_HOLDERS_CARD)
    return identity


def pending_event(
    ctx: ServiceContext, actor: Actor, subject: Subject, event_id: int, kind: PasswordEventKind
) -> None:
    """The card step's report names a written-ahead event of this staff member about this
    card, of this kind, still pending — else ``PasswordEventNotFound`` (a workstation cannot
    settle another event)."""
    with ctx.uow() as uow:
        event = uow.session.get(PasswordEvent, event_id)
        if (
            event is None
            or event.staff_id != actor.staff_id
            or event.card_id != subject.card_id
            or event.kind != kind
            or event.outcome != Outcome.UNKNOWN
            or event.detail != PENDING_DETAIL
        ):
            raise PasswordEventNotFound()


#: Issues a receipt in the success transaction: (session, now) -> (serial, receipt).
ReceiptIssuer = Callable[[Session, dt.datetime], tuple[str, fd.PinReceipt]]


@dataclass(frozen=True)
class Recorded:
    event_id: int
    serial: str = ""
    receipt: fd.PinReceipt | None = None


#: The written-ahead detail of a password event whose card command is under way.
PENDING_DETAIL = "办理中：卡片命令发出前已登记，结果待登记"


def open_event(
    ctx: ServiceContext,
    actor: Actor,
    kind: PasswordEventKind,
    holder_id: int,
    card_id: int,
) -> int:
    """Write the event ahead as ``unknown`` and commit, before the card is touched."""

    def work() -> int:
        with ctx.uow() as uow:
            event = PasswordEvent(
                at=ctx.now(),
                kind=kind,
                channel="counter",
                holder_id=holder_id,
                card_id=card_id,
                staff_id=actor.staff_id,
                office_id=actor.office_id,
                workstation=actor.workstation_id,
                outcome=Outcome.UNKNOWN,
                detail=PENDING_DETAIL,
            )
            uow.session.add(event)
            uow.session.flush()
            uow.commit()
            return event.id

    return run_retrying(work)


def settle_event(
    ctx: ServiceContext,
    actor: Actor,
    event_id: int,
    outcome: Outcome,
    detail: str | None = None,
    receipt: ReceiptIssuer | None = None,
    details: Mapping[str, str] | None = None,
) -> Recorded:
    """Settle a written-ahead event with what the card said, with its audit record (and a
    success's receipt) in one transaction. Retried on a transient conflict. ``details``
    (plain strings, e.g. how the ID check was made) join the audit record's details."""

    def work() -> Recorded:
        with ctx.uow() as uow:
            now = ctx.now()
            event = uow.session.get(PasswordEvent, event_id, with_for_update=True)
            if event is None:
                raise PasswordEventNotFound()
            event.outcome = outcome
            event.detail = detail
            serial, form = "", None
            if receipt is not None and outcome is Outcome.SUCCESS:
                serial, form = receipt(uow.session, now)
            audit_details: dict[str, object] = dict(details or {})
            audit_details["event_id"] = event.id
            if serial:
                audit_details["serial"] = serial  # the access slip lists it with the action
            audit.record(
                uow.session,
                actor,
                f"password.{event.kind}",
                holder_id=event.holder_id,
                card_id=event.card_id,
                outcome=outcome.value,
                reason=detail,
                details=audit_details,
                at=now,
            )
            uow.commit()
            return Recorded(event.id, serial, form)

    return run_retrying(work)


@dataclass(frozen=True)
class CardReport:
    """What the card said to a password command, as plain data: what the workstation that
    holds the card reports to the server, which records it (:func:`record_card_report`).

    ``outcome``: ``success``; ``unknown`` (sent, answer lost); ``removed`` (pulled before
    the command went out); ``wrong_pin`` (``tries_left``); ``weak`` (the card refused the
    new PIN, RULES P7); ``refused`` (another card error, ``error`` its class name)."""

    outcome: str
    tries_left: int | None = None
    error: str = ""


def run_card_step(command: Callable[[], None]) -> tuple[CardReport, CardError | None]:
    """Send the card command (where the card is) and say what happened; the card's own
    error is returned, to be raised after the outcome is recorded (:func:`raise_card_error`)."""
    try:
        command()
    except OutcomeUnknown as error:
        return CardReport("unknown"), error
    except CardRemoved as error:
        return CardReport("removed"), error
    except WrongPin as error:
        return CardReport("wrong_pin", error.tries_left), error
    except NewPinRefused as error:  # P7 judged by the card (PIN pad: the host never saw it)
        return CardReport("weak"), error
    except CardError as error:
        return CardReport("refused", error=type(error).__name__[:60]), error
    return CardReport("success"), None


def record_card_report(
    ctx: ServiceContext,
    actor: Actor,
    event_id: int,
    report: CardReport,
    receipt: ReceiptIssuer | None = None,
    detail: str | None = None,
    details: Mapping[str, str] | None = None,
) -> Recorded:
    """Settle the written-ahead event ``event_id`` with the card's answer (module docstring).
    A success the database cannot record raises :class:`PasswordRecordPending`; a failure
    or an unknown outcome that cannot be recorded leaves the ``unknown`` row as it is."""
    if report.outcome == "success":
        try:
            return settle_event(
                ctx, actor, event_id, Outcome.SUCCESS, detail, receipt=receipt, details=details
            )
        except (DatabaseUnavailable, ConcurrentChange) as error:
            raise PasswordRecordPending(event_id) from error
    outcome, why = Outcome.FAILED, f"卡片拒绝：{report.error or '卡片错误'}"
    if report.outcome == "unknown":
        outcome, why = Outcome.UNKNOWN, "卡片在命令发出后被拔出，结果待核实"
    elif report.outcome == "removed":
        why = "命令发出前卡片已被拔出，卡片未改动"
    elif report.outcome == "wrong_pin":
        why = f"原密码错误，剩余 {report.tries_left} 次"
    elif report.outcome == "weak":
        why = "卡片拒绝：新密码过于简单，卡片未改动"
    try:
        settle_event(ctx, actor, event_id, outcome, why, details=details)
    except (DatabaseUnavailable, ConcurrentChange):
        pass  # stays "unknown": resolving it asks the card
    return Recorded(event_id)


def raise_card_error(event_id: int, report: CardReport, error: CardError | None) -> None:
    """After the outcome is recorded: the error the use case raises for a card that did not
    confirm (an unknown outcome names its event; a weak PIN is the service's ``WeakPin``)."""
    if error is None:
        return
    if report.outcome == "unknown":
        raise PasswordOutcomeUnknown(event_id) from error
    if report.outcome == "weak":
        raise WeakPin(str(error)) from error
    raise error


def wipe(*pins: PinBuffer | None) -> None:
    for pin in pins:
        if pin is not None:
            pin.wipe()
