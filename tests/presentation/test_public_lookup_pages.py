"""RULES Q5, Q6 as the clerk reads them: the look-up pages of an employer's medical
contributions and of the two catalogues (decoded classes, percentages, ¥ with two
decimals) and the note when a catalogue list was cut at what the window shows."""

from __future__ import annotations

from decimal import Decimal

from counter_app.presentation.page import Fields, Table
from counter_app.presentation.public_pages import (
    CATALOGUE_SHOWN,
    drug_result,
    employer_page,
    treatment_result,
)
from counter_app.services.queries.public import (
    DrugRow,
    EmployerContributions,
    EmployerMonth,
    TreatmentRow,
)


def _drug(n: int, category: str = "乙") -> DrugRow:
    return DrugRow(f"XJ{n:05d}", f"阿莫西林胶囊{n}", "胶囊剂", category, 10, "AMXLJN", "")


def _table(page: object) -> Table:
    (table,) = [b for b in page.blocks if isinstance(b, Table)]  # type: ignore[attr-defined]
    return table


def test_Q6_drug_rows_decode_class_and_self_pay_share() -> None:
    result = drug_result([_drug(1, "甲"), _drug(2, "乙")])
    table = _table(result.page)
    assert table.headers[:5] == ("药品编码", "药品名称", "剂型", "医保类别", "个人自付比例")
    assert [row[3] for row in table.rows] == ["甲类", "乙类"]
    assert table.rows[0][4] == "10%"
    assert table.rows[0][6] == "无限定"  # no restriction, said in words
    assert result.note == ""


def test_Q6_a_list_cut_at_the_window_says_so() -> None:
    """The window asks for one row more than it shows: the extra row is not shown, and
    the note says the list goes on (not when exactly as many rows matched)."""
    full = drug_result([_drug(n) for n in range(CATALOGUE_SHOWN)])
    assert len(_table(full.page).rows) == CATALOGUE_SHOWN and full.note == ""
    cut = drug_result([_drug(n) for n in range(CATALOGUE_SHOWN + 1)])
    assert len(_table(cut.page).rows) == CATALOGUE_SHOWN
    assert f"不止 {CATALOGUE_SHOWN} 条" in cut.note and "缩小范围" in cut.note


def test_Q6_no_hit_is_an_empty_table_the_view_shows_as_no_records() -> None:
    result = treatment_result([])
    assert _table(result.page).rows == () and result.note == ""


def test_Q6_treatment_price_in_yuan_with_two_decimals() -> None:
    row = TreatmentRow("110200001", "血常规检查", "次", Decimal("12.5"), "甲", 0, "XCGJC")
    (cells,) = _table(treatment_result([row]).page).rows
    assert cells == ("110200001", "血常规检查", "次", "¥12.50", "甲类", "0%", "XCGJC")


def test_Q5_employer_page_names_the_employer_and_its_months() -> None:
    month = EmployerMonth("2026-11", 12, Decimal("48000"), Decimal("3840.5"), Decimal("960"), 1)
    view = EmployerContributions("DW50010300012", "重庆山城机械有限公司", "500103", (month,))
    page = employer_page(view)
    (fields,) = [b for b in page.blocks if isinstance(b, Fields)]
    assert dict(fields.rows)["单位名称"] == "重庆山城机械有限公司"
    assert dict(fields.rows)["所在区县"] == "重庆市渝中区"
    (cells,) = _table(page).rows
    assert _table(page).headers[0] == "缴费期间"
    assert cells == ("2026年11月", "12人", "¥48,000.00", "¥3,840.50", "¥960.00", "1人")


def test_Q5_a_record_of_several_months_reads_as_its_span() -> None:
    """A record paying January to November is not "2026年01月" (a trial's screen read
    2026年01月 for eleven months' contributions)."""
    year = EmployerMonth("2026-01", 25, Decimal("1"), Decimal("2"), Decimal("3"), 0, months=11)
    view = EmployerContributions(
        "50023700000038", "重庆嘉陵教育咨询股份有限公司", "500237", (year,)
    )
    (cells,) = _table(employer_page(view)).rows
    assert cells[0] == "2026年01月至11月"


def test_Q5_employer_page_says_the_window_and_the_record_it_leaves_out() -> None:
    """最近 12 个月 shows what lies within those months (a trial's 最近 12 个月 listed
    2025年01月至12月 too: 23 months): the page says the window, and that a record beginning
    before it is not listed and why — its sum is for all its months."""
    this_year = EmployerMonth("2026-01", 25, Decimal("1"), Decimal("2"), Decimal("3"), 0, 11)
    last_year = EmployerMonth("2025-01", 24, Decimal("1"), Decimal("2"), Decimal("3"), 0, 12)
    view = EmployerContributions(
        "50010300000031", "重庆山城机械有限公司", "500103", (this_year,),
        "2025-12", "2026-11", (last_year,),
    )  # fmt: skip
    page = employer_page(view)
    (fields,) = [b for b in page.blocks if isinstance(b, Fields)]
    shown = dict(fields.rows)
    assert shown["查询期间"].startswith("2025年12月至2026年11月")
    assert shown["未列出"].startswith("2025年01月至12月的缴费记录只有部分月份在查询期间内")
    assert [cells[0] for cells in _table(page).rows] == ["2026年01月至11月"]
    whole = EmployerContributions(
        "50010300000031", "重庆山城机械有限公司", "500103", (this_year, last_year),
        "2024-12", "2026-11",
    )  # fmt: skip
    assert "未列出" not in dict(
        next(b for b in employer_page(whole).blocks if isinstance(b, Fields)).rows
    )
