"""The action panel: one button per counter action with its function key, then 结束服务,
锁定 and 退出登录.

It builds the buttons and their keys and turns clicks into signals; it does not decide
which actions are allowed — the window sets each button's state and its reason from
``ui.actions.availability`` (the staff member's role, the holder session, the card in the
reader) with :meth:`ActionPanel.set_state`.

An action that is off says why when it is pressed (RULES U4: staff are told why): its
function key or a click on its greyed button opens a small box with the reason that was
otherwise only a tooltip (a city trial pressed F9 on a replaced card and saw nothing).
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

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
        #: Why each action is off (empty while it is on), from :meth:`set_state`.
        self.reasons: dict[Action, str] = {}
        #: The open box saying why an action is off, if any (tests read it).
        self.refusal_box: QMessageBox | None = None
        #: The function keys of the buttons, for the window to add (window-wide shortcuts
        #: that press a button while it is on and say why it is off otherwise).
        self.shortcuts: list[QAction] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("业务办理")))
        for action, key in COUNTER_ACTIONS:
            button = QPushButton(f"{self.tr(ACTION_LABELS[action])}  ({key})")
            button.setObjectName(f"action_{action.value}")
            button.setMinimumHeight(40)
            button.clicked.connect(lambda _c=False, a=action: self.action_requested.emit(a))
            # A disabled button gets no click: its mouse events are seen here instead.
            button.installEventFilter(self)
            self.buttons[action] = button
            layout.addWidget(button)
            shortcut = QAction(self)
            shortcut.setShortcut(QKeySequence(key))
            shortcut.triggered.connect(lambda _c=False, a=action: self.press(a))
            self.shortcuts.append(shortcut)
        #: Where notes go (:meth:`add_note`): under the buttons, so none of them moves
        #: under the clerk's pointer when a note comes or goes.
        self._notes_at = layout.count()
        self.notes: list[QWidget] = []
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

    def add_note(self, note: QWidget) -> None:
        """A note about the card in the reader (blocked PIN, forgotten PIN, a login to try
        again…), under the action buttons, below the notes added before it."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(self._notes_at + len(self.notes), note)
        self.notes.append(note)

    def set_state(self, action: Action, enabled: bool, reason: str) -> None:
        """On, or off with ``reason`` (also the button's tooltip)."""
        button = self.buttons[action]
        button.setEnabled(enabled)
        self.reasons[action] = "" if enabled else reason
        button.setToolTip(reason if not enabled and reason else self.tr(ACTION_LABELS[action]))

    def press(self, action: Action) -> None:
        """The action's function key: its button is clicked, or the clerk is told why not."""
        button = self.buttons[action]
        if button.isEnabled():
            button.click()
        else:
            self.explain(action)

    def explain(self, action: Action) -> None:
        """A small box: 不能办理解除挂失 — the reason, with 确定 (one box at a time)."""
        reason = self.reasons.get(action) or self.tr("此项业务现在不能办理。")
        label = self.tr(ACTION_LABELS[action])
        box = self.refusal_box
        if box is None or not box.isVisible():
            box = QMessageBox(self.window())
            box.setObjectName("actionRefusedBox")
            box.setIcon(QMessageBox.Icon.Information)
            box.addButton(self.tr("确定"), QMessageBox.ButtonRole.AcceptRole)
            self.refusal_box = box
            box.finished.connect(lambda _r, b=box: self._box_closed(b))
        box.setWindowTitle(self.tr("不能办理%1").replace("%1", label))
        box.setText(self.tr("现在不能办理%1：").replace("%1", label) + "\n" + reason)
        box.open()  # window-modal, without a nested event loop
        box.raise_()
        box.activateWindow()

    def _box_closed(self, box: QMessageBox) -> None:
        if self.refusal_box is box:
            self.refusal_box = None
        box.deleteLater()

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:  # Qt's name
        if (
            event is not None
            and event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(obj, QPushButton)
            and not obj.isEnabled()
        ):
            for action, button in self.buttons.items():
                if button is obj:
                    self.explain(action)
                    return True
        return super().eventFilter(obj, event)
