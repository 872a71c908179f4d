"""显示完整号码 (F4) is undone by F4 again (隐藏完整号码): the full number shown on asking —
audited by the service each time it is fetched (RULES Q7) — is masked again on asking, without a
call to the service, not only by the timer or the end of the service (from a new clerk's trial:
F4 again left it in full and the button still read 显示完整号码)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gui.fakes import DOC, SSN

pytestmark = pytest.mark.gui


def reveals(gateway: Any) -> int:
    return sum(1 for name, _args in gateway.calls if name == "reveal_ssn")


def test_Q7_F4_again_masks_the_full_number_without_asking_the_service(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "x"))
    holder = window.holder
    button = holder.reveal_button
    assert button.text() == "显示完整号码 (F4)" and button.isEnabled()
    window.reveal()  # F4
    assert SSN in holder.header.text() and holder.revealed
    assert button.text() == "隐藏完整号码 (F4)"
    assert reveals(gateway) == 1  # the reveal is asked of the service (and audited there)
    window.reveal()  # F4 again: masked at once
    assert SSN not in holder.header.text() and not holder.revealed
    assert "500***********0016" in holder.header.text()
    assert button.text() == "显示完整号码 (F4)"
    assert reveals(gateway) == 1  # hiding asks nothing
    button.click()  # the button shows it again: a new audited reveal
    assert SSN in holder.header.text() and reveals(gateway) == 2
    button.click()
    assert SSN not in holder.header.text()
    assert not holder._hide_timer.isActive()  # masked: nothing left to mask later


def test_Q7_the_timer_still_masks_and_the_button_says_show_again(
    qtbot: Any, window: Any, gateway: Any
) -> None:
    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "x"))
    holder = window.holder
    holder._hide_timer.setInterval(50)
    window.reveal()
    assert holder.reveal_button.text() == "隐藏完整号码 (F4)"
    qtbot.waitUntil(lambda: SSN not in holder.header.text(), timeout=2000)
    assert holder.reveal_button.text() == "显示完整号码 (F4)"
    window.reveal()  # shows again (asked and audited again), not a hide of nothing
    assert SSN in holder.header.text() and reveals(gateway) == 2


def test_Q7_ending_the_service_leaves_the_button_saying_show(window: Any, gateway: Any) -> None:
    window._id_session_opened(gateway.open_id_session(window.actor, 7, DOC, "x"))
    window.reveal()
    window.holder.clear()
    assert window.holder.reveal_button.text() == "显示完整号码 (F4)"
    assert not window.holder.revealed
