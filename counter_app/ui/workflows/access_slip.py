"""The access slip at the end of a session: what was read and done, for the holder."""

from __future__ import annotations

from typing import Any


def show_access_slip(window: Any, summary: Any) -> None:
    window.show_message(window.tr("本次服务已结束。"))
