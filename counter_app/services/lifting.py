"""Lifting a loss report (解除挂失, RULES U1–U5).

Only at the holder's own district medical insurance sub-center (U2), never by phone (U3: no
phone entry point exists — ``report_loss_by_phone`` is the 12333 seam's only loss verb),
with a resident ID card or household-register certificate (U2), before any replacement
application (U1, U4), for the very card reported lost — read from its chip, 卡识别码 and
card number — whose PIN the holder types (U5).

:func:`check_lift` explains each rule as one line (passed / failed + Chinese reason) before
anything is done. :func:`lift_loss_report` does the card step first — APPLICATION UNBLOCK
when a hospital terminal blocked the chip, then the holder's PIN — and writes the lift only
when the card confirmed; if the card step fails, the lift does not happen (and a chip it
unblocked is blocked again, best effort).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import Card, CardState
from counter_app.models.forms import FormDocument
from counter_app.models.holder import Holder
from counter_app.models.loss import LossKind, LossReport, LossState
from counter_app.models.office import Office
from counter_app.models.security import IdempotencyKey
from counter_app.services import approvals, audit
from counter_app.services import registered_forms as service_forms
from counter_app.services.card_keys import keyed_client
from counter_app.services.concurrency import (
    begin_writer,
    check_key,
    lock_card,
    remember_submission,
    run_submission,
    stored_submission,
    submitted_row,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    CardNotFound,
    CardOperationFailed,
    ConcurrentChange,
    IdDocumentNotAccepted,
    NoActiveLossReport,
    NotPermitted,
    ReplacementAlreadyApplied,
    ServiceError,
    WrongCard,
    WrongDistrict,
)
from counter_app.services.form_result import CarriesForm
from counter_app.services.idcheck import (
    LIFT_DOCUMENTS,
    IdDocumentLike,
    check_id,
    id_check_details,
    id_check_text,
)
from counter_app.services.loss_records import close_report, report_in_force
from counter_app.services.permissions import Action, OfficeKind
from counter_app.services.phone_reports import phone_reference
from counter_app.services.refusals import record_refusal, require
from counter_app.validation.idnumber import normalise_id_number
from counter_app.validation.regions import district_name
from forms import data as fd
from reader.client import SocialSecurityCardClient
from reader.errors import CardError
from reader.identity import APP_BLOCKED, CardIdentity
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad

ACTION_LIFT = AuditAction.LOSS_LIFT


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


@dataclass(frozen=True)
class LiftResult(CarriesForm):
    report_id: int
    card_id: int
    holder_id: int
    serial: str
    form: fd.LiftForm
    #: APPLICATION UNBLOCK was sent (a hospital terminal had blocked the chip).
    app_unblocked: bool
    already_done: bool
    form_key: bytes = field(repr=False, default=b"")


def lift_digest(actor: Actor, identity: CardIdentity, idempotency_key: str) -> str:
    """The request digest a supervisor approves for this lift (four-eyes)."""
    return approvals.request_digest(
        Action.LIFT_LOSS_REPORT.value,
        actor,
        card_id_code=identity.card_id_code.upper(),
        submission=idempotency_key,
    )


# --------------------------------------------------------------------------- checklist


def _checklist(
    ctx: ServiceContext,
    session: Session,
    actor: Actor,
    identity: CardIdentity,
    document: IdDocumentLike,
    now: dt.datetime,
) -> LiftChecklist:
    lines: list[LiftCheck] = []
    refusal: ServiceError | None = None

    def line(
        rule: str, label: str, ok: bool | None, reason: str, error: ServiceError | None = None
    ) -> None:
        nonlocal refusal
        lines.append(LiftCheck(rule, label, ok, reason))
        if ok is False and refusal is None:
            refusal = error or ServiceError(reason)

    lines.append(LiftCheck("U3", "办理渠道", True, "窗口办理（解除挂失不能通过电话办理）"))
    may = actor.may(Action.LIFT_LOSS_REPORT) and actor.office_kind == OfficeKind.DISTRICT_SUBCENTER
    line(
        "U2",
        "办理机构",
        may,
        "区县医疗保险分中心" if may else actor.why_not(Action.LIFT_LOSS_REPORT),
        NotPermitted(actor.why_not(Action.LIFT_LOSS_REPORT)),
    )
    card = session.scalars(
        select(Card).where(Card.card_id_code == identity.card_id_code.upper())
    ).first()
    same_card = card is not None and card.card_number == identity.card_number
    line(
        "U5",
        "原卡核验",
        same_card,
        f"芯片读取的卡号 {identity.card_number} 与挂失记录一致"
        if same_card
        else "读卡器中的卡不是本系统登记的挂失卡（卡识别码或卡号不符）",
        WrongCard(),
    )
    holder = session.get(Holder, card.holder_id) if card is not None else None
    # L2: a phone report past its deadline has lapsed — there is nothing left to lift.
    report = report_in_force(session, card.id, now, record=False) if card is not None else None
    if card is not None:
        replaced = card.state == CardState.REPLACEMENT_APPLIED
        line(
            "U4",
            "未申请补卡",
            not replaced,
            "尚未申请补卡" if not replaced else ReplacementAlreadyApplied.message,
            ReplacementAlreadyApplied(),
        )
        if not replaced:
            line(
                "U1",
                "有效挂失",
                report is not None,
                _report_text(report) if report is not None else NoActiveLossReport.message,
                NoActiveLossReport(),
            )
    if holder is not None:
        own = actor.district_code is not None and actor.district_code == holder.household_district
        home = district_name(holder.household_district) or holder.household_district
        line(
            "U2",
            "所属区县",
            own,
            f"持卡人户籍属{home}，本机构可以办理"
            if own
            else f"持卡人户籍属{home}，须到{home}医疗保险分中心办理",
            WrongDistrict(),
        )
        kind_ok = document.kind in LIFT_DOCUMENTS
        line(
            "U2",
            "证件类别",
            kind_ok,
            "居民身份证或户籍证明" if kind_ok else IdDocumentNotAccepted.message,
            IdDocumentNotAccepted(),
        )
        if kind_ok:  # IDCARD.md: number, chip name and validity, manual-forbidden setting
            id_error = _id_error(ctx, holder, document)
            line(
                "U2",
                "证件号码",
                id_error is None,
                f"{id_check_text(document)}：证件与持卡人一致"
                if id_error is None
                else str(id_error),
                id_error,
            )
    blocked = identity.app_state == APP_BLOCKED
    if blocked:
        lines.append(
            LiftCheck("U5", "芯片状态", True, "社保应用已被临时锁定，解挂时将发送应用解锁指令")
        )
    lines.append(LiftCheck("U5", "持卡人密码", None, "解挂时由持卡人本人输入卡密码验证"))
    return LiftChecklist(
        tuple(lines),
        card.id if card else None,
        holder.id if holder else None,
        report.id if report else None,
        blocked,
        refusal,
    )


def _id_error(ctx: ServiceContext, holder: Holder, document: IdDocumentLike) -> ServiceError | None:
    """RULES U2's ID check (``idcheck.check_id``) as a checklist line's refusal, or None."""
    try:
        check_id(ctx, Action.LIFT_LOSS_REPORT, holder, document, LIFT_DOCUMENTS)
    except ServiceError as error:
        return error
    return None


def _report_text(report: LossReport) -> str:
    kind = "书面挂失" if report.kind == LossKind.WRITTEN else "电话临时挂失"
    serial = f"，编号 {report.form_serial}" if report.form_serial else ""
    return f"{kind}于 {fd.format_datetime(report.reported_at)}{serial}"


def check_lift(
    ctx: ServiceContext, actor: Actor, identity: CardIdentity, document: IdDocumentLike
) -> LiftChecklist:
    """RULES U1–U5 for the card read from the chip and the document shown, one line each.
    Reads only; nothing is changed or audited (the lift itself is)."""
    with ctx.uow() as uow:
        return _checklist(ctx, uow.session, actor, identity, document, ctx.now())


# --------------------------------------------------------------------------- the lift


def lift_loss_report(
    ctx: ServiceContext,
    actor: Actor,
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None,
    idempotency_key: str,
    *,
    pinpad: SecurePinPad | None = None,
) -> LiftResult:
    """RULES U1–U5: lift the loss report of the card in the reader.

    ``pin`` is what the holder typed on the holder keypad (``None``: the reader's PIN pad,
    ``pinpad``); it is wiped before returning. Four-eyes (setting ``four_eyes``): a
    supervisor's ``approval`` for :func:`lift_digest`. Card errors (``WrongPin`` …) come out
    as the reader's errors, after being audited; the lift happens only after the card
    confirmed. A resubmission with the same ``idempotency_key`` returns the stored result."""
    try:
        allowed = prepare_lift(ctx, actor, client.read_identity, document, idempotency_key)
        if allowed.stored is not None:
            return allowed.stored
        identity = allowed.identity
        assert identity is not None
        unblocked = _card_step(ctx, actor, client, pin, pinpad, identity, allowed)
        try:
            return complete_lift(
                ctx, actor, identity, document, approval, idempotency_key, unblocked, allowed
            )
        except ServiceError:
            if unblocked:
                reblock(client, identity)
            raise
    finally:
        if pin is not None:
            pin.wipe()


@dataclass(frozen=True)
class LiftAllowed:
    """The rule step's answer: the stored result of a resubmission, or the card read and
    what the card step needs (U5: APPLICATION UNBLOCK first when the chip is blocked)."""

    #: None for a resubmission (its stored result needs no card).
    identity: CardIdentity | None
    stored: LiftResult | None = None
    app_blocked: bool = False
    holder_id: int | None = None
    card_id: int | None = None


def prepare_lift(
    ctx: ServiceContext,
    actor: Actor,
    read_card: Callable[[], CardIdentity],
    document: IdDocumentLike,
    idempotency_key: str,
) -> LiftAllowed:
    """U1–U5 before the card step: permission, a resubmission's stored result, the
    checklist for the card read (``read_card``: the chip's identity); a refusal is audited
    and raised."""
    check_key(idempotency_key)
    require(ctx, actor, Action.LIFT_LOSS_REPORT)
    key = service_forms.form_key(ctx.settings)
    with ctx.uow() as uow:
        stored = stored_submission(uow.session, idempotency_key, ACTION_LIFT)
        if stored is not None:
            return LiftAllowed(None, _stored(uow.session, stored, key))
    identity = read_card()
    with ctx.uow() as uow:
        checklist = _checklist(ctx, uow.session, actor, identity, document, ctx.now())
    if checklist.refusal is not None:
        record_refusal(
            ctx,
            actor,
            f"{ACTION_LIFT}.refused",
            checklist.refusal,
            holder_id=checklist.holder_id,
            card_id=checklist.card_id,
        )
        raise checklist.refusal
    assert checklist.card_id is not None and checklist.holder_id is not None
    return LiftAllowed(
        identity, None, checklist.app_blocked, checklist.holder_id, checklist.card_id
    )


def record_card_failure(
    ctx: ServiceContext, actor: Actor, allowed: LiftAllowed, error: str, reason: str
) -> None:
    """The card step failed (``error``: its class name): audited, the lift not done."""
    with ctx.uow() as uow:
        audit.record(
            uow.session,
            actor,
            ACTION_LIFT,
            holder_id=allowed.holder_id,
            card_id=allowed.card_id,
            outcome="failed",
            reason=reason[:200],
            details={"step": "card", "error": error[:60]},
            at=ctx.now(),
        )
        uow.commit()


def complete_lift(
    ctx: ServiceContext,
    actor: Actor,
    identity: CardIdentity,
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None,
    idempotency_key: str,
    unblocked: bool,
    allowed: LiftAllowed,
) -> LiftResult:
    """After the card confirmed: the lift written (U1–U5 checked again under the card's
    lock, the approval consumed, the form issued); a refusal is audited and raised."""
    key = service_forms.form_key(ctx.settings)
    try:
        return run_submission(
            lambda: _write_lift(
                ctx, actor, identity, document, approval, idempotency_key, unblocked, key
            )
        )
    except ServiceError as error:
        if not isinstance(error, ConcurrentChange):
            record_refusal(
                ctx,
                actor,
                f"{ACTION_LIFT}.refused",
                error,
                holder_id=allowed.holder_id,
                card_id=allowed.card_id,
            )
        raise


def _card_step(
    ctx: ServiceContext,
    actor: Actor,
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    pinpad: SecurePinPad | None,
    identity: CardIdentity,
    allowed: LiftAllowed,
) -> bool:
    """APPLICATION UNBLOCK if needed, then the holder's PIN; any failure is audited and
    raised, and a chip unblocked here is blocked again."""
    try:
        return lift_card_step(
            keyed_client(ctx, client) if allowed.app_blocked else client,
            pin,
            pinpad,
            identity,
            allowed.app_blocked,
        )
    except (CardError, CardOperationFailed) as error:
        record_card_failure(ctx, actor, allowed, type(error).__name__, str(error))
        raise


def lift_card_step(
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    pinpad: SecurePinPad | None,
    identity: CardIdentity,
    app_blocked: bool,
) -> bool:
    """U5 on the card (where it is): APPLICATION UNBLOCK (MAC) when blocked, then the
    holder's PIN. A failure blocks a chip unblocked here again and is raised. Returns
    whether the chip was unblocked."""
    unblocked = False
    try:
        if app_blocked:
            client.unblock_application(expect_card_id=identity.card_id_code)
            unblocked = True
        if pin is not None:
            client.verify(pin)
        elif pinpad is not None:
            client.verify_on_pinpad(pinpad)
        else:
            raise CardOperationFailed("请持卡人输入卡密码（U5）。")
    except (CardError, CardOperationFailed):
        if unblocked:
            reblock(client, identity)
        raise
    return unblocked


def reblock(client: SocialSecurityCardClient, identity: CardIdentity) -> None:
    """Best effort: the lift did not happen, so the chip goes back to blocked."""
    try:
        client.block_application(permanent=False, expect_card_id=identity.card_id_code)
    except CardError:
        pass


def _stored(session: Session, stored: IdempotencyKey, key: bytes) -> LiftResult:
    report = submitted_row(session, stored, LossReport)
    doc = session.scalars(
        select(FormDocument)
        .where(FormDocument.card_id == report.card_id, FormDocument.kind == service_forms.KIND_LIFT)
        .order_by(FormDocument.id.desc())
    ).first()
    assert doc is not None
    form = service_forms.stored_form(session, doc, fd.LiftForm)
    return LiftResult(
        report.id,
        report.card_id,
        report.holder_id,
        doc.serial,
        form,
        app_unblocked=False,
        already_done=True,
        form_key=key,
    )


def _write_lift(
    ctx: ServiceContext,
    actor: Actor,
    identity: CardIdentity,
    document: IdDocumentLike,
    approval: approvals.ApprovalLike | None,
    idempotency_key: str,
    unblocked: bool,
    key: bytes,
) -> LiftResult:
    with ctx.uow() as uow:
        session = uow.session
        begin_writer(session, ctx.settings.lock_timeout_ms)
        now = ctx.now()
        card_id = session.scalar(
            select(Card.id).where(Card.card_id_code == identity.card_id_code.upper())
        )
        card = lock_card(session, card_id) if card_id is not None else None
        if card is None:
            raise CardNotFound()
        stored = stored_submission(session, idempotency_key, ACTION_LIFT)
        if stored is not None:
            return _stored(session, stored, key)
        checklist = _checklist(ctx, session, actor, identity, document, now)  # again, locked
        if checklist.refusal is not None:
            raise checklist.refusal
        report = report_in_force(session, card.id, now, record=False)
        holder = session.get(Holder, card.holder_id)
        assert report is not None and holder is not None
        approval_id = approvals.consume(
            session,
            approval,
            required=ctx.settings.four_eyes,
            digest=lift_digest(actor, identity, idempotency_key),
            actor=actor,
            now=now,
        )
        close_report(
            session,
            report,
            card_to=CardState.ACTIVE,
            report_to=LossState.LIFTED,
            actor=actor,
            now=now,
        )
        office = session.get(Office, actor.office_id)
        assert office is not None
        doc_kind, doc_number = document.kind, normalise_id_number(document.number)
        ref = fd.LossReportRef(
            report.form_serial or _phone_ref(report),
            report.reported_at,
            written=report.kind == LossKind.WRITTEN,
        )

        def build(header: fd.FormHeader) -> fd.Form:
            return fd.LiftForm(
                header=header,
                holder=service_forms.form_holder(holder),
                card_number=card.card_number,
                loss_report=ref,
                id_document=service_forms.form_document(
                    doc_kind, doc_number, id_check_text(document)
                ),
            )

        doc, form = service_forms.issue_form(
            session,
            kind=service_forms.KIND_LIFT,
            office=office,
            staff_id=actor.staff_id,
            holder_id=holder.id,
            card_id=card.id,
            at=now,
            build=build,
            handler=service_forms.form_staff(actor),
        )
        remember_submission(session, idempotency_key, ACTION_LIFT, actor.staff_id, report, now)
        audit.record(
            session,
            actor,
            ACTION_LIFT,
            holder_id=holder.id,
            card_id=card.id,
            details={
                "report_id": report.id,
                "form_serial": doc.serial,
                "app_unblocked": unblocked,
                "approval_id": approval_id,
                "id_document_kind": doc_kind,
                **id_check_details(document),
            },
            at=now,
        )
        uow.commit()
        assert isinstance(form, fd.LiftForm)
        return LiftResult(
            report.id,
            card.id,
            holder.id,
            doc.serial,
            form,
            app_unblocked=unblocked,
            already_done=False,
            form_key=key,
        )


def _phone_ref(report: LossReport) -> str:
    return phone_reference(report.id, report.reported_at)
