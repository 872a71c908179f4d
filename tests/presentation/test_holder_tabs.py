"""The holder view's tabs on the real services (RULES Q2–Q5): the retiree's every tab,
opened like a clerk opens it, shows its designed page and nothing a clerk cannot read."""

from __future__ import annotations

from typing import Any

from counter_app.api.inprocess import InProcessServices
from counter_app.presentation import NO_RECORDS, Table
from counter_app.services import sessions
from counter_app.services.context import ServiceContext
from counter_app.ui.holder_view import CATEGORY_TABS, HolderView
from counter_app.ui.record_view import RecordView
from tests.gui.fakes import inline_runner
from tests.id_documents import manual_doc
from tests.presentation.checks import unreadable
from tests.services.conftest import actor_for, holder_id_of

CLERK = "YB500103-01"
RETIREE_SSN = "500101195509010192"


def test_Q3_every_tab_of_the_retiree_reads_as_words(qtbot: Any, sqlite_ctx: ServiceContext) -> None:
    actor = actor_for(sqlite_ctx, CLERK)
    session = sessions.open_id_session(
        sqlite_ctx,
        actor,
        holder_id_of(sqlite_ctx, "retired"),
        manual_doc(RETIREE_SSN),
        "持卡人来窗口查询",
    )
    view = HolderView(InProcessServices(sqlite_ctx), inline_runner())
    qtbot.addWidget(view)
    view.show_session(actor, session)
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert titles[0] == "卡状态与历史" and "养老保险" in titles
    assert len(titles) == 1 + len(CATEGORY_TABS)
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        # The card page sits in a tab of its own with the 补打挂失登记表 row (RULES L4).
        page = view.card_page if index == 0 else view.tabs.widget(index)
        assert isinstance(page, RecordView)
        assert page.page is not None, f"tab {titles[index]} shows no page"
        shown = page.shown_texts()
        # What the widgets show is the page's text: the tab names the page, and an empty
        # table shows its heading and 无记录 instead of its column headers.
        empty = {
            h for b in page.page.blocks if isinstance(b, Table) and not b.rows for h in b.headers
        }
        assert set(page.page.strings()) - {page.page.title} - empty <= set(shown)
        if empty:
            assert NO_RECORDS in shown
        bad = [(titles[index], t, unreadable(t)) for t in shown if unreadable(t)]
        assert not bad, bad
    pension = view.pages[[k for k, _ in CATEGORY_TABS].index("pension")]
    assert pension.page is not None and pension.page.title == "养老保险"
    assert any(t.startswith("¥") for t in pension.shown_texts())
