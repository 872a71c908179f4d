"""The holder and their cards (RULES Q2 卡基本信息, 公共数据; the card state and history).

ID and phone numbers arrive masked from the services; card numbers are masked here
(``forms.masking``): the header's audited reveal is the only place a full number shows.
"""

from __future__ import annotations

from counter_app.presentation import codes, text
from counter_app.presentation.page import Fields, Page, Table, table
from counter_app.services.queries.holder import (
    BasicInfo,
    CardBasicView,
    CardEvent,
    CardInfo,
    HolderHit,
    HolderOverview,
    PublicDataView,
)
from forms.masking import mask_card_number


def card_number(number: str) -> str:
    return mask_card_number(number) if len(number) > 5 else number


def spec_version(version: str) -> str:
    """The card specification's version as printed on the card's documents: ``3.00版``."""
    return f"{version}版" if version else ""


def basic_fields(b: BasicInfo, title: str = "基本信息") -> Fields:
    return Fields(
        title,
        (
            ("姓名", b.name),
            ("社会保障号码", b.ssn),
            ("性别", codes.gender_name(b.gender)),
            ("民族", codes.ethnicity_name(b.ethnicity)),
            ("出生日期", text.day(b.birth_date)),
            ("人员状态", codes.personal_status_name(b.status)),
            ("户籍所在地", codes.region_name(b.household_district)),
            ("联系电话", text.or_none(b.phone, "未登记")),
        ),
    )


def card_fields(c: CardInfo | None) -> Fields:
    if c is None:
        return Fields("当前卡片", (("在用卡片", "无（没有正常或挂失中的卡）"),))
    lapses: tuple[tuple[str, str], ...] = ()
    if c.phone_deadline_at is not None:  # RULES L2: remind the holder to confirm in writing
        lapses = (
            (
                "电话挂失失效时间",
                f"{text.instant(c.phone_deadline_at)}（到期前请持卡人办理书面挂失）",
            ),
        )
    return Fields(
        "当前卡片",
        (
            ("卡号", card_number(c.card_number)),
            ("卡状态", c.state_label or codes.card_state_name(c.state)),
            ("状态变更时间", text.instant(c.state_changed_at)),
            *lapses,
            ("发卡日期", text.day(c.issue_date)),
            ("有效期至", expiry(c)),
            ("发卡地区", codes.region_name(c.region_code)),
            ("卡规范版本", spec_version(c.spec_version)),
        ),
    )


#: Marks a card past its 有效期至 (on the card page and in the holder header alike).
EXPIRED_MARK = "（已过期）"


def expiry(c: CardInfo) -> str:
    """有效期至, marked when the card is past it (it still works until replaced, but the
    holder should be told to renew it)."""
    return text.day(c.expiry_date) + (EXPIRED_MARK if c.expired else "")


def state_fact(c: CardInfo) -> str:
    """卡状态 as one fact of the holder header: the state, marked 已过期 like 有效期至 on
    the card page (the header read 正常 over a card past its expiry). Only what is shown:
    an expired card keeps its state and what that state allows."""
    state = c.state_label or codes.card_state_name(c.state)
    return state + (EXPIRED_MARK if c.expired else "")


def hit_state(hit: HolderHit) -> str:
    """卡状态 of one row of the holder search's hit list, marked 已过期 as the holder
    header marks it (:func:`state_fact`); "" for a holder without a card in use. Only
    what is shown: the card keeps its state and what that state allows."""
    if hit.card_state is None:
        return ""
    return codes.card_state_name(hit.card_state) + (EXPIRED_MARK if hit.card_expired else "")


#: Card events recorded by day only (a card's issue date): shown without a clock time.
DAY_ONLY_EVENTS = frozenset({"发卡"})


def history_table(events: tuple[CardEvent, ...]) -> Table:
    return table(
        "卡片业务记录",
        ("时间", "业务", "卡号", "经办机构"),
        [
            (
                text.day(e.at) if e.kind in DAY_ONLY_EVENTS else text.instant(e.at),
                e.kind,
                card_number(e.card_number),
                text.or_none(e.office, "—"),
            )
            for e in events
        ],
    )


def overview_page(o: HolderOverview) -> Page:
    """卡状态与历史: who the holder is, the card in use, and what happened to every card."""
    return Page(
        "卡状态与历史", (basic_fields(o.basic), card_fields(o.card), history_table(o.history))
    )


def cards_table(cards: tuple[CardInfo, ...]) -> Table:
    return table(
        "全部卡片",
        ("卡号", "卡状态", "状态变更时间", "发卡日期", "有效期至", "发卡地区", "卡规范版本"),
        [
            (
                card_number(c.card_number),
                c.state_label or codes.card_state_name(c.state),
                text.instant(c.state_changed_at),
                text.day(c.issue_date),
                expiry(c),
                codes.region_name(c.region_code),
                spec_version(c.spec_version),
            )
            for c in cards
        ],
    )


def card_basic_page(v: CardBasicView) -> Page:
    """卡基本信息 (Q2)."""
    return Page("卡基本信息", (basic_fields(v.basic, "持卡人"), cards_table(v.cards)))


def public_page(v: PublicDataView) -> Page:
    """公共数据 (Q2)."""
    return Page(
        "公共数据",
        (
            Fields(
                "",
                (
                    ("姓名", v.name),
                    ("性别", codes.gender_name(v.gender)),
                    ("民族", codes.ethnicity_name(v.ethnicity)),
                    ("出生日期", text.day(v.birth_date)),
                    ("出生地", codes.region_name(v.birthplace)),
                    ("人员状态", codes.personal_status_name(v.personal_status)),
                    ("户籍所在地", codes.region_name(v.household_district)),
                    ("住址", text.or_none(v.address, "未登记")),
                ),
            ),
        ),
    )
