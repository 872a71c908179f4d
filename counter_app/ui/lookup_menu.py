"""查询 menu (RULES Q5, Q6): 药品目录查询, 诊疗项目查询, 单位医疗保险缴费查询 and 工亡人员待遇查询,
each opening its non-modal :class:`~counter_app.ui.public_lookup.PublicLookupWindow` (one per
kind, raised again when open; 工亡 its subclass in :mod:`counter_app.ui.work_death_lookup`,
which also says why 工伤人员待遇 is not in this menu), with a holder on screen or none.

Shortcuts Ctrl+Shift+D / T / E / W (a search field keeps Ctrl+E for the end of its line).
The employer and work-death look-ups are disabled, saying why, for staff who may not view
records — the service decides and audits all the same. A change of staff closes the
windows: the next clerk's look-ups are their own. The lock screen hides them with every
other window of the main window (``staff_shift``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QPoint
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QMenu

from counter_app.services.context import Actor
from counter_app.services.permissions import Action
from counter_app.ui.fit import keep_on_screen
from counter_app.ui.public_lookup import LookupKind, PublicLookupWindow
from counter_app.ui.work_death_lookup import WorkDeathLookupWindow

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

SHORTCUTS = {
    LookupKind.DRUGS: "Ctrl+Shift+D",
    LookupKind.TREATMENTS: "Ctrl+Shift+T",
    LookupKind.EMPLOYER: "Ctrl+Shift+E",
    LookupKind.WORK_DEATH: "Ctrl+Shift+W",
}

#: The look-ups that read someone's records: for staff who may view records only (S3).
AUDITED = (LookupKind.EMPLOYER, LookupKind.WORK_DEATH)


#: How far (px) each further look-up window is placed down and right of the ones open.
CASCADE_STEP = 32


class LookupMenu(QMenu):
    """The 查询 menu of the main window and the look-up windows it opened."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window.tr("查询(&Q)"), window)
        self.setObjectName("lookupMenu")
        self.setToolTipsVisible(True)
        self.window_ = window
        self.windows: dict[LookupKind, PublicLookupWindow] = {}
        self.lookup_actions: dict[LookupKind, QAction] = {}
        texts = {
            LookupKind.DRUGS: self.tr("药品目录查询(&D)…"),
            LookupKind.TREATMENTS: self.tr("诊疗项目查询(&T)…"),
            LookupKind.EMPLOYER: self.tr("单位医疗保险缴费查询(&E)…"),
            LookupKind.WORK_DEATH: self.tr("工亡人员待遇查询(&W)…"),
        }
        for kind, text in texts.items():
            action = QAction(text, self)
            action.setObjectName(f"lookupAction_{kind.value}")
            action.setShortcut(QKeySequence(SHORTCUTS[kind]))
            action.triggered.connect(lambda _c=False, k=kind: self.open_lookup(k))
            self.addAction(action)
            self.lookup_actions[kind] = action
        self.refresh(window.actor)

    def refresh(self, actor: Actor) -> None:
        allowed = actor.may(Action.VIEW_RECORDS)
        for kind in AUDITED:
            action = self.lookup_actions[kind]
            action.setEnabled(allowed)
            action.setToolTip("" if allowed else actor.why_not(Action.VIEW_RECORDS))

    def staff_changed(self, actor: Actor) -> None:
        for opened in self.windows.values():
            opened.close()
            opened.deleteLater()
        self.windows = {}
        self.refresh(actor)

    def open_lookup(self, kind: LookupKind) -> PublicLookupWindow:
        """The window of ``kind``, shown and raised, its field focused."""
        window = self.window_
        opened = self.windows.get(kind)
        if opened is None:
            actor = lambda: window.actor  # noqa: E731 - asked at each search
            if kind is LookupKind.WORK_DEATH:
                opened = WorkDeathLookupWindow(
                    window.gateway, window.runner, actor, window, on_error=window.show_error
                )
            else:
                opened = PublicLookupWindow(
                    kind, window.gateway, window.runner, actor, window, on_error=window.show_error
                )
            self.windows[kind] = opened
            opened.show()
            # Each new window steps down and right from the ones already open (Qt would
            # place every one centred on the main window, one hiding the other).
            others = [w for k, w in self.windows.items() if k != kind and w.isVisible()]
            if others:
                step = CASCADE_STEP * len(others)
                opened.move(opened.pos() + QPoint(step, step))
                keep_on_screen(opened, window)
        opened.show()
        opened.raise_()
        opened.activateWindow()
        opened.focus_search()
        return opened


def install_lookup_menu(window: MainWindow) -> LookupMenu:
    """Add the 查询 menu to ``window``'s menu bar, kept in step with the logged-in staff."""
    menu = LookupMenu(window)
    bar = window.menuBar()
    assert bar is not None
    bar.addMenu(menu)
    window.actor_changed.connect(menu.staff_changed)
    return menu
