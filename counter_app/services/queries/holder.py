"""Basic info, card info and card history, public data (RULES Q2 卡基本信息, 公共数据).

Every function runs a fixed number of statements for one holder. ID numbers and phone
numbers come out masked (forms.masking); the full ID number needs an audited reveal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, select

from counter_app.models.card import IN_USE_STATES, Card, CardState
from counter_app.models.holder import Holder
from counter_app.models.loss import ACTIVE_REPORT_STATES, LossReport, ReplacementApplication
from counter_app.models.office import Office
from counter_app.models.security import Outcome, PasswordEvent, PasswordEventKind
from counter_app.services import precompiled
from counter_app.services.errors import HolderNotFound
from counter_app.services.loss_records import ReportDeadline, card_state_at, past_deadline
from counter_app.services.precompiled import Db
from counter_app.services.queries.labels import word
from counter_app.validation import district_name
from forms.localtime import SHANGHAI
from forms.masking import mask_id_number, mask_phone

GENDERS = {"1": "男", "2": "女", "9": "未说明"}
STATUSES = {"employed": "就业", "unemployed": "失业", "retired": "退休", "deceased": "死亡"}
CARD_STATES = {
    "active": "正常",
    "phone_reported_lost": "电话挂失（临时）",
    "lost": "书面挂失",
    "replacement_applied": "已申请补卡",
    "cancelled": "已注销",
}
#: How a closed loss report ended, in the card's history (``loss_reports.state``; an open or
#: confirmed report has no end yet).
LOSS_ENDS = {"lifted": "解除挂失", "lapsed": "电话挂失失效", "replaced": "挂失结束（已申请补卡）"}


# Statements built once at import (bound per call; SQLAlchemy caches their compiled form).
# The holder and their cards are plain data here: Core rows of the tables' columns, run on
# the session's connection (same transaction), skip the ORM's entity set-up and identity map.
_holders = Holder.__table__.c
_cards_t = Card.__table__.c
_HOLDER = select(*_holders).where(_holders.id == bindparam("holder_id"))
_issuer = Office.__table__.alias("issuer")
#: Every card of the holder, oldest first, with the name of the office that issued it.
_CARDS = (
    select(*_cards_t, _issuer.c.name.label("issuing_office_name"))
    .select_from(Card.__table__)
    .outerjoin(_issuer, _issuer.c.id == _cards_t.issuing_office_id)
    .where(_cards_t.holder_id == bindparam("holder_id"))
    .order_by(_cards_t.id)
)
_reports_t = LossReport.__table__
_offices_t = Office.__table__
_replacements_t = ReplacementApplication.__table__
_opened, _closed = _offices_t.alias("opened"), _offices_t.alias("closed")
#: Every loss report of the holder, with the names of the offices that took and closed it.
_REPORTS = precompiled.Precompiled(
    select(
        *_reports_t.c,
        _opened.c.name.label("office_name"),
        _closed.c.name.label("closer_name"),
    )
    .select_from(_reports_t)
    .outerjoin(_opened, _opened.c.id == _reports_t.c.office_id)
    .outerjoin(_closed, _closed.c.id == _reports_t.c.closed_office_id)
    .where(_reports_t.c.holder_id == bindparam("holder_id"))
)
_REPLACEMENTS = precompiled.Precompiled(
    select(
        _replacements_t.c.applied_at,
        _replacements_t.c.old_card_id,
        _offices_t.c.name.label("office_name"),
    )
    .select_from(_replacements_t)
    .join(_offices_t, _offices_t.c.id == _replacements_t.c.office_id)
    .where(_replacements_t.c.holder_id == bindparam("holder_id"))
)


_pin_t = PasswordEvent.__table__
_pin_office = _offices_t.alias("pin_office")
#: The password events of the holder (a few rows: the card's and the query password's),
#: with the office of those done at a counter. A password event holds no password
#: (models.security).
_PIN_EVENTS = precompiled.Precompiled(
    select(
        _pin_t.c.at,
        _pin_t.c.kind,
        _pin_t.c.channel,
        _pin_t.c.card_id,
        _pin_t.c.outcome,
        _pin_t.c.resolved_outcome,
        _pin_office.c.name.label("office_name"),
    )
    .select_from(_pin_t)
    .outerjoin(_pin_office, _pin_office.c.id == _pin_t.c.office_id)
    .where(_pin_t.c.holder_id == bindparam("holder_id"))
)
#: What a card password event is called in the card's history.
PIN_EVENT_LABELS = {
    PasswordEventKind.PIN_CHANGE.value: "修改卡密码",
    PasswordEventKind.PIN_RESET.value: "重置卡密码",
    PasswordEventKind.PIN_UNBLOCK.value: "卡密码解锁",
}
#: Where a password event was done when it was not at a counter (RULES "Channels").
PIN_CHANNELS = {"phone": "12333", "terminal": "自助终端", "web": "网上服务"}
#: Said after a password event whose outcome the card has not confirmed yet.
UNCONFIRMED = "（结果待核实）"


class ShownReport(ReportDeadline, Protocol):
    """What the card's shown state reads of its active report (a ``LossReport`` or a row
    of ``_REPORTS``)."""

    @property
    def card_id(self) -> int: ...
    @property
    def channel(self) -> str: ...
    @property
    def reported_at(self) -> dt.datetime: ...


@dataclass(frozen=True)
class BasicInfo:
    holder_id: int
    name: str
    ssn: str  # masked
    gender: str
    ethnicity: str
    birth_date: dt.date
    status: str
    household_district: str
    household_district_name: str
    phone: str  # masked


@dataclass(frozen=True)
class HolderHit:
    """One row of the counter's holder search (``services.search.find_holders``)."""

    holder_id: int
    name: str
    #: The ID number **masked** (forms.masking); the full number needs an audited reveal.
    ssn: str
    gender: str
    birth_date: dt.date
    card_number: str | None
    card_state: str | None
    #: The card's 有效期至, and whether the card is past it on the local day of the search
    #: (as :attr:`CardInfo.expired`): the hit list marks its 卡状态 as the holder header does.
    card_expiry_date: dt.date | None = None
    card_expired: bool = False


