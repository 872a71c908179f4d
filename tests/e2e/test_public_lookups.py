"""RULES Q5, Q6 on the real stack: a clerk logs in on the demo database, opens 查询 →
药品目录查询 / 诊疗项目查询 / 单位医疗保险缴费查询 with no holder on screen, searches a drug,
a treatment item and an employer's unit number taken from the demo data, and reads the rows
as the services return them — classes decoded, ¥ with two decimals; the employer look-up
audited for the clerk. Also through counter-server (``also_remote``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from sqlalchemy import create_engine, text

from counter_app.presentation import text as words
from counter_app.ui.lookup_menu import LookupMenu
from counter_app.ui.public_lookup import LookupKind, PublicLookupWindow

pytestmark = pytest.mark.gui

CLERK = "YB500103-01"


def _rows(url: str, statement: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(statement), params).all())
    finally:
        engine.dispose()


def _open(c: Any, kind: LookupKind) -> PublicLookupWindow:
    menu = c.window.findChild(LookupMenu, "lookupMenu")
    assert menu is not None and menu.menuAction().isVisible()
    menu.lookup_actions[kind].trigger()  # as the menu entry is clicked
    lookup = menu.windows[kind]
    c.qtbot.addWidget(lookup)
    assert lookup.isVisible() and not lookup.isModal()
    return lookup


def _search(c: Any, lookup: PublicLookupWindow, typed: str) -> list[str]:
    lookup.edit.clear()
    lookup.edit.insert(typed)
    c.qtbot.keyClick(lookup.edit, Qt.Key.Key_Return)
    assert not lookup.error.text(), lookup.error.text()
    return lookup.view.shown_texts()


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_Q6_catalogues_from_the_menu_on_the_demo_database(counter: Any) -> None:
    c = counter(CLERK)
    assert c.window.holder.session is None  # no holder: the catalogues are published
    ((code, name, category, share),) = _rows(
        c.db_url,
        "SELECT code, name, category, self_pay_percent FROM drugs"
        " WHERE category = '乙' ORDER BY code LIMIT 1",
    )
    drugs = _open(c, LookupKind.DRUGS)
    texts = _search(c, drugs, str(name))
    assert str(code) in texts and str(name) in texts
    assert "乙类" in texts and f"{share}%" in texts and "药品编码" in texts
    assert drugs.summary.text().startswith("共找到")

    ((t_code, t_name, price_fen),) = _rows(
        c.db_url,
        "SELECT code, name, price_fen FROM treatment_items"
        " WHERE price_fen IS NOT NULL ORDER BY price_fen DESC, code LIMIT 1",
    )
    items = _open(c, LookupKind.TREATMENTS)
    texts = _search(c, items, str(t_code))
    assert str(t_name) in texts
    assert words.money(Decimal(int(price_fen)) / 100) in texts  # ¥ with two decimals

    texts = _search(c, items, "没有这个项目")
    assert "无记录" in texts


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_Q5_employer_contributions_from_the_menu_on_the_demo_database(counter: Any) -> None:
    c = counter(CLERK)
    ((unit, employer_name),) = _rows(
        c.db_url,
        "SELECT e.unit_number, e.name FROM employers e"
        " JOIN contribution_records r ON r.employer_id = e.id WHERE r.insurance = 'medical'"
        " GROUP BY e.unit_number, e.name ORDER BY count(DISTINCT r.period) DESC, e.unit_number"
        " LIMIT 1",
    )
    periods = _rows(  # (first month YYYYMM, months covered, employer's part in fen)
        c.db_url,
        "SELECT r.period, max(r.months), sum(r.employer_fen) FROM contribution_records r"
        " JOIN employers e ON e.id = r.employer_id"
        " WHERE e.unit_number = :unit AND r.insurance = 'medical'"
        " GROUP BY r.period ORDER BY r.period DESC",
        unit=unit,
    )
    lookup = _open(c, LookupKind.EMPLOYER)
    assert lookup.months.currentData() == 12  # 最近 12 个月
    texts = _search(c, lookup, str(unit))
    assert str(employer_name) in lookup.summary.text() and str(employer_name) in texts

    def span(period: int, months: int) -> str:
        return words.period_span(f"{period // 100:04d}-{period % 100:02d}", months)

    def last_month(period: int, months: int) -> int:
        return (period // 100) * 12 + period % 100 + months - 2

    def first_month(period: int) -> int:
        return (period // 100) * 12 + period % 100 - 1

    # 最近 12 个月: the periods wholly within the employer's last 12 months (a trial's
    # window listed the year before too, 23 months); one that begins earlier is named apart.
    newest = max(last_month(int(p), int(m)) for p, m, _fen in periods)
    expected = [
        (span(int(p), int(m)), words.money(Decimal(int(fen)) / 100))
        for p, m, fen in periods
        if first_month(int(p)) > newest - 12
    ]
    earlier = [
        span(int(p), int(m))
        for p, m, _fen in periods
        if first_month(int(p)) <= newest - 12 < last_month(int(p), int(m))
    ]
    table = lookup.view.page.blocks[-1]  # type: ignore[union-attr]
    assert [(row[0], row[3]) for row in table.rows] == expected  # newest first
    assert expected and all(cell in texts for pair in expected for cell in pair)
    assert earlier and any(t.startswith(earlier[0] + "的缴费记录只有部分月份") for t in texts)
    audited = _rows(
        c.db_url,
        "SELECT a.action FROM audit_events a JOIN staff s ON s.id = a.staff_id"
        " WHERE s.staff_no = :staff AND a.action = 'employer.view'",
        staff=CLERK,
    )
    assert len(audited) == 1

    lookup.edit.clear()
    lookup.edit.insert("00000000000000")  # no such employer: the service's words
    c.qtbot.keyClick(lookup.edit, Qt.Key.Key_Return)
    assert "没有该单位社会保险编号" in lookup.error.text() and lookup.view.page is None
