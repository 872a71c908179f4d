"""Each insurance's contributions on its own page, 欠缴 visible, and 累计/连续缴费月数 counted
from the records (RULES C4, Q3, Q4).

A clerk's trial: 张平俊's 医疗保险 read 参保缴费, 累计 236个月, 连续 236个月, with no contribution
record on the page — while his 2026年01月至11月 medical contributions were in arrears, and
2007-11 to 2026-11 is 229 months. 宋凯's resident pension counted an unpaid year and showed
缴费基数/单位缴纳 ¥0.00 for contributions that have neither."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select

from counter_app.models import Employer
from counter_app.models.insurance import ContributionRecord, Participation
from counter_app.presentation.page import Fields, Table
from counter_app.presentation.pages import page_for
from counter_app.services import records, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.queries.category import Category
from counter_app.services.queries.contributions import ContributionMonths, Span, count_months
from tests.id_documents import manual_doc
from tests.services.conftest import actor_for, holder_id_of

CLERK = "YB500103-01"
KEY, SSN = "active_default_pin", "500103196803150310"  # 王建国, an employee


def _span(period: int, months: int, paid: bool = True) -> Span:
    return Span((period // 100) * 12 + period % 100 - 1, months, paid)


# ---------------------------------------------------------------- the counting, alone


def test_C4_months_since_the_participation_began_count_up_to_the_last_record() -> None:
    spans = [_span(2022_01 + 100 * y, 12) for y in range(4)] + [_span(202601, 11)]
    # Since 2007-11: 170 months before the first record on file, 59 on record: 229.
    assert count_months(spans, dt.date(2007, 11, 1), in_force=True) == ContributionMonths(
        229, 229, 0
    )


def test_C4_arrears_are_not_paid_and_stop_the_continuous_months() -> None:
    spans = [_span(202201, 12), _span(202301, 24), _span(202501, 12)]
    spans.append(_span(202601, 11, paid=False))
    months = count_months(spans, dt.date(2007, 11, 1), in_force=True)
    assert months == ContributionMonths(218, 0, 11)  # the latest months unpaid: 连续 0
    # Arrears in the middle: 连续 counts the paid months after them only.
    middle = [_span(202201, 12), _span(202301, 12, paid=False), _span(202401, 24)]
    assert count_months(middle, dt.date(2022, 1, 1), in_force=True) == ContributionMonths(
        36, 24, 12
    )


def test_C4_a_gap_between_records_stops_the_continuous_months() -> None:
    spans = [_span(202001, 12), _span(202201, 12), _span(202301, 2)]
    assert count_months(spans, dt.date(2015, 1, 1), in_force=True) == ContributionMonths(
        60 + 26, 14, 0
    )


def test_C4_no_continuous_months_for_an_insurance_no_longer_in_force() -> None:
    spans = [_span(201001, 12), _span(201101, 6)]
    assert count_months(spans, dt.date(2010, 1, 1), in_force=False) == ContributionMonths(18, 0, 0)
    assert count_months([], dt.date(2010, 1, 1), in_force=True) == ContributionMonths(0, 0, 0)


def test_C4_records_before_the_participation_date_still_count() -> None:
    # 宋凯: 参保/建账 2024-08, a paid record for all of 2024 and 2025, 2026 unpaid.
    spans = [_span(202401, 12), _span(202501, 12), _span(202601, 11, paid=False)]
    assert count_months(spans, dt.date(2024, 8, 1), in_force=True) == ContributionMonths(24, 0, 11)


# ------------------------------------------------------- through the services, on the pages


def _replace_history(ctx: ServiceContext, holder_id: int) -> None:
    """王建国's medical, unemployment and pension history made known: stored figures that
    disagree with the records (999), arrears in the latest medical and pension months, a
    gap in unemployment, a resident's pension (no base, no employer)."""
    with ctx.uow() as uow:
        db = uow.session
        employer = db.scalars(select(Employer.id).limit(1)).one()
        for insurance in ("medical", "unemployment", "pension"):
            db.execute(
                delete(ContributionRecord).where(
                    ContributionRecord.holder_id == holder_id,
                    ContributionRecord.insurance == insurance,
                )
            )
            db.execute(
                delete(Participation).where(
                    Participation.holder_id == holder_id, Participation.insurance == insurance
                )
            )
        since = {
            "medical": dt.date(2010, 3, 1),
            "unemployment": dt.date(2015, 1, 1),
            "pension": dt.date(2024, 8, 1),
        }
        for insurance, day in since.items():
            resident = insurance == "pension"
            db.add(
                Participation(
                    holder_id=holder_id,
                    insurance=insurance,
                    scheme="resident" if resident else "employee",
                    status="active",
                    since=day,
                    employer_id=None if resident else employer,
                    total_months=999,
                    continuous_months=999,
                )
            )
        rows: list[tuple[str, int, int, str]] = [
            ("medical", 202201, 12, "paid"),
            ("medical", 202301, 12, "paid"),
            ("medical", 202401, 12, "paid"),
            ("medical", 202501, 2, "arrears"),
            ("unemployment", 202001, 12, "paid"),
            ("unemployment", 202201, 12, "paid"),  # 2021: none (a gap)
            ("unemployment", 202301, 12, "paid"),
            ("unemployment", 202401, 12, "paid"),
            ("unemployment", 202501, 2, "paid"),
            ("pension", 202401, 12, "paid"),
            ("pension", 202501, 2, "arrears"),
        ]
        for insurance, period, months, status in rows:
            resident = insurance == "pension"
            paid = status == "paid"
            db.add(
                ContributionRecord(
                    holder_id=holder_id,
                    insurance=insurance,
                    employer_id=None if resident else employer,
                    period=period,
                    months=months,
                    base_fen=0 if resident else 800_000,
                    employer_fen=0 if resident else 64_000 * months,
                    personal_fen=100_000 if resident else 16_000 * months,
                    status=status,
                    paid_on=dt.date(period // 100, 12, 15) if paid else None,
                )
            )
        uow.commit()


def _views(ctx: ServiceContext) -> dict[Category, Any]:
    holder_id = holder_id_of(ctx, KEY)
    _replace_history(ctx, holder_id)
    actor = actor_for(ctx, CLERK)
    session = sessions.open_id_session(ctx, actor, holder_id, manual_doc(SSN), "持卡人来窗口查询")
    kinds = (
        Category.SOCIAL_INSURANCE,
        Category.PENSION,
        Category.MEDICAL,
        Category.UNEMPLOYMENT,
        Category.MATERNITY,
        Category.INJURY,
    )
    return {c: records.category(ctx, actor, session, c) for c in kinds}


def _fields(page: Any) -> dict[str, str]:
    return {k: v for b in page.blocks if isinstance(b, Fields) for k, v in b.rows}


def _table(page: Any, title: str) -> Table:
    [found] = [b for b in page.blocks if isinstance(b, Table) and b.title == title]
    return found


def test_C4_Q4_each_insurance_page_shows_its_contributions_and_months_from_the_records(
    ctx: ServiceContext,
) -> None:
    views = _views(ctx)
    medical = views[Category.MEDICAL]
    assert medical.paid_in.months == ContributionMonths(142 + 36, 0, 2)
    page = page_for(medical)
    shown = _fields(page)
    assert shown["参保状态"] == "参保缴费（欠缴2个月）"
    assert (shown["累计缴费月数"], shown["连续缴费月数"], shown["欠缴月数"]) == (
        "178个月",
        "0个月",
        "2个月",
    )
    table = _table(page, "医疗保险缴费记录")
    assert table.headers[-2:] == ("缴费状态", "到账日期")
    assert table.rows[0][0] == "2025年01月至02月" and table.rows[0][-2:] == ("欠缴", "未到账")
    assert [r[-2] for r in table.rows[1:]] == ["已缴"] * 3

    # 失业保险连续缴费月数 (Q4) stops at the year without a record.
    unemployment = views[Category.UNEMPLOYMENT]
    assert (unemployment.continuous_months, unemployment.total_months) == (38, 60 + 50)
    assert _fields(page_for(unemployment))["连续缴费月数"] == "38个月"
    assert len(_table(page_for(unemployment), "失业保险缴费记录").rows) == 5

    # The resident's pension: the unpaid months not counted, no base or employer's share.
    pension = views[Category.PENSION]
    assert pension.contribution_months == 12 and pension.paid_in.months.arrears == 2
    pension_page = page_for(pension)
    assert _fields(pension_page)["累计缴费月数"] == "12个月"
    rows = _table(pension_page, "养老保险缴费记录").rows
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("—", "—", "¥1,000.00", "欠缴"),
        ("—", "—", "¥1,000.00", "已缴"),
    ]
    assert "¥0.00" not in pension_page.strings()

    # The overview: the months the records count (never the stored 999), 欠缴 beside the status.
    social = {p.insurance: p for p in views[Category.SOCIAL_INSURANCE].participations}
    assert (social["medical"].total_months, social["medical"].continuous_months) == (178, 0)
    assert social["medical"].arrears_months == 2
    assert (social["unemployment"].total_months, social["unemployment"].continuous_months) == (
        110,
        38,
    )
    overview = page_for(views[Category.SOCIAL_INSURANCE])
    statuses = {r[0]: r[2] for r in _table(overview, "参保情况").rows}
    assert statuses["医疗保险"] == "参保缴费（欠缴2个月）"
    assert statuses["失业保险"] == "参保缴费"
    assert "999个月" not in overview.strings()

    # Every insurance's page has its 缴费记录 (生育保险, 工伤保险 too).
    for category, title in (
        (Category.MATERNITY, "生育保险缴费记录"),
        (Category.INJURY, "工伤保险缴费记录"),
    ):
        assert _table(page_for(views[category]), title).headers[0] == "缴费期间"
