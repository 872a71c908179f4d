"""The rules of lifting a loss report (解除挂失, RULES U1–U5) as a checklist.

:func:`check_lift` explains each rule as one line (passed / failed + Chinese reason) for the
card read from the chip and the document shown, before anything is done; the lift itself
(``lifting``) refuses with the first failed line's error, checked again under the card's
lock. Reads only: nothing here changes or audits anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.card import Card, CardState
from counter_app.models.holder import Holder
from counter_app.models.loss import LossChannel, LossKind, LossReport
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    IdDocumentNotAccepted,
    NoActiveLossReport,
    NotPermitted,
    ReplacementAlreadyApplied,
    ServiceError,
    WrongCard,
    WrongDistrict,
)
from counter_app.services.holder_presence import deceased
from counter_app.services.idcheck import LIFT_DOCUMENTS, IdDocumentLike, check_id, id_check_text
from counter_app.services.loss_records import report_in_force, written_at
from counter_app.services.permissions import Action, OfficeKind
from counter_app.validation.regions import district_name
from forms import data as fd
from forms.masking import mask_card_number
from reader.identity import APP_BLOCKED, CardIdentity


@dataclass(frozen=True)
class LiftCheck:
    """One rule of the lift: ``passed`` None means "checked when the holder types the PIN"."""

    rule: str
    label: str
    passed: bool | None
    reason: str


@dataclass(frozen=True)
class LiftChecklist:
    lines: tuple[LiftCheck, ...]
    card_id: int | None
    holder_id: int | None
    report_id: int | None
    app_blocked: bool
    #: The first refusal, as the error the lift would raise (None: nothing refused).
    refusal: ServiceError | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return all(line.passed is not False for line in self.lines)


class _Lines:
    """The checklist being written: its lines and the first refusal among them."""

    def __init__(self) -> None:
        self.lines: list[LiftCheck] = []
        self.refusal: ServiceError | None = None

    def add(
        self,
        rule: str,
        label: str,
        ok: bool | None,
        reason: str,
        error: ServiceError | None = None,
    ) -> None:
        self.lines.append(LiftCheck(rule, label, ok, reason))
        if ok is False and self.refusal is None:
            self.refusal = error or ServiceError(reason)


def check_lift(
    ctx: ServiceContext, actor: Actor, identity: CardIdentity, document: IdDocumentLike | None
) -> LiftChecklist:
    """RULES U1–U5 for the card read from the chip and the document shown, one line each;
    ``document`` None: the rules the card alone decides, asked as soon as it is read (the
    document's lines wait, ``passed`` None). Reads only; nothing is changed or audited (the
    lift itself is)."""
    with ctx.uow() as uow:
        return checklist(ctx, uow.session, actor, identity, document, ctx.now())


def checklist(
    ctx: ServiceContext,
    session: Session,
    actor: Actor,
    identity: CardIdentity,
    document: IdDocumentLike | None,
    now: dt.datetime,
) -> LiftChecklist:
    """:func:`check_lift` in the caller's transaction (the lift runs it again under the
    card's lock): channel and office (U3, U2), the card (U5, U4, U1), the holder's district
    and document (U2), the chip's state and the PIN still to come (U5)."""
    lines = _Lines()
    lines.add("U3", "办理渠道", True, "窗口办理（解除挂失不能通过电话办理）")
    may = actor.may(Action.LIFT_LOSS_REPORT) and actor.office_kind == OfficeKind.DISTRICT_SUBCENTER
    why_not = actor.why_not(Action.LIFT_LOSS_REPORT)
    lines.add(
        "U2", "办理机构", may, "区县医疗保险分中心" if may else why_not, NotPermitted(why_not)
    )
    card, report = _card_lines(lines, session, identity, now)
    holder = session.get(Holder, card.holder_id) if card is not None else None
    if holder is not None:
        dead = deceased(session, holder.id, holder.status)
        if dead is not None:  # Q7: the holder brings card and document in person (U2, U5)
            lines.add("U2", "持卡人本人", False, str(dead), dead)
        _holder_lines(lines, ctx, actor, holder, document)
    blocked = identity.app_state == APP_BLOCKED
    if blocked:
        lines.add("U5", "芯片状态", True, "社保应用已被临时锁定，解挂时将发送应用解锁指令")
    lines.add("U5", "持卡人密码", None, "解挂时由持卡人本人输入卡密码验证")
    return LiftChecklist(
        tuple(lines.lines),
        card.id if card else None,
        holder.id if holder else None,
        report.id if report else None,
        blocked,
        lines.refusal,
    )


