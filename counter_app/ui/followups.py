"""The supervisor's follow-ups of poor ratings (整改, RULES E3): a badge and a list.

The badge (``followup_badge``: counts only, not audited) shows 待整改：N（逾期 M） to a
supervisor, refreshed at start, on a change of staff and every ``REFRESH_MINUTES``; a click
fetches the office's open follow-ups (``open_followups``: soonest due first, audited) into
:class:`~counter_app.ui.followup_list.FollowUpDialog`. Every call runs on a pool thread.

Also here: after login, a case left open at this workstation by a crash
(``open_case_at_workstation``) is shown and can be closed (:func:`check_open_case`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QAction, QCursor
from PyQt6.QtWidgets import QMenu, QMessageBox, QPushButton

from counter_app.services.permissions import Action
from counter_app.ui.clerk_text import clerk_text
from counter_app.ui.followup_list import FollowUpDialog
from counter_app.ui.item_models import display

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

REFRESH_MINUTES = 10
__all__ = ["FollowUpBadge", "FollowUpDialog", "check_open_case", "install_followup_badge"]

_LINK = "text-decoration: underline;"


class FollowUpBadge(QPushButton):
    """Status-bar badge for supervisors: 待整改：N（逾期 M）. Click: the list."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.setObjectName("followUpBadge")
        self.setFlat(True)
        # A link, not a label: underlined, the pointing hand over it (RULES E3 list).
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        self.setStyleSheet(_LINK)
        self.window_ = window
        #: 整改 ▸ 待整改差评…: the same list from the menu bar.
        self.menu_action = QAction(self.tr("待整改差评…"), self)
        self.menu_action.setObjectName("followUpListAction")
        self.menu_action.triggered.connect(self.show_list)
        self.menu_action.setVisible(False)
        self.counts: Any = None
        self.dialog: FollowUpDialog | None = None
        self.clicked.connect(self.show_list)
        self.setVisible(False)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MINUTES * 60 * 1000)
        self.timer.timeout.connect(self.refresh)

    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def refresh(self) -> None:
        window = self.window_
        actor = window.actor
        allowed = not window.locked and actor.may(Action.VIEW_REPORTS)
        self.menu_action.setVisible(allowed)
        menu = self.menu_action.parent()
        shown = menu.menuAction() if isinstance(menu, QMenu) else None
        if shown is not None:
            shown.setVisible(allowed)
        if not allowed:
            self.setVisible(False)
            return
        gateway = window.gateway
        window.runner.run(
            lambda: gateway.followup_badge(actor),
            self._show,
            lambda _e: self.setVisible(False),
            quiet=True,  # a badge's count: nobody waits for it
            name="followup_badge",
        )

    def _show(self, counts: Any) -> None:
        self.counts = counts
        text = self.tr("待整改：%1（逾期 %2）").replace("%1", str(counts.open))
        self.setText(text.replace("%2", str(counts.overdue)))
        overdue = " color: #b00020; font-weight: bold;" if counts.overdue else ""
        self.setStyleSheet(_LINK + overdue)
        self.setToolTip(self.tr("点击查看本机构待整改的差评"))
        self.setVisible(True)

    def show_list(self) -> None:
        window = self.window_
        gateway, actor = window.gateway, window.actor

        def opened(items: list[Any]) -> None:
            if self.dialog is not None:
                self.dialog.close()
            self.dialog = FollowUpDialog(window, list(items))
            self.dialog.show()
            self.dialog.raise_()
            self.dialog.activateWindow()
            self.refresh()

        window.runner.run(
            lambda: list(gateway.open_followups(actor)),
            opened,
            window.show_error,
            name="open_followups",
        )


def install_followup_badge(window: MainWindow) -> FollowUpBadge:
    bar = window.statusBar()
    assert bar is not None
    badge = FollowUpBadge(window)
    bar.addPermanentWidget(badge)
    menus = window.menuBar()
    if menus is not None:
        menu = QMenu(window.tr("整改(&G)"), window)
        menu.setObjectName("followUpMenu")
        menu.addAction(badge.menu_action)
        badge.menu_action.setParent(menu)
        added = menus.addMenu(menu)
        if added is not None:
            added.setVisible(False)
    window.actor_changed.connect(lambda _a: badge.refresh())
    badge.start()
    return badge


def check_open_case(window: MainWindow) -> None:
    """A case left open here by a crash: show it and offer to close it (RULES E1)."""
    gateway, actor = window.gateway, window.actor

    def found(case: Any) -> None:
        if case is None:
            return
        box = QMessageBox(window)
        box.setObjectName("openCaseBox")
        box.setWindowTitle(window.tr("未结束的办件"))
        text = window.tr(
            "本工作站有未结束的办件 %1（开始于 %2；程序异常退出，或退出时连接中断，未能结束）。"
            "请点“结束该办件”将其结束。"
        )
        opened = display(case.opened_at)  # Asia/Shanghai, written as on every screen
        box.setText(text.replace("%1", case.case_no).replace("%2", opened))
        close = box.addButton(window.tr("结束该办件"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(window.tr("稍后处理"), QMessageBox.ButtonRole.RejectRole)

        def answered(_result: int) -> None:
            if box.clickedButton() is close:
                window.runner.run(
                    lambda: gateway.close_recovered_case(actor, case.case_no),
                    lambda c: window.show_message(
                        window.tr("办件 %1 已结束。").replace("%1", c.case_no)
                    ),
                    lambda e: window.show_message(clerk_text(str(e))),
                    name="close_recovered_case",
                )

        box.finished.connect(answered)
        window.open_case_box = box
        box.open()

    window.runner.run(
        lambda: gateway.open_case_at_workstation(actor),
        found,
        lambda _e: None,
        name="open_case_at_workstation",
    )
