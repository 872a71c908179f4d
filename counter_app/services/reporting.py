"""Supervisors' business reports (RULES S3): the permission check and the audit record in
front of ``reports/``, so that every report — from the GUI's 报表 menu as from any other
caller with a ``ServiceContext`` — is allowed by the one permission table and recorded.

- :func:`produce_report` — the whole report as PDF or CSV bytes (``reports.runner.produce``).
- :func:`build_report` + :func:`render_report` — the same in two halves, for a caller that
  draws elsewhere: the GUI runs the queries here (a pool thread) and the drawing in its
  helper process (reportlab with the CJK fonts is pure Python; it must not share the GUI
  process's GIL). ``render_report`` touches no database and needs no permission: it only
  draws a report already built (and audited) by ``build_report``.

Who may (RULES S3): ``Action.VIEW_REPORTS`` — supervisors (an admin manages accounts only,
as the permission table says). What they see (S2, S3): a district office's supervisor the
data of their own district only — a report asked for without an office is of their own
office, another office or a staff member must be of their district, else the request is
refused (audited); the city card service center's supervisor, which has no district, the
whole city. The access log of one holder is not scoped: a holder may ask at any office
who looked at their records (Q7). The lapsing phone-report list
(RULES L2) is also for the staff who chase those holders, under the rule of
``phone_reports.lapsing_phone_reports``: anyone who may view records, scoped to the actor's own
district (the city card service center, which has none, sees every district); a supervisor
keeps the scope asked for. Refusals are audited (``refusals.require``).

Audit: one ``report.produce`` event per report made, after the queries succeeded and before
the bytes are handed out (fail closed: no audit record, no report). It names the report,
the format and the scope; the access log of one holder is recorded *with that holder's
id*, so the holder's own access log shows that a supervisor looked it up (RULES Q7). No full
ID number goes into ``details`` (masked).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import Engine, select

from counter_app.models.audit_actions import AuditAction
from counter_app.models.holder import Holder
from counter_app.models.office import Office, Staff
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import NotPermitted
from counter_app.services.permissions import Action
from counter_app.services.refusals import record_refusal, require
from counter_app.validation import parse_id_number
from counter_app.validation.text_policy import (
    ID_NUMBER_TEXT,
    OFFICE_CODE,
    clean_optional_text,
    clean_staff_no,
    clean_text,
)
from forms.masking import mask_id_number
from reports.model import Progress, Report
from reports.runner import (
    AccessRequest,
    DailyRequest,
    Format,
    LapsingRequest,
    RatingRequest,
    ReportRequest,
    StaffRequest,
    read_only_connection,
)
from reports.runner import build as _build
from reports.runner import produce as _produce
from reports.runner import render as _render

__all__ = [
    "AccessRequest",
    "DailyRequest",
    "LapsingRequest",
    "RatingRequest",
    "ReportRequest",
    "StaffRequest",
    "build_report",
    "produce_report",
    "render_report",
    "report_kind",
]

_KINDS: dict[type[Any], str] = {
    DailyRequest: "daily",
    LapsingRequest: "lapsing",
    AccessRequest: "access",
    StaffRequest: "staff",
    RatingRequest: "rating",
}


def report_kind(request: ReportRequest) -> str:
    """``daily`` | ``lapsing`` | ``access`` | ``staff``."""
    return _KINDS[type(request)]


def allowed_request(ctx: ServiceContext, actor: Actor, request: ReportRequest) -> ReportRequest:
    """The request this actor may run (permission checked and refusal audited here): the
    request itself, or — for staff asking for the lapsing list — the request scoped to
    their own district."""
    request = _checked_filters(request)
    if isinstance(request, LapsingRequest) and not actor.may(Action.VIEW_REPORTS):
        # phone_reports.lapsing_phone_reports' rule: staff who may view records, own district only.
        require(ctx, actor, Action.VIEW_RECORDS)
        if actor.district_code is None:  # the city card service center: every district
            return request
        return dataclasses.replace(request, office_code=actor.office_code)
    require(ctx, actor, Action.VIEW_REPORTS)
    return _within_scope(ctx, actor, request)


def _within_scope(ctx: ServiceContext, actor: Actor, request: ReportRequest) -> ReportRequest:
    """RULES S2/S3: the request limited to what this supervisor may see — their own
    district (default: their own office), or the city for the card service center."""
    if actor.district_code is None or isinstance(request, AccessRequest):
        return request
    office_code: str | None = getattr(request, "office_code", None)
    staff_no: str | None = getattr(request, "staff_no", None)
    with ctx.read_uow() as uow:
        # An unknown code finds no row: the report's own refusal names it (ReportError).
        if office_code is not None:
            office = uow.session.execute(
                select(Office.district_code).where(Office.code == office_code)
            ).first()
            if office is not None and office.district_code != actor.district_code:
                _refuse_scope(ctx, actor, "只能查看本区县经办机构的报表。")
        if staff_no is not None:
            staff = uow.session.execute(
                select(Office.district_code)
                .join(Staff, Staff.office_id == Office.id)
                .where(Staff.staff_no == staff_no)
            ).first()
            if staff is not None and staff.district_code != actor.district_code:
                _refuse_scope(ctx, actor, "只能查看本区县工作人员的报表。")
    if office_code is None and staff_no is None:
        return dataclasses.replace(request, office_code=actor.office_code)
    return request


def _refuse_scope(ctx: ServiceContext, actor: Actor, message: str) -> None:
    error = NotPermitted(
        f"{message}您所在机构为{actor.office_name}。请选择本区县的机构或工作人员。"
    )
    record_refusal(ctx, actor, f"{Action.VIEW_REPORTS.value}.refused", error)
    raise error


def _checked_filters(request: ReportRequest) -> ReportRequest:
    """The typed filters through the input policy (``ValidationError`` naming the field):
    the reports' queries see no control character, no over-long value, no malformed ID."""
    changes: dict[str, str | None] = {}
    office = getattr(request, "office_code", None)
    if isinstance(office, str):
        changes["office_code"] = clean_optional_text(office, OFFICE_CODE)
    staff_no = getattr(request, "staff_no", None)
    if isinstance(staff_no, str):
        changes["staff_no"] = clean_staff_no(staff_no) if staff_no.strip() else None
    ssn = getattr(request, "ssn", None)
    if ssn is not None:
        changes["ssn"] = parse_id_number(clean_text(ssn, ID_NUMBER_TEXT)).number
    if not changes:
        return request
    replaced: ReportRequest = dataclasses.replace(request, **changes)  # type: ignore[arg-type]
    return replaced


