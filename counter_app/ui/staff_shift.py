"""The staff side of the main window: who is logged in, the lock screen, another clerk
taking over at it, and 退出登录.

Functions of the ``MainWindow`` they are given (the window delegates to them). Locking takes away
everything readable and usable but the unlock form — every dock (the holder keypad, the
demo panels), the menu bar (报表 lists holders), the status bar and every action and
shortcut of the window — and unlocking gives back exactly that (RULES Q7: records only
with the clerk present).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QDockWidget, QMessageBox, QWidget

from counter_app.services.context import Actor
from counter_app.services.errors import NotPermitted
from counter_app.ui.leave_unended import ask_to_leave
from counter_app.ui.login import APP_TITLE
from counter_app.ui.unlock_password import UnlockPassword

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow


def set_actor(window: MainWindow, actor: Actor) -> None:
    window.actor = actor
    window.setWindowTitle(f"{window.tr(APP_TITLE)} — {actor.office_name}")
    window.status_bar.show_staff(actor)
    window.refresh_actions()
    window.actor_changed.emit(actor)


def lock(window: MainWindow) -> None:
    """Hide every piece of personal data until the same staff member unlocks."""
    if window.locked:
        return
    window.locked = True
    window.idle.stop()
    rating_up = rating_asked(window)
    if not rating_up:  # the holder's rating stays up (no personal data on it, RULES E2)
        window.card_login.cancel()
        window.pins.cancel()
    window.hidden_windows = [
        w for w in window.findChildren(QWidget) if w.isWindow() and w.isVisible()
    ]
    for other in window.hidden_windows:
        other.hide()
    # Nothing readable and nothing usable but the unlock form: every dock (the holder
    # keypad, the demo cards), the menu bar (报表 lists holders), the status bar, and
    # every action and shortcut of the window.
    window._locked_docks = [
        d
        for d in window.findChildren(QDockWidget)
        if d.isVisible() and not (rating_up and d is window.holder_dock)
    ]
    for dock in window._locked_docks:
        dock.hide()
    window._locked_actions = [a for a in window.findChildren(QAction) if a.isEnabled()]
    for act in window._locked_actions:
        act.setEnabled(False)
    bar = window.menuBar()
    if bar is not None:
        bar.setEnabled(False)
        bar.hide()
    status = window.statusBar()
    if status is not None:
        status.clearMessage()
        status.hide()
    window.lock_screen.prepare(window.actor.staff_no, window.actor.name)
    window.stack.setCurrentWidget(window.lock_screen)


def try_unlock(window: MainWindow, staff_no: str, password: str) -> None:
    def done(result: Any) -> None:
        if result.must_change_password:  # a one-time password: the new one first
            UnlockPassword(
                window,
                window.gateway,
                window.runner,
                form=window.lock_screen.form,
                locked_for=window.actor,
                result=result,
                one_time=password,
                then=partial(unlock_as, window, result.actor),
            )
            return
        unlock_as(window, result.actor)

    window.runner.run(
        lambda: window.gateway.login(staff_no, password),
        done,
        lambda e: window.lock_screen.form.refused(str(e)),
        name="unlock",
    )


def unlock_as(window: MainWindow, actor: Actor) -> None:
    """The login at the lock screen succeeded: the same staff member carries on, or
    another one takes over."""
    if actor.staff_id == window.actor.staff_id:
        unlocked(window)
        return
    switch_staff(window, actor)
    # Unlocked first, then the new staff member: what follows the actor (the 报表 and
    # 查询 entries, the lapsing and 待整改 badges) is set for them on an unlocked window,
    # as at a fresh login — unlocking gave back the first one's enabled menu entries, and
    # the badges asked while locked stayed hidden (from a new clerk's trial).
    unlocked(window)
    set_actor(window, actor)


def unlocked(window: MainWindow) -> None:
    window.locked = False
    window.stack.setCurrentIndex(0)
    for other in window.hidden_windows:
        other.show()
    window.hidden_windows = []
    for act in window._locked_actions:
        act.setEnabled(True)
    window._locked_actions = []
    for dock in window._locked_docks:
        if dock is not window.holder_dock:  # the keypad dock shows itself when needed
            dock.show()
    window._locked_docks = []
    bar = window.menuBar()
    if bar is not None:
        bar.setEnabled(True)
        bar.show()
    status = window.statusBar()
    if status is not None:
        status.show()
    window.refresh_actions()
    window.idle.start()


def switch_staff(window: MainWindow, actor: Actor) -> None:
    """Another staff member logged in at the lock screen: the first one's work ends. The
    caller unlocks and then sets ``actor`` (``set_actor``)."""
    previous = window.actor
    for other in window.hidden_windows:
        other.close()
    window.hidden_windows = []
    window.workflow = None
    session = window.holder.session
    window.holder.clear()
    window.clear_search()
    window.card_session = False
    gateway = window.gateway

    def end_previous() -> None:
        if session is not None:
            try:
                gateway.end_session(previous, session)
            except NotPermitted:
                # The city's server acts for the staff member its token names — the one
                # logged in now — who may not end another's holder session: the case is
                # ended as one left open at this workstation (session and case, audited).
                case = gateway.case_of_session(actor, session.session_id)
                if case.is_open:
                    gateway.close_recovered_case(actor, case.case_no)
        gateway.logout(previous)

    def settled(_outcome: object) -> None:
        # After the first clerk's end, not alongside it: a case being ended then is not
        # offered as one left open. Ended or not (the services unreachable: left open),
        # the new staff member is offered what a login is (``followups.check_open_case``).
        if not window.logged_out_already:
            window.staff_took_over.emit(actor)

    window.runner.run(end_previous, settled, settled, name="end_previous_staff")


def rating_asked(window: MainWindow) -> bool:
    """The holder is being asked to rate the case just closed (``ui.rating``)."""
    return window.rating_pending()


def _not_yet(window: MainWindow, text: str, end_service: bool) -> None:
    """退出登录 refused for now: the clerk is told why and may end the service here
    (``end_service``), or else — the holder is rating — wait or end the rating 未评价."""
    shown = window.logout_box
    if shown is not None and shown.isVisible():  # clicked again: the box already up
        shown.raise_()
        shown.activateWindow()
        return
    box = QMessageBox(window)
    box.setObjectName("logoutNotYetBox")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(window.tr("退出登录"))
    box.setText(text)
    end = end_rating = None
    if end_service:
        end = box.addButton(window.tr("结束服务（F12）"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(window.tr("取消"), QMessageBox.ButtonRole.RejectRole)
    else:
        # Waiting stays the default (Enter, Esc): the holder's answer is worth more than
        # the clerk's minute. Ending now records 未评价, as the timeout would (RULES E2).
        wait = box.addButton(window.tr("继续等待"), QMessageBox.ButtonRole.RejectRole)
        end_rating = box.addButton(
            window.tr("结束评价（记为未评价）并退出登录"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.setDefaultButton(wait)
        box.setEscapeButton(wait)

    def answered(_result: int) -> None:
        if end is None:
            window.rating_over.disconnect(box.reject)
        if end is not None and box.clickedButton() is end:
            _end_service(window)  # closes the case; the holder is asked to rate (RULES E2)
        elif end_rating is not None and box.clickedButton() is end_rating:
            _end_rating_then_logout(window)

    box.finished.connect(answered)
    window.logout_box = box
    if end_service:
        box.open()  # window-modal, without a nested event loop
    else:
        # Not modal: on one screen the holder-facing rating is a dock of this window, and
        # a window-modal box blocked the very taps it tells the clerk to wait for (RULES E2).
        box.setWindowModality(Qt.WindowModality.NonModal)
        # The holder rated (or the rating ended) with the box up: its 请稍候 and 结束评价
        # no longer apply; it goes, and 退出登录 works at once.
        window.rating_over.connect(box.reject)
        box.show()


def _end_service(window: MainWindow) -> None:
    """结束服务 asked by 退出登录; when the services cannot be reached the clerk is told what
    becomes of the service and may log out with it left open (``leave_unended``)."""
    window.end_service(partial(_not_ended, window))


def _not_ended(window: MainWindow, error: BaseException) -> None:
    window.logout_box = ask_to_leave(
        window,
        error,
        quitting=False,
        retry=partial(_end_service, window),
        leave=partial(_log_out_now, window),
    )


def _end_rating_then_logout(window: MainWindow) -> None:
    """The clerk chose not to wait: the rating still asked ends 未评价 (recorded and audited
    as on the timeout, RULES E2), then 退出登录 — only once that is recorded."""
    window.end_rating_now(lambda: logout(window))


def logout(window: MainWindow) -> None:
    """退出登录: with a holder still being served, the clerk is asked to end the service
    first (结束服务, then the holder's rating — RULES E1, E2) and nothing is dropped; when the
    services cannot be reached to end it, the clerk is told what becomes of it and may log out
    with it left open (``leave_unended``, as 退出程序 does). While the holder rates, the clerk
    waits or ends the rating 未评价 and logs out. Otherwise end the staff session and close the
    window (``logged_out``: the composition root shows the login again)."""
    if window.logged_out_already:
        return
    if window.holder.session is not None:
        _not_yet(
            window,
            window.tr("正在为持卡人办理业务。请先结束服务（F12），请持卡人评价后再退出登录。"),
            end_service=True,
        )
        return
    if rating_asked(window):
        _not_yet(
            window,
            window.tr(
                "持卡人正在评价本次服务，请稍候，评价完成后再退出登录；"
                "也可以现在结束评价（记为未评价）并退出登录。"
            ),
            end_service=False,
        )
        return
    # A rating the services could not be reached to record is sent first, or the clerk
    # is told it will not be (``ui.rating``, ``leave_unended``).
    window.end_rating_now(partial(_log_out_now, window))


def _log_out_now(window: MainWindow) -> None:
    """The holder off the screen, the window closed (``logged_out``); on a pool thread the
    service still open is ended if the services answer (left open otherwise: the next login
    here offers to end it, ``leave_unended``), then the staff session."""
    if window.logged_out_already:
        return
    window.logged_out_already = True
    session, actor = window.holder.session, window.actor
    window.card_login.cancel()
    window.pins.cancel()
    window.holder.clear()
    window.clear_search()

    def end_then_logout() -> None:
        if session is not None:
            try:
                window.gateway.end_session(actor, session)
            finally:
                window.gateway.logout(actor)
        else:
            window.gateway.logout(actor)

    window.runner.run(end_then_logout, None, lambda _e: None, name="logout")
    window.logged_out.emit()
    window.close()


def clear_search(window: MainWindow) -> None:
    """Forget the last search: its rows and the text typed (another holder or clerk)."""
    window.hits.set_rows([])
    window.search_pane.clear_text()
    window.search_pane.refresh()
