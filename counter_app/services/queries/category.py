"""The record categories staff can open for a holder (RULES Q2–Q5) and their labels.

The first seven are the hall terminals' menu (Q2) and the UI's tabs, in that order; the
rest are the finer views the website and the phone line offer (Q3–Q5).
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    CARD_BASIC = "card_basic"  # 卡基本信息 (Q2)
    PUBLIC = "public"  # 公共数据 (Q2)
    EMPLOYMENT = "employment"  # 就业与失业 (Q2)
    SOCIAL_INSURANCE = "social_insurance"  # 社会保险 (Q2)
    MEDICAL = "medical"  # 医疗保险 (Q2, Q4)
    ASSISTANCE = "assistance"  # 低保和优抚 (Q2)
    LIFE_HEALTH = "life_health"  # 生命与健康数据 (Q2)
    PENSION = "pension"  # 养老保险 (Q3, Q4)
    UNEMPLOYMENT = "unemployment"  # 失业保险 (Q3, Q4)
    INJURY = "injury"  # 工伤人员待遇 (Q3, Q5)
    DEATH = "death"  # 工亡人员待遇 (Q5)
    MATERNITY = "maternity"  # 生育保险 (Q3)
    CAREER = "career"  # 职业资格与工作经历 (C2)

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[Category, str] = {
    Category.CARD_BASIC: "卡基本信息",
    Category.PUBLIC: "公共数据",
    Category.EMPLOYMENT: "就业与失业",
    Category.SOCIAL_INSURANCE: "社会保险",
    Category.MEDICAL: "医疗保险",
    Category.ASSISTANCE: "低保和优抚",
    Category.LIFE_HEALTH: "生命与健康数据",
    Category.PENSION: "养老保险",
    Category.UNEMPLOYMENT: "失业保险",
    Category.INJURY: "工伤人员待遇",
    Category.DEATH: "工亡人员待遇",
    Category.MATERNITY: "生育保险",
    Category.CAREER: "职业资格与工作经历",
}

#: The overview (basic info + card state and history) is audited under this category.
OVERVIEW = "overview"
#: The overview and every category opened at once (``records.full_overview``).
ALL_TABS = "all_tabs"


def category_label(value: str) -> str:
    """The Chinese label of a category value (``overview`` included); unknown: itself."""
    if value == OVERVIEW:
        return "卡状态与历史"  # the record page's name on screen (holder_pages.overview)
    if value == ALL_TABS:
        return "全部信息（各分类）"
    try:
        return Category(value).label
    except ValueError:
        return value
