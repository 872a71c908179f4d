"""Loss reports as staff see them, and the card look-ups every loss use case shares (RULES L4).

:class:`LossReportView` is a report as plain data; :class:`LossAlreadyReported` refuses a
second report showing the existing one (L4). :func:`active_report` finds a card's one
active report (the database's partial unique index allows one per card);
:func:`card_in_use` locks the holder's card in use before its state is read (SCALING.md
§0.2); :func:`report_in_force` is the report as it stands now — a phone report past its
deadline has lapsed (L2) whether or not lapse processing ran. Used by the phone and written
reports, lifting and replacement.

Their statements are built once at import; :func:`active_report_row` and
:func:`report_row_in_force` read the report precompiled (``services/precompiled.py``) as a
plain row, for a use case that needs no ORM object of it (the written report).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import IN_USE_STATES, Card, CardState
from counter_app.models.loss import (
    ACTIVE_REPORT_STATES,
    LossChannel,
    LossKind,
    LossReport,
    LossState,
)
from counter_app.services import audit
from counter_app.services.concurrency import cas_card_state, cas_report_state, states_in
from counter_app.services.context import Actor
from counter_app.services.errors import CardAlreadyReportedLost, ConcurrentChange
from counter_app.services.precompiled import Precompiled
from forms import data as fd

_KIND_TEXT = {"temporary": "电话临时挂失", "written": "书面挂失"}


@dataclass(frozen=True)
class LossReportView:
    """A loss report as staff see it (plain data)."""

    id: int
    card_id: int
    holder_id: int
    card_number: str
    channel: str
    kind: str
    state: str
    reported_at: dt.datetime
    deadline_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    form_serial: str | None
    office_id: int | None

    def describe(self) -> str:
        """The report in words: a written one at its own time (RULES L3), with the phone
        report it confirmed and when that was taken."""
        when = fd.format_datetime(written_at(self))
        serial = f"，挂失登记表编号 {self.form_serial}" if self.form_serial else ""
        phone = ""
        if self.kind == LossKind.WRITTEN and self.channel == LossChannel.PHONE:
            phone = f"，确认 {fd.format_datetime(self.reported_at)} 的电话挂失"
        return f"{_KIND_TEXT.get(self.kind, self.kind)}（{when}{serial}{phone}）"


class LossAlreadyReported(CardAlreadyReportedLost):
    """RULES L4: a card already reported lost; ``existing`` is the report staff are shown."""

    def __init__(self, existing: LossReportView) -> None:
        self.existing = existing
        super().__init__(f"{CardAlreadyReportedLost.message}已有挂失：{existing.describe()}。")


class ReportFields(Protocol):
    """What staff are shown of a report: a ``LossReport``, or its row read precompiled."""

    @property
    def id(self) -> int: ...
    @property
    def card_id(self) -> int: ...
    @property
    def holder_id(self) -> int: ...
    @property
    def channel(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def reported_at(self) -> dt.datetime: ...
    @property
    def deadline_at(self) -> dt.datetime | None: ...
    @property
    def confirmed_at(self) -> dt.datetime | None: ...
    @property
    def form_serial(self) -> str | None: ...
    @property
    def office_id(self) -> int | None: ...


class ReportTimes(Protocol):
    """When a report was made: what :func:`written_at` reads (a ``LossReport``, its row, a
    ``LossReportView``)."""

    @property
    def kind(self) -> str: ...
    @property
    def reported_at(self) -> dt.datetime: ...
    @property
    def confirmed_at(self) -> dt.datetime | None: ...


def written_at(report: ReportTimes) -> dt.datetime:
    """When the report was made as staff must be told it: a written report at the time it was
    written (RULES L3) — a phone report it confirmed keeps ``reported_at``, the 12333 call's
    time, on the same row, and ``confirmed_at`` is the written report's — any other report at
    ``reported_at``."""
    if report.kind == LossKind.WRITTEN and report.confirmed_at is not None:
        return report.confirmed_at
    return report.reported_at


def report_view(report: ReportFields, card_number: str) -> LossReportView:
    return LossReportView(
        id=report.id,
        card_id=report.card_id,
        holder_id=report.holder_id,
        card_number=card_number,
        channel=report.channel,
        kind=report.kind,
        state=report.state,
        reported_at=report.reported_at,
        deadline_at=report.deadline_at,
        confirmed_at=report.confirmed_at,
        form_serial=report.form_serial,
        office_id=report.office_id,
    )


_ACTIVE_REPORT = (
    select(LossReport)
    .where(LossReport.card_id == bindparam("card_id"))
    .where(LossReport.state.in_(ACTIVE_REPORT_STATES))
    .execution_options(populate_existing=True)
)


def active_report(session: Session, card_id: int) -> LossReport | None:
    """The card's one active report (open or confirmed), if any."""
    return session.scalars(_ACTIVE_REPORT, {"card_id": card_id}).first()


_reports = LossReport.__table__.c
_ACTIVE_REPORT_ROW = Precompiled(
    select(LossReport.__table__).where(
        _reports.card_id == bindparam("card_id"), states_in(_reports.state, ACTIVE_REPORT_STATES)
    )
)


