"""The ID step's chip block is laid out whole when the read's answers come from the pool
threads, as at a real counter (IDCARD.md: the chip's data and photo beside the holder's
record; RULES E1 the ID card accepted in this service, U2, P4). Under Xvfb a new clerk saw
in 解除挂失, after 使用本次服务已核验的身份证, 姓名 half hidden, 有效期至 cut and 签发机关
missing; and in 修改卡密码, after another person's ID card was read, the photo over the
人工录入原因 row — the dialog tall enough, the page's rows laid out from a stale row height.
With the inline pool of the other e2e tests the layout was right."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.permissions import Action
from tests.e2e.test_idcard import place_id_card
from tests.e2e.threaded_counter import log_in, serve, settle, threaded  # noqa: F401

pytestmark = pytest.mark.gui


def _whole_and_apart(chip: Any) -> None:
    """The chip block and photo get their height and nothing overlaps the next row."""
    text, photo, reason = chip.chip_text, chip.photo, chip.reason
    status = chip.status
    assert status.height() >= status.heightForWidth(status.width()) > 0
    assert status.geometry().bottom() < text.geometry().top()
    assert text.height() >= text.sizeHint().height(), (text.geometry(), text.sizeHint())
    assert text.geometry().bottom() < reason.geometry().top()
    if photo.isVisible():
        assert photo.geometry().bottom() < reason.geometry().top()


def test_U2_E1_lift_reused_id_card_data_is_shown_whole(
    threaded: None,  # noqa: F811
    counter: Any,
) -> None:
    c = counter("YB500105-01", four_eyes=False, log_in=False)  # 江北区: 陈明's district
    log_in(c, "YB500105-01")
    serve(c, "written_lost")
    # His ID card read and accepted in this service (an earlier action's ID step).
    d = c.start(Action.RESET_SERVICE_PASSWORD)
    c.qtbot.waitExposed(d)
    chip = d.id_step.fields.chip
    place_id_card(c, "written_lost")
    c.click(chip.read_button)
    c.qtbot.waitUntil(lambda: "与当前参保人一致" in chip.status.text(), timeout=20000)
    d.discard()
    c.insert("written_lost")
    settle(c)
    d = c.start(Action.LIFT_LOSS_REPORT)
    c.qtbot.waitExposed(d)
    settle(c)
    c.next(d)
    settle(c)
    assert d.stack.currentWidget() is d.id_step.page, d.banner.text()
    chip = d.id_step.fields.chip
    assert chip.recent_button.isVisible(), chip.status.text()
    c.click(chip.recent_button)
    settle(c)
    assert "签发机关" in chip.chip_text.text()
    _whole_and_apart(chip)


def test_P4_another_persons_id_card_refusal_leaves_the_photo_clear_of_the_next_row(
    threaded: None,  # noqa: F811
    counter: Any,
) -> None:
    c = counter("YB500103-01", four_eyes=False, log_in=False)
    log_in(c, "YB500103-01")
    serve(c, "active_default_pin")  # 王建国
    c.insert("active_default_pin")
    settle(c)
    d = c.start(Action.CHANGE_PIN)
    c.qtbot.waitExposed(d)
    settle(c)
    chip = d.documents.chip
    place_id_card(c, "pin_blocked")  # 赵强's ID card
    c.click(chip.read_button)
    c.qtbot.waitUntil(lambda: "此身份证不能用于当前参保人" in chip.status.text(), timeout=20000)
    settle(c)
    assert chip.photo.isVisible()
    _whole_and_apart(chip)
