"""Phone loss reports about to lapse (RULES L2), for the staff who must call the holders:
a count badge in the status bar and a list dialog.

The badge shows ``services.phone_reports.count_lapsing_phone_reports`` (a count: nobody's
data, not audited), refreshed at start and every ``REFRESH_MINUTES``; clicking it fetches the
list, ``lapsing_phone_reports`` (the actor's district; the city card center sees all; ID
numbers masked; at most ``LAPSING_LIST_LIMIT`` rows; the look-up is audited). Both run on a
pool thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QDialog, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from counter_app.services.permissions import Action
from counter_app.ui.item_models import FIELD_LABELS, RecordTableModel

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

REFRESH_MINUTES = 10
COLUMNS = [
    "deadline_at",
    "holder_name",
    "masked_id_number",
    "card_number",
    "phone",
    "address",
    "district_name",
]
for _field, _label in (("holder_name", "姓名"), ("masked_id_number", "身份证号码")):
    FIELD_LABELS.setdefault(_field, _label)


class LapsingDialog(QDialog):
    """The list of lapsing phone reports, soonest deadline first."""

    def __init__(
        self,
        rows: list[Any],
        days: int | None,
        parent: QWidget | None = None,
        total: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lapsingDialog")
        self.setWindowTitle(self.tr("即将失效的电话挂失"))
        self.resize(900, 420)
        self.model = RecordTableModel(columns=COLUMNS)
        self.model.set_rows(rows, COLUMNS)
        view = QTableView()
        view.setObjectName("lapsingTable")
        view.setModel(self.model)
        view.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        view.resizeColumnsToContents()
        within = self.tr("%1 天内").replace("%1", str(days)) if days is not None else ""
        text = self.tr("以下 12333 电话挂失将%1到期失效，请联系持卡人办理书面挂失：")
        empty = self.tr("没有即将失效的电话挂失。")
        heading = text.replace("%1", within) if rows else empty
        if total is not None and total > len(rows):
            more = self.tr("（共 %1 条，按到期先后显示前 %2 条。）")
            heading += more.replace("%1", str(total)).replace("%2", str(len(rows)))
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(view, 1)
        layout.addWidget(close)


class LapsingBadge(QPushButton):
    """Status-bar badge: 电话挂失即将失效：N. Click: the list."""

    def __init__(self, window: MainWindow, days: int | None = None) -> None:
        super().__init__()
        self.setObjectName("lapsingBadge")
        self.setFlat(True)
        self.window_ = window
        self.days = days
        self.rows: list[Any] = []
        self.count: int | None = None
        self.dialog: LapsingDialog | None = None
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
        if window.locked or not actor.may(Action.VIEW_RECORDS):
            self.setVisible(False)
            return
        gateway, days = window.gateway, self.days
        window.runner.run(
            lambda: gateway.count_lapsing_phone_reports(actor, days),
            self._show,
            lambda _e: self.setVisible(False),  # no badge rather than a wrong one
            name="count_lapsing_phone_reports",
        )

    def _show(self, count: int) -> None:
        self.count = count
        self.setText(self.tr("电话挂失即将失效：%1").replace("%1", str(count)))
        self.setStyleSheet("color: #b00020; font-weight: bold;" if count else "")
        self.setToolTip(self.tr("点击查看即将失效的 12333 电话挂失列表"))
        self.setVisible(True)

    def show_list(self) -> None:
        window = self.window_
        actor, gateway, days = window.actor, window.gateway, self.days

        def fetch() -> tuple[list[Any], int]:
            rows = gateway.lapsing_phone_reports(actor, days)
            total = gateway.count_lapsing_phone_reports(actor, days)
            return list(rows), int(total)

        def open_dialog(result: tuple[list[Any], int]) -> None:
            rows, total = result
            self.rows = rows
            self._show(total)
            self.dialog = LapsingDialog(rows, days, window, total=total)
            self.dialog.show()

        window.runner.run(fetch, open_dialog, window.show_error, name="lapsing_phone_reports")


def install_lapsing_badge(window: MainWindow, days: int | None = None) -> LapsingBadge:
    bar = window.statusBar()
    assert bar is not None
    badge = LapsingBadge(window, days)
    bar.addPermanentWidget(badge)
    changed = getattr(window, "actor_changed", None)
    if changed is not None:
        changed.connect(lambda _a: badge.refresh())
    badge.start()
    return badge
