"""Code tables and value formats (GB 3304 民族, GB/T 2261.1 性别, GB/T 2260 区划; ¥, days,
months), and the pages of the look-ups without a holder (RULES Q5 employer contributions,
Q6 drug catalogue and treatment items) on the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from counter_app.presentation import NO_RECORDS, codes, page_for, text
from counter_app.services import records
from counter_app.services.context import ServiceContext
from tests.presentation.checks import unreadable
from tests.services.conftest import actor_for

CLERK = "YB500103-01"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("01", "汉族"),
        ("05", "维吾尔族"),
        ("15", "土家族"),
        ("56", "基诺族"),
        ("97", "其他未识别民族"),
        ("1", "汉族"),
    ],
)
def test_GB3304_ethnicity_names(code: str, name: str) -> None:
    assert codes.ethnicity_name(code) == name


def test_GB3304_has_every_nationality_once() -> None:
    names = [n for c, n in codes.ETHNICITIES.items() if c.isdigit() and int(c) <= 56]
    assert len(names) == len(set(names)) == 56 and all(n.endswith("族") for n in names)


def test_unknown_codes_are_named_unknown_never_shown_bare() -> None:
    assert codes.ethnicity_name("77") == "未知民族（代码 77）"
    assert codes.gender_name("1") == "男" and codes.gender_name("2") == "女"
    assert codes.gender_name("5") == "未知性别（代码 5）"
    assert codes.insurance_name("work_injury") == "工伤保险"
    assert codes.scheme_name("resident") == "城乡居民"
    assert unreadable(codes.scheme_name("something_new")) is None  # not a bare identifier


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("500101", "重庆市万州区"),
        ("500241", "重庆市秀山土家族苗族自治县"),
        ("510000", "四川省"),
        ("650102", "新疆维吾尔自治区（行政区划代码 650102）"),
        ("990101", "未知地区（代码 990101）"),
        ("", ""),
    ],
)
def test_GBT2260_region_names(code: str, name: str) -> None:
    assert codes.region_name(code) == name


def test_money_days_months() -> None:
    assert text.money(Decimal("1234.5")) == "¥1,234.50"
    assert text.money(Decimal("-12")) == "-¥12.00"
    assert text.money(0) == "¥0.00"
    assert text.money(None) == ""
    assert text.day(dt.date(2024, 3, 5)) == "2024年03月05日"
    assert text.until(None) == "至今"
    assert text.period("2024-03") == "2024年03月"
    # A contribution record covers ``months`` months from its period (models/insurance.py).
    assert text.period_span("2024-03", 1) == "2024年03月"
    assert text.period_span("2026-01", 11) == "2026年01月至11月"
    assert text.period_span("2025-11", 4) == "2025年11月至2026年02月"
    assert text.period_span("2024-01", 12) == "2024年01月至12月"
    assert text.period_span(None, 3) == ""
    assert text.months(37) == "37个月"
    assert codes.disability_grade_name(7) == "七级"


def test_empty_list_page_says_no_records() -> None:
    assert NO_RECORDS in page_for([]).strings()


def test_Q5_Q6_lookup_pages_read_as_words(sqlite_ctx: ServiceContext) -> None:
    from counter_app.models import ContributionRecord, Employer

    with sqlite_ctx.uow() as uow:
        unit = uow.session.scalar(
            select(Employer.unit_number)
            .join(ContributionRecord, ContributionRecord.employer_id == Employer.id)
            .where(ContributionRecord.insurance == "medical")
            .limit(1)
        )
    assert unit
    pages = [
        page_for(records.employer_contributions(sqlite_ctx, actor_for(sqlite_ctx, CLERK), unit)),
        page_for(records.search_drugs(sqlite_ctx, "阿莫西林")),
        page_for(records.search_treatments(sqlite_ctx, "检查")),
    ]
    assert [p.title for p in pages] == ["单位医疗保险缴费", "药品目录", "诊疗项目"]
    assert all(len(p.strings()) > 8 for p in pages)
    bad = [(p.title, s, unreadable(s)) for p in pages for s in p.strings() if unreadable(s)]
    assert not bad, bad


def test_screen_tables_decode_search_hits() -> None:
    """The search hits table (RULES Q7) shows 男 and 正常, never 1 and active."""
    pytest.importorskip("PyQt6")
    from counter_app.ui.item_models import display

    assert display("1", "gender") == "男"
    assert display("active", "card_state") == "正常"
    assert display("正常", "card_state") == "正常"  # already in words: unchanged
    assert display("15", "ethnicity") == "土家族"
    assert display("500106", "household_district") == "重庆市沙坪坝区"
    assert display(Decimal("5656"), "amount") == "¥5,656.00"
    assert display(dt.date(1955, 9, 1), "birth_date") == "1955年09月01日"
    assert codes.ethnicity_name("M") == "未知民族（代码 M）"