@dataclass(frozen=True)
class CardInfo:
    card_id: int
    card_number: str
    state: str
    state_label: str
    state_changed_at: dt.datetime
    issue_date: dt.date
    expiry_date: dt.date
    spec_version: str
    region_code: str
    #: When the card's open phone report (12333) was taken, if it has one in force: the
    #: written report that confirms it defaults its 遗失日期 to that day (RULES L3).
    phone_reported_at: dt.datetime | None = None
    #: When that phone report lapses (RULES L2) unless a written report confirms it.
    phone_deadline_at: dt.datetime | None = None
    #: Past its 有效期至 on the local day the card was shown.
    expired: bool = False


@dataclass(frozen=True)
class CardEvent:
    at: dt.datetime
    kind: str
    card_number: str
    office: str


@dataclass(frozen=True)
class HolderOverview:
    basic: BasicInfo
    #: The card in use (active or reported lost); with none in use, the holder's latest
    #: card (已申请补卡 or 已注销) so its number and state are shown; None without a card.
    card: CardInfo | None
    history: tuple[CardEvent, ...]


@dataclass(frozen=True)
class CardBasicView:
    basic: BasicInfo
    cards: tuple[CardInfo, ...]


@dataclass(frozen=True)
class PublicDataView:
    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date
    birthplace: str
    birthplace_name: str
    personal_status: str
    household_district: str
    household_district_name: str
    address: str


def _holder(db: Db, holder_id: int) -> Any:
    holder = precompiled.of(_HOLDER).first(db, {"holder_id": holder_id})
    if holder is None:
        raise HolderNotFound()
    return holder


def _name_of(code: str) -> str:
    try:
        return district_name(code) or ""
    except Exception:  # an unknown code is shown as the code itself
        return ""


def basic_info(holder: Holder | Any) -> BasicInfo:
    return BasicInfo(
        holder_id=holder.id,
        name=holder.name,
        ssn=mask_id_number(holder.ssn),
        gender=word(GENDERS, holder.gender, "性别"),
        ethnicity=holder.ethnicity,
        birth_date=holder.birth_date,
        status=word(STATUSES, holder.status, "人员状态"),
        household_district=holder.household_district,
        household_district_name=_name_of(holder.household_district),
        phone=mask_phone(holder.phone) if holder.phone else "",
    )


def card_info(card: Card | Any, report: ShownReport | None, now: dt.datetime) -> CardInfo:
    """The card as staff see it at ``now``; ``report`` is its active loss report, if any
    (a phone report past its deadline shows the card active again — RULES L2)."""
    state = card_state_at(card.state, report, now)
    changed = card.state_changed_at
    # The phone report in force, if the card is shown phone-reported-lost by it.
    phone = report if report is not None and report.channel == "phone" else None
    phone = phone if state == "phone_reported_lost" else None
    if state != card.state and report is not None and report.deadline_at is not None:
        changed = report.deadline_at  # lapsed at its deadline (L2), not recorded yet
    return CardInfo(
        card_id=card.id,
        card_number=card.card_number,
        state=state,
        state_label=word(CARD_STATES, state, "卡状态"),
        state_changed_at=changed,
        issue_date=card.issue_date,
        expiry_date=card.expiry_date,
        spec_version=card.spec_version,
        region_code=card.region_code,
        phone_reported_at=phone.reported_at if phone is not None else None,
        phone_deadline_at=phone.deadline_at if phone is not None else None,
        expired=card.expiry_date < now.astimezone(SHANGHAI).date(),
    )


def _cards(db: Db, holder_id: int) -> list[Any]:
    return precompiled.of(_CARDS).rows(db, {"holder_id": holder_id})


def _active_reports(reports: list[Any]) -> dict[int, Any]:
    """Each card's active report (one per card: the partial unique index)."""
    return {r.card_id: r for r in reports if r.state in ACTIVE_REPORT_STATES}


