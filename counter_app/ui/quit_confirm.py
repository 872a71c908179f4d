"""The title bar's × on the main window: 确认退出？ first, as on the login screen, and on
退出程序 the clerk's staff session ends as at 退出登录 before the program closes.

A rating still asked of the last holder ends 未评价 (recorded and audited, RULES E2), a
holder still being served has the service ended (the case closed, RULES E1) before the
window closes — when the services cannot be reached, the clerk is told what becomes of the
service and may quit with it left open, as at 退出登录 (``leave_unended``) — then the staff
session is logged out on a pool thread, which the composition root waits for when the
program ends. Only the clerk's × asks: the program's own ``close()`` (退出登录, shutting
down, a test's teardown) does not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from PyQt6.QtWidgets import QMessageBox, QWidget

from counter_app.api import CounterServices
from counter_app.services.context import Actor
from counter_app.services.errors import DatabaseUnavailable
from counter_app.ui.leave_unended import EndRating, ask_to_leave
from counter_app.ui.tasks import TaskRunner


class QuitHost(Protocol):
    """What quitting uses of the main window (``MainWindow`` implements it; no import of
    it here — it imports this module)."""

    gateway: CounterServices
    runner: TaskRunner
    actor: Actor
    holder: Any
    card_login: Any
    pins: Any
    workflow: Any
    #: Set once the staff session is being ended (退出登录, or quitting): never twice.
    logged_out_already: bool
    quit_box: QMessageBox | None
    end_rating_now: EndRating

    @staticmethod
    def tr(sourceText: str, disambiguation: str = ..., n: int = ...) -> str: ...  # Qt's name

    def close(self) -> bool: ...

    def show_error(self, error: BaseException) -> None: ...


def quit_box(
    parent: QWidget, told: str, on_quit: Callable[[], None], on_stay: Callable[[], None]
) -> QMessageBox:
    """确认退出？ over ``parent``, opened window-modal (no nested event loop), ``told`` as its
    explanation; its default, for Enter and Esc, is 取消. After the answer ``on_quit`` or
    ``on_stay`` runs. The login screen and the main window's × both ask with it."""
    box = QMessageBox(parent)
    box.setObjectName("confirmQuitBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(parent.tr("退出"))
    box.setText(parent.tr("确认退出？"))
    box.setInformativeText(told)
    quit_now = box.addButton(parent.tr("退出程序"), QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton(parent.tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    box.finished.connect(lambda _r: on_quit() if box.clickedButton() is quit_now else on_stay())
    box.open()
    return box


def raised_again(shown: QMessageBox | None) -> bool:
    """The box already up (× or 退出 again) is raised instead of a second one."""
    if shown is None or not shown.isVisible():
        return False
    shown.raise_()
    shown.activateWindow()
    return True


def ask_to_quit(window: QuitHost, parent: QWidget) -> None:
    """确认退出？ over ``parent`` (the window); 退出程序 ends the program (:func:`quit_program`)."""
    if raised_again(window.quit_box):
        return
    told = window.tr("退出后将退出登录，本工作站的程序将关闭。")
    if window.holder.session is not None or window.workflow is not None:
        told += window.tr("正在办理的服务将随之结束。")

    def forget() -> None:
        window.quit_box = None

    def quit_now() -> None:
        forget()
        window.end_rating_now(partial(quit_program, window, parent), quitting=True)

    window.quit_box = quit_box(parent, told, quit_now, forget)


def quit_program(window: QuitHost, parent: QWidget) -> None:
    """End the holder's service and the staff session (as 退出登录 does), then close. The
    service is ended first, and only then does the window close: when the services cannot
    be reached the clerk is told, over ``parent``, what becomes of it and quits with it
    left open or stays — as at 退出登录 (``leave_unended``)."""
    if window.logged_out_already:
        return
    session, actor, gateway = window.holder.session, window.actor, window.gateway
    if session is None:
        _close(window, None)
        return

    def ended(_summary: Any) -> None:
        _close(window, None)

    def failed(error: BaseException) -> None:
        if not isinstance(error, DatabaseUnavailable):
            _close(window, None)  # e.g. ended already (the card left): nothing more to end
            return
        window.show_error(error)
        window.quit_box = ask_to_leave(
            parent,
            error,
            quitting=True,
            retry=partial(quit_program, window, parent),
            leave=partial(_close, window, session),
        )

    window.runner.run(
        lambda: gateway.end_session(actor, session), ended, failed, name="end_session_on_quit"
    )


def _close(window: QuitHost, session: Any) -> None:
    """The holder off the screen and the window closed; on a pool thread ``session`` (a
    service left open, None when it ended) is ended if the services answer, then the staff
    session is logged out — the composition root waits for it when the program ends."""
    if window.logged_out_already:
        return
    window.logged_out_already = True
    actor, gateway = window.actor, window.gateway
    window.card_login.cancel()
    window.pins.cancel()
    window.holder.clear()

    def end_then_logout() -> None:
        try:
            if session is not None:
                gateway.end_session(actor, session)
        finally:
            gateway.logout(actor)

    window.runner.run(end_then_logout, None, lambda _e: None, name="logout_on_quit")
    window.close()  # the program's own close: nothing asked again
