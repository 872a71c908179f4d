"""The demo's pension account is opened when the holder's insurance starts (养老保险 建账日期
= 参保日期, RULES C2, Q3): a trial read 王建国's 建账日期 1993-01-01 before his 参保日期
1993-03-01. Seen as the clerk sees it (the 养老保险 and 社会保险 pages) for him, and in the
database for every generated holder. Only demo data: the services decide nothing from it."""

from __future__ import annotations

from sqlalchemy import text

from counter_app.services import records, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.queries.category import Category
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, holder_id_of

CLERK = "YB500103-01"
WANG = "500103196803150310"  # 王建国 (demo key active_default_pin)


def test_C2_wang_jianguo_account_opened_when_his_insurance_started(
    sqlite_ctx: ServiceContext,
) -> None:
    actor = actor_for(sqlite_ctx, CLERK)
    session = sessions.open_id_session(
        sqlite_ctx,
        actor,
        holder_id_of(sqlite_ctx, "active_default_pin"),
        manual_doc(WANG),
        "持卡人来窗口查询",
    )
    social = records.category(sqlite_ctx, actor, session, Category.SOCIAL_INSURANCE)
    pension = records.category(sqlite_ctx, actor, session, Category.PENSION)
    (joined,) = [p.since for p in social.participations if p.insurance == "pension"]
    assert pension.opened_on == joined


def test_C2_no_demo_account_opened_before_its_holders_insurance(
    sqlite_ctx: ServiceContext,
) -> None:
    with sqlite_ctx.uow() as uow:
        pairs = uow.session.execute(
            text(
                "SELECT a.opened_on, p.since FROM pension_accounts a "
                "JOIN insurance_participations p ON p.holder_id = a.holder_id "
                "AND p.insurance = 'pension'"
            )
        ).all()
    assert len(pairs) > 20
    early = [(opened, since) for opened, since in pairs if str(opened) != str(since)]
    assert not early, early[:5]
