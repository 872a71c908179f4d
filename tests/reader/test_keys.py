"""CARD.md "Authorised commands": card keys, MACs, key sources (every test vector)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.errors import KeySourceError, KeySourceNotImplemented
from reader.keys import TEST_KEYS, KeyPurpose, SoftwareKeyProvider, load_key_provider
from reader.sm4mac import derive_card_key, sm4_mac

from .cardkit import CARD_ID, CHALLENGE

CARD = bytes.fromhex(CARD_ID)


@pytest.mark.parametrize(
    ("purpose", "card_key"),
    [
        (KeyPurpose.RELOAD, "530C44A28AC7B743E5D4AABF35AC0BE6"),
        (KeyPurpose.UNBLOCK, "C5D7196FFC27970D632EEC9D999D0CBB"),
        (KeyPurpose.MAINT, "4344B0ABFAD7F6E824099FB45C1571E4"),
    ],
)
def test_card_key_vectors(purpose: KeyPurpose, card_key: str) -> None:
    assert derive_card_key(TEST_KEYS[purpose], CARD).hex().upper() == card_key


@pytest.mark.parametrize(
    ("purpose", "apdu"),
    [
        (KeyPurpose.RELOAD, "805E000007654321103A965E"),
        (KeyPurpose.UNBLOCK, "8424000004EDA8E353"),
        (KeyPurpose.MAINT, "841E0000045FBC1F9D"),
        (KeyPurpose.MAINT, "841E000104A5E855C2"),
        (KeyPurpose.MAINT, "841800000424BF2422"),
    ],
)
def test_mac_vectors(purpose: KeyPurpose, apdu: str) -> None:
    raw = bytes.fromhex(apdu)
    provider = SoftwareKeyProvider(TEST_KEYS)
    assert provider.mac(purpose, CARD, CHALLENGE, raw[:-4]) == raw[-4:]


def test_mac_depends_on_challenge_and_card() -> None:
    key = derive_card_key(TEST_KEYS[KeyPurpose.UNBLOCK], CARD)
    base = sm4_mac(key, CHALLENGE, bytes.fromhex("8424000004"))
    assert sm4_mac(key, bytes(8), bytes.fromhex("8424000004")) != base
    other = derive_card_key(TEST_KEYS[KeyPurpose.UNBLOCK], CARD[:-1] + b"\x02")
    assert sm4_mac(other, CHALLENGE, bytes.fromhex("8424000004")) != base


def test_mac_input_lengths_checked() -> None:
    with pytest.raises(ValueError):
        derive_card_key(b"short", CARD)
    with pytest.raises(ValueError):
        sm4_mac(bytes(16), b"1234", b"")
    with pytest.raises(ValueError):
        derive_card_key(bytes(16), CARD[:15])


def test_load_test_keys_in_demo_and_test_mode() -> None:
    for mode in ("demo", "test"):
        provider = load_key_provider("test", mode)
        assert provider.mac(
            KeyPurpose.UNBLOCK, CARD, CHALLENGE, bytes.fromhex("8424000004")
        ) == bytes.fromhex("EDA8E353")


def test_production_refuses_test_keys() -> None:
    with pytest.raises(KeySourceError, match="生产环境不得使用测试密钥"):
        load_key_provider("test", "production")


def _key_file(path: Path, keys: dict[str, bytes], table: bool = False) -> Path:
    lines = ["[keys]"] if table else []
    lines += [f'{name} = "{value.hex()}"' for name, value in keys.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_production_refuses_test_keys_from_a_file(tmp_path: Path) -> None:
    path = _key_file(tmp_path / "k.toml", {p.value: k for p, k in TEST_KEYS.items()})
    with pytest.raises(KeySourceError, match="生产环境不得使用测试密钥"):
        load_key_provider(f"file:{path}", "production")
    # the same file is fine for the demo
    assert load_key_provider(f"file:{path}", "demo") is not None


def test_production_accepts_own_keys_from_file(tmp_path: Path) -> None:
    own = {"reload": bytes(range(16)), "unblock": bytes(range(1, 17)), "maint": bytes(16)}
    path = _key_file(tmp_path / "k.toml", own, table=True)
    provider = load_key_provider(f"file:{path}", "production")
    expected = sm4_mac(derive_card_key(own["unblock"], CARD), CHALLENGE, b"\x84\x24\0\0\x04")
    assert provider.mac(KeyPurpose.UNBLOCK, CARD, CHALLENGE, b"\x84\x24\0\0\x04") == expected
    assert "keys hidden" in repr(provider) and own["reload"].hex() not in repr(provider)


@pytest.mark.parametrize(
    "content",
    ['reload = "00"\nunblock = "00"\nmaint = "00"\n', "not toml [", 'reload = "zz"\n', ""],
)
def test_bad_key_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "k.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KeySourceError):
        load_key_provider(f"file:{path}", "demo")


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeySourceError, match="无法读取密钥文件"):
        load_key_provider(f"file:{tmp_path / 'absent.toml'}", "demo")


def test_psam_is_a_clear_not_implemented() -> None:
    with pytest.raises(KeySourceNotImplemented, match="PSAM"):
        load_key_provider("psam:Reader 0", "production")


@pytest.mark.parametrize(("source", "mode"), [("hsm", "demo"), ("file:", "demo"), ("test", "prod")])
def test_unknown_sources_and_modes(source: str, mode: str) -> None:
    with pytest.raises(KeySourceError):
        load_key_provider(source, mode)


def test_software_provider_needs_all_three_keys() -> None:
    with pytest.raises(KeySourceError):
        SoftwareKeyProvider({KeyPurpose.RELOAD: bytes(16)})
