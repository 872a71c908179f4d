"""RULES Q5 on the real stack: the family of the demo's work-death holder (孙建军, 工亡, his
card cancelled) comes to the window. A clerk logs in on the demo database, opens 查询 →
工亡人员待遇查询 with no holder on screen, types the deceased's number and the reason, and
reads the work-death record and the survivors' pensions by name — ¥ with two decimals, as
the database holds them; the look-up audited for the clerk with whose record and why (Q7).
A living holder's number answers 无记录 without a name; a wrong number the ID-number check's
words. Also on PostgreSQL and through counter-server."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from sqlalchemy import create_engine, text

from counter_app.demo.accounts import fixed_holder
from counter_app.presentation import text as words
from counter_app.ui.lookup_menu import LookupMenu
from counter_app.ui.public_lookup import LookupKind
from counter_app.ui.work_death_lookup import WorkDeathLookupWindow

pytestmark = pytest.mark.gui

CLERK = "YB500103-01"
DECEASED = fixed_holder("work_death")
LIVING = fixed_holder("active_default_pin")


def _rows(url: str, statement: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(statement), params).all())
    finally:
        engine.dispose()


def _search(c: Any, lookup: WorkDeathLookupWindow, number: str, reason: str) -> list[str]:
    lookup.edit.clear()
    lookup.edit.insert(number)
    lookup.reason.setEditText(reason)
    c.qtbot.keyClick(lookup.edit, Qt.Key.Key_Return)
    return lookup.view.shown_texts()


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_Q5_work_death_benefits_from_the_menu_on_the_demo_database(counter: Any) -> None:
    c = counter(CLERK)
    assert c.window.holder.session is None  # nobody can present the deceased's card
    ((holder_id, case_no, grant_fen, lump_fen),) = _rows(
        c.db_url,
        "SELECT h.id, d.case_no, d.funeral_grant_fen, d.lump_sum_fen FROM holders h"
        " JOIN death_cases d ON d.holder_id = h.id WHERE h.ssn = :ssn",
        ssn=DECEASED.ssn,
    )
    survivors = _rows(
        c.db_url,
        "SELECT s.survivor_name, s.monthly_fen FROM survivor_benefits s"
        " JOIN death_cases d ON d.id = s.death_case_id WHERE d.case_no = :c ORDER BY s.id",
        c=case_no,
    )
    assert survivors  # the demo's work death leaves survivors with names

    menu = c.window.findChild(LookupMenu, "lookupMenu")
    assert menu is not None and menu.menuAction().isVisible()
    menu.lookup_actions[LookupKind.WORK_DEATH].trigger()  # as the menu entry is clicked
    lookup = menu.windows[LookupKind.WORK_DEATH]
    c.qtbot.addWidget(lookup)
    assert isinstance(lookup, WorkDeathLookupWindow) and lookup.isVisible()

    texts = _search(c, lookup, DECEASED.ssn, "家属查询（配偶）")
    assert not lookup.error.text(), lookup.error.text()
    assert DECEASED.name in lookup.summary.text()
    assert case_no in texts
    assert words.money(Decimal(int(grant_fen)) / 100) in texts  # ¥ with two decimals
    assert words.money(Decimal(int(lump_fen)) / 100) in texts
    for name, fen in survivors:
        assert str(name) in texts and words.money(Decimal(int(fen)) / 100) in texts
    audited = _rows(
        c.db_url,
        "SELECT a.holder_id, a.reason, a.workstation FROM audit_events a"
        " JOIN staff s ON s.id = a.staff_id"
        " WHERE s.staff_no = :staff AND a.action = 'work_death.view'",
        staff=CLERK,
    )
    assert [(h, r) for h, r, _w in audited] == [(holder_id, "家属查询（配偶）")]
    assert audited[0][2]  # where: the workstation

    texts = _search(c, lookup, LIVING.ssn, "家属查询")  # alive: their records need them
    assert "没有工亡记录" in lookup.summary.text() and "无记录" in texts
    assert LIVING.name not in " ".join(texts) + lookup.summary.text()

    _search(c, lookup, DECEASED.ssn[:-1] + "2", "家属查询")
    assert "校验位" in lookup.error.text() and lookup.view.page is None
