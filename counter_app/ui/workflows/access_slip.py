"""The access slip at the end of a session (查阅告知单, RULES Q7): what of the holder's
records was read and what was done, by whom, where and when — offered when the clerk ends
the service (F12) and when the holder's card leaves the reader.

``sessions.end_session`` gives the ``AccessSummary``; ``access_slips.issue_access_slip``
issues the slip as a registered form (serial, reprint, verify; once per session), drawn
off the GUI thread (in the helper process when it runs); the dialog shows the summary and
the print buttons. The dialog is deleted when closed, so no personal data outlives it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QDialog, QWidget

from counter_app.ui.fit import centre_on_parent, keep_on_screen
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import add_print_buttons, form_pdf

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost


class AccessSlipDialog(WorkflowDialog):
    """Shows one ended session's summary with 打印预览 / 打印 / 保存为 PDF."""

    def __init__(self, window: WorkflowHost, summary: Any) -> None:
        super().__init__(window, window.tr("本次服务已结束 — 查阅告知单"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.printer: Any = None
        self.slip: Any = None
        self.begin()
        self.show_result(self._describe(summary))
        gateway, actor = window.gateway, window.actor

        def issue() -> tuple[Any, bytes]:
            slip = gateway.issue_access_slip(actor, summary)
            return slip, form_pdf(gateway, slip)

        self.call(issue, self._rendered)

    def _describe(self, s: Any) -> str:
        viewed = "、".join(getattr(s, "category_labels", ()) or ()) or self.tr("无")
        done = "、".join(
            a.description + (f"（{a.serial}）" if a.serial else "")
            for a in getattr(s, "actions", ()) or ()
        ) or self.tr("无（仅查询）")
        return (
            self.tr("本次服务已结束。请打印《个人信息查阅告知单》交持卡人：")
            + f"<br><br>{self.tr('持卡人')}：{getattr(s, 'holder_name', '')}　"
            f"{getattr(s, 'masked_ssn', '')}"
            f"<br>{self.tr('身份核验')}：{getattr(s, 'identified_by', '')}"
            f"<br>{self.tr('查阅的信息类别')}：{viewed}"
            f"<br>{self.tr('办理的业务')}：{done}"
        )

    def _rendered(self, issued: tuple[Any, bytes]) -> None:
        self.slip, pdf = issued
        serial = str(getattr(self.slip, "serial", "") or "")
        add_print_buttons(self, pdf, f"{self.tr('个人信息查阅告知单')} {serial}".strip())
        # The buttons take room from the summary once laid out (the next turn of the
        # event loop): then the dialog grows so that the summary's last line (办理的业务)
        # is not cut off below a long list of categories viewed.
        fit = QTimer(self)  # the dialog's own: it cannot fire after the dialog is gone
        fit.setSingleShot(True)
        fit.timeout.connect(self._fit_summary)
        fit.start(0)

    def _fit_summary(self) -> None:
        layout = self.layout()
        if layout is not None:
            layout.activate()
        label = self.result_label
        missing = label.heightForWidth(label.width()) - label.height()
        if missing > 0:
            self.resize(self.width(), self.height() + missing)
            keep_on_screen(self)  # grown downwards: its buttons stay on the screen

    def holder_gone(self) -> None:
        """The next holder comes (a card inserted, an ID check begun, a holder served): the
        slip — this holder's name and number, printable — closes, so that it is never printed
        for and handed to the next one (from a new clerk's trial: it stayed open, with 打印
        live, over the next holder's record). Nothing of the last holder stays in the status
        bar either, so it closes without a word there."""
        if self.isVisible():  # hidden by the lock screen: the lock's to give back or close
            self.reject()

    def done(self, result: int) -> None:
        # Not WorkflowDialog.done: the slip asks nothing of the holder, so closing it must
        # not cancel a PIN entry the next holder may have started meanwhile.
        self._stop_listening()
        QDialog.done(self, result)


def show_access_slip(window: WorkflowHost, summary: Any) -> AccessSlipDialog:
    """Offer the access slip of an ended session (non-modal: the counter goes on),
    centred on the main window, on its screen, and with the keyboard: a new clerk's trial
    saw it open at the screen's top-left with its title bar off the screen, and their
    typing went into the search box behind it."""
    dialog = AccessSlipDialog(window, summary)
    # It must not outlive its holder: the next one closes it (``holder_gone``).
    for name in ("card_inserted", "next_holder"):
        signal = getattr(window, name, None)
        if signal is not None:
            dialog.listen(signal, dialog.holder_gone)
    dialog.adjustSize()
    _place(dialog)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.close_button.setFocus()
    # Its wrapped summary takes its height once laid out at its shown width (the next
    # turn of the event loop, after the grow timers started before it): centred again then.
    settle = QTimer(dialog)
    settle.setSingleShot(True)
    settle.timeout.connect(lambda: _place(dialog))
    settle.start(0)
    return dialog


def _place(dialog: AccessSlipDialog) -> None:
    """Centred on the window, but clear of the holder's dock on one screen: the holder
    rates there while the clerk prints the slip (RULES E2)."""
    centre_on_parent(dialog)
    dialog.keep_clear()


def offer_after_card_removal(window: WorkflowHost, session: Any) -> None:
    """The card left and its session ended: fetch the summary and offer the slip
    (``end_session`` is safe to call again: it closes nothing twice).

    The card session showed the holder's records, so the slip is owed (RULES Q7) and the
    closed case is rated (E2) — but only once the clerk has closed a workflow the card's
    leaving cut off: its 社保卡已被拔出，本次办理已取消 comes first, in its own dialog (a city
    trial saw the slip and the rating pop up over the lift before the clerk knew why)."""
    gateway, actor = window.gateway, window.actor

    def offer(summary: Any) -> None:
        def now() -> None:
            window.service_ended.emit(summary)  # the case closed: the holder rates it (E2)
            show_access_slip(window, summary)

        after_workflow(window, now)

    window.runner.run(
        lambda: gateway.end_session(actor, session, "card_removed"),
        offer,
        window.show_error,
        name="access_summary",
    )


def after_workflow(window: WorkflowHost, then: Callable[[], None]) -> None:
    """``then()`` now, or once the open workflow dialog is closed (never while it shows)."""
    workflow = window.workflow
    if not isinstance(workflow, QDialog) or not workflow.isVisible():
        then()
        return

    def closed(_result: int) -> None:
        workflow.finished.disconnect(closed)
        # On the next turn: a workflow closed because the window closes (the program
        # ends) leaves a hidden window by then, and nothing is offered on it.
        later = QTimer(window if isinstance(window, QWidget) else None)
        later.setSingleShot(True)
        later.timeout.connect(lambda: then() if _shown(window) else None)
        later.timeout.connect(later.deleteLater)
        later.start(0)

    workflow.finished.connect(closed)


def _shown(window: object) -> bool:
    return not isinstance(window, QWidget) or window.isVisible()
