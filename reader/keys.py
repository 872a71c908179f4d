"""Where the issuer's keys live: the ``KeyProvider`` seam (software key now, PSAM/HSM later).

A key provider computes the MAC of an authorised command (CARD.md "Authorised commands")
for one card and one challenge; the master keys never leave it. ``load_key_provider`` reads
the ``key_source`` setting and refuses the CARD.md test keys in production.
"""

from __future__ import annotations

import hmac
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from reader.errors import KeySourceError, KeySourceNotImplemented
from reader.sm4mac import KEY_LEN, derive_card_key, sm4_mac


class KeyPurpose(StrEnum):
    RELOAD = "reload"  # RELOAD PIN (forgotten password, RULES P5)
    UNBLOCK = "unblock"  # UNBLOCK PIN (counter exhausted, RULES P6)
    MAINT = "maint"  # APPLICATION BLOCK / UNBLOCK


#: CARD.md test master keys — tests and the demo only; refused in production.
TEST_KEYS: Mapping[KeyPurpose, bytes] = {
    KeyPurpose.RELOAD: b"RELOAD-TEST-KEY1",
    KeyPurpose.UNBLOCK: b"UNBLOCK-TESTKEY1",
    KeyPurpose.MAINT: b"MAINT-TEST-KEY01",
}

MODES = ("production", "demo", "test")


@runtime_checkable
class KeyProvider(Protocol):
    def mac(
        self, purpose: KeyPurpose, card_id_code: bytes, challenge: bytes, message: bytes | bytearray
    ) -> bytes:
        """The 4-byte MAC of ``message`` (``CLA INS P1 P2 Lc || data-before-MAC``) under the
        card key of ``purpose`` for the card ``card_id_code`` (16 bytes) and the card's
        8-byte ``challenge``. Must not keep ``message``: for RELOAD it holds the new PIN."""
        ...


class SoftwareKeyProvider:
    """Master keys held in process memory (demo, tests, a site without a PSAM)."""

    def __init__(self, keys: Mapping[KeyPurpose, bytes]) -> None:
        missing = [p.value for p in KeyPurpose if p not in keys]
        if missing or any(len(k) != KEY_LEN for k in keys.values()):
            raise KeySourceError(
                "发卡机构密钥不完整或长度不对（需要 reload、unblock、maint 三把 16 字节密钥）。"
                "请联系系统管理员检查密钥配置。"
            )
        self._keys = {p: bytes(keys[p]) for p in KeyPurpose}

    def mac(
        self, purpose: KeyPurpose, card_id_code: bytes, challenge: bytes, message: bytes | bytearray
    ) -> bytes:
        card_key = derive_card_key(self._keys[KeyPurpose(purpose)], card_id_code)
        return sm4_mac(card_key, challenge, message)

    def uses_test_keys(self) -> bool:
        return any(hmac.compare_digest(self._keys[p], TEST_KEYS[p]) for p in KeyPurpose)

    def __repr__(self) -> str:
        return "<SoftwareKeyProvider (keys hidden)>"


_TEST_KEYS_REFUSED = (
    "生产环境不得使用测试密钥：CARD.md 的测试密钥是公开的，任何人都可以用它重置或解锁"
    "社保卡密码。请配置发卡机构下发的正式密钥（file: 或 psam:）后再启动。"
)


def load_key_provider(source: str, mode: str) -> KeyProvider:
    """``test`` → the CARD.md test keys; ``file:/path.toml`` → hex keys ``reload``,
    ``unblock``, ``maint`` (top level or under ``[keys]``); ``psam:…`` → not built yet.

    In ``production`` mode any provider holding a test key is refused, however it was
    configured. ``KeySourceError`` (Chinese message) for every problem.
    """
    if mode not in MODES:
        raise KeySourceError(f"未知的运行模式 {mode!r}（应为 production/demo/test）。请检查设置。")
    kind, _, rest = source.partition(":")
    provider: SoftwareKeyProvider
    if source == "test":
        provider = SoftwareKeyProvider(TEST_KEYS)
    elif kind == "file" and rest:
        provider = SoftwareKeyProvider(_read_key_file(Path(rest)))
    elif kind == "psam":
        raise KeySourceNotImplemented()
    else:
        raise KeySourceError(
            f"无法识别的密钥源设置 {source!r}（应为 test、file:路径 或 psam:读卡器）。"
            "请联系系统管理员检查设置。"
        )
    if mode == "production" and provider.uses_test_keys():
        raise KeySourceError(_TEST_KEYS_REFUSED)
    return provider


def _read_key_file(path: Path) -> dict[KeyPurpose, bytes]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise KeySourceError(
            f"无法读取密钥文件 {path}。请确认文件存在且本程序有读取权限。"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise KeySourceError(f"密钥文件 {path} 格式不正确（应为 TOML）。") from exc
    table = data.get("keys", data)
    keys: dict[KeyPurpose, bytes] = {}
    for purpose in KeyPurpose:
        value = table.get(purpose.value) if isinstance(table, dict) else None
        try:
            key = bytes.fromhex(value) if isinstance(value, str) else b""
        except ValueError:
            key = b""
        if len(key) != KEY_LEN:
            raise KeySourceError(
                f"密钥文件 {path} 中缺少密钥 {purpose.value}，或它不是 32 位十六进制。"
                "请联系系统管理员检查密钥文件。"
            )
        keys[purpose] = key
    return keys
