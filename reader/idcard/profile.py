"""Emulator profiles (IDCARD.md "Emulator profile (JSON)"): one card and the reader's SAM.

``{"kind": "resident" | "hmt" | "foreign", "name", "gender", "nation", "birth", "address",
"id_number", "authority", "valid_from", "valid_to", "pass_number", "issue_count",
"english_name", "nationality", "version", "authority_code", "sam_id": "hex (32)",
"present": true}`` — dates ``YYYYMMDD`` or ``YYYY-MM-DD``, ``valid_to`` may be ``长期``. A
foreign card may say ``"flag": "Y"`` for the 2023 card (default ``I``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.idcard.card import LONG_TERM, CardKind
from reader.idcard.photo import demo_photo
from reader.idcard.textblock import build_text

#: The demo reader's SAM ID (05.01-20101008-0000012345-1234567890).
DEMO_SAM_ID = "0500010090b7320139300000d2029649"

_TEXT_FIELDS = (
    "name",
    "gender",
    "nation",
    "address",
    "id_number",
    "authority",
    "pass_number",
    "issue_count",
    "english_name",
    "nationality",
    "version",
    "authority_code",
    "flag",
)


class ProfileError(ValueError):
    """The profile file cannot be used; the message says which entry and why."""


def _date(value: Any, key: str) -> str:
    text = str(value or "")
    if key == "valid_to" and text == LONG_TERM:
        return text
    digits = text.replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        raise ProfileError(f"档案项 {key} 应为日期 YYYYMMDD，实际为 {value!r}")
    return digits


@dataclass(frozen=True)
class IdCardProfile:
    kind: CardKind
    values: dict[str, str]
    sam_id: bytes
    present: bool = True

    @property
    def id_number(self) -> str:
        return self.values.get("id_number", "")

    def text(self) -> bytes:
        return build_text(self.kind, self.values)

    def photo(self) -> bytes:
        return demo_photo(self.id_number)


def parse_profile(data: dict[str, Any]) -> IdCardProfile:
    try:
        kind = CardKind(data.get("kind", "resident"))
    except ValueError as exc:
        kind_text = data.get("kind")
        message = f"档案项 kind 只能是 resident/hmt/foreign，实际为 {kind_text!r}"
        raise ProfileError(message) from exc
    values = {key: str(data[key]) for key in _TEXT_FIELDS if data.get(key) is not None}
    for key in ("birth", "valid_from", "valid_to"):
        values[key] = _date(data.get(key), key)
    if not values.get("id_number"):
        raise ProfileError("档案缺少 id_number")
    try:
        sam = bytes.fromhex(str(data.get("sam_id") or DEMO_SAM_ID))
    except ValueError as exc:
        raise ProfileError("档案项 sam_id 应为 32 位十六进制") from exc
    if len(sam) != 16:
        raise ProfileError("档案项 sam_id 应为 32 位十六进制")
    profile = IdCardProfile(kind, values, sam, bool(data.get("present", True)))
    try:
        profile.text()
    except ValueError as exc:
        raise ProfileError(f"档案中有字段超长: {exc}") from exc
    return profile


def load_profile(path: Path) -> IdCardProfile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ProfileError(f"无法读取档案 {path}: {type(exc).__name__}") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"档案 {path} 应为 JSON 对象")
    return parse_profile(data)
