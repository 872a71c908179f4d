"""A workstation that cannot start says why — one line on stderr (the log) and, when there is
a screen, a message box — and ends with exit status 2, never with a Python traceback: a
clerk starting it from a desktop icon saw nothing happen at all.
"""

from __future__ import annotations

import logging
import os
import sys

from PyQt6.QtWidgets import QApplication, QMessageBox

from counter_app.settings import SettingsError

log = logging.getLogger("counter_app")

TITLE = "社保卡经办窗口工作站"
#: Exit status of a refused start (as for a settings error of the command-line tools).
REFUSED = 2
#: Qt platforms with no one to read a message box: it would wait for ever.
_HEADLESS = ("offscreen", "minimal")


def start_problem(error: BaseException) -> str:
    """The Chinese sentence for what stopped the start."""
    if isinstance(error, SettingsError):
        return str(error)
    if isinstance(error, OSError) and error.filename:
        return f"无法读取文件 {error.filename}。请确认文件存在且本程序有读取权限。"
    return (
        f"工作站无法启动（内部错误 {type(error).__name__}）。请联系系统管理员；"
        "设置 COUNTER_DEBUG=1 后重新启动可在日志中看到详情。"
    )


def has_display() -> bool:
    """True when a message box can be seen (an X11/Wayland display, Windows, macOS)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] in _HEADLESS:
        return False
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(platform or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def refuse_start(error: BaseException) -> int:
    """Say why the workstation does not start; returns the exit status."""
    message = " ".join(start_problem(error).split())  # one line
    if os.environ.get("COUNTER_DEBUG") == "1":
        log.error("工作站未启动: %s", message, exc_info=error)
    else:
        log.error("工作站未启动: %s", message)
    if has_display():
        app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - kept alive
        QMessageBox.critical(None, TITLE, message)
    return REFUSED
