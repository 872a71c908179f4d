"""One holder at a time (RULES E1, E2, Q7): every service of a holder is one case, ended with
the 查阅告知单 and the holder's rating. Starting another holder's service while one is served
asks first — 须先结束本次服务（F12）, as 退出登录 does — and a second holder session that opens
anyway (the card's login and an ID check answered at nearly the same time) is ended at once,
never shown and never left open.

Functions of the ``MainWindow`` they are given (the window delegates to them). From a new
clerk's trial: the second holder's ID check replaced the first one's record with no question,
no 告知单 and no rating, and his case stayed open until that clerk's next login.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.ui.holder_view import HolderView, holder_facts
from counter_app.ui.tasks import TaskRunner

#: 核验证件并查看 while a holder is being served.
SERVING_NOW = (
    "当前正在为%1办理业务，须先结束本次服务（F12）：将查阅告知单交持卡人并请其评价后，"
    "再为下一位持卡人核验证件。"
)
#: A second holder's session that opened while one was on screen: ended at once.
SECOND_HOLDER_ENDED = "当前正在为%1办理业务，另一位持卡人的查询未打开；须先结束本次服务（F12）。"


class ServingHost(Protocol):
    """What the guard uses of the main window (``MainWindow`` implements it; no import of it
    here — it imports this module)."""

    gateway: CounterServices
    runner: TaskRunner
    actor: Actor
    holder: HolderView
    serving_box: QMessageBox | None

    @staticmethod
    def tr(sourceText: str, disambiguation: str = ..., n: int = ...) -> str: ...  # Qt's name

    def end_service(
        self, unreachable: Callable[[BaseException], None] | None, keep_search: bool = ...
    ) -> None: ...

    def show_error(self, error: BaseException) -> None: ...

    def show_message(self, text: str) -> None: ...


def ask_to_end_first(window: ServingHost, parent: QWidget) -> None:
    """须先结束本次服务（F12）: 结束服务 ends it as F12 does (告知单, the holder's rating);
    取消 (the default: Enter, Esc) keeps the holder served. F12, named on the button, presses
    it (the box is a window of its own: the main window's F12 does not reach it). The clerk
    starts the next holder's check again once this holder has had the slip — it is not started
    under the slip and the rating (the next holder's check ends a rating still asked 未评价) —
    from the search kept for it: the hit the clerk chose stays in the list."""
    shown = window.serving_box
    if shown is not None and shown.isVisible():  # asked again: the box already up
        shown.raise_()
        shown.activateWindow()
        return
    box = QMessageBox(parent)
    box.setObjectName("servingBox")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(window.tr("核验证件"))
    box.setText(window.tr(SERVING_NOW).replace("%1", served_name(window)))
    end = box.addButton(window.tr("结束服务（F12）"), QMessageBox.ButtonRole.AcceptRole)
    if end is not None:
        end.setShortcut(QKeySequence(Qt.Key.Key_F12))
    cancel = box.addButton(window.tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.finished.connect(partial(_answered, window, box, end))
    window.serving_box = box
    box.open()  # window-modal, without a nested event loop


def _answered(
    window: ServingHost, box: QMessageBox, end: QAbstractButton | None, _result: int
) -> None:
    if window.serving_box is box:
        window.serving_box = None
    if box.clickedButton() is end:
        window.end_service(None, keep_search=True)  # the next holder's hit stays


def served_name(window: ServingHost) -> str:
    """持卡人王建国 (持卡人 while the overview is not read yet)."""
    return window.tr("持卡人") + holder_facts(window.holder.overview).name


def serving_another(window: ServingHost, session: Any) -> bool:
    """``session`` opened while another holder is on screen: it is ended at once — nothing of
    it was shown — and the clerk told; True then (the caller shows nothing of it)."""
    current = window.holder.session
    if current is None or current is session:
        return False
    gateway, actor = window.gateway, window.actor
    window.runner.run(
        lambda: gateway.end_session(actor, session),
        None,
        window.show_error,
        name="end_second_holder",
    )
    window.show_message(window.tr(SECOND_HOLDER_ENDED).replace("%1", served_name(window)))
    return True