def produce_report(
    ctx: ServiceContext,
    actor: Actor,
    request: ReportRequest,
    fmt: Format,
    progress: Progress | None = None,
) -> bytes:
    """The report asked for, as PDF or CSV bytes; permission checked, audited."""
    request = allowed_request(ctx, actor, request)
    data = _produce(_engine(ctx), request, fmt, progress=progress, now=ctx.now())
    _audit(ctx, actor, request, fmt)
    return data


def build_report(
    ctx: ServiceContext,
    actor: Actor,
    request: ReportRequest,
    fmt: Format,
    progress: Progress | None = None,
) -> Report:
    """The queries of :func:`produce_report` (one read-only transaction), audited; the
    caller draws the result with :func:`render_report`. ``fmt`` is what will be drawn
    (recorded in the audit event). ``progress`` counts one more step than the queries
    have — the drawing — so the caller's bar ends when the file is ready."""
    request = allowed_request(ctx, actor, request)
    total = [1]

    def on_build(done: int, steps: int, message: str) -> None:
        total[0] = steps + 1  # one more step: rendering
        if progress is not None:
            progress(done, total[0], message)

    with read_only_connection(_engine(ctx)) as conn:
        report = _build(conn, request, progress=on_build, now=ctx.now())
    _audit(ctx, actor, request, fmt)
    if progress is not None:
        progress(total[0] - 1, total[0], "正在排版…" if fmt == "pdf" else "正在导出…")
    return report


def render_report(report: Report, fmt: Format) -> bytes:
    """A report built by :func:`build_report` as PDF or CSV bytes (no database, no I/O;
    safe to run in another process)."""
    return _render(report, fmt)


# --------------------------------------------------------------------------- internals


def _engine(ctx: ServiceContext) -> Engine:
    """The engine behind the context's read-only sessions (reports read in their own
    read-only transaction: ``reports.runner.read_only_connection``)."""
    with ctx.read_uow() as uow:
        bind = uow.session.get_bind()
    engine = getattr(bind, "engine", bind)
    if not isinstance(engine, Engine):  # pragma: no cover - sessions are bound to engines
        raise TypeError("reports need sessions bound to an engine")
    return engine


def _scope(request: ReportRequest) -> dict[str, Any]:
    if isinstance(request, DailyRequest):
        return {
            "day": request.day.isoformat(),
            "office": request.office_code,
            "staff_no": request.staff_no,
        }
    if isinstance(request, LapsingRequest):
        return {"within_days": request.days, "office": request.office_code}
    if isinstance(request, AccessRequest):
        return {
            "holder": mask_id_number(request.ssn.strip().upper()),
            "first_day": _day(request.first_day),
            "last_day": _day(request.last_day),
        }
    if isinstance(request, RatingRequest):
        return {
            "first_day": request.first_day.isoformat(),
            "last_day": request.last_day.isoformat(),
            "office": request.office_code,
        }
    return {
        "first_day": request.first_day.isoformat(),
        "last_day": request.last_day.isoformat(),
        "office": request.office_code,
        "staff_no": request.staff_no,
    }


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _audit(ctx: ServiceContext, actor: Actor, request: ReportRequest, fmt: str) -> None:
    """One ``report.produce`` event; the access log carries the holder's id (Q7)."""
    with ctx.uow() as uow:
        holder_id = None
        if isinstance(request, AccessRequest):
            holder_id = uow.session.scalar(
                select(Holder.id).where(Holder.ssn == request.ssn.strip().upper())
            )
        audit.record(
            uow.session,
            actor,
            AuditAction.REPORT_PRODUCE,
            holder_id=holder_id,
            details={"report": report_kind(request), "format": fmt, **_scope(request)},
            at=ctx.now(),
        )
        uow.commit()