def active_report_row(session: Session, card_id: int) -> Any | None:
    """:func:`active_report` as a plain row (the ``loss_reports`` columns by name), read
    precompiled: for a use case that changes the report only by compare-and-set."""
    return _ACTIVE_REPORT_ROW.first(session, {"card_id": card_id})


class ReportDeadline(Protocol):
    """What RULES L2 reads of a report: a ``LossReport``, or a search hit's columns."""

    @property
    def kind(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def deadline_at(self) -> dt.datetime | None: ...


def past_deadline(report: ReportDeadline, now: dt.datetime) -> bool:
    """RULES L2: an open phone (temporary) report whose deadline has passed has lapsed —
    the moment the deadline passes, whether or not lapse processing has run."""
    return (
        report.kind == LossKind.TEMPORARY
        and report.state == LossState.OPEN
        and report.deadline_at is not None
        and report.deadline_at <= now
    )


def card_state_at(stored: str, report: ReportDeadline | None, now: dt.datetime) -> str:
    """The card's state as staff must be shown it at ``now`` (RULES L2): a card held as
    phone-reported-lost whose open phone report (``report``: the card's active report, or
    None) is :func:`past_deadline` is active again, whether or not its lapse was recorded."""
    if (
        stored == CardState.PHONE_REPORTED_LOST
        and report is not None
        and past_deadline(report, now)
    ):
        return CardState.ACTIVE.value
    return stored


def report_in_force(
    session: Session, card_id: int, now: dt.datetime, *, record: bool = True
) -> LossReport | None:
    """The card's active report as it stands at ``now`` (RULES L2), or None.

    A phone report past its deadline is not in force. With ``record`` (the caller holds the
    card's lock in a writing transaction) its lapse is also recorded here —
    :func:`lapse_one`: report lapsed, card back to active, audited — so the new report,
    replacement or lift that follows starts from the state the rules say the card is in;
    lapse processing (``counter-admin loss lapse``) only records what is already so."""
    report = active_report(session, card_id)
    return report if _in_force(session, report, card_id, now, record) else None


def report_row_in_force(session: Session, card_id: int, now: dt.datetime) -> Any | None:
    """:func:`report_in_force` (its lapse recorded) as a plain row (:func:`active_report_row`)."""
    report = active_report_row(session, card_id)
    return report if _in_force(session, report, card_id, now, True) else None


def _in_force(
    session: Session, report: ReportToLapse | None, card_id: int, now: dt.datetime, record: bool
) -> bool:
    if report is None:
        return False
    if not past_deadline(report, now):
        return True
    if record:
        lapse_one(session, report, card_id, now)
    return False


class ReportToLapse(ReportDeadline, Protocol):
    """What lapsing a report reads of it (:func:`lapse_one`)."""

    @property
    def id(self) -> int: ...
    @property
    def holder_id(self) -> int: ...


def lapse_one(session: Session, report: ReportToLapse, card_id: int, now: dt.datetime) -> bool:
    """Record that an open phone report lapsed (L2): report → lapsed, the card back to
    active, audited. False when the report was no longer open (another window got there)."""
    if not cas_report_state(
        session, report.id, [LossState.OPEN], state=LossState.LAPSED, closed_at=now
    ):
        return False
    cas_card_state(session, card_id, [CardState.PHONE_REPORTED_LOST], CardState.ACTIVE, now)
    audit.record(
        session,
        None,
        AuditAction.LOSS_LAPSED,
        holder_id=report.holder_id,
        card_id=card_id,
        details={"report_id": report.id, "deadline_at": report.deadline_at},
        at=now,
        workstation="system",
    )
    return True


_CARD_IN_USE = (
    select(Card)
    .where(Card.holder_id == bindparam("holder_id"), Card.state.in_(IN_USE_STATES))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def card_in_use(session: Session, holder_id: int) -> Card | None:
    """The holder's card in use (at most one: ``uq_cards_holder_in_use``), locked.

    One ``SELECT … FOR UPDATE``: PostgreSQL checks the row again once its lock is granted,
    so a card another window replaced meanwhile (R2) is not returned; SQLite's writer holds
    the database's write lock already."""
    card = session.scalars(_CARD_IN_USE, {"holder_id": holder_id}).first()
    # Checked again as loaded: only a card in use is the holder's card in use.
    return card if card is not None and card.state in IN_USE_STATES else None


def close_report(
    session: Session,
    report: LossReport,
    *,
    card_to: CardState,
    report_to: LossState,
    actor: Actor,
    now: dt.datetime,
) -> None:
    """End ``report`` as ``report_to`` (lifted, U1; replaced, R2) and move its card from a
    lost state to ``card_to``: two compare-and-set updates in the caller's transaction, so
    whichever window changes the card first wins and the other gets
    :class:`ConcurrentChange` (nothing of it applied)."""
    lost = [CardState.LOST, CardState.PHONE_REPORTED_LOST]
    if not cas_card_state(session, report.card_id, lost, card_to, now):
        raise ConcurrentChange()
    closing = {
        "state": report_to,
        "closed_at": now,
        "closed_office_id": actor.office_id,
        "closed_staff_id": actor.staff_id,
    }
    if not cas_report_state(session, report.id, [LossState.OPEN, LossState.CONFIRMED], **closing):
        raise ConcurrentChange()
    # ``report`` now holds the closing values: the compare-and-set mirrors them (no reload).
