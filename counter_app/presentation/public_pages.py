"""Look-ups without a holder: an employer's medical contributions (Q5), the drug catalogue
and the diagnosis-and-treatment items (Q6)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from counter_app.presentation import codes, text
from counter_app.presentation.page import Fields, Page, table
from counter_app.services.queries.public import DrugRow, EmployerContributions, TreatmentRow

#: Rows a catalogue look-up window shows; it asks the service for one more to learn that
#: the list was cut (RULES Q6: a clerk must know there is more than they see).
CATALOGUE_SHOWN = 50

R = TypeVar("R")


@dataclass(frozen=True)
class CatalogueResult:
    """One catalogue search as shown: its page (at most :data:`CATALOGUE_SHOWN` rows) and
    a note when more rows matched than it shows ("" when none)."""

    page: Page
    note: str


def _shown(rows: Sequence[R], make: Callable[[Sequence[R]], Page], shown: int) -> CatalogueResult:
    if len(rows) <= shown:
        return CatalogueResult(make(rows), "")
    note = (
        f"符合条件的不止 {shown} 条，只显示前 {shown} 条。"
        "请输入更完整的名称、编码或拼音首字母缩小范围。"
    )
    return CatalogueResult(make(rows[:shown]), note)


def drug_result(rows: Sequence[DrugRow], shown: int = CATALOGUE_SHOWN) -> CatalogueResult:
    """The drug catalogue page of up to ``shown + 1`` rows the service returned."""
    return _shown(rows, drugs_page, shown)


def treatment_result(rows: Sequence[TreatmentRow], shown: int = CATALOGUE_SHOWN) -> CatalogueResult:
    """The treatment items page of up to ``shown + 1`` rows the service returned."""
    return _shown(rows, treatments_page, shown)


#: 医保目录 categories: 甲类 fully covered, 乙类 partly, 丙类 paid by the patient.
CATALOGUE_CLASSES = {"甲": "甲类", "乙": "乙类", "丙": "丙类"}


def _class(category: str) -> str:
    return CATALOGUE_CLASSES.get(category, category)


def employer_window(
    v: EmployerContributions, longer_offered: bool = True
) -> tuple[tuple[str, str], ...]:
    """查询期间 — the months the rows are within (the window the clerk chose, counted back
    from the employer's newest month with contributions) — and, when a record begins before
    it and ends inside it, that it is not listed and why (its sum is for all its months).
    ``longer_offered``: the clerk can choose a longer window (not at the longest one, where
    "请选择更长的期间查看" sent the clerk looking for a choice there is not)."""
    if not v.last_month:
        return (("查询期间", "无缴费记录"),)
    span = text.month_range(v.first_month, v.last_month)
    rows = [("查询期间", f"{span}（截至该单位最近有缴费的月份）")]
    if v.partly_earlier:
        spans = "、".join(text.period_span(m.period, m.months) for m in v.partly_earlier)
        why = f"{spans}的缴费记录只有部分月份在查询期间内（金额为整段合计，不能按月拆分）"
        if longer_offered:
            why += "，请选择更长的期间查看"
        else:
            why += "，已是最长的查询期间，整段记录不能在此列出"
        rows.append(("未列出", why))
    return tuple(rows)


def employer_page(v: EmployerContributions, longer_offered: bool = True) -> Page:
    """单位医疗保险缴费 (Q5), one row per contribution period (a month, or the months one
    record covers: 2026年01月至11月), every row within 查询期间 (``longer_offered``: see
    :func:`employer_window`)."""
    return Page(
        "单位医疗保险缴费",
        (
            Fields(
                "",
                (
                    ("单位编号", v.unit_number),
                    ("单位名称", v.name),
                    ("所在区县", codes.region_name(v.district_code)),
                    *employer_window(v, longer_offered),
                ),
            ),
            table(
                "缴费记录",
                ("缴费期间", "参保人数", "月缴费基数合计", "单位缴纳", "个人缴纳", "欠缴人数"),
                [
                    (
                        text.period_span(m.period, m.months),
                        text.people(m.insured_people),
                        text.money(m.base_yuan),
                        text.money(m.employer_yuan),
                        text.money(m.personal_yuan),
                        text.people(m.arrears_people),
                    )
                    for m in v.months
                ],
                numeric=(1, 2, 3, 4, 5),
            ),
        ),
    )


def drugs_page(rows: Sequence[DrugRow]) -> Page:
    """药品目录 (Q6)."""
    return Page(
        "药品目录",
        (
            table(
                "",
                (
                    "药品编码",
                    "药品名称",
                    "剂型",
                    "医保类别",
                    "个人自付比例",
                    "拼音码",
                    "限定支付范围",
                ),
                [
                    (
                        d.code,
                        d.name,
                        d.dosage_form,
                        _class(d.category),
                        text.percent(d.self_pay_percent),
                        d.pinyin_initials,
                        text.or_none(d.restriction, "无限定"),
                    )
                    for d in rows
                ],
                numeric=(4,),
            ),
        ),
    )


def treatments_page(rows: Sequence[TreatmentRow]) -> Page:
    """诊疗项目 (Q6)."""
    return Page(
        "诊疗项目",
        (
            table(
                "",
                ("项目编码", "项目名称", "计价单位", "价格", "医保类别", "个人自付比例", "拼音码"),
                [
                    (
                        t.code,
                        t.name,
                        t.unit,
                        text.money(t.price_yuan),
                        _class(t.category),
                        text.percent(t.self_pay_percent),
                        t.pinyin_initials,
                    )
                    for t in rows
                ],
                numeric=(3, 5),
            ),
        ),
    )
