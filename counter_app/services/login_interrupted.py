"""A card + PIN login (RULES Q1) cut short by an outage, with what the card was told.

In the city the workstation asks counter-server before the card's VERIFY (``card.
session_check``) and reports the card's answer after it (``card.session_open``,
``remote.card_ops``). When the server or its database cannot be reached at either step, the
clerk must be told the truth of the card's side, because the card counts wrong tries and
the holder will type again: was the PIN sent to the card at all, and if so, what did the
card answer (right; wrong with N tries left; wrong and now locked, RULES P6)?

:class:`LoginInterrupted` is a ``DatabaseUnavailable`` (the outage banner shows it, and
nothing was saved); it carries the card's answer — never the PIN — for the window to show
and to keep the chip's tries left up to date. The PIN itself is gone: the holder types it
again once the services answer (the PIN is never kept for a retry).
"""

from __future__ import annotations

from counter_app.services.errors import DatabaseUnavailable

_AGAIN = "卡不必取出：连接恢复后请点击“重新输入密码”，请持卡人再次输入密码。"


class LoginInterrupted(DatabaseUnavailable):
    """The services went away during a card login; ``pin_sent``: VERIFY reached the card;
    ``verified``: the card's answer (True right, False wrong, None not known);
    ``tries_left``: what the card said after a wrong PIN (0: locked)."""

    pin_sent: bool = False
    verified: bool | None = None
    tries_left: int | None = None

    @classmethod
    def of(
        cls,
        outage: str,
        *,
        pin_sent: bool,
        verified: bool | None = None,
        tries_left: int | None = None,
    ) -> LoginInterrupted:
        """``outage``: what could not be reached, as a clause (无法连接业务服务器…)."""
        if not pin_sent:
            text = f"{outage}，未能打开个人信息。密码未发送到卡，卡的密码错误次数未减少。{_AGAIN}"
        elif verified is True:
            text = f"卡已核对持卡人密码：密码正确。但{outage}，未能打开个人信息。{_AGAIN}"
        elif verified is False and tries_left == 0:
            text = (
                "卡已核对持卡人密码：密码不正确，次数已用完，卡密码已锁定。"
                f"{outage}，此次输错未能记录。请查询参保人（F3），核验证件后办理密码解锁（F7）。"
            )
        elif tries_left == 0:  # locked before this entry: the card judged nothing
            text = (
                f"卡密码已锁定，卡拒绝核对密码。{outage}，未能记录。"
                "请查询参保人（F3），核验证件后办理密码解锁（F7）。"
            )
        elif verified is False:
            left = "" if tries_left is None else f"（还可尝试 {tries_left} 次）"
            text = (
                f"卡已核对持卡人密码：密码不正确{left}。{outage}，此次输错未能记录，"
                f"未能打开个人信息。{_AGAIN}"
            )
        else:
            text = f"{outage}，未能打开个人信息，卡对密码的答复未知。{_AGAIN}"
        error = cls(text)
        error.pin_sent, error.verified, error.tries_left = pin_sent, verified, tries_left
        return error
