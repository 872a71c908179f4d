"""What every guided workflow shares: steps on a stack, a banner for errors, service calls
off the GUI thread, a result page, and a clean stop when the card is pulled.

A database outage (``DatabaseUnavailable``) shows the banner and keeps every typed field:
the clerk presses the button again when the connection is back (the services' idempotency
keys make that safe).
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import pyqtBoundSignal
from PyQt6.QtGui import QCloseEvent, QShowEvent
from PyQt6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.errors import DatabaseUnavailable
from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.fit import fit_to_content, follow_content, grow_to_fit
from counter_app.ui.page_stack import PageStack
from counter_app.ui.side_docks import keep_clear_of_holder_dock
from counter_app.ui.tasks import Task
from counter_app.ui.wait_notice import WaitNotice
from counter_app.ui.workflows.discard import CONFIRM_DISCARD, ask_discard, watch_entries
from reader.errors import CardRemoved, NoCard

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost

#: The pages' width: the dialog is this plus its margins (about 560 px).
PAGE_MIN_WIDTH = 540

CARD_PULLED = "社保卡已被拔出，本次办理已取消。如需继续，请重新插卡后重新办理。"


def focus_first_field(page: QWidget | None) -> None:
    """The keyboard goes to the page's first field that takes typing (the supervisor's
    staff number, the document number): what is typed no longer vanishes into a button."""
    if page is None:
        return
    for field in page.findChildren(QLineEdit):
        if field.isEnabled() and not field.isReadOnly() and field.isVisibleTo(page):
            field.setFocus()
            return


class WorkflowDialog(QDialog):
    """Base of the workflow dialogs. Subclasses add pages with ``add_page`` and call
    services with ``call``; ``needs_card`` workflows stop when the card leaves."""

    needs_card = False

    def __init__(self, window: WorkflowHost, title: str) -> None:
        super().__init__(window if isinstance(window, QWidget) else None)
        self.window_ = window
        self.setWindowTitle(title)
        #: One idempotency key per submission attempt series (services dedupe on it).
        self.idempotency_key = uuid.uuid4().hex
        self.cancelled_reason = ""
        #: The clerk typed or chose something, or a step (a supervisor's approval) was
        #: passed: leaving now asks 确认放弃本次办理？ (``reject``).
        self.entered = False
        #: The open 确认放弃本次办理？ box, if any (tests answer it).
        self.discard_box: QMessageBox | None = None
        self._task: Task | None = None
        #: The workstation's signals this dialog listens to (``listen``), until ``done``.
        self._listening: list[tuple[pyqtBoundSignal, Callable[..., object]]] = []
        self.banner = QLabel()
        self.banner.setObjectName("workflowBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.heading = QLabel(f"<h2>{title}</h2>")
        # As tall as the page shown, not as the tallest page (``PageStack``): the dialog
        # opens at its first page's height and fits each page it moves to (``go``).
        self.stack = PageStack()
        # On the stack, not the dialog: ``follow_content`` makes the dialog's minimum the
        # layout's, which replaced a dialog-level 560 px with ~300 (every line wrapped).
        self.stack.setMinimumWidth(PAGE_MIN_WIDTH)
        self.back_button = QPushButton(self.tr("上一步"))
        self.next_button = QPushButton(self.tr("下一步"))
        self.next_button.setDefault(True)
        self.close_button = QPushButton(self.tr("取消"))
        # Enter is the step's own button, never 取消 or 上一步 (a focused button would be
        # the dialog's default otherwise: after a supervisor's approval the focus lands
        # on one of them when the approval fields are disabled).
        self.back_button.setAutoDefault(False)
        self.close_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        #: 正在等待业务服务器答复…（已等待 N 秒） above the buttons while a call is slow.
        self.wait_notice = WaitNotice(window.runner, typing=window.pins.holder_typing, wrap=True)
        self.finished.connect(lambda _result: self.wait_notice.detach())
        layout.addWidget(self.wait_notice)
        layout.addLayout(buttons)
        follow_content(layout)  # rows shown later (the ID photo) push the dialog taller
        self.result_label = QLabel()
        self.result_label.setObjectName("workflowResult")
        self.result_label.setWordWrap(True)
        self.result_page = QWidget()
        result_layout = QVBoxLayout(self.result_page)
        result_layout.addWidget(self.result_label)
        self.result_buttons = QHBoxLayout()
        result_layout.addLayout(self.result_buttons)
        result_layout.addStretch(1)
        self._steps: list[tuple[QWidget, Callable[[], None]]] = []
        #: Each step's own text of the next button, as it was when the step was shown.
        self._next_texts: dict[int, str] = {}
        #: Steps whose next button always reads the same, however they are reached
        #: (``add_page(..., next_text=...)``).
        self._fixed_texts: dict[int, str] = {}
        # One screen: the holder's keypad and rating open in a dock of the window; the
        # dialog stays clear of it (``keep_clear_of_holder_dock``) when shown and whenever
        # the dock opens.
        dock = getattr(window, "holder_dock", None)
        if dock is not None:
            dock.visibilityChanged.connect(self._holder_dock_shown)

    # -- placement ---------------------------------------------------------------------

    def showEvent(self, event: QShowEvent | None) -> None:  # Qt's name
        super().showEvent(event)  # placed over the window by Qt first
        self.keep_clear()

    def keep_clear(self) -> None:
        """Off the holder's dock (over the records), if it would cover it."""
        if isinstance(self.window_, QWidget) and self.isVisible():
            keep_clear_of_holder_dock(self, self.window_)

    def _holder_dock_shown(self, visible: bool) -> None:
        if visible:
            self.keep_clear()

    # -- the workstation's signals ------------------------------------------------------

    def listen(self, signal: pyqtBoundSignal, slot: Callable[..., object]) -> None:
        """Connect ``slot``, a method of this dialog, to ``signal`` of the workstation (the
        holder's keypad, the card bridge, the task runner), which outlives the dialog:
        ``done`` disconnects it, before the keypad is cancelled. A bound method, never a
        lambda: the window's signal would keep a lambda, and the dialog it holds, alive."""
        if not (inspect.ismethod(slot) and slot.__self__ is self):
            raise TypeError("listen: the slot must be a method of this dialog")
        signal.connect(slot)
        self._listening.append((signal, slot))

    def _stop_listening(self) -> None:
        listening, self._listening = self._listening, []
        for signal, slot in listening:
            try:
                signal.disconnect(slot)
            except TypeError:  # already disconnected
                pass

    # -- steps -------------------------------------------------------------------------

    def add_page(
        self, page: QWidget, on_next: Callable[[], None], next_text: str | None = None
    ) -> None:
        """``on_next`` validates the page and moves on (``go(i)``/``call``) or complains.
        ``next_text``: the page's own next button, set whenever it is shown (otherwise the
        button keeps what the step before set for it)."""
        if next_text is not None:
            self._fixed_texts[len(self._steps)] = next_text
        self._steps.append((page, on_next))
        self.stack.addWidget(page)
        self._buttons()

    def begin(self) -> None:
        self.stack.addWidget(self.result_page)
        self.go(0)

    def go(self, index: int) -> None:
        if index < self.stack.currentIndex() and index in self._next_texts:
            # Back to an earlier step: its own button again (from a new clerk's trial:
            # 上一步 from the confirmation left 确认挂失 on the form being corrected).
            self.next_button.setText(self._next_texts[index])
        if index in self._fixed_texts:
            # A page of its own (the supervisor's approval): the step before named the way
            # to it ("下一步：主管复核"), which is not what this page's button does.
            self.next_button.setText(self._fixed_texts[index])
        self.stack.setCurrentIndex(index)
        fit_to_content(self)  # no empty space under a short page, nothing cut off a tall one
        if index > 0 and index < len(self._steps):
            self.entered = True  # a step was passed (a document checked, an approval given)
        if index < len(self._steps):
            self._next_texts[index] = self.next_button.text()
        self._buttons()
        if self.next_button.isVisible() and self.next_button.isEnabled():
            self.next_button.setDefault(True)
        self._watch(self.stack.currentWidget())
        focus_first_field(self.stack.currentWidget())

    def mark_entered(self) -> None:
        """Something the clerk would lose was entered (subclasses call it for what the
        page watch cannot see)."""
        self.entered = True

    def _watch(self, page: QWidget | None) -> None:
        watch_entries(page, self.mark_entered)

    def go_page(self, page: QWidget) -> None:
        """Show ``page`` (a page added with ``add_page``)."""
        self.go(self.stack.indexOf(page))

    def next(self) -> None:
        index = self.stack.currentIndex()
        if index < len(self._steps):
            self.error("")
            self._steps[index][1]()

    def back(self) -> None:
        index = self.stack.currentIndex()
        if 0 < index < len(self._steps):
            self.go(index - 1)

    def _buttons(self) -> None:
        index = self.stack.currentIndex()
        on_result = self.stack.currentWidget() is self.result_page
        self.back_button.setEnabled(0 < index < len(self._steps))
        self.next_button.setVisible(not on_result)
        self.close_button.setText(self.tr("完成") if on_result else self.tr("取消"))
        # On the result page Enter is 完成 (with 下一步 hidden, it did nothing: the dialog
        # stayed open behind the next holder's work); on a step it is never 取消.
        self.close_button.setDefault(on_result)

    def error(self, text: str, outage: bool = False) -> None:
        self.banner.setText(clerk_text(text))
        self.banner.setStyleSheet(
            "background: #b00020; color: white; padding: 6px;" if outage else "color: #b00020;"
        )
        self.banner.setVisible(bool(text))
        grow_to_fit(self)  # a wrapped reason is shown whole, never cut off

    def show_result(self, text: str) -> None:
        # The work is done: an earlier step's refusal ("新密码过于简单…", then typed again)
        # no longer applies and stood in red above "卡密码已重置".
        self.error("")
        self.result_label.setText(text)
        self.stack.setCurrentWidget(self.result_page)
        fit_to_content(self)
        self._buttons()
        # The holder's last key was on the keypad (the main window's dock): the clerk's
        # Enter and F12 went to the main window, past this result. It takes them back.
        self.raise_()
        self.activateWindow()
        self.close_button.setFocus()

    @property
    def finished_ok(self) -> bool:
        """On the result page: the work is done, only the dialog is still open."""
        return self.stack.currentWidget() is self.result_page

    # -- service calls -----------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        """Off while a call or the holder's keypad runs; on again afterwards as the page
        allows (上一步 on every step but the first, so a refusal never strands the clerk),
        except after the card was pulled, which ends the workflow."""
        stopped = bool(self.cancelled_reason)
        index = self.stack.currentIndex()
        self.next_button.setEnabled(not busy and not stopped)
        self.back_button.setEnabled(not busy and not stopped and 0 < index < len(self._steps))

    def call(
        self,
        func: Callable[..., Any],
        done: Callable[[Any], None],
        *,
        card: bool = False,
        failed: Callable[[BaseException], bool] | None = None,
    ) -> None:
        """Run ``func`` off the GUI thread (``card=True``: on the card thread with the card
        client as its argument), then ``done(result)``; errors go to the banner unless
        ``failed(error)`` handles them (returns True)."""
        self.set_busy(True)
        # No 取消 while the answer is awaited: closing hid the result of a card operation
        # (the card thread finishes it regardless) and let a second one start behind it.
        # The holder typing on the reader's PIN pad may still walk away (``pins.active``).
        self.close_button.setEnabled(self.window_.pins.active)

        def ok(result: Any) -> None:
            self._task = None
            self.close_button.setEnabled(True)
            self.set_busy(False)
            self.window_.db_ok()
            done(result)

        def bad(error: BaseException) -> None:
            self._task = None
            self.close_button.setEnabled(True)
            self.set_busy(False)
            if failed is not None and failed(error):
                return
            if isinstance(error, (CardRemoved, NoCard)) and self.needs_card:
                self.card_pulled()
                return
            outage = isinstance(error, DatabaseUnavailable)
            if outage:
                self.window_.db_down(str(error))
            self.error(str(error), outage=outage)

        if card:
            self._task = self.window_.bridge.run_card(func, ok, bad, name=self.windowTitle())
        else:
            self._task = self.window_.runner.run(func, ok, bad, name=self.windowTitle())

    def card_pulled(self) -> None:
        """The card left the reader: stop cleanly and say so."""
        if not self.needs_card or self.stack.currentWidget() is self.result_page:
            return
        self.window_.pins.cancel()
        self.cancelled_reason = self.tr(CARD_PULLED)
        self.error(self.cancelled_reason)
        for i in range(self.stack.count()):
            page = self.stack.widget(i)
            if page is not None and page is not self.result_page:
                page.setEnabled(False)
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)
        self.close_button.setText(self.tr("关闭"))

    def reject(self) -> None:  # QDialog's name: 取消, Esc and the title bar's ×
        """Once data was entered or an approval given, the clerk confirms
        确认放弃本次办理？ first (继续办理 is the default, for Enter and Esc): Esc had
        silently dropped a lift the supervisor had just approved. A finished workflow (the
        result page), one stopped by a pulled card and one never touched close at once.
        While a call awaits its answer (its 取消 is off) Esc and × wait for it too — even
        where nothing is left to lose (:meth:`nothing_to_lose`)."""
        task = self._task
        awaited = task is not None and not task.done and not self.window_.pins.active
        if self.isVisible() and awaited:
            return
        if (
            not self.isVisible()
            or not self.entered
            or self.finished_ok
            or self.cancelled_reason
            or self.nothing_to_lose()
        ):
            self.discard()
            return
        self.confirm_close(
            self.tr(CONFIRM_DISCARD),
            self.tr("放弃后已填写的内容和已取得的复核都不再保留。"),
            self.tr("放弃办理"),
            self.tr("继续办理"),
        )

    def nothing_to_lose(self) -> bool:
        """A workflow's own reason to close at once without 确认放弃本次办理？ (after the
        base's: untouched, finished, stopped). None here."""
        return False

    def confirm_close(self, question: str, consequence: str, drop: str, keep: str) -> None:
        """Ask before closing (``discard.ask_discard``, wording translated); a box already
        open is brought forward instead of a second one."""
        shown = self.discard_box
        if shown is not None and shown.isVisible():
            shown.raise_()
            shown.activateWindow()
            return
        self.discard_box = ask_discard(self, self.discard, question, consequence, drop, keep)

    def closeEvent(self, event: QCloseEvent | None) -> None:  # Qt's name
        """The clerk's × asks (``reject``); the program's own ``close()`` does not."""
        if event is not None and not event.spontaneous():
            self.discard()
            event.accept()
            return
        super().closeEvent(event)

    def discard(self) -> None:
        """Close without asking (the clerk confirmed, or is logging out)."""
        box, self.discard_box = self.discard_box, None
        if box is not None:
            box.finished.disconnect()
            box.reject()
        super().reject()

    def done(self, result: int) -> None:  # QDialog's name
        self._stop_listening()
        self.window_.pins.cancel()
        super().done(result)
