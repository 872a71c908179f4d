"""A card whose chip application is blocked (RULES U1–U5; CARD.md APPLICATION BLOCK: a
hospital terminal blocks it after a loss report): no PIN can open a session with it — the
service refuses ``CardApplicationBlocked`` whatever the holder types — so the holder is not
asked for one. The clerk is told in a dialog, whole (a trial read it cut off in the status
bar, under the staff text), and what to do: the ID check for a look-up, 解除挂失 (F9) when
the card was found.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import QMessageBox

from counter_app.services.errors import CardApplicationBlocked


def show_app_blocked(window: Any) -> None:
    """The dialog; kept as ``window.app_blocked_box`` (tests read it)."""
    box = QMessageBox(window)
    box.setObjectName("appBlockedBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(window.tr("社保应用已锁定"))
    box.setText(window.tr(CardApplicationBlocked.message))
    box.setInformativeText(
        window.tr(
            "持卡人找回原卡的：在其户籍所属区县医疗保险分中心办理解除挂失（F9），"
            "核验证件后由持卡人输入卡密码，芯片同时解锁。"
        )
    )
    box.addButton(window.tr("关闭"), QMessageBox.ButtonRole.RejectRole)
    window.app_blocked_box = box
    box.open()
