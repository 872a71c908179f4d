"""The outage's promise of what the clerk typed, said truly of a password field.

``DatabaseUnavailable`` and ``ServerUnreachable`` end with 已填写的内容仍保留 — true of a
workflow's fields, false of a password, which is emptied as soon as it is sent (it never
waits in a field). A form with a password says instead what is kept and that the password
must be typed again."""

from __future__ import annotations

#: What ``DatabaseUnavailable`` and ``ServerUnreachable`` promise of the fields typed.
KEPT_TEXT = "已填写的内容仍保留"


def password_typed_again(message: str, instead: str) -> str:
    """``message`` with its 已填写的内容仍保留 replaced by ``instead`` (e.g. 工号仍保留，请重新
    输入密码); a message without it gets ``instead`` added, so the password's fate is said."""
    if KEPT_TEXT in message:
        return message.replace(KEPT_TEXT, instead)
    return f"{message}{instead}。" if message else instead
