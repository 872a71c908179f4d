"""帮助 menu: 快捷键与办理步骤 (F1) for a clerk new at the window (from a new clerk's trial:
no help in the program, and the project's documents are written for its developers).

One non-modal window, opened again with F1 from anywhere in the main window: the keys of
the counter (the F-keys of the action panel as :data:`~counter_app.ui.actions.COUNTER_ACTIONS`
lists them, the 查询 menu's shortcuts as :mod:`~counter_app.ui.lookup_menu` binds them) and
the usual ways through a service, in the words of the rules (RULES Q1, Q7, P4–P6, L2–L4,
U1–U5, R1, E1–E2), the 报表 and 账户 menus. ``tests/e2e/test_help_menu.py`` checks that every
key named here is bound and every menu entry named exists.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QDialog, QMenu, QTextBrowser, QVBoxLayout, QWidget

from counter_app.services.permissions import ACTION_LABELS
from counter_app.ui.actions import COUNTER_ACTIONS
from counter_app.ui.lookup_menu import SHORTCUTS as LOOKUP_SHORTCUTS
from counter_app.ui.public_lookup import LookupKind
from counter_app.ui.tab_navigator import CATEGORY_KEY

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

HELP_KEY = "F1"
HELP_TEXT = "本帮助（快捷键与办理步骤）"

#: Window-wide keys outside the action panel's F5–F11 (bound in ``main_window``): those
#: shown before the panel's keys, and those after.
SEARCH_KEYS: list[tuple[str, str]] = [
    ("F3", "查询参保人：身份证号码、卡号，或“姓名 出生日期”（如 张三 1980-01-31）"),
    ("F4", "显示完整社会保障号码（记入查阅记录）；再按一次 F4 隐藏（稍后也会自动隐藏）"),
    (
        CATEGORY_KEY,
        "转到左侧的记录分类列表：↑↓ 选择分类，Tab 进入该分类的内容"
        "（Tab 也离开表格，表格中用 ↑↓ 选择行）",
    ),
]
CLOSING_KEYS: list[tuple[str, str]] = [
    ("F12", "结束服务并打印告知单；持卡人在自己的屏幕上评价"),
    ("Ctrl+L", "锁定工作站（离开窗口时）"),
]

#: The 查询 menu's look-ups.
LOOKUP_NAMES = {
    LookupKind.DRUGS: "查询菜单：药品目录查询",
    LookupKind.TREATMENTS: "查询菜单：诊疗项目查询",
    LookupKind.EMPLOYER: "查询菜单：单位医疗保险缴费查询",
    LookupKind.WORK_DEATH: "查询菜单：工亡人员待遇查询",
}

#: The usual ways through a service: (title, steps).
PROCEDURES: list[tuple[str, list[str]]] = [
    (
        "持卡人带卡查询",
        [
            "请持卡人将社保卡插入读卡器（照片面朝下）。",
            "持卡人在自己的屏幕（或读卡器键盘）上输入卡密码；工作人员不代输、不查看。",
            "密码正确后自动打开个人信息，按左侧分类查看（Alt+1 转到分类列表，↑↓ 选择分类）。",
            "持卡人想不起密码时，点击右侧“停止等待密码输入”（卡不必取出），按下一项办理。",
        ],
    ),
    (
        "未带卡、忘记密码或密码已锁定",
        [
            "按 F3 输入身份证号码查询，选中参保人后按 Enter（核验证件并查看）。",
            "将持卡人的居民身份证放在身份证阅读器上，点击“读取身份证”，对照照片核对本人。",
            "忘记密码：持卡人插卡后按 F6 重置遗忘密码；密码已锁定：按 F7 密码解锁。"
            "两者都需核验身份证，新密码由持卡人本人输入。",
        ],
    ),
    (
        "书面挂失（确认 12333 电话挂失）",
        [
            "核验证件后按 F8 书面挂失，按持卡人所述填写遗失经过和联系电话。",
            "已电话挂失的卡，书面挂失即为确认，不重复挂失；请打印挂失登记表请持卡人签字。",
            "电话挂失即将失效的名单见状态栏右下角的“电话挂失即将失效”。",
        ],
    ),
    (
        "解除挂失（找回原卡）",
        [
            "只能在持卡人户籍所在区县的医疗保险分中心办理，且须本人持原卡和身份证件到场。",
            "已申请补卡的卡不能解除挂失。",
            "插入原卡后按 F9，读取身份证，按提示请主管复核、持卡人输入卡密码。",
        ],
    ),
    (
        "报表（主管）",
        [
            "报表菜单：业务日报、即将失效的电话挂失、参保人信息查询记录、工作人员操作情况、"
            "服务好差评统计。报表须由主管办理，其他工作人员的报表项为灰色。",
            "日期按 年-月-日 输入整个日期，如 2026-12-07（也可输入 20261207），"
            "或按 Alt+↓ 打开日历选择；日期有误时输入框下方以红字说明。",
            "格式选“PDF（打印预览）”可预览并打印，选“CSV（保存为文件）”则保存为表格文件；"
            "然后点击“生成”。",
            "报表菜单最后一项列出即将失效的电话挂失（本区县或全市），"
            "选中一行按 Enter 即查询该持卡人。",
        ],
    ),
    (
        "账户",
        [
            "账户菜单 → 修改登录密码：输入原密码，再输入两次新密码，点击“确定修改”；"
            "下次登录使用新密码。",
            "账户菜单 → 退出登录（与右侧的“退出登录”按钮相同）。暂时离开窗口请按 Ctrl+L 锁定。",
        ],
    ),
    (
        "结束服务与评价",
        [
            "办完后按 F12 结束服务，告知单列出本次办理的事项。",
            "持卡人在自己的屏幕上评价（好差评）；工作人员的屏幕和键盘不参与评价。",
            "不满意的评价由主管在“整改”菜单的“待整改差评”中跟进并回访。",
        ],
    ),
]


class HelpWindow(QDialog):
    """快捷键与办理步骤: read-only text; non-modal, the clerk keeps working beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle(self.tr("帮助：快捷键与办理步骤"))
        self.setModal(False)
        self.text = QTextBrowser()
        self.text.setObjectName("helpText")
        self.text.setHtml(self._html())
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        self.resize(640, 620)

    def _html(self) -> str:
        rows = [
            f"<tr><td style='padding-right:16px'><b>{html.escape(key)}</b></td>"
            f"<td>{html.escape(text)}</td></tr>"
            for key, text in self.shortcuts()
        ]
        parts = [f"<h3>{html.escape(self.tr('快捷键'))}</h3><table>{''.join(rows)}</table>"]
        parts.append(f"<h3>{html.escape(self.tr('常用办理步骤'))}</h3>")
        for title, steps in PROCEDURES:
            items = "".join(f"<li>{html.escape(self.tr(step))}</li>" for step in steps)
            parts.append(f"<p><b>{html.escape(self.tr(title))}</b></p><ol>{items}</ol>")
        return "".join(parts)

    def shortcuts(self) -> list[tuple[str, str]]:
        """(key, what it does) for every key this help names, in the order shown."""
        rows = [(HELP_KEY, self.tr(HELP_TEXT))]
        for key, text in SEARCH_KEYS:
            rows.append((key, self.tr(text)))
        for action, key in COUNTER_ACTIONS:
            rows.append((key, self.tr(ACTION_LABELS[action])))
        for key, text in CLOSING_KEYS:
            rows.append((key, self.tr(text)))
        for kind in LOOKUP_NAMES:
            rows.append((LOOKUP_SHORTCUTS[kind], self.tr(LOOKUP_NAMES[kind])))
        return rows


class HelpMenu(QMenu):
    """帮助(&H) of the main window's menu bar, with F1."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window.tr("帮助(&H)"), window)
        self.setObjectName("helpMenu")
        self.window_ = window
        self.help_window: HelpWindow | None = None
        self.open_action = QAction(self.tr("快捷键与办理步骤(&K)…"), self)
        self.open_action.setObjectName("helpAction")
        self.open_action.setShortcut(QKeySequence(HELP_KEY))
        self.open_action.triggered.connect(self.open_help)
        self.addAction(self.open_action)
        window.addAction(self.open_action)  # F1 from anywhere in the window

    def open_help(self) -> HelpWindow:
        shown = self.help_window
        if shown is None:
            shown = self.help_window = HelpWindow(self.window_)
        shown.show()
        shown.raise_()
        shown.activateWindow()
        return shown


def install_help_menu(window: MainWindow) -> HelpMenu:
    """Add 帮助 to ``window``'s menu bar (after the others)."""
    menu = HelpMenu(window)
    bar = window.menuBar()
    assert bar is not None
    bar.addMenu(menu)
    return menu
