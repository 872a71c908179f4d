"""Demo service cases with the holders' ratings (RULES E1–E4), so that the supervisor's
follow-up list and the rating report show something on the first day.

Over the ``DAYS_BACK`` working days before ``as_of`` every sub-center and the card center
closed a few cases a day, served by its first two staff members. Most are rated 非常满意 or
满意; some 未评价; a few 不满意 / 非常不满意, each with its follow-up due 15 working days later
(the national calendar): the older ones are closed with an action and a 回访结果, some are
left open past their deadline (overdue), the recent ones open and on time. Every case has
its holder session (an ID-document session, closed when the case closed) and the case
counters end at the last number used per office and day.

A case is audited as the service would have audited it — the session opened, each record
category viewed (查询记录), the session ended — through the real audit append
(``audit_chain.append``: each workstation's hash chain, in time order), so a past day's
业务日报 counts the 业务量 of the cases and ratings it shows (a new clerk's trial read
办理人次 1 beside 业务量 0). Past cases claim no business action (书面挂失, 补卡…): the demo
has no record of one to match.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from counter_app.demo.bulk import date_text, ts_text
from counter_app.demo.context import SHANGHAI, Context, Desk
from counter_app.models.audit_actions import AuditAction
from counter_app.services.audit_chain import append
from counter_app.services.workdays import WorkCalendar

SESSION_COLUMNS = (
    "id",
    "holder_id",
    "card_id",
    "via",
    "card_id_code",
    "document_kind",
    "reason",
    "staff_id",
    "office_id",
    "workstation",
    "opened_at",
    "closed_at",
    "end_reason",
)
CASE_COLUMNS = (
    "id",
    "case_no",
    "office_id",
    "day",
    "sequence",
    "session_id",
    "holder_id",
    "staff_id",
    "workstation",
    "queue_ticket",
    "opened_at",
    "closed_at",
    "close_reason",
    "items",
)
RATING_COLUMNS = ("id", "case_id", "level", "reasons", "comment", "source", "rated_at")
FOLLOWUP_COLUMNS = (
    "id",
    "case_id",
    "office_id",
    "opened_at",
    "due_date",
    "closed_at",
    "closed_by",
    "action_taken",
    "outcome",
)
COUNTER_COLUMNS = ("office_id", "day", "last_sequence")
TABLES = {
    "holder_sessions": SESSION_COLUMNS,
    "service_cases": CASE_COLUMNS,
    "case_ratings": RATING_COLUMNS,
    "case_followups": FOLLOWUP_COLUMNS,
    "case_counters": COUNTER_COLUMNS,
}

DAYS_BACK = 40
FOLLOWUP_WORKING_DAYS = 15
#: (level, weight): mostly satisfied, some unanswered, a few poor.
LEVEL_WEIGHTS = (
    ("very_satisfied", 62),
    ("satisfied", 20),
    ("basically_satisfied", 6),
    ("unrated", 5),
    ("dissatisfied", 4),
    ("very_dissatisfied", 3),
)
REASONS = ("attitude", "efficiency", "process", "environment", "other")
COMMENTS = ("排队时间太长", "窗口人员解释不清楚", "需要来回跑好几次", "大厅太吵，没有座位", "")
#: Record categories viewed in a case: its label on the slip -> the audited category.
VIEWS = {
    "养老保险": "pension",
    "医疗保险": "medical",
    "卡基本信息": "card_basic",
    "社会保险": "social_insurance",
    "就业与失业": "employment",
}
SESSION_REASON = "持卡人咨询办理"


@dataclass(frozen=True, order=True)
class _Event:
    """One audit event of a demo case (sorted by time: a chain is appended in order)."""

    at: dt.datetime
    workstation: str
    action: str
    staff_id: int
    office_id: int
    holder_id: int
    category: str | None = None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False)


class _Transaction:
    """The demo's one transaction as a unit of work for ``audit_chain.append``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.info: dict[Any, Any] = {}

    def connection(self) -> Connection:
        return self._conn


def write_cases(ctx: Context, holders: int) -> None:
    """Cases, ratings and follow-ups of the days before ``ctx.as_of`` (see module doc)."""
    rng = random.Random(ctx.rng.getrandbits(64))
    calendar = WorkCalendar()
    desks = [*ctx.subcenters.values()] + ([ctx.card_center] if ctx.card_center else [])
    days = [ctx.as_of - dt.timedelta(days=n) for n in range(DAYS_BACK, 0, -1)]
    events: list[_Event] = []
    for day in (d for d in days if calendar.is_workday(d)):
        for desk in desks:
            count = rng.choice((0, 1, 1, 2, 2, 3))
            for sequence in range(1, count + 1):
                events += _case(ctx, rng, calendar, desk, day, sequence, holders)
            if count:  # the counter ends at the last number used: no gap, no reuse
                ctx.writer.add("case_counters", (desk.office_id, date_text(day), count))
    _audit(ctx, events)


