"""A holder's full overview (every tab) is one transaction with one audit append (RULES
Q7: every look-up recorded — who, where, when, whose record, why; docs/SCALING.md
"One transaction per clerk action").

Statements are counted with a SQLAlchemy ``before_cursor_execute`` listener and the
transactions with its ``commit``/``begin`` events: counts, not times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, select, update

from counter_app.demo.accounts import fixed_holder
from counter_app.models import AuditEvent
from counter_app.models.office import Staff
from counter_app.services import records, search, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.errors import SessionEnded, SessionRequired, StaffSessionEnded
from counter_app.services.queries.category import ALL_TABS, OVERVIEW
from counter_app.services.records import Category
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, holder_id_of

CLERK = "YB500103-01"
SSNS = {
    "retired": "500101195509010192",
    "work_injury": "500102197206250370",
    "dibao": "500241196010100229",
    "active_default_pin": "500103196803150310",
}
#: docs/SCALING.md: the full overview's statement budget (it was 101 in 14 transactions).
MAX_STATEMENTS = 35


@dataclass
class Seen:
    statements: list[str] = field(default_factory=list)
    begins: int = 0
    commits: int = 0


@contextmanager
def _counting(ctx: ServiceContext) -> Iterator[Seen]:
    engine = ctx.session_factory().get_bind()
    seen = Seen()

    def on_sql(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statements.append(statement)

    def on_begin(_conn: Any) -> None:
        seen.begins += 1

    def on_commit(_conn: Any) -> None:
        seen.commits += 1

    hooks = (("before_cursor_execute", on_sql), ("begin", on_begin), ("commit", on_commit))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield seen
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


def _session(ctx: ServiceContext, key: str) -> sessions.HolderSession:
    return sessions.open_id_session(
        ctx,
        actor_for(ctx, CLERK),
        holder_id_of(ctx, key),
        manual_doc(SSNS[key]),
        "持卡人来窗口查询",
    )


def _inserts_into(seen: Seen, table: str) -> int:
    return sum(
        1 for s in seen.statements if s.lstrip().upper().startswith(f"INSERT INTO {table.upper()}")
    )


@pytest.mark.parametrize("key", list(SSNS))
def test_Q7_full_overview_is_one_transaction_one_audit_within_budget(
    ctx: ServiceContext, key: str
) -> None:
    actor = actor_for(ctx, CLERK)
    session = _session(ctx, key)
    with _counting(ctx) as seen:
        result = records.full_overview(ctx, actor, session)
    assert set(result.categories) == set(Category)
    assert result.overview.basic.holder_id == session.holder_id
    assert (seen.begins, seen.commits) == (1, 1), seen
    assert _inserts_into(seen, "audit_events") == 1
    assert len(seen.statements) <= MAX_STATEMENTS, len(seen.statements)
    with ctx.uow() as uow:
        last = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        uow.session.expunge_all()
    assert last is not None and (last.action, last.category, last.holder_id) == (
        "record.view",
        ALL_TABS,
        session.holder_id,
    )
    assert last.details is not None and last.details["session_id"] == session.session_id
    assert last.details["tabs"] == [OVERVIEW, *(c.value for c in Category)]
    print(
        f"full overview ({key}, {ctx.settings.db_url.split(':')[0]}): "
        f"{len(seen.statements)} statements, 1 transaction"
    )


def test_Q7_single_view_checks_session_and_clerk_in_one_statement(
    sqlite_ctx: ServiceContext,
) -> None:
    """A category view: check (session + active account) + the category's reads + the
    audit append, in one transaction: no separate round trip for either check."""
    ctx = sqlite_ctx
    actor = actor_for(ctx, CLERK)
    session = _session(ctx, "retired")
    with _counting(ctx) as seen:
        records.category(ctx, actor, session, Category.CARD_BASIC)
    assert (seen.begins, seen.commits) == (1, 1)
    first = next(s for s in seen.statements if not s.upper().startswith("BEGIN"))
    assert "holder_sessions" in first and "staff" in first


def test_Q7_full_overview_refuses_an_ended_session_and_a_disabled_clerk(
    ctx: ServiceContext,
) -> None:
    actor = actor_for(ctx, CLERK)
    with pytest.raises(SessionRequired):
        records.full_overview(ctx, actor, None)
    other = actor_for(ctx, CLERK, workstation="WS-OTHER")
    session = _session(ctx, "dibao")
    with pytest.raises(SessionRequired):  # another workstation's session
        records.full_overview(ctx, other, session)
    sessions.end_session(ctx, actor, session)
    with pytest.raises(SessionEnded):
        records.full_overview(ctx, actor, session)
    fresh = _session(ctx, "retired")
    with ctx.uow() as uow:
        uow.session.execute(update(Staff).where(Staff.id == actor.staff_id).values(active=False))
        uow.commit()
    with pytest.raises(StaffSessionEnded):
        records.full_overview(ctx, actor, fresh)
    with ctx.uow() as uow:
        refused = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        uow.session.expunge_all()
    assert refused is not None and refused.outcome == "refused"


def test_Q7_holder_search_is_one_transaction_and_refuses_a_disabled_clerk(
    ctx: ServiceContext,
) -> None:
    """The audited search: the account check, the query and the audit append in one
    transaction (it was two: the check had a unit of work of its own); a clerk disabled
    since login is refused, audited, and finds nothing."""
    actor = actor_for(ctx, CLERK)
    with _counting(ctx) as seen:
        [hit] = search.find_holders(ctx, actor, SSNS["retired"])
    assert hit.holder_id == holder_id_of(ctx, "retired")
    assert (seen.begins, seen.commits) == (1, 1), seen
    assert _inserts_into(seen, "audit_events") == 1
    reads = [s for s in seen.statements if s.lstrip().upper().startswith("SELECT")]
    assert "staff" in reads[0] and "holders" in reads[1], reads
    with ctx.uow() as uow:
        uow.session.execute(update(Staff).where(Staff.id == actor.staff_id).values(active=False))
        uow.commit()
    with _counting(ctx) as seen, pytest.raises(StaffSessionEnded):
        search.find_holders(ctx, actor, SSNS["retired"])
    assert not any("holders.ssn" in s for s in seen.statements)  # nothing searched
    with ctx.uow() as uow:
        refused = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        uow.session.expunge_all()
    assert refused is not None and (refused.outcome, refused.action) == (
        "refused",
        "view_records.refused",
    )


def test_card_history_names_the_issuing_office_and_the_cancellation(ctx: ServiceContext) -> None:
    """A clerk's trial: 发卡 rows showed "—" for the office where the issuing office is on
    record, and 孙建军's cancelled card had no event for its cancellation. 孙建军 is
    deceased and cannot be served in person (RULES Q7, tests/services/
    test_deceased_holder.py): a living holder's card cancelled by the issuer stands in."""
    from counter_app.models import Card, Office

    actor = actor_for(ctx, CLERK)
    key = "active_default_pin"
    with ctx.uow() as uow:
        uow.session.execute(
            update(Card)
            .where(Card.holder_id == holder_id_of(ctx, key))
            .values(state="cancelled", state_changed_at=ctx.now())
        )
        uow.commit()
    session = sessions.open_id_session(
        ctx, actor, holder_id_of(ctx, key), manual_doc(fixed_holder(key).ssn), "家属代为查询"
    )
    history = records.overview(ctx, actor, session).history
    with ctx.uow() as uow:
        card, issuer = uow.session.execute(
            select(Card, Office.name)
            .join(Office, Office.id == Card.issuing_office_id)
            .where(Card.holder_id == session.holder_id)
        ).one()
        number, changed = card.card_number, card.state_changed_at
        uow.session.expunge_all()
    [issued] = [e for e in history if e.kind == "发卡"]
    assert issued.office == issuer and issued.office
    [cancelled] = [e for e in history if e.kind == "卡注销"]
    assert cancelled.at == changed and cancelled.card_number.endswith(number[-4:])


