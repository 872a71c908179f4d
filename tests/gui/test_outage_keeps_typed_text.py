"""An outage while a small dialog sends what the clerk typed (counter-server down, the
database unreachable): the dialog stays open with the text until the call succeeds, and
says what happened in the dialog — the services' 已填写的内容仍保留 must be true. From a
city trial: 办结整改 closed on the outage and its 整改措施 and 回访结果 were gone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PyQt6.QtWidgets import QApplication, QDialogButtonBox

from counter_app.remote.protocol import ServerUnreachable
from counter_app.services.context import Role
from counter_app.services.followups import FollowUpItem
from counter_app.ui.followups import install_followup_badge
from tests.gui.fakes import DOC, make_actor

pytestmark = pytest.mark.gui


def _item(i: int) -> FollowUpItem:
    return FollowUpItem(
        i,
        f"500103-YB-20250301-000{i}",
        "YB500103-01",
        "医保经办甲",
        "张三",
        "500103********0016",
        "dissatisfied",
        "不满意",
        ("效率",),
        "",
        dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        dt.date(2025, 3, 20 + i),
        False,
    )


def test_E3_close_follow_up_on_an_outage_keeps_the_dialog_and_its_text(
    window: Any, gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway.followups = [_item(1)]
    badge = install_followup_badge(window)
    window._set_actor(make_actor(3, "YB500103-03", "分中心主管", role=Role.SUPERVISOR))
    badge.click()
    dialog = badge.dialog
    assert dialog is not None
    dialog.table.selectRow(0)
    dialog.close_selected()
    editor = dialog.editor
    assert editor is not None
    editor.action_edit.setPlainText("约谈窗口人员")
    editor.outcome_edit.setPlainText("回访持卡人，表示认可")
    close_followup = gateway.close_followup

    def down(*_args: Any) -> Any:
        raise ServerUnreachable()

    monkeypatch.setattr(gateway, "close_followup", down)
    editor.ok.click()
    assert editor.isVisible()  # not closed on the outage
    assert editor.texts() == ("约谈窗口人员", "回访持卡人，表示认可")
    assert "无法连接业务服务器" in editor.error.text()
    assert editor.height() >= editor.layout().totalHeightForWidth(editor.width())
    assert window.banner.isVisible() and "连接中断" in window.banner.text()
    assert editor.ok.isEnabled()  # 办结 again once the server is back
    assert [f.followup_id for f in gateway.followups if f.closed_at is None] == [1]

    monkeypatch.setattr(gateway, "close_followup", close_followup)
    editor.ok.click()
    assert not editor.isVisible()
    assert [f.followup_id for f in gateway.followups if f.closed_at is None] == []
    assert gateway.followups[0].action_taken == "约谈窗口人员"
    assert dialog.table.rowCount() == 0


def test_L4_reprint_reason_on_an_outage_stays_in_its_dialog(window: Any, gateway: Any) -> None:
    gateway.card_state_value = "lost"
    session = gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    QApplication.processEvents()
    row = window.holder.loss_form
    row.button.click()
    dialog = row.dialog
    assert dialog is not None
    dialog.reason.setEditText("持卡人联遗失")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    gateway.db_down = True
    ok.click()
    assert row.dialog is dialog and dialog.isVisible()
    assert dialog.text() == "持卡人联遗失"
    assert dialog.problem.isVisible() and "无法连接数据库" in dialog.problem.text()
    layout = dialog.layout()  # the message shown whole, not squeezed over the note
    assert dialog.height() >= layout.totalHeightForWidth(dialog.width())
    assert window.banner.isVisible()
    assert row.printer is None

    gateway.db_down = False
    ok.click()
    assert not dialog.isVisible() and row.dialog is None
    printer = row.printer
    assert printer is not None and "（补打）" in printer.title
    assert ("reprint_loss_form", (session.holder_id, "持卡人联遗失")) in gateway.calls
    printer.preview.close()


def test_E3_no_follow_up_left_says_no_records_in_the_table(window: Any, gateway: Any) -> None:
    """The last follow-up closed: the list says 无记录 where its rows were (STYLE), not a
    sentence above an empty grid."""
    gateway.followups = [_item(1)]
    badge = install_followup_badge(window)
    window._set_actor(make_actor(3, "YB500103-03", "分中心主管", role=Role.SUPERVISOR))
    badge.click()
    dialog = badge.dialog
    assert dialog is not None and dialog.table.isVisible() and not dialog.no_records.isVisible()
    dialog.table.selectRow(0)
    dialog.close_selected()
    editor = dialog.editor
    editor.action_edit.setPlainText("约谈窗口人员")
    editor.outcome_edit.setPlainText("回访持卡人，表示认可")
    editor.ok.click()
    assert dialog.no_records.isVisible() and dialog.no_records.text() == "无记录"
    assert not dialog.table.isVisible() and "无记录" not in dialog.heading.text()
    assert not dialog.close_button.isEnabled()
