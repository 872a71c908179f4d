"""Benefits and life events: 工伤 and 工亡 (Q5), 生育 (Q3), 低保和优抚 and 生命与健康数据
(Q2), 职业资格与工作经历 (C2). Each kind of benefit has columns of its own."""

from __future__ import annotations

from counter_app.presentation import codes, text
from counter_app.presentation.insurance_pages import employment_table, paid_in_blocks
from counter_app.presentation.page import Fields, Page, Table, table
from counter_app.services.queries.benefits import (
    AssistanceView,
    CareerView,
    DeathView,
    InjuryBenefitRow,
    InjuryCaseRow,
    InjuryView,
    LifeHealthView,
    MaternityRow,
    MaternityView,
)

#: Written before 伤情 of a case recognised as an occupational disease (职业病).
OCCUPATIONAL_DISEASE = "职业病："


def injury_cases_table(rows: tuple[InjuryCaseRow, ...]) -> Table:
    """工伤认定: the case, its dates, 伤残等级 and 状态 first; the employer and 伤情 (long
    text, wrapped) last — at the window's first size a trial had to scroll sideways to see
    伤残等级. 职业病 is said in 伤情 instead of a column of its own."""
    return table(
        "工伤认定",
        ("认定编号", "受伤日期", "认定日期", "伤残等级", "状态", "用人单位", "伤情"),
        [
            (
                c.case_no,
                text.day(c.injury_date),
                text.day(c.recognised_on),
                codes.disability_grade_name(c.disability_grade) or "未鉴定",
                c.status,
                text.or_none(c.employer, "—"),
                (OCCUPATIONAL_DISEASE if c.occupational_disease else "") + c.description,
            )
            for c in rows
        ],
    )


def injury_benefits_table(rows: tuple[InjuryBenefitRow, ...]) -> Table:
    return table(
        "工伤保险待遇",
        ("认定编号", "待遇项目", "所属期间", "金额", "发放日期"),
        [
            (
                b.case_no,
                b.kind,
                text.period(b.period) or "—",
                text.money(b.amount_yuan),
                text.day(b.paid_on),
            )
            for b in rows
        ],
        numeric=(3,),
    )


def maternity_table(rows: tuple[MaternityRow, ...]) -> Table:
    return table(
        "生育保险待遇",
        ("待遇项目", "生育（手术）日期", "用人单位", "金额", "发放日期"),
        [
            (
                m.kind,
                text.day(m.event_date),
                text.or_none(m.employer, "—"),
                text.money(m.amount_yuan),
                text.day(m.paid_on),
            )
            for m in rows
        ],
        numeric=(3,),
    )


def injury_page(v: InjuryView) -> Page:
    """工伤人员待遇 (Q5), and the 工伤保险 contributions with their status."""
    return Page(
        "工伤人员待遇",
        (
            injury_cases_table(v.cases),
            injury_benefits_table(v.benefits),
            *paid_in_blocks(v.paid_in, "工伤保险"),
        ),
    )


def death_page(v: DeathView) -> Page:
    """工亡人员待遇 (Q5): the case, the one-off grants and the survivors' pensions."""
    if not v.case_no:
        return Page("工亡人员待遇", (Fields("", (("工亡认定", "无记录"),)),))
    return Page(
        "工亡人员待遇",
        (
            Fields(
                "工亡认定",
                (
                    ("认定编号", v.case_no),
                    ("用人单位", text.or_none(v.employer, "—")),
                    ("死亡日期", text.day(v.death_date)),
                    ("丧葬补助金", text.money(v.funeral_grant_yuan) or "未发放"),
                    ("一次性工亡补助金", text.money(v.lump_sum_yuan) or "未发放"),
                ),
            ),
            table(
                "供养亲属抚恤金",
                ("姓名", "与工亡职工关系", "公民身份号码", "每月金额", "起始日期", "终止日期"),
                [
                    (
                        s.name,
                        s.relation,
                        text.or_none(s.ssn, "—"),
                        text.money(s.monthly_yuan),
                        text.day(s.since),
                        text.until(s.until),
                    )
                    for s in v.survivors
                ],
                numeric=(3,),
            ),
        ),
    )


def maternity_page(v: MaternityView) -> Page:
    """生育保险 (Q3): the benefits paid, and the contributions with their status."""
    return Page("生育保险", (maternity_table(v.benefits), *paid_in_blocks(v.paid_in, "生育保险")))


def assistance_page(v: AssistanceView) -> Page:
    """低保和优抚 (Q2): 最低生活保障 and 优抚 each with their own columns."""
    return Page(
        "低保和优抚",
        (
            table(
                "城乡居民最低生活保障（低保）",
                ("所在区县", "城乡类别", "家庭人口", "每月低保金", "起始日期", "终止日期", "状态"),
                [
                    (
                        codes.region_name(a.district_code),
                        a.area,
                        f"{a.household_size}人",
                        text.money(a.monthly_yuan),
                        text.day(a.since),
                        text.until(a.until),
                        a.status,
                    )
                    for a in v.living_allowances
                ],
                numeric=(2, 3),
            ),
            table(
                "优抚",
                ("优抚类别", "等级", "每月抚恤补助", "起始日期", "终止日期"),
                [
                    (
                        c.category,
                        codes.disability_grade_name(c.grade) or "—",
                        text.money(c.monthly_yuan),
                        text.day(c.since),
                        text.until(c.until),
                    )
                    for c in v.special_care
                ],
                numeric=(2,),
            ),
        ),
    )


def life_health_page(v: LifeHealthView) -> Page:
    """生命与健康数据 (Q2): disability from work injury or occupational disease, maternity."""
    return Page(
        "生命与健康数据",
        (
            Fields(
                "",
                (
                    (
                        "最高伤残等级",
                        codes.disability_grade_name(v.highest_disability_grade) or "无",
                    ),
                    ("职业病", "有" if v.occupational_disease else "无"),
                ),
            ),
            injury_cases_table(v.injury_cases),
            maternity_table(v.maternity),
        ),
    )


def career_page(v: CareerView) -> Page:
    """职业资格与工作经历 (C2)."""
    return Page(
        "职业资格与工作经历",
        (
            table(
                "职业资格",
                ("职业（工种）", "等级", "证书编号", "发证日期", "发证机关"),
                [
                    (
                        q.title,
                        codes.qualification_level_name(q.level),
                        q.certificate_no,
                        text.day(q.issued_on),
                        q.issuer,
                    )
                    for q in v.qualifications
                ],
            ),
            employment_table(v.employment),
        ),
    )
