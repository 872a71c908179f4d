"""修改登录密码: the staff member's own password (RULES S1–S3).

An account made by ``counter-admin staff add`` or reset by ``staff reset-password`` has a
one-time password: the services refuse every call but this one until it is changed
(``LoginResult.must_change_password``). :class:`OwnPasswordForm` asks for the new password
twice — at login, right after the one-time password was typed (the login dialog keeps it
as the old one, never shown again), and from the 账户 menu, where the old one is typed too.

Every field is masked. What the form checks itself: nothing left empty, the two entries
the same. Everything else is the services' policy (``change_own_password``): its refusal
says which rule the new password breaks and is shown beside the new password; a wrong old
password beside the old one. A refused password is emptied (it never waits in a field); an
old password not refused stays (a new password refused by the policy says nothing of it —
a new clerk's trial had to type the right old one again). A field's refusal goes as soon as
the field is typed in.
No password reaches a log, a signal or an error's text.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.services.errors import LoginFailed, WeakStaffPassword
from counter_app.ui.kept_text import password_typed_again
from counter_app.ui.tasks import TaskRunner

#: What the services' policy asks of a new staff password (``staff_credentials``; a test
#: keeps the two in step), said before the clerk types.
POLICY_HINT = "新密码至少 10 个字符，至少用 4 个不同的字符，不能与工号或原密码相同。"

#: A wrong old password (``LoginFailed``: one sentence for every cause, as at login).
WRONG_OLD = (
    "原密码不正确，或账户已锁定/停用。请重新输入；连续多次错误后账户将被锁定，可请本机构主管解锁。"
)

_ERROR_STYLE = "color: #b00020;"


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(_ERROR_STYLE)
    return label


class OwnPasswordForm(QWidget):
    """原密码 (only when ``ask_old``), 新密码, 再次输入新密码, each with its refusal beside
    it; 确定修改 and 取消. ``changed`` once the services recorded the new password;
    ``cancelled`` on 取消 (or Esc in the dialog around it)."""

    changed = pyqtSignal()
    cancelled = pyqtSignal()

    def __init__(
        self,
        gateway: CounterServices,
        runner: TaskRunner,
        *,
        ask_old: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ownPasswordForm")
        self._gateway = gateway
        self._runner = runner
        self._ask_old = ask_old
        self._actor: Actor | None = None
        #: The one-time password just typed at login (``ask_old`` False), until changed.
        self._old = ""
        self.busy = False
        self.heading = QLabel()
        self.heading.setObjectName("ownPasswordHeading")
        self.heading.setWordWrap(True)
        hint = QLabel(self.tr(POLICY_HINT))
        hint.setObjectName("ownPasswordHint")
        hint.setWordWrap(True)
        self.old = _password_field("oldPassword")
        self.new = _password_field("newPassword")
        self.again = _password_field("newPasswordAgain")
        self.old_error = _error_label("oldPasswordError")
        self.new_error = _error_label("newPasswordError")
        self.again_error = _error_label("newPasswordAgainError")
        #: What concerns no one field (the services unreachable, the account reset meanwhile).
        self.error = _error_label("ownPasswordError")
        grid = QGridLayout()
        rows = [(self.tr("新密码"), self.new, self.new_error)]
        rows.append((self.tr("再次输入新密码"), self.again, self.again_error))
        if ask_old:
            rows.insert(0, (self.tr("原密码"), self.old, self.old_error))
        for row, (text, field, error) in enumerate(rows):
            grid.addWidget(QLabel(text), row, 0)
            grid.addWidget(field, row, 1)
            grid.addWidget(error, row, 2)
            field.setMinimumWidth(200)
            error.setMinimumWidth(280)
        grid.setColumnStretch(2, 1)
        if not ask_old:  # the one-time password just typed is the old one
            for unused in (self.old, self.old_error):
                unused.setParent(self)
                unused.hide()
        self.submit = QPushButton(self.tr("确定修改"))
        self.submit.setObjectName("changeOwnPassword")
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("cancelOwnPassword")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.submit)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.submit.clicked.connect(self._submit)
        self.cancel_button.clicked.connect(self.cancel)
        self.old.returnPressed.connect(self.new.setFocus)
        self.new.returnPressed.connect(self.again.setFocus)
        self.again.returnPressed.connect(self._submit)
        for field, error in (
            (self.old, self.old_error),
            (self.new, self.new_error),
            (self.again, self.again_error),
        ):
            field.textEdited.connect(partial(self._unsay, error))

    def start(self, actor: Actor, old: str = "") -> None:
        """Ask ``actor`` for a new password; ``old``: the one-time password just typed at
        login (when the form does not ask for it)."""
        self._actor = actor
        self._old = old
        if self._ask_old:
            text = self.tr("%1（%2）：请输入原密码，再设置新的登录密码。")
        else:
            text = self.tr(
                "您用的是初始密码或已被重置的密码，只能用这一次。"
                "%1（%2）：请设置新的登录密码，设置后才能办理业务。"
            )
        self.heading.setText(text.replace("%1", actor.name).replace("%2", actor.staff_no))
        self._clear_fields()
        self._clear_errors()
        self._set_busy(False)
        (self.old if self._ask_old else self.new).setFocus(Qt.FocusReason.OtherFocusReason)

    def forget(self) -> None:
        """Drop the actor and the old password, and empty every field (cancelled or done)."""
        self._actor = None
        self._old = ""
        self._clear_fields()

    def cancel(self) -> None:
        if self.busy:  # the answer decides: a change already sent is not taken back
            return
        self.forget()
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # Qt's name
        """Enter in a field was handled by the field: it stops here (no default button of
        the dialog around the form pressed a second time)."""
        if event is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- internals ---------------------------------------------------------------------

    def _clear_fields(self) -> None:
        for field in (self.old, self.new, self.again):
            field.clear()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.old, self.new, self.again, self.submit, self.cancel_button):
            widget.setEnabled(not busy)
        self.submit.setText(self.tr("正在保存…") if busy else self.tr("确定修改"))

    def _submit(self) -> None:
        if self.busy or self._actor is None:
            return
        self._clear_errors()
        old = self.old.text() if self._ask_old else self._old
        if self._ask_old and not old:
            self._say(self.old_error, self.tr("请输入原密码。"))
            self.old.setFocus()
            return
        if not self.new.text():
            self._say(self.new_error, self.tr("请输入新密码。"))
            self.new.setFocus()
            return
        if self.again.text() != self.new.text():
            self._say(self.again_error, self.tr("两次输入的新密码不一致。请重新输入。"))
            self.new.clear()
            self.again.clear()
            self.new.setFocus()
            return
        new = self.new.text()
        self.new.clear()  # the old one stays until the services answer (``_refused``)
        self.again.clear()
        self._set_busy(True)
        self._runner.run(
            partial(self._gateway.change_own_password, self._actor, old, new),
            self._changed,
            self._refused,
            name="change_own_password",
        )

    def _unsay(self, label: QLabel, _text: str) -> None:
        """The field of ``label`` typed in: its refusal is no longer about what it holds."""
        label.setText("")
        label.setMinimumHeight(0)

    def _changed(self, _result: Any) -> None:
        self._set_busy(False)
        self.forget()
        self.changed.emit()

    def _refused(self, error: BaseException) -> None:
        self._set_busy(False)
        message = str(error)
        if isinstance(error, WeakStaffPassword):  # the new one refused: the old one stays
            self._say(self.new_error, message)
            self.new.setFocus()
            return
        self.old.clear()
        if isinstance(error, LoginFailed) and self._ask_old:
            # The login's one sentence names the 工号, which the clerk did not type here.
            self._say(self.old_error, self.tr(WRONG_OLD))
            self.old.setFocus()
        else:
            self._say(self.error, password_typed_again(message, self.tr("请重新输入新密码")))
            (self.old if self._ask_old else self.new).setFocus()

    def _say(self, label: QLabel, text: str) -> None:
        """``text`` in ``label``, the window grown to show all of it (a refusal can run to
        two or three lines beside its field)."""
        label.setText(text)
        # A wrapped label in a grid row gets only the field's height unless told its own.
        label.setMinimumHeight(label.heightForWidth(max(label.width(), label.minimumWidth())))
        window = self.window()
        if window is not None:
            window.adjustSize()

    def _clear_errors(self) -> None:
        for label in (self.old_error, self.new_error, self.again_error, self.error):
            label.setText("")
            label.setMinimumHeight(0)


class OwnPasswordDialog(QDialog):
    """修改登录密码: from the 账户 menu the old password, the new one twice; with
    ``one_time`` (a one-time password just typed at the lock screen) the new one only."""

    def __init__(
        self,
        gateway: CounterServices,
        runner: TaskRunner,
        actor: Actor,
        parent: QWidget,
        *,
        one_time: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ownPasswordDialog")
        self.setWindowTitle(self.tr("修改登录密码"))
        self.form = OwnPasswordForm(gateway, runner, ask_old=one_time is None, parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.form.changed.connect(self.accept)
        self.form.cancelled.connect(self._cancelled)
        self.form.submit.setDefault(True)
        self.form.start(actor, one_time or "")

    def _cancelled(self) -> None:
        QDialog.reject(self)

    def reject(self) -> None:  # QDialog's name: Esc and the title bar's ×
        self.form.cancel()
