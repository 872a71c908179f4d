"""The counter itself on the real stack: lock and unlock, log-out, a card pulled and a
database gone in the middle of a task, Qt's own text in Chinese, the window's width."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableView,
)

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.ui.i18n import install_qt_translations
from tests.e2e.conftest import account
from tests.e2e.id_typing import choose_reason

pytestmark = pytest.mark.gui


def visible_text(c: Any) -> str:
    """Every text a person can read on the screen now."""
    parts = []
    for widget in QApplication.allWidgets():
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            parts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            parts.append(widget.text() + widget.placeholderText())
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            for r in range(model.rowCount()):
                for col in range(model.columnCount()):
                    parts.append(str(model.data(model.index(r, col)) or ""))
        if widget.isWindow():
            parts.append(widget.windowTitle())
    return "\n".join(parts)


@pytest.mark.also_postgres
def test_lock_hides_everything_and_disables_every_menu(counter: Any) -> None:
    c = counter("YB500103-03")  # a supervisor: the 报表 menu lists holders
    c.id_session("active_default_pin")
    win = c.window
    assert "王建国" in visible_text(c)
    menu_actions = [a for a in win.reports_menu.actions() if not a.isSeparator()]
    assert any(a.isEnabled() for a in menu_actions)
    win.lock()
    QApplication.processEvents()
    text = visible_text(c)
    assert "王建国" not in text and fixed_holder("active_default_pin").ssn[-4:] not in text
    assert "演示卡" not in text  # the demo card list (names) is hidden too
    assert not win.menuBar().isVisible() and not win.menuBar().isEnabled()
    assert all(not a.isEnabled() for a in win.findChildren(QAction))
    windows_before = {w for w in QApplication.topLevelWidgets() if w.isVisible()}
    for act in menu_actions:
        act.trigger()  # a shortcut or a click would do the same: nothing
    QApplication.processEvents()
    assert {w for w in QApplication.topLevelWidgets() if w.isVisible()} == windows_before
    form = win.lock_screen.form
    form.staff_no.setText("YB500103-03")
    form.password.setText("wrong-password")
    c.click(form.submit)
    assert win.locked and "王建国" not in visible_text(c)
    form.password.setText(account("YB500103-03").password)
    c.click(form.submit)
    assert not win.locked
    assert "王建国" in visible_text(c) and win.menuBar().isVisible()


def test_log_out_returns_to_the_login(counter: Any) -> None:
    """退出登录 with a holder served: the clerk ends the service first (RULES E1), the
    holder rates it (E2), then the clerk is logged out — nothing dropped as 未评价."""
    from counter_app.models.case import RatingLevel

    c = counter("YB500103-01")
    c.id_session("active_default_pin")
    win = c.window
    c.click(win.action_panel.logout_button)
    box = win.logout_box  # type: ignore[attr-defined]
    assert win.isVisible() and "请先结束服务" in box.text()
    [end] = [b for b in box.buttons() if "结束服务" in b.text()]
    c.click(end)
    assert win.holder.session is None
    rating = win.rating  # type: ignore[attr-defined]
    assert rating.case_no is not None
    c.click(win.action_panel.logout_button)  # the holder is rating: wait
    assert win.isVisible() and "评价" in win.logout_box.text()  # type: ignore[attr-defined]
    c.click(rating.device.panel.level_buttons[RatingLevel.SATISFIED])
    assert rating.status_label.text() == "已评价"
    with c.qtbot.waitSignal(win.logged_out):
        c.click(win.action_panel.logout_button)
    assert not win.isVisible() and win.holder.session is None
    from sqlalchemy import select

    from counter_app.models.holder_session import HolderSessionRow

    with c.ws.ctx.uow() as uow:
        open_sessions = uow.session.scalars(
            select(HolderSessionRow.id).where(HolderSessionRow.closed_at.is_(None))
        ).all()
    assert open_sessions == []


@pytest.mark.also_remote
def test_card_pulled_mid_pin_change(counter: Any) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("active_changed_pin")
    c.card_session("active_changed_pin")
    d = c.start(Action.CHANGE_PIN)
    c.qtbot.keyClicks(d.id_number, holder.ssn)
    choose_reason(d.id_number)
    c.next(d)
    c.next(d)
    c.type_pin(holder.pin)  # the old PIN typed; the holder is on the new one
    keypad = c.ws.pin_entry.keypad
    (button,) = [b for b in keypad.digit_buttons if b.text() == "8"]
    c.click(button)
    c.remove()
    assert "拔出" in d.banner.text() and not d.next_button.isEnabled()
    assert not keypad.active and c.window.holder.session is None
    assert d.pins == []  # the old PIN typed earlier is wiped


def _database_files(url: str) -> list[Path]:
    path = Path(url.removeprefix("sqlite:///"))
    return sorted(path.parent.glob(path.name + "*"))


def test_database_gone_mid_loss_report_keeps_the_typed_data(counter: Any, tmp_path: Path) -> None:
    c = counter("YB500103-01")
    holder = fixed_holder("phone_lost")
    c.id_session("phone_lost")
    d = c.start(Action.WRITTEN_LOSS_REPORT)
    d.documents.number.setText(holder.ssn)
    choose_reason(d.documents.number)
    d.phone.setText("13800138000")
    d.place.setText("解放碑")
    d.circumstances.setPlainText("乘公交时遗失")
    c.next(d)
    assert d.stack.currentIndex() == 1, d.banner.text()
    # the database goes away (its file is moved off while the clerk confirms)
    url = c.ws.settings.database_url()
    away = tmp_path / "away"
    away.mkdir()
    c.ws.composition.engine.dispose()
    files = _database_files(url)
    for file in files:
        shutil.move(str(file), away / file.name)
    c.next(d)
    assert d.banner.isVisible() and "数据库" in d.banner.text()
    assert c.window.banner.isVisible()
    assert "Traceback" not in d.banner.text() and "sqlite" not in d.banner.text().lower()
    assert d.stack.currentIndex() == 1  # still on the confirm page, everything typed kept
    assert d.place.text() == "解放碑" and d.phone.text() == "13800138000"
    assert d.documents.number.text() == holder.ssn
    # it is back: the same button goes on
    c.ws.composition.engine.dispose()
    for file in _database_files(url):
        file.unlink()
    for file in files:
        shutil.move(str(away / file.name), file)
    c.next(d)
    assert "书面挂失已登记" in d.result_label.text(), d.banner.text()
    assert not c.window.banner.isVisible()
    assert "挂失登记表" in c.save_pdf(d, "loss-after-outage")


def test_qt_dialogs_in_chinese_and_the_window_within_1680_px(counter: Any, qapp: Any) -> None:
    translator = install_qt_translations(qapp, c_language := "zh_CN")
    try:
        assert translator is not None and c_language == "zh_CN"
        c = counter("YB500103-01")
        c.search(fixed_holder("active_default_pin").ssn)
        c.click(c.window.search_pane.open_button)
        dialog = c.window.id_dialog
        buttons = {b.text() for b in dialog.buttons.buttons()}
        assert buttons == {"确定", "取消"}
        dialog.reject()
        width = c.window.width()
        c.insert("active_changed_pin")  # the holder keypad opens beside the demo cards
        QApplication.processEvents()
        assert c.ws.pin_entry.keypad.active
        assert width <= c.window.width() <= 1680
        assert c.window.minimumSizeHint().width() <= 1680
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)


def test_standard_buttons_box_uses_the_installed_catalogue(qapp: Any) -> None:
    translator = install_qt_translations(qapp, "zh_CN")
    try:
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.No
        )
        assert {b.text().split("(")[0] for b in box.buttons()} == {"是", "否"}
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)


@pytest.mark.also_postgres
@pytest.mark.also_remote
def test_S1_a_disabled_account_is_locked_out_at_the_next_heartbeat(counter: Any) -> None:
    """A supervisor disables the clerk's account while the clerk serves a holder: within a
    heartbeat the window locks with the reason, and the account cannot unlock it."""
    from counter_app.db import create_engine_for, session_factory
    from counter_app.services.context import ServiceContext
    from counter_app.services.staff_accounts import disable_staff
    from counter_app.settings import Settings

    c = counter("CK500103-01")
    c.id_session("active_default_pin")
    win = c.window
    assert "王建国" in visible_text(c)
    win.staff_heartbeat.beat()  # still active: nothing happens
    QApplication.processEvents()
    assert not win.locked
    engine = create_engine_for(c.db_url)
    try:  # the supervisor's side, on the same database
        ctx = ServiceContext(session_factory(engine), Settings(db_url=c.db_url))
        disable_staff(ctx, None, "CK500103-01")
    finally:
        engine.dispose()
    win.staff_heartbeat.beat()
    QApplication.processEvents()
    assert win.locked
    assert "已停用" in win.lock_screen.form.error.text()
    assert "王建国" not in visible_text(c)
    form = win.lock_screen.form
    form.password.setText(account("CK500103-01").password)
    c.click(form.submit)
    assert win.locked


@pytest.mark.remote_only
def test_S3_a_clerk_is_refused_at_another_offices_workstation(counter: Any) -> None:
    """A city workstation's certificate names its office (北碚's sub-center here): the 渝中
    clerk types the right password and is told, by name, where they may log in; the login
    dialog stays for the right account, which then logs in at the same workstation."""
    c = counter("YB500103-01", office="500109-YB", log_in=False)
    assert c.try_log_in("YB500103-01") is None
    error = c.login_dialog.form.error.text()
    assert "此工作站属于北碚区医疗保险分中心" in error and "渝中区医疗保险分中心" in error
    assert c.login_dialog.isVisible()
    window = c.try_log_in("YB500109-01")
    assert window is not None and window.actor.office_code == "500109-YB"
