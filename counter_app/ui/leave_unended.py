"""退出登录 or 退出程序 while a holder is served, and the service cannot be ended: 结束服务
needs the business server (a city workstation) or the database (a workstation on its own),
and it cannot be reached (RULES E1: the case closes at 结束服务).

The clerk is told what happened and what becomes of the service — the same for 退出登录 and
退出程序, which both offer this box:

- the service stays open where it is recorded: its holder session and its case (办件) are not
  closed; what was done in it is kept (each step was saved when it was done, and one that
  was not said so where it failed);
- the holder is not asked to rate it (RULES E2: a case is rated when it closes);
- once the server or database answers again, the next login at this workstation shows the
  case left open and ends it, with its holder session, both audited as ``recovered``
  (``followups.check_open_case``, ``cases.close_recovered_case``). Nothing on the server
  ends it otherwise: holder sessions and cases have no expiry.

Leaving takes the holder off the screen at once, as every 退出登录 does (RULES Q7): the
window closes with its dialogs and the next clerk starts from the login. 重试结束服务 tries
again (the server may be back); 取消, the default, keeps the clerk where they were.

It must not: leave without the clerk's word, or say the service ended when it did not.

The same box serves the rating of a service that did end (``rating=True``, ``ui.rating``):
the holder's answer, or 未评价, could not be recorded (RULES E2). The case is closed and
what was done in it is saved; only the rating is missing. 重试记录评价 records it (a rating
that reached the services before the connection dropped is kept once: the services refuse a
second rating of a case, and the retry takes the first as recorded). Leaving gives it up:
nothing records it later — the case keeps no rating (等待评价; counted as closed, not rated).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PyQt6.QtWidgets import QMessageBox, QWidget

#: ``DatabaseUnavailable.reason`` of the city's client: the business server, not a database
#: this workstation does not have (``remote.protocol.ServerUnreachable``).
_SERVER_UNREACHABLE = "network_unavailable"


class EndRating(Protocol):
    """``MainWindow.end_rating_now``: end the rating still asked (未评价) and record any the
    services could not be reached for, then ``then()``; ``quitting``: 退出程序, not 退出登录
    (the box's words when they cannot be reached)."""

    def __call__(self, then: Callable[[], None], quitting: bool = False) -> None: ...


def what_failed(parent: QWidget, error: BaseException) -> str:
    """无法连接业务服务器 / 无法连接数据库, as the error says which one is gone."""
    if getattr(error, "reason", "") == _SERVER_UNREACHABLE:
        return parent.tr("无法连接业务服务器")
    return parent.tr("无法连接数据库")


def ask_to_leave(
    parent: QWidget,
    error: BaseException,
    *,
    quitting: bool,
    retry: Callable[[], None],
    leave: Callable[[], None],
    rating: bool = False,
) -> QMessageBox:
    """The box over ``parent``, opened window-modal (no nested event loop): ``retry`` on
    重试结束服务 (``rating``: 重试记录评价), ``leave`` on 退出登录 (``quitting``: 退出程序) with
    the service left open (``rating``: its rating not recorded), nothing on 取消 (its
    default, for Enter and Esc)."""
    box = QMessageBox(parent)
    box.setObjectName("serviceNotEndedBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(parent.tr("退出") if quitting else parent.tr("退出登录"))
    if rating:
        text, told, again_text, leave_text = _rating_words(parent, quitting)
    else:
        text, told, again_text, leave_text = _service_words(parent, quitting)
    box.setText(what_failed(parent, error) + text)
    box.setInformativeText(told)
    again = box.addButton(again_text, QMessageBox.ButtonRole.AcceptRole)
    go = box.addButton(leave_text, QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton(parent.tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)

    def answered(_result: int) -> None:
        clicked = box.clickedButton()
        if clicked is again:
            retry()
        elif clicked is go:
            leave()

    box.finished.connect(answered)
    box.open()
    return box


def _service_words(parent: QWidget, quitting: bool) -> tuple[str, str, str, str]:
    """(what failed, what becomes of it, retry, leave) for a service not ended."""
    if quitting:
        leaving = parent.tr("现在退出程序")
        leave_text = parent.tr("退出程序（办件待恢复后结束）")
    else:
        leaving = parent.tr("现在退出登录")
        leave_text = parent.tr("退出登录（办件待恢复后结束）")
    told = leaving + parent.tr(
        "：屏幕上持卡人的信息立即清除；本次办件保持未结束（已办完的业务均已保存），"
        "持卡人无需评价。连接恢复后，本工作站下次登录时会提示结束该办件，"
        "结束后记入办件记录和审计日志。也可以等连接恢复后点“重试结束服务”。"
    )
    return parent.tr("，本次服务未能结束。"), told, parent.tr("重试结束服务"), leave_text


def _rating_words(parent: QWidget, quitting: bool) -> tuple[str, str, str, str]:
    """(what failed, what becomes of it, retry, leave) for a rating not recorded."""
    if quitting:
        leaving = parent.tr("现在退出程序")
        leave_text = parent.tr("退出程序（不记录评价）")
    else:
        leaving = parent.tr("现在退出登录")
        leave_text = parent.tr("退出登录（不记录评价）")
    told = leaving + parent.tr(
        "：本次服务已经结束，办件和已办完的业务均已保存，只是评价结果没有记入；"
        "退出后不再补记，该办件将没有评价记录。"
        "也可以等连接恢复后点“重试记录评价”。"
    )
    return parent.tr("，本次服务的评价未能记录。"), told, parent.tr("重试记录评价"), leave_text
