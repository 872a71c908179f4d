"""Every record page of every fixed demo holder reads as a clerk reads it (RULES Q2–Q5,
docs/ARCHITECTURE.md "Screens a clerk reads"): Chinese labels, decoded codes, ¥ amounts, Chinese
dates, 无记录 for empty lists — walked through the real services on the demo database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from counter_app.demo.accounts import FIXED_HOLDERS
from counter_app.presentation import NO_RECORDS, Fields, Page, Table, page_for
from counter_app.presentation.codes import ETHNICITIES
from counter_app.services import records, sessions
from counter_app.services.context import ServiceContext
from counter_app.services.idcheck import SessionVia
from counter_app.services.records import Category
from tests.id_documents import manual_doc
from tests.presentation.checks import unreadable
from tests.services.conftest import actor_for, holder_id_of

CLERK = "YB500103-01"


def _pages(ctx: ServiceContext, key: str, ssn: str) -> dict[str, Page]:
    actor = actor_for(ctx, CLERK)
    if key == "work_death":
        # 孙建军 is deceased: no ID document opens his records in his name any more (RULES
        # Q7, tests/services/test_deceased_holder.py). The walk still reads how his stored
        # records (the work death among them) would read, through the session itself.
        session = sessions.open_session(
            ctx, actor, holder_id_of(ctx, key), None, SessionVia.ID_DOCUMENT, reason="页面检查"
        )
    else:
        session = sessions.open_id_session(
            ctx, actor, holder_id_of(ctx, key), manual_doc(ssn), "持卡人来窗口查询"
        )
    pages = {"overview": page_for(records.overview(ctx, actor, session))}
    for which in Category:
        pages[which.value] = page_for(records.category(ctx, actor, session, which))
    return pages


def _problems(page: Page) -> list[str]:
    found = []

    def check(text: str, label: str, where: str) -> None:
        why = unreadable(text, label)
        if why:
            found.append(f"{page.title} / {where}: {text!r} — {why}")

    check(page.title, "", "title")
    for block in page.blocks:
        if block.title:
            check(block.title, "", "heading")
        if isinstance(block, Fields):
            for label, value in block.rows:
                check(label, "", "label")
                check(value, label, label)
        else:
            for header in block.headers:
                check(header, "", "header")
            for row in block.rows:
                for header, cell in zip(block.headers, row, strict=True):
                    check(cell, header, header)
    return found


@pytest.fixture(scope="module")
def walked(
    sqlite_demo_template: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Page]]:
    """Every page of every fixed holder, read once for the module (a demo copy of its own)."""
    import shutil

    from tests.services.conftest import _dispose, make_ctx

    target = tmp_path_factory.mktemp("walk") / "demo.sqlite3"
    shutil.copyfile(sqlite_demo_template, target)
    ctx = make_ctx(f"sqlite:///{target}")
    try:
        return {h.key: _pages(ctx, h.key, h.ssn) for h in FIXED_HOLDERS}
    finally:
        _dispose(ctx)


@pytest.mark.parametrize("key", [h.key for h in FIXED_HOLDERS])
def test_Q2_every_page_of_every_fixed_holder_reads_as_words(
    walked: dict[str, dict[str, Page]], key: str
) -> None:
    pages = walked[key]
    assert set(pages) == {"overview", *(c.value for c in Category)}
    problems = [p for page in pages.values() for p in _problems(page)]
    assert not problems, "\n".join(problems)


def test_Q2_ethnicity_and_gender_are_decoded(walked: dict[str, dict[str, Page]]) -> None:
    """GB 3304 / GB/T 2261.1: the 土家族 dibao holder and the Uyghur holder by name."""

    def value(page: Page, label: str) -> str:
        return next(
            v for b in page.blocks if isinstance(b, Fields) for k, v in b.rows if k == label
        )

    assert value(walked["dibao"]["public"], "民族") == "土家族"
    assert value(walked["minority_name"]["public"], "民族") == "维吾尔族"
    assert value(walked["retired"]["public"], "性别") == "男"
    assert value(walked["dibao"]["public"], "性别") == "女"
    assert value(walked["dibao"]["public"], "户籍所在地") == "重庆市秀山土家族苗族自治县"
    assert len(ETHNICITIES) == 58  # 56 nationalities + 97 + 98


def _table(page: Page, title: str) -> Table:
    return next(b for b in page.blocks if isinstance(b, Table) and b.title == title)


def test_Q4_pension_page_shows_account_months_and_payments(
    walked: dict[str, dict[str, Page]],
) -> None:
    pension = walked["retired"]["pension"]
    # The account, and the months the contributions add up to (缴费情况).
    shown = dict(row for b in pension.blocks if isinstance(b, Fields) for row in b.rows)
    assert shown["个人账户余额"].startswith("¥")
    assert shown["累计缴费月数"].endswith("个月") and shown["累计缴费月数"] != "0个月"
    assert shown["退休待遇金额（每月）"].startswith("¥")
    payments = _table(pension, "养老金发放记录")
    assert payments.headers == ("所属年月", "金额", "发放日期")
    assert payments.rows and all(r[1].startswith("¥") and "年" in r[0] for r in payments.rows)


def test_Q5_injury_death_maternity_and_assistance_have_their_own_columns(
    walked: dict[str, dict[str, Page]],
) -> None:
    injury = _table(walked["work_injury"]["injury"], "工伤认定")
    assert "七级" in [row[injury.headers.index("伤残等级")] for row in injury.rows]
    dibao = _table(walked["dibao"]["assistance"], "城乡居民最低生活保障（低保）")
    assert dibao.rows and dibao.headers[0] == "所在区县"
    death = walked["work_death"]["death"]
    assert _table(death, "供养亲属抚恤金").headers[1] == "与工亡职工关系"
    tables = [
        _table(walked["work_injury"]["injury"], "工伤保险待遇"),
        _table(walked["retired"]["maternity"], "生育保险待遇"),
        _table(death, "供养亲属抚恤金"),
        dibao,
        _table(walked["retired"]["assistance"], "优抚"),
    ]
    assert len({t.headers for t in tables}) == len(tables)  # no shared generic columns


def test_Q2_empty_lists_say_no_records(walked: dict[str, dict[str, Page]]) -> None:
    """The retiree has no 低保: the table is empty, and the view shows 无记录 for it."""
    dibao = _table(walked["retired"]["assistance"], "城乡居民最低生活保障（低保）")
    assert dibao.rows == ()
    death = walked["retired"]["death"]
    assert NO_RECORDS in death.strings()


def test_the_checks_catch_a_generic_field_dump(walked: dict[str, dict[str, Page]]) -> None:
    """The checks are not vacuous: the field-by-field dump the record tabs used to show
    (field names, raw codes, Python values) fails them for the same records."""
    dump: list[tuple[str, str]] = []

    def walk(obj: Any) -> None:
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            dump.append((f.name, "" if dataclasses.is_dataclass(value) else str(value)))
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                walk(value)

    from counter_app.services.queries.holder import BasicInfo, PublicDataView

    basic = BasicInfo(
        1,
        "周国华",
        "500***********0192",
        "1",
        "01",
        dt_date(),
        "retired",
        "500101",
        "万州区",
        "139****0000",
    )
    walk(basic)
    walk(PublicDataView("周国华", "1", "01", dt_date(), "500101", "", "退休", "500101", "", ""))
    flagged = {
        why for label, value in dump for why in (unreadable(label), unreadable(value, label)) if why
    }
    assert {"ASCII identifier", "bare 6-digit code", "date not in the Chinese format"} <= flagged
    assert unreadable("()") and unreadable("None") and unreadable("Decimal('1.00')")
    assert unreadable("01", "民族") and unreadable("1", "性别")
    assert unreadable("1,234.56") and not unreadable("¥1,234.56")


def dt_date() -> dt.date:
    return dt.date(1955, 9, 1)