def overview(db: Db, holder_id: int, now: dt.datetime) -> HolderOverview:
    """Basic info, the card in use and the history of every card — issue, loss reports,
    replacement, password events (5 statements) — as they
    stand at ``now`` (RULES L2: a phone report past its deadline has lapsed)."""
    holder = _holder(db, holder_id)
    cards = _cards(db, holder_id)
    numbers = {c.id: c.card_number for c in cards}
    reports = _REPORTS.rows(db, {"holder_id": holder_id})
    replacements = _REPLACEMENTS.rows(db, {"holder_id": holder_id})
    events: list[CardEvent] = []
    for card in cards:
        # A card is issued on a local day: its midnight in Shanghai, not in UTC (shown 08:00).
        issued = dt.datetime.combine(card.issue_date, dt.time(), SHANGHAI)
        events.append(CardEvent(issued, "发卡", card.card_number, card.issuing_office_name or ""))
        if card.state == CardState.CANCELLED:  # e.g. the holder died (no office is recorded for it)
            events.append(CardEvent(card.state_changed_at, "卡注销", card.card_number, ""))
    for report in reports:
        office, closer = report.office_name, report.closer_name
        number = numbers.get(report.card_id, "")
        phone = report.channel == "phone"
        # A phone report was taken by 12333, whatever office later confirmed it in writing:
        # confirming sets the report's office, but the phone report's row does not change.
        kind, reported_by = ("电话挂失", "12333") if phone else ("书面挂失", office or "")
        events.append(CardEvent(report.reported_at, kind, number, reported_by))
        if report.confirmed_at and phone:
            events.append(CardEvent(report.confirmed_at, "书面挂失确认", number, office or ""))
        if report.closed_at:
            # A replacement application closes the report; the new card comes later.
            label = word(LOSS_ENDS, report.state, "挂失状态")
            events.append(CardEvent(report.closed_at, label, number, closer or ""))
        elif report.deadline_at is not None and past_deadline(report, now):
            # Lapsed at its deadline, not recorded yet (RULES L2).
            events.append(CardEvent(report.deadline_at, "电话挂失失效", number, ""))
    for application in replacements:
        number = numbers.get(application.old_card_id, "")
        events.append(
            CardEvent(application.applied_at, "补卡申请", number, application.office_name)
        )
    events += _pin_events(db, holder_id, numbers)
    events.sort(key=lambda e: e.at, reverse=True)
    in_use = next((c for c in reversed(cards) if c.state in IN_USE_STATES), None)
    active = _active_reports(reports)
    if in_use is not None:
        shown: CardInfo | None = card_info(in_use, active.get(in_use.id), now)
    else:  # RULES R1/U4: staff see the replaced (or cancelled) card and why it is out of use
        shown = card_info(cards[-1], None, now) if cards else None
    return HolderOverview(basic_info(holder), shown, tuple(events))


def _pin_events(db: Db, holder_id: int, numbers: dict[int, str]) -> list[CardEvent]:
    """The card's password changes, resets and unblocks wherever they were done (RULES P2–P6;
    "Channels": the counter shows what the phone line and the terminals recorded): when,
    what, the card, the office or channel — those the card confirmed, and those whose
    outcome it has not told yet (marked). One statement. Never a PIN: none is stored."""
    events = []
    for e in _PIN_EVENTS.rows(db, {"holder_id": holder_id}):
        if e.kind not in PIN_EVENT_LABELS:  # the query password is not the card's (P8)
            continue
        if e.outcome not in (Outcome.SUCCESS, Outcome.UNKNOWN):
            continue  # refused or failed: the card did not change
        if e.outcome == Outcome.UNKNOWN and e.resolved_outcome not in (None, "success"):
            continue  # the card showed it did not happen (pin_outcomes)
        kind = word(PIN_EVENT_LABELS, e.kind, "密码业务")
        if e.outcome == Outcome.UNKNOWN and e.resolved_outcome is None:
            kind += UNCONFIRMED
        where = e.office_name if e.channel == "counter" else PIN_CHANNELS.get(e.channel)
        events.append(CardEvent(e.at, kind, numbers.get(e.card_id, ""), where or ""))
    return events


def card_basic(db: Db, holder_id: int, now: dt.datetime) -> CardBasicView:
    """卡基本信息: the holder and every card they had (3 statements), each card's state as
    it stands at ``now`` (RULES L2)."""
    holder = _holder(db, holder_id)
    active = _active_reports(_REPORTS.rows(db, {"holder_id": holder_id}))
    return CardBasicView(
        basic_info(holder),
        tuple(card_info(c, active.get(c.id), now) for c in _cards(db, holder_id)),
    )


def public_data(db: Db, holder_id: int) -> PublicDataView:
    """公共数据 (1 statement)."""
    h = _holder(db, holder_id)
    return PublicDataView(
        name=h.name,
        gender=word(GENDERS, h.gender, "性别"),
        ethnicity=h.ethnicity,
        birth_date=h.birth_date,
        birthplace=h.birthplace,
        birthplace_name=_name_of(h.birthplace),
        personal_status=word(STATUSES, h.status, "人员状态"),
        household_district=h.household_district,
        household_district_name=_name_of(h.household_district),
        address=h.address or "",
    )
