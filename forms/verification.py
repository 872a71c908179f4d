"""The verification code printed on every form (as a QR code) and its check.

The QR payload is ``CQSSC1|<serial>|<kind>|<card number>|<office code>|<issued at>|<code>``,
where ``<issued at>`` is ISO 8601 in China Standard Time to the second and ``<code>`` is the
first 50 bits of HMAC-SHA256 (key: the deployment's ``form_hmac_key``) over everything before
the last ``|``, in base32. Anyone holding the key can tell whether a scanned form was issued by
this system and unaltered; without the key no valid code can be made.

The key is passed in by the caller (the application reads it from its settings); forms never
read settings. :data:`DEMO_FORM_KEY` is for demo and test mode only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from forms.data import Form, FormKind
from forms.localtime import format_local, to_local

PAYLOAD_PREFIX = "CQSSC1"
CODE_LENGTH = 10
#: The key used in demo and test mode when settings give none. Never for production.
DEMO_FORM_KEY = b"counter-app DEMO form key - not for production use"


class FormNotGenuine(ValueError):
    """A scanned form text that this system did not issue, or that was altered."""


@dataclass(frozen=True)
class VerifiedForm:
    """What a genuine QR code says about its form."""

    serial: str
    kind: FormKind
    card_number: str
    office_code: str
    issued_at: datetime

    def describe(self) -> str:
        """A Chinese one-paragraph answer for staff."""
        card = self.card_number or "（无）"
        when = format_local(self.issued_at, "%Y年%m月%d日 %H:%M:%S")
        return (
            f"表单真实有效: {self.kind.heading}，编号 {self.serial}，社保卡卡号 {card}，"
            f"由经办机构 {self.office_code} 于 {when} 签发。"
        )


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) < 16:
        raise ValueError("表单校验密钥无效: 至少需要 16 字节 (form HMAC key must be >= 16 bytes)")


def _check_field(name: str, value: str) -> None:
    if "|" in value or "\n" in value or "\r" in value:
        raise ValueError(f"{name} 不能包含 '|' 或换行: {value!r}")


def _iso(issued_at: datetime) -> str:
    if issued_at.tzinfo is None:
        raise ValueError("issued_at must be timezone-aware")
    return to_local(issued_at).replace(microsecond=0).isoformat()


def _code(key: bytes, message: str) -> str:
    digest = hmac.new(bytes(key), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def make_payload(
    key: bytes,
    *,
    serial: str,
    kind: FormKind,
    card_number: str,
    office_code: str,
    issued_at: datetime,
) -> str:
    """The QR text for one form, ending in its verification code."""
    _check_key(key)
    if not serial:
        raise ValueError("serial must not be empty")
    for name, value in (
        ("serial", serial),
        ("card_number", card_number),
        ("office_code", office_code),
    ):
        _check_field(name, value)
    body = "|".join(
        (PAYLOAD_PREFIX, serial, FormKind(kind).value, card_number, office_code, _iso(issued_at))
    )
    return f"{body}|{_code(key, body)}"


def payload_for(form: Form, key: bytes) -> str:
    """The QR text of ``form`` (a reprint has the same text: the serial never changes)."""
    return make_payload(
        key,
        serial=form.header.serial,
        kind=form.kind,
        card_number=form.card_number,
        office_code=form.header.office.code,
        issued_at=form.header.issued_at,
    )


def split_code(code: str) -> str:
    """The code in groups of five for people to read aloud (``ABCDE FGHIJ``)."""
    return " ".join(code[i : i + 5] for i in range(0, len(code), 5))


def verify_payload(text: str, key: bytes) -> VerifiedForm:
    """What a scanned QR text says, if this system issued it unaltered.

    Raises :class:`FormNotGenuine` (message in Chinese, for staff) otherwise.
    """
    _check_key(key)
    text = text.strip()
    body, sep, code = text.rpartition("|")
    parts = body.split("|") if sep else []
    if len(parts) != 6 or parts[0] != PAYLOAD_PREFIX:
        raise FormNotGenuine(
            "不是本系统表单的二维码内容 (格式不符)。请确认扫描的是社保卡业务表单上的二维码。"
        )
    if not hmac.compare_digest(_code(key, body).encode("ascii"), code.encode("ascii", "replace")):
        raise FormNotGenuine(
            "校验码不符: 该表单不是本系统签发，或其内容已被改动。请勿受理，并核对原始记录。"
        )
    _, serial, kind_text, card_number, office_code, issued_text = parts
    try:
        kind = FormKind(kind_text)
        issued_at = datetime.fromisoformat(issued_text)
    except ValueError as exc:
        raise FormNotGenuine(f"表单内容无法识别 ({exc})。请核对原始记录。") from exc
    if not serial or issued_at.tzinfo is None:
        raise FormNotGenuine("表单内容不完整。请核对原始记录。")
    return VerifiedForm(serial, kind, card_number, office_code, issued_at)
