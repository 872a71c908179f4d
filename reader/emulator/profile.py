"""Emulator profiles (CARD.md "Emulator profile JSON"): validate, load, save, and lay out
as the card's EF05/EF06 records.

``validate_profile`` lists every problem (empty list: a valid card), so the demo-data
tests can show that every profile they write is a card the emulator accepts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reader.bcd import bcd_date_encode, bcd_encode

IDENTITY_KEYS = (
    "card_number",
    "card_id_code",
    "card_type",
    "spec_version",
    "init_org",
    "issue_date",
    "expiry_date",
    "birth_date",
    "ssn",
    "name",
    "gender",
    "ethnicity",
    "birthplace",
)
STATE_KEYS = ("pin", "pin_tries_max", "pin_tries_left", "app_state", "keys")
#: Identity-JSON keys derived from the card, accepted in a profile and ignored.
DERIVED_KEYS = ("region_code", "atr_history")
APP_STATES = ("ok", "blocked", "permanently_blocked")
KEY_NAMES = ("reload", "unblock", "maint")
CARD_ID_MIDDLE = bytes.fromhex("D156000005")  # CARD.md "Files": region + D156000005 + U

NAME_BYTES = 30  # tag 09
NAME_EXT_BYTES = 20  # tag 4E

_HEX = re.compile(r"[0-9A-Fa-f]*")
_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "card_number": (re.compile(r"[0-9A-Z]{9}"), "9 个数字或大写字母"),
    "card_id_code": (
        re.compile(r"[0-9]{6}D156000005[0-9A-F]{16}"),
        "32 位大写十六进制：地区码 + D156000005 + 8 字节唯一码",
    ),
    "card_type": (re.compile(r"[\x21-\x7e]"), "1 个 ASCII 字符"),
    "spec_version": (re.compile(r"[\x21-\x7e]{4}"), "4 个 ASCII 字符，如 3.00"),
    "init_org": (re.compile(r"[0-9A-F]{24}"), "24 位大写十六进制"),
    "ssn": (re.compile(r"[0-9]{17}[0-9X]"), "18 位，末位可为 X"),
    "gender": (re.compile(r"[129]"), "1、2 或 9"),
    "ethnicity": (re.compile(r"[0-9]{2}"), "2 位数字"),
    "birthplace": (re.compile(r"[0-9]{1,6}"), "至多 6 位数字"),
    "pin": (re.compile(r"[0-9]{4,12}"), "4 到 12 位数字"),
}


class ProfileError(ValueError):
    """A profile that is not a valid card; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("卡片配置无效：" + "；".join(problems))


def validate_profile(profile: Mapping[str, Any]) -> list[str]:
    """Every problem of ``profile`` as a card (empty: valid)."""
    problems: list[str] = []
    known = set(IDENTITY_KEYS) | set(STATE_KEYS) | set(DERIVED_KEYS)
    problems += [f"未知字段 {k}" for k in profile if k not in known]
    for key in IDENTITY_KEYS:
        if key not in profile:
            problems.append(f"缺少字段 {key}")
    for key, (pattern, wanted) in _PATTERNS.items():
        if key in profile and not _full(pattern, profile[key]):
            problems.append(f"{key} 应为{wanted}")
    for key in ("issue_date", "expiry_date", "birth_date"):
        if key in profile and profile[key] not in (None, "") and _date(profile[key]) is None:
            problems.append(f"{key} 应为 YYYY-MM-DD 日期")
    name = profile.get("name")
    if "name" in profile:
        if not isinstance(name, str) or not name:
            problems.append("name 应为非空文字")
        elif _split_name(name) is None:
            problems.append("name 须能以 GBK 编码且不超过 50 字节")
    problems += _state_problems(profile)
    return problems


