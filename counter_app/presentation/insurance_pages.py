"""The insurances (RULES C4, Q2–Q4): 就业与失业, 社会保险, 养老保险, 医疗保险, 失业保险."""

from __future__ import annotations

from counter_app.presentation import codes, text
from counter_app.presentation.page import Block, Fields, Page, Table, table
from counter_app.services.queries.contributions import ContributionRow, Contributions
from counter_app.services.queries.insurance import (
    ClaimRow,
    EmploymentRow,
    EmploymentView,
    MedicalView,
    PaymentRow,
    PensionView,
    SocialInsuranceView,
    UnemploymentView,
)


def employment_table(rows: tuple[EmploymentRow, ...]) -> Table:
    return table(
        "工作经历",
        ("工作单位", "单位编号", "岗位", "入职日期", "离职日期"),
        [
            (
                r.employer,
                text.or_none(r.unit_number, "—"),
                text.or_none(r.position, "—"),
                text.day(r.started_on),
                text.until(r.ended_on),
            )
            for r in rows
        ],
    )


def claims_table(rows: tuple[ClaimRow, ...], title: str = "失业登记") -> Table:
    return table(
        title,
        ("登记日期", "应领月数", "每月失业保险金", "已领月数", "状态", "结束日期"),
        [
            (
                text.day(r.registered_on),
                text.months(r.entitlement_months),
                text.money(r.monthly_yuan),
                text.months(r.months_paid),
                r.status,
                text.until(r.closed_on) if r.closed_on else "—",
            )
            for r in rows
        ],
        numeric=(1, 2, 3),
    )


def payments_table(rows: tuple[PaymentRow, ...], title: str) -> Table:
    return table(
        title,
        ("所属年月", "金额", "发放日期"),
        [(text.period(r.period), text.money(r.amount_yuan), text.day(r.paid_on)) for r in rows],
        numeric=(1,),
    )


def contributions_table(rows: tuple[ContributionRow, ...], title: str) -> Table:
    return table(
        title,
        (
            "缴费期间",
            "缴费单位",
            "缴费基数",
            "单位缴纳",
            "个人缴纳",
            "缴费状态",
            "到账日期",
        ),
        [
            (
                # The span says how many months (2025年01月至12月): no 月数 column, so that
                # every column is in view at the window's first size.
                text.period_span(r.period, r.months),
                text.or_none(r.employer, "个人缴费"),
                # A resident's flat amount has no base, a personal one no employer's share.
                text.money(r.base_yuan) or "—",
                text.money(r.employer_yuan) or "—",
                text.money(r.personal_yuan) or "—",
                r.status,
                text.day(r.paid_on) if r.paid_on else "未到账",
            )
            for r in rows
        ],
        numeric=(2, 3, 4),
    )


def arrears_note(months: int) -> str:
    """What a participation's status adds for months in arrears: （欠缴11个月）."""
    return f"（欠缴{text.months(months)}）" if months else ""


def paid_in_blocks(c: Contributions, insurance: str) -> tuple[Block, ...]:
    """Any insurance's contributions (RULES C4, Q3, Q4): the months they add up to and the
    records with their 缴费状态, so 欠缴 shows on the insurance's own page."""
    m = c.months
    return (
        Fields(
            "缴费情况",
            (
                ("累计缴费月数", text.months(m.total)),
                ("连续缴费月数", text.months(m.continuous)),
                ("欠缴月数", text.months(m.arrears) if m.arrears else "无欠缴"),
            ),
        ),
        contributions_table(c.rows, f"{insurance}缴费记录"),
    )


def employment_page(v: EmploymentView) -> Page:
    """就业与失业 (Q2)."""
    return Page(
        "就业与失业",
        (
            Fields("", (("人员状态", codes.personal_status_name(v.personal_status)),)),
            employment_table(v.employment),
            claims_table(v.unemployment_claims),
        ),
    )


def _insurance_order(code: str) -> int:
    order = list(codes.INSURANCES)  # 养老、医疗、失业、工伤、生育, as the hall terminals list them
    return order.index(code) if code in order else len(order)


def social_insurance_page(v: SocialInsuranceView) -> Page:
    """社会保险 (Q2): every insurance the holder takes part in, pension first."""
    participations = sorted(
        v.participations, key=lambda p: (_insurance_order(p.insurance), p.since)
    )
    return Page(
        "社会保险",
        (
            table(
                "参保情况",
                (
                    "险种",
                    "参保类型",
                    "参保状态",
                    "参保日期",
                    "终止日期",
                    "参保单位",
                    # 累计缴费 355个月: the unit is in the cell, the short header keeps
                    # every column in view at the window's first size.
                    "累计缴费",
                    "连续缴费",
                ),
                [
                    (
                        p.insurance_label or codes.insurance_name(p.insurance),
                        codes.scheme_name(p.scheme),
                        p.status + arrears_note(p.arrears_months),
                        text.day(p.since),
                        text.until(p.until),
                        text.or_none(p.employer, "个人参保"),
                        text.months(p.total_months),
                        text.months(p.continuous_months),
                    )
                    for p in participations
                ],
                numeric=(6, 7),
            ),
        ),
    )


def pension_page(v: PensionView) -> Page:
    """养老保险 (Q3, Q4): the personal account, the monthly pension (退休待遇金额) and its
    payment history, and the contributions (months and records) as every insurance shows
    them."""
    retired = v.retired_on is not None
    account = Fields(
        "个人账户",
        (
            ("个人账户余额", text.money(v.account_balance_yuan) or "未建立个人账户"),
            ("建账日期", text.day(v.opened_on) or "—"),
            ("退休日期", text.day(v.retired_on) if retired else "未退休"),
            ("退休待遇金额（每月）", text.money(v.monthly_benefit_yuan) if retired else "未退休"),
        ),
    )
    return Page(
        "养老保险",
        (
            account,
            payments_table(v.payments, "养老金发放记录"),
            *paid_in_blocks(v.paid_in, "养老保险"),
        ),
    )


def medical_page(v: MedicalView) -> Page:
    """医疗保险 (Q2, Q4): 医疗卡余额 and the recent account movements."""
    return Page(
        "医疗保险",
        (
            Fields(
                "医疗保险个人账户",
                (
                    ("医疗卡余额", text.money(v.balance_yuan) or "未建立个人账户"),
                    ("余额更新时间", text.instant(v.updated_at) or "—"),
                    ("参保类型", codes.scheme_name(v.scheme) if v.scheme else "未参保"),
                    ("参保状态", v.status + arrears_note(v.paid_in.months.arrears)),
                ),
            ),
            table(
                "个人账户收支记录",
                ("时间", "类别", "金额", "余额", "医药机构"),
                [
                    (
                        text.instant(t.at),
                        t.kind,
                        text.money(t.amount_yuan),
                        text.money(t.balance_after_yuan),
                        text.or_none(t.institution, "—"),
                    )
                    for t in v.transactions
                ],
                numeric=(2, 3),
            ),
            *paid_in_blocks(v.paid_in, "医疗保险"),
        ),
    )


def unemployment_page(v: UnemploymentView) -> Page:
    """失业保险 (Q3, Q4): 失业保险连续缴费月数, entitlements and payments."""
    return Page(
        "失业保险",
        (
            Fields(
                "",
                (("参保状态", v.status + arrears_note(v.paid_in.months.arrears)),),
            ),
            # 连续缴费月数 (Q4) and 累计 as the records count them, then the records.
            *paid_in_blocks(v.paid_in, "失业保险"),
            claims_table(v.claims, "失业保险金领取资格"),
            payments_table(v.payments, "失业保险金发放记录"),
        ),
    )
