"""The action panel: one button per counter action with its function key, then 结束服务,
锁定 and 退出登录.

It builds the buttons and their keys and turns clicks into signals; it does not decide
which actions are allowed — the window enables each button from ``ui.actions.availability``
(the staff member's role, the holder session, the card in the reader).
"""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.actions import COUNTER_ACTIONS


class ActionPanel(QWidget):
    """``action_requested(Action)``, ``end_requested``, ``lock_requested``,
    ``logout_requested`` on a click."""

    action_requested = pyqtSignal(object)
    end_requested = pyqtSignal()
    lock_requested = pyqtSignal()
    logout_requested = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[Action, QPushButton] = {}
        #: The function keys of the buttons, for the window to add (window-wide shortcuts
        #: that press a button only while it is enabled).
        self.shortcuts: list[QAction] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("业务办理")))
        for action, key in COUNTER_ACTIONS:
            button = QPushButton(f"{self.tr(ACTION_LABELS[action])}  ({key})")
            button.setObjectName(f"action_{action.value}")
            button.setMinimumHeight(40)
            button.clicked.connect(lambda _c=False, a=action: self.action_requested.emit(a))
            self.buttons[action] = button
            layout.addWidget(button)
            shortcut = QAction(self)
            shortcut.setShortcut(QKeySequence(key))
            shortcut.triggered.connect(
                lambda _c=False, b=button: b.click() if b.isEnabled() else None
            )
            self.shortcuts.append(shortcut)
        layout.addStretch(1)
        self.end_button = QPushButton(self.tr("结束服务并打印告知单 (F12)"))
        self.end_button.setObjectName("endSession")
        self.end_button.clicked.connect(lambda _c=False: self.end_requested.emit())
        layout.addWidget(self.end_button)
        self.lock_button = QPushButton(self.tr("锁定 (Ctrl+L)"))
        self.lock_button.clicked.connect(lambda _c=False: self.lock_requested.emit())
        layout.addWidget(self.lock_button)
        self.logout_button = QPushButton(self.tr("退出登录"))
        self.logout_button.setObjectName("logoutButton")
        self.logout_button.clicked.connect(lambda _c=False: self.logout_requested.emit())
        layout.addWidget(self.logout_button)