def _card_lines(
    lines: _Lines, session: Session, identity: CardIdentity, now: dt.datetime
) -> tuple[Card | None, LossReport | None]:
    """U5: the very card reported lost (卡识别码 and card number); U4: not replaced; U1: its
    loss report in force. Returns the card and that report."""
    card = session.scalars(
        select(Card).where(Card.card_id_code == identity.card_id_code.upper())
    ).first()
    same_card = card is not None and card.card_number == identity.card_number
    lines.add(
        "U5",
        "原卡核验",
        same_card,
        f"芯片读取的卡号 {mask_card_number(identity.card_number)} 与挂失记录一致"
        if same_card
        else "读卡器中的卡不是本系统登记的挂失卡（卡识别码或卡号不符）",
        WrongCard(),
    )
    if card is None:
        return None, None
    # L2: a phone report past its deadline has lapsed — there is nothing left to lift.
    report = report_in_force(session, card.id, now, record=False)
    replaced = card.state == CardState.REPLACEMENT_APPLIED
    lines.add(
        "U4",
        "未申请补卡",
        not replaced,
        "尚未申请补卡" if not replaced else ReplacementAlreadyApplied.message,
        ReplacementAlreadyApplied(),
    )
    if not replaced:
        lines.add(
            "U1",
            "有效挂失",
            report is not None,
            _report_text(report) if report is not None else NoActiveLossReport.message,
            NoActiveLossReport(),
        )
    return card, report


def _holder_lines(
    lines: _Lines,
    ctx: ServiceContext,
    actor: Actor,
    holder: Holder,
    document: IdDocumentLike | None,
) -> None:
    """U2: the holder's own district, a resident ID card or household-register certificate,
    and that document checked against the holder (IDCARD.md: number, chip name and
    validity, the manual-forbidden setting)."""
    own = actor.district_code is not None and actor.district_code == holder.household_district
    home = district_name(holder.household_district) or holder.household_district
    lines.add(
        "U2",
        "所属区县",
        own,
        f"持卡人户籍属{home}，本机构可以办理"
        if own
        else f"持卡人户籍属{home}，须到{home}医疗保险分中心办理",
        # The refusal names the office to send the holder to (the clerk reads it whole).
        WrongDistrict(f"解除挂失须到持卡人户籍所属的{home}医疗保险分中心办理。请引导持卡人前往。"),
    )
    if document is None:
        lines.add("U2", "证件类别", None, "待核验居民身份证或户籍证明")
        return
    kind_ok = document.kind in LIFT_DOCUMENTS
    lines.add(
        "U2",
        "证件类别",
        kind_ok,
        "居民身份证或户籍证明" if kind_ok else IdDocumentNotAccepted.message,
        IdDocumentNotAccepted(),
    )
    if not kind_ok:
        return
    id_error = _id_error(ctx, holder, document)
    lines.add(
        "U2",
        "证件号码",
        id_error is None,
        f"{id_check_text(document)}：证件与持卡人一致" if id_error is None else str(id_error),
        id_error,
    )


def _id_error(ctx: ServiceContext, holder: Holder, document: IdDocumentLike) -> ServiceError | None:
    """RULES U2's ID check (``idcheck.check_id``) as a checklist line's refusal, or None."""
    try:
        check_id(ctx, Action.LIFT_LOSS_REPORT, holder, document, LIFT_DOCUMENTS)
    except ServiceError as error:
        return error
    return None


def _report_text(report: LossReport) -> str:
    """The report in force, at its own time: a written report that confirmed a 12333 phone
    report (RULES L3: the same row, ``reported_at`` still the call's time) names both."""
    serial = f"，编号 {report.form_serial}" if report.form_serial else ""
    phone = fd.format_datetime(report.reported_at)
    if report.kind != LossKind.WRITTEN:
        return f"电话临时挂失于 {phone}{serial}"
    written = f"书面挂失于 {fd.format_datetime(written_at(report))}{serial}"
    if report.channel == LossChannel.PHONE:
        return f"电话挂失于 {phone}，{written}"
    return written