def test_L2_the_card_shows_when_its_phone_report_lapses_and_an_expired_card_says_so(
    ctx: ServiceContext,
) -> None:
    """A clerk's trial: 刘芳's 12333 report lapses within two days, but the record showed
    only 电话挂失 — now the card says when (RULES L2) and the page reminds the clerk; a card
    past 有效期至 is marked 已过期."""
    import dataclasses
    import datetime as dt

    from counter_app.models import LossReport
    from counter_app.presentation.holder_pages import card_fields

    actor = actor_for(ctx, CLERK)
    key = "phone_lost_lapsing"
    session = sessions.open_id_session(
        ctx, actor, holder_id_of(ctx, key), manual_doc(fixed_holder(key).ssn), "持卡人查询"
    )
    card = records.overview(ctx, actor, session).card
    with ctx.uow() as uow:
        deadline = uow.session.scalar(
            select(LossReport.deadline_at).where(
                LossReport.holder_id == session.holder_id, LossReport.state == "open"
            )
        )
    assert card is not None and card.state == "phone_reported_lost"
    assert deadline is not None and card.phone_deadline_at == deadline
    shown = dict(card_fields(card).rows)
    assert "到期前请持卡人办理书面挂失" in shown["电话挂失失效时间"]
    assert not card.expired and "已过期" not in shown["有效期至"]
    old = dataclasses.replace(card, expiry_date=dt.date(2024, 9, 7), expired=True)
    assert dict(card_fields(old).rows)["有效期至"] == "2024年09月07日（已过期）"


def test_a_card_is_expired_from_the_local_day_after_its_expiry_date() -> None:
    import datetime as dt
    from types import SimpleNamespace

    from counter_app.services.queries.holder import card_info

    row = SimpleNamespace(
        id=1,
        card_number="A12345674",
        state="active",
        state_changed_at=dt.datetime(2020, 5, 1, tzinfo=dt.UTC),
        issue_date=dt.date(2020, 5, 1),
        expiry_date=dt.date(2026, 9, 19),
        spec_version="3.00",
        region_code="500103",
    )
    last_day = dt.datetime(2026, 9, 19, 15, 59, tzinfo=dt.UTC)  # 23:59 in Chongqing
    next_day = dt.datetime(2026, 9, 19, 16, 0, tzinfo=dt.UTC)  # 00:00 on the 20th
    assert not card_info(row, None, last_day).expired
    assert card_info(row, None, next_day).expired


@pytest.mark.parametrize("key", list(SSNS))
def test_Q7_full_overview_sends_each_read_once(ctx: ServiceContext, key: str) -> None:
    """Tabs that show the same rows (the holder, cards, participations, contribution
    records of every insurance …) read them once in the overview's transaction
    (precompiled.SHARED_READS): no select is sent twice with the same parameters."""
    actor = actor_for(ctx, CLERK)
    session = _session(ctx, key)
    engine = ctx.session_factory().get_bind()
    sent: list[tuple[str, str]] = []

    def on_sql(_c: Any, _cur: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, repr(parameters)))

    event.listen(engine, "before_cursor_execute", on_sql)
    try:
        records.full_overview(ctx, actor, session)
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
    repeated = [s[0][:80] for s, n in Counter(sent).items() if n > 1]
    assert sent and not repeated, repeated
