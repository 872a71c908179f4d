"""A one-time password typed at the lock screen (RULES S1–S3: reset by a supervisor during
the shift, or a newly added clerk taking over): nothing is unlocked until the new password
is recorded; 取消 leaves the window locked (Q7: no records without the clerk)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtCore import Qt

from counter_app.ui.own_password import OwnPasswordDialog
from tests.gui.fakes import FakeServices
from tests.gui.test_login_lock import open_id_session

pytestmark = pytest.mark.gui

NEW = "Xin-Mima#2026"


def _unlock(window: Any, staff_no: str, password: str) -> OwnPasswordDialog | None:
    form = window.lock_screen.form
    form.staff_no.setText(staff_no)
    form.password.setText(password)
    form.submit.click()
    dialogs = [d for d in window.findChildren(OwnPasswordDialog) if d.isVisible()]
    return dialogs[0] if dialogs else None


def test_S1_reset_during_the_shift_unlocks_only_after_the_new_password(
    qtbot: Any, window: Any, gateway: FakeServices
) -> None:
    open_id_session(window)
    window.lock()
    gateway.must_change.add("YB500103-01")  # staff reset-password meanwhile
    dialog = _unlock(window, "YB500103-01", "pw1")
    assert dialog is not None and window.locked
    assert not dialog.form.old.isVisible()  # the one-time password just typed is the old one
    qtbot.keyClicks(dialog.form.new, NEW)
    qtbot.keyClicks(dialog.form.again, NEW)
    qtbot.mouseClick(dialog.form.submit, Qt.MouseButton.LeftButton)
    assert gateway.accounts["YB500103-01"][0] == NEW
    assert not window.locked and window.holder.session is not None  # carries on


def test_S1_takeover_with_a_one_time_password_cancelled_stays_locked(
    qtbot: Any, window: Any, gateway: FakeServices
) -> None:
    open_id_session(window)
    session = window.holder.session
    window.lock()
    gateway.must_change.add("YB500103-02")  # a new clerk (staff add)
    dialog = _unlock(window, "YB500103-02", "pw2")
    assert dialog is not None and window.locked
    qtbot.mouseClick(dialog.form.cancel_button, Qt.MouseButton.LeftButton)
    assert window.locked and not dialog.isVisible()
    assert "未修改密码" in window.lock_screen.form.error.text()
    assert gateway.logged_out == ["YB500103-02"]  # that login only; the first clerk's stays
    assert window.actor.staff_no == "YB500103-01" and window.holder.session is session
    assert gateway.ended == []