def _audit(ctx: Context, events: list[_Event]) -> None:
    """The cases' events appended to the audit trail, oldest first, after the rows they
    name (holders, staff, sessions) are written."""
    writer = ctx.writer
    writer.flush()  # in the order the tables were declared: parents first
    db = _Transaction(writer.connection)
    for e in sorted(events):
        append(
            db,
            staff_id=e.staff_id,
            office_id=e.office_id,
            workstation=e.workstation,
            action=e.action,
            holder_id=e.holder_id,
            category=e.category,
            reason=e.reason,
            details=e.details,
            at=e.at,
        )


def _case(
    ctx: Context,
    rng: random.Random,
    calendar: WorkCalendar,
    desk: Desk,
    day: dt.date,
    sequence: int,
    holders: int,
) -> list[_Event]:
    """One case's rows; returns its audit events."""
    w = ctx.writer
    staff_id = desk.staff_id + rng.randrange(2)
    opened = dt.datetime.combine(day, dt.time(9), SHANGHAI) + dt.timedelta(
        minutes=rng.randrange(0, 420)
    )
    closed = opened + dt.timedelta(minutes=rng.randrange(3, 25), seconds=rng.randrange(60))
    holder_id = rng.randrange(1, holders + 1)
    workstation = f"WS-{desk.office_id:02d}{staff_id % 2 + 1}"
    session_id = ctx.next_id("holder_sessions")
    w.add(
        "holder_sessions",
        (
            session_id,
            holder_id,
            None,
            "id_document",
            None,
            "resident_id",
            SESSION_REASON,
            staff_id,
            desk.office_id,
            workstation,
            ts_text(opened),
            ts_text(closed),
            "done",
        ),
    )
    viewed = rng.sample(list(VIEWS), rng.randrange(1, 3))
    items = {"categories": viewed, "actions": []}
    who = (staff_id, desk.office_id, holder_id)
    session = {"session_id": session_id}
    events = [
        _Event(
            opened,
            workstation,
            AuditAction.SESSION_OPEN.value,
            *who,
            reason=SESSION_REASON,
            details={"via": "id_document", "document_kind": "resident_id"},
        ),
        *(
            _Event(
                opened + dt.timedelta(seconds=30 * (n + 1)),
                workstation,
                AuditAction.RECORD_VIEW.value,
                *who,
                category=VIEWS[label],
                details=session,
            )
            for n, label in enumerate(viewed)
        ),
        _Event(
            closed,
            workstation,
            AuditAction.SESSION_END.value,
            *who,
            reason="done",
            details=session,
        ),
    ]
    case_id = ctx.next_id("service_cases")
    w.add(
        "service_cases",
        (
            case_id,
            f"{desk.office_code}-{day:%Y%m%d}-{sequence:04d}",
            desk.office_id,
            date_text(day),
            sequence,
            session_id,
            holder_id,
            staff_id,
            workstation,
            f"A{rng.randrange(1, 300):03d}" if rng.random() < 0.6 else None,
            ts_text(opened),
            ts_text(closed),
            "done",
            json.dumps(items, ensure_ascii=False),
        ),
    )
    level = rng.choices([lv for lv, _ in LEVEL_WEIGHTS], [wt for _, wt in LEVEL_WEIGHTS])[0]
    rated = closed + dt.timedelta(seconds=rng.randrange(5, 60))
    poor = level in ("dissatisfied", "very_dissatisfied")
    reasons = ",".join(r for r in REASONS if rng.random() < 0.35) if poor else None
    comment = rng.choice(COMMENTS) if poor else ""
    w.add(
        "case_ratings",
        (
            ctx.next_id("case_ratings"),
            case_id,
            level,
            reasons or None,
            comment or None,
            "timeout" if level == "unrated" else "screen",
            ts_text(rated),
        ),
    )
    if poor:
        _followup(ctx, rng, calendar, desk, case_id, rated, day)
    return events


def _followup(
    ctx: Context,
    rng: random.Random,
    calendar: WorkCalendar,
    desk: Desk,
    case_id: int,
    rated: dt.datetime,
    day: dt.date,
) -> None:
    due = calendar.add_working_days(day, FOLLOWUP_WORKING_DAYS)
    supervisor = desk.staff_id + 2 if desk is not ctx.card_center else desk.staff_id + 3
    close = rng.random() < (0.5 if due < ctx.as_of else 0.3)
    closed_at = None
    if close:
        latest = min(ctx.now, dt.datetime.combine(due, dt.time(17), SHANGHAI))
        span = max(60, int((latest - rated).total_seconds()))
        closed_at = rated + dt.timedelta(seconds=rng.randrange(60, span + 1))
    ctx.writer.add(
        "case_followups",
        (
            ctx.next_id("case_followups"),
            case_id,
            desk.office_id,
            ts_text(rated),
            date_text(due),
            ts_text(closed_at) if closed_at else None,
            supervisor if close else None,
            "约谈窗口人员，复盘办理过程并加强培训" if close else None,
            "电话回访持卡人，对整改表示认可" if close else None,
        ),
    )