def _state_problems(profile: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    tries_max = profile.get("pin_tries_max", 3)
    if not _is_int(tries_max) or not 1 <= tries_max <= 15:
        problems.append("pin_tries_max 应为 1 到 15 的整数")
        tries_max = 15
    tries_left = profile.get("pin_tries_left", tries_max)
    if not _is_int(tries_left) or not 0 <= tries_left <= tries_max:
        problems.append("pin_tries_left 应为 0 到 pin_tries_max 的整数")
    if profile.get("app_state", "ok") not in APP_STATES:
        problems.append("app_state 应为 ok、blocked 或 permanently_blocked")
    keys = profile.get("keys", {})
    if not isinstance(keys, Mapping):
        problems.append("keys 应为对象")
    else:
        for k, v in keys.items():
            if k not in KEY_NAMES:
                problems.append(f"keys 中的未知密钥 {k}")
            elif not _full(_HEX, v) or len(v) != 32:
                problems.append(f"keys.{k} 应为 32 位十六进制")
    return problems


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _full(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _split_name(name: str) -> tuple[bytes, bytes] | None:
    """GBK bytes for tag 09 (≤30) and tag 4E (≤20), split between characters."""
    try:
        encoded = [ch.encode("gbk") for ch in name]
    except UnicodeEncodeError:
        return None
    head = b""
    i = 0
    while i < len(encoded) and len(head) + len(encoded[i]) <= NAME_BYTES:
        head += encoded[i]
        i += 1
    tail = b"".join(encoded[i:])
    return (head, tail) if len(tail) <= NAME_EXT_BYTES else None


def _tlv(tag: int, value: bytes, size: int) -> bytes:
    return bytes((tag, size)) + value.ljust(size, b"\x00")


def _date_field(value: object) -> bytes:
    date = _date(value)
    return b"\x00" * 4 if date is None else bcd_date_encode(date)


def records_from_profile(profile: Mapping[str, Any]) -> tuple[list[bytes], list[bytes]]:
    """The records of EF05 and EF06 (in record-number order) of a valid profile."""
    problems = validate_profile(profile)
    if problems:
        raise ProfileError(problems)
    p = profile
    split = _split_name(p["name"])
    assert split is not None  # validated
    ef05 = [
        _tlv(0x01, bytes.fromhex(p["card_id_code"]), 16),
        _tlv(0x02, p["card_type"].encode("ascii"), 1),
        _tlv(0x03, p["spec_version"].encode("ascii"), 4),
        _tlv(0x04, bytes.fromhex(p["init_org"]), 12),
        _tlv(0x05, _date_field(p.get("issue_date")), 4),
        _tlv(0x06, _date_field(p.get("expiry_date")), 4),
        _tlv(0x07, p["card_number"].encode("ascii"), 9),
    ]
    ef06 = [
        _tlv(0x08, p["ssn"].encode("ascii"), 18),
        _tlv(0x09, split[0], NAME_BYTES),
        _tlv(0x4E, split[1], NAME_EXT_BYTES),
        _tlv(0x0A, p["gender"].encode("ascii"), 1),
        _tlv(0x0B, bcd_encode(p["ethnicity"], 1), 1),
        _tlv(0x0C, bcd_encode(p["birthplace"], 3), 3),
        _tlv(0x0D, _date_field(p.get("birth_date")), 4),
    ]
    return ef05, ef06


def load_profile(path: str | Path) -> dict[str, Any]:
    """Read and validate a profile file (UTF-8 JSON); ``ProfileError`` if not a valid card."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProfileError([f"无法读取卡片配置文件 {path}：{exc}"]) from exc
    if not isinstance(data, dict):
        raise ProfileError(["卡片配置应为 JSON 对象"])
    problems = validate_profile(data)
    if problems:
        raise ProfileError(problems)
    return data


def save_profile(path: str | Path, profile: Mapping[str, Any]) -> None:
    """Write a valid profile as UTF-8 JSON (Chinese kept readable)."""
    problems = validate_profile(profile)
    if problems:
        raise ProfileError(problems)
    text = json.dumps(dict(profile), ensure_ascii=False, indent=2, sort_keys=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
