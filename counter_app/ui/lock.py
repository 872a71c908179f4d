"""Idle auto-lock: after ``idle_lock_minutes`` without input the window
locks; the lock screen shows no personal data; only the same staff member unlocks, and a
different staff member logging in ends the first one's session.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.ui.login import LoginForm

_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without keyboard or mouse input anywhere in the app."""

    idle = pyqtSignal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.timeout.connect(self.idle)
        self.enabled = minutes > 0
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def start(self) -> None:
        if self.enabled:
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:
        if event is not None and event.type() in _INPUT_EVENTS and self.timer.isActive():
            self.timer.start()  # restart the countdown
        return False

    def detach(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockScreen(QWidget):
    """Shown instead of the work area while locked: who locked it, and a login form."""

    unlock_requested = pyqtSignal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.title = QLabel(self.tr("工作站已锁定"))
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel()
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(
            self.tr("由本人输入密码解锁；其他工作人员登录将结束上一位工作人员的会话。")
        )
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.form = LoginForm()
        self.form.set_action(self.tr("解锁"))
        self.form.submitted.connect(self.unlock_requested)
        # A set width, so a refusal wraps to lines of that width and gets their height.
        self.form.setFixedWidth(460)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addWidget(self.hint)
        centred = QHBoxLayout()  # not an alignment flag: that drops the wrapped height
        centred.addStretch(1)
        centred.addWidget(self.form)
        centred.addStretch(1)
        layout.addLayout(centred)
        layout.addStretch(2)

    def prepare(self, staff_no: str, staff_name: str) -> None:
        self.who.setText(
            self.tr("锁定时登录的工作人员：%1（工号 %2）")
            .replace("%1", staff_name)
            .replace("%2", staff_no)
        )
        self.form.staff_no.setText(staff_no)
        self.form.password.clear()
        self.form.error.setText("")
        self.form.set_busy(False)
        self.form.set_action(self.tr("解锁"))
        self.form.password.setFocus()
