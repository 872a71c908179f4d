"""The access slip (个人信息查阅告知单, RULES Q7) as a registered form.

At the end of a holder session the holder is given a slip that says which of their records
were read and what was done, by whom, where and when. :func:`issue_access_slip` issues it
like every other form: a gap-free serial of the office and year, the plain form data stored
next to the form document (``services.registered_forms.issue_form``), so ``counter-admin form
reprint`` draws it again (补打) and ``counter-admin form verify`` finds it.

One slip per session: asking again (the clerk pressed 结束服务 after the card was pulled,
or the dialog was reopened) returns the slip already issued, with its serial unchanged.
The session row is locked while that is decided, so two windows never issue two.

The slip shows the ID number masked (``forms.masking``) and carries no PIN or password;
the stored form data therefore holds no full ID number either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit import AuditEvent
from counter_app.models.audit_actions import AuditAction
from counter_app.models.case import ServiceCase
from counter_app.models.form_content import FormContent
from counter_app.models.forms import FormDocument
from counter_app.models.holder_session import HolderSessionRow
from counter_app.models.office import Office
from counter_app.services import audit, form_data, registered_forms, sessions
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import SessionRequired
from counter_app.services.form_result import CarriesForm
from counter_app.services.permissions import Action
from counter_app.services.refusals import require
from counter_app.services.session_summary import AccessSummary, SessionRef, access_summary
from counter_app.services.uow import run_retrying
from forms import data as fd

KIND_ACCESS_SLIP = registered_forms.KIND_ACCESS_SLIP

#: What the slip says when records were looked up without a reason being recorded.
DEFAULT_PURPOSE = "持卡人本人到窗口办理"


@dataclass(frozen=True)
class AccessSlipResult(CarriesForm):
    """The ended session's summary, the registered slip and, on demand, its PDF."""

    summary: AccessSummary
    form: fd.AccessSlip
    serial: str
    #: True when this session's slip had been issued before (returned unchanged).
    already_issued: bool
    form_key: bytes = field(repr=False, default=b"")


class _Ref:
    def __init__(self, session_id: int, card_number: str | None) -> None:
        self.session_id = session_id
        self.card_number = card_number


def issue_access_slip(ctx: ServiceContext, actor: Actor, session: SessionRef) -> AccessSlipResult:
    """RULES Q7: the access slip of ``session`` (a ``HolderSession`` or the ``AccessSummary``
    that ``sessions.end_session`` returned), issued once as a registered form.

    A session still open is ended first (``sessions.end_session``, audited)."""
    require(ctx, actor, Action.VIEW_RECORDS)
    key = registered_forms.form_key(ctx.settings)
    ref = _Ref(session.session_id, session.card_number)
    with ctx.uow() as uow:
        row = uow.session.get(HolderSessionRow, ref.session_id)
        if row is None:
            raise SessionRequired()
        still_open = row.closed_at is None
    if still_open and isinstance(session, sessions.HolderSession):
        sessions.end_session(ctx, actor, session)
    elif still_open:
        raise SessionRequired()

    def work() -> AccessSlipResult:
        with ctx.uow() as uow:
            db = uow.session
            # The session row is the lock: one slip per session, even from two windows.
            row = db.get(HolderSessionRow, ref.session_id, with_for_update=True)
            if row is None:
                raise SessionRequired()
            summary = access_summary(db, ref)
            existing = _existing(db, row)
            if existing is not None:
                serial, form = existing
                return AccessSlipResult(summary, form, serial, True, key)
            now = ctx.now()
            office = db.get(Office, row.office_id)
            assert office is not None
            handler = fd.Staff(summary.staff_name, summary.staff_no)

            case_no = (
                db.scalar(select(ServiceCase.case_no).where(ServiceCase.session_id == row.id)) or ""
            )

            def build(header: fd.FormHeader) -> fd.Form:
                return slip_form(summary, header, case_no)

            document, issued = registered_forms.issue_form(
                db,
                kind=KIND_ACCESS_SLIP,
                office=office,
                staff_id=actor.staff_id,
                holder_id=row.holder_id,
                card_id=row.card_id,
                at=now,
                build=build,
                handler=handler,
            )
            audit.record(
                db,
                actor,
                AuditAction.FORM_ACCESS_SLIP,
                holder_id=row.holder_id,
                card_id=row.card_id,
                at=now,
                details={"session_id": row.id, "serial": document.serial, "kind": KIND_ACCESS_SLIP},
            )
            uow.commit()
            assert isinstance(issued, fd.AccessSlip)
            return AccessSlipResult(summary, issued, document.serial, False, key)

    return run_retrying(work)


def slip_form(summary: AccessSummary, header: fd.FormHeader, case_no: str = "") -> fd.AccessSlip:
    """The slip's plain data (numbers already masked in ``summary``), with the number of the
    session's case (RULES E1)."""
    return fd.AccessSlip(
        header=header,
        holder_name=summary.holder_name,
        id_number=summary.masked_ssn,
        identified_by=summary.identified_by,
        purpose=summary.purpose or DEFAULT_PURPOSE,
        session_started=summary.opened_at,
        session_ended=summary.closed_at,
        viewed=tuple(summary.category_labels),
        actions=tuple(
            fd.SessionAction(item.at, item.description, item.serial) for item in summary.actions
        ),
        card_number=summary.card_number or "",
        case_no=case_no,
    )


def _existing(db: Session, row: HolderSessionRow) -> tuple[str, fd.AccessSlip] | None:
    """The slip already issued for this session, found through its audit event."""
    events = db.scalars(
        select(AuditEvent.details).where(
            AuditEvent.action == AuditAction.FORM_ACCESS_SLIP.value,
            AuditEvent.holder_id == row.holder_id,
            AuditEvent.at >= row.opened_at,
        )
    ).all()
    for details in events:
        if not isinstance(details, dict) or details.get("session_id") != row.id:
            continue
        serial = str(details.get("serial") or "")
        found = db.execute(
            select(FormContent.data)
            .join(FormDocument, FormDocument.id == FormContent.form_document_id)
            .where(FormDocument.serial == serial)
        ).scalar_one_or_none()
        if found is None:
            continue
        form: Any = form_data.form_from_json(found)
        if isinstance(form, fd.AccessSlip):
            return serial, form
    return None
