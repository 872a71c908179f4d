"""What a new user saw under Xvfb: error text cut off at the top and bottom of a dialog, the
ID photo running under the 人工录入原因 row, a red refusal still shown after a good chip
read, a reason for typing still chosen for a chip document, the lock screen's button
turning into 登录, and the full card number in the workflow dialogs' holder line."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from PyQt6.QtWidgets import QLabel, QWidget

from counter_app.services.idcheck import CheckMethod
from counter_app.services.queries.holder import BasicInfo, CardInfo, HolderHit, HolderOverview
from counter_app.ui.id_check import IdCheckDialog
from counter_app.ui.id_reader import IdCardStation
from counter_app.ui.lock import LockScreen
from tests.gui.pty_station import SSN
from tests.gui.test_workflows import wf  # noqa: F401 - fixture

pytestmark = pytest.mark.gui

LONG = (
    "身份证号码校验位（第18位）与前17位不符，号码有误。请对照证件逐位核对后重新输入；"
    "证件号码确实如此时，请持卡人到公安机关核实证件。所出示证件的号码与持卡人不一致。"
)


def _fits(label: QLabel) -> bool:
    """The label got at least the height its wrapped text needs at its width."""
    return label.wordWrap() and label.height() >= label.heightForWidth(label.width()) > 0


def _settle(qtbot: Any, widget: QWidget) -> None:
    qtbot.wait(30)  # the pending layout requests and the deferred grow run


def _dialog(qtbot: Any) -> IdCheckDialog:
    hit = HolderHit(1, "王建国", SSN, "1", dt.date(1968, 3, 15), None, None)
    dialog = IdCheckDialog(hit)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_long_id_check_error_wraps_and_the_dialog_grows_to_show_it(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    before = dialog.height()
    dialog.say(LONG)
    _settle(qtbot, dialog)
    assert _fits(dialog.error)
    assert dialog.height() > before
    bottom = dialog.error.geometry().bottom()
    assert bottom <= dialog.buttons.geometry().top()  # not under the buttons


def test_a_good_chip_read_clears_the_error_the_reason_and_masks_the_number(
    qtbot: Any, pty_id_station: IdCardStation
) -> None:
    dialog = _dialog(qtbot)
    dialog.say("所出示证件的号码与持卡人不一致，请核对证件。")
    dialog.chip.reason.setCurrentIndex(1)
    assert pty_id_station.place(SSN)
    dialog.chip.show_reading(pty_id_station.read())
    _settle(qtbot, dialog)
    assert dialog.error.text() == ""
    assert dialog.chip.reason.currentIndex() == -1 and not dialog.chip.reason.isEnabled()
    assert dialog.number.text() == "500***********0310"  # IDCARD.md: masked on screen
    document = dialog.document()
    assert document.method is CheckMethod.CHIP and document.number == SSN
    # The photo does not run under the 人工录入原因 row.
    photo = dialog.chip.photo
    top_left = photo.mapTo(dialog, photo.rect().topLeft())
    photo_bottom = top_left.y() + photo.height()
    reason_top = dialog.chip.reason.mapTo(dialog, dialog.chip.reason.rect().topLeft()).y()
    assert photo.isVisible() and photo_bottom <= reason_top
    dialog.reject()


def test_typing_over_the_chip_number_makes_it_a_typed_document_again(
    qtbot: Any, pty_id_station: IdCardStation
) -> None:
    dialog = _dialog(qtbot)
    assert pty_id_station.place(SSN)
    dialog.chip.show_reading(pty_id_station.read())
    qtbot.keyClicks(dialog.number, "5")
    assert dialog.chip.reading is None and dialog.chip.reason.isEnabled()
    assert "*" not in dialog.number.text()
    dialog.reject()


def test_a_wrong_unlock_password_keeps_the_unlock_button_and_shows_the_whole_message(
    qtbot: Any,
) -> None:
    screen = LockScreen()
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    qtbot.waitExposed(screen)
    screen.prepare("CK500103-01", "窗口员甲")
    screen.form.submitted.emit("CK500103-01", "x")
    screen.form.set_busy(True)
    screen.form.refused(
        "密码错误。工号与密码不匹配，或账户已被停用。请重新输入；连续多次错误后账户将被锁定，"
        "可请系统管理员解锁。"
    )
    _settle(qtbot, screen)
    assert screen.form.submit.text() == "解锁"
    assert _fits(screen.form.error)


def test_workflow_holder_line_shows_the_masked_card_number() -> None:
    from counter_app.ui.workflows.steps import holder_line

    at = dt.datetime(2024, 1, 2, 1, 30, tzinfo=dt.UTC)
    basic = BasicInfo(
        7,
        "赵强",
        "500104199507070754",
        "1",
        "01",
        dt.date(1995, 7, 7),
        "employed",
        "500104",
        "大渡口区",
        "138****8000",
    )
    card = CardInfo(
        70,
        "A12900009",
        "active",
        "正常",
        at,
        dt.date(2020, 5, 1),
        dt.date(2030, 5, 1),
        "3.00",
        "500104",
    )
    overview = HolderOverview(basic, card, ())
    dialog: Any = SimpleNamespace(
        window_=SimpleNamespace(holder=SimpleNamespace(overview=overview))
    )
    line = holder_line(dialog)
    assert "A12900009" not in line and "A****0009" in line
    assert "500104199507070754" not in line


def test_workflow_id_step_photo_clear_of_the_reason_and_refusal_cleared(
    qtbot: Any,
    pty_id_station: IdCardStation,
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    from counter_app.services.permissions import Action
    from tests.gui.test_workflows import card_session

    card_session(wf, reader)
    wf.action_buttons[Action.RESET_PIN].click()
    d = wf.workflow
    qtbot.waitExposed(d)
    d.error("所出示证件的号码与持卡人不一致。" * 4)  # a long refusal: shown whole
    _settle(qtbot, d)
    assert _fits(d.banner)
    chip = d.id_step.fields.chip
    assert pty_id_station.place(SSN)
    chip.show_reading(pty_id_station.read())
    _settle(qtbot, d)
    assert not d.banner.isVisible()  # the good read clears the red refusal
    top = chip.photo.mapTo(d, chip.photo.rect().topLeft()).y()
    reason_top = chip.reason.mapTo(d, chip.reason.rect().topLeft()).y()
    assert top + chip.photo.height() <= reason_top
