"""The counter's defects found by trying the demo as a new clerk, each pinned down against
the fakes (the same paths run on the real stack in ``tests/e2e``)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import QCoreApplication
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QDockWidget

from counter_app.ui.i18n import install_qt_translations
from tests.gui.fakes import SSN

pytestmark = pytest.mark.gui


def _search(window: Any, text: str = SSN) -> None:
    window.search_pane.box.edit.setText(text)
    window.search_pane.box.button.click()


def test_lock_leaves_nothing_readable_and_nothing_usable(window: Any) -> None:
    menu = window.menuBar().addMenu("报表")
    entry = menu.addAction("每日业务量")
    _search(window)
    window.lock()
    assert window.stack.currentWidget() is window.lock_screen
    assert not window.menuBar().isVisible() and not window.menuBar().isEnabled()
    assert not entry.isEnabled()
    assert all(not a.isEnabled() for a in window.findChildren(QAction))
    assert all(not d.isVisible() for d in window.findChildren(QDockWidget))
    assert not window.statusBar().isVisible()
    window.try_unlock("YB500103-01", "pw1")
    assert not window.locked
    assert window.menuBar().isVisible() and entry.isEnabled()
    assert window.statusBar().isVisible()


def test_a_new_card_holder_clears_the_previous_search(window: Any, reader: Any) -> None:
    _search(window)
    assert window.hits.rowCount() == 1
    reader.insert()
    for digit in "135790":
        window.pins.keypad.press_digit(digit)
    window.pins.keypad.press_confirm()
    assert window.holder.session is not None
    assert window.hits.rowCount() == 0 and window.search_pane.box.edit.text() == ""


def test_a_change_of_clerk_clears_the_search_text(window: Any) -> None:
    _search(window)
    window.lock()
    window.try_unlock("YB500103-02", "pw2")
    assert window.actor.staff_no == "YB500103-02"
    assert window.search_pane.box.edit.text() == "" and window.hits.rowCount() == 0


def test_the_holder_keypad_keeps_the_window_within_a_1680_px_screen(
    window: Any, reader: Any
) -> None:
    before = window.width()
    reader.insert()
    QApplication.processEvents()
    assert window.pins.keypad.active and window.holder_dock.isVisible()
    assert window.width() == before
    # room left beside the minimum for the demo-card dock on a 1680-px screen
    assert window.minimumSizeHint().width() <= 1680 - 400


def test_E1_log_out_with_a_holder_served_asks_to_end_the_service_first(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    """退出登录 never drops the holder's service silently: the clerk is asked to end it
    (结束服务, which asks the holder's rating — RULES E1, E2), then logs out."""
    from tests.gui.fakes import DOC

    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "x"))
    session = window.holder.session
    ended: list[Any] = []
    window.service_ended.connect(ended.append)
    window.action_panel.logout_button.click()
    box = window.logout_box
    assert box.isVisible() and "请先结束服务" in box.text()
    assert gateway.logged_out == [] and gateway.ended == [] and window.isVisible()
    [end] = [b for b in box.buttons() if "结束服务" in b.text()]
    end.click()
    assert gateway.ended == [session] and len(ended) == 1  # the case closes as by F12
    assert window.holder.session is None and gateway.logged_out == []
    with qtbot.waitSignal(window.logged_out):
        window.action_panel.logout_button.click()
    assert gateway.logged_out == ["YB500103-01"] and not window.isVisible()


def test_qt_standard_buttons_and_dialogs_speak_chinese(qapp: Any) -> None:
    translator = install_qt_translations(qapp, "zh_CN")
    try:
        assert translator is not None
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Save
        )
        assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消", "保存"])
        assert QCoreApplication.translate("QFileDialog", "File &name:") != "File &name:"
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)


def test_english_keeps_qt_in_english(qapp: Any) -> None:
    assert install_qt_translations(qapp, "en") is None


def test_the_save_dialog_has_no_english_label(qtbot: Any) -> None:
    from PyQt6.QtWidgets import QLabel

    from counter_app.ui.printing import save_dialog

    dialog = save_dialog(None, "挂失登记表.pdf")
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    assert "查找范围：" in texts and "文件类型：" in texts
    assert not any(t in ("Look in:", "Files of type:", "File name:") for t in texts)
