"""The PIN buffer: keystrokes, BCD, wiping, no digits ever shown (docs/ARCHITECTURE.md
"PIN entry")."""

from __future__ import annotations

import copy
import pickle

import pytest

from reader.pinbuffer import PinBuffer

from .cardkit import pin


def test_keystrokes_delete_clear() -> None:
    buf = PinBuffer()
    for d in "1239":
        buf.append(d)
    buf.delete()
    buf.append(4)
    assert len(buf) == 4
    out = bytearray(2)
    buf.bcd(out)
    assert out == bytes.fromhex("1234")
    buf.clear()
    assert len(buf) == 0


def test_bcd_odd_length_padded_with_f_at_offset() -> None:
    out = bytearray(6)
    assert pin("12345").bcd(out, 2) == 3
    assert out == bytes.fromhex("000012345F00")
    with pytest.raises(ValueError):
        pin("123456").bcd(bytearray(2))


def test_full_buffer_refuses_more_digits() -> None:
    buf = PinBuffer(max_digits=6)
    assert all(buf.append(1) for _ in range(6))
    assert buf.append(1) is False and len(buf) == 6


@pytest.mark.parametrize("bad", ["a", "12", "", 10, -1])
def test_only_single_digits(bad: str | int) -> None:
    with pytest.raises(ValueError):
        PinBuffer().append(bad)


def test_wipe_zeroes_storage_and_context_manager_wipes() -> None:
    with pin("987654") as buf:
        storage = buf._digits  # the one place the digits live
        assert any(storage)
    assert len(buf) == 0 and not any(storage)


def test_context_manager_wipes_on_error() -> None:
    buf = pin("987654")
    with pytest.raises(RuntimeError), buf:
        raise RuntimeError("boom")
    assert not any(buf._digits)


def test_repr_and_str_never_show_digits() -> None:
    buf = pin("975318")
    for text in (repr(buf), str(buf), f"{buf}"):
        assert "975318" not in text and "9" not in text.replace("PinBuffer", "")
        assert "6 digits" in text


def test_no_method_returns_digits_as_str() -> None:
    buf = pin("975318")
    for name in dir(buf):
        if name.startswith("__") and name not in ("__str__", "__repr__", "__format__"):
            continue
        attr = getattr(buf, name)
        if callable(attr):
            try:
                result = attr()
            except TypeError:
                continue
            except ValueError:
                continue
            assert not (isinstance(result, str) and "975318" in result), name


def test_never_pickled_or_copied() -> None:
    buf = pin("123456")
    with pytest.raises(TypeError):
        pickle.dumps(buf)
    with pytest.raises(TypeError):
        copy.copy(buf)
    with pytest.raises(TypeError):
        copy.deepcopy(buf)


def test_P7_matches_default_and_weak() -> None:
    assert pin("246810").matches(pin("246810"))
    assert not pin("246810").matches(pin("246811"))
    assert pin("123456").is_default() and not pin("123457").is_default()
    for weak in ("123456", "654321", "111111", "345678", "987654"):
        assert pin(weak).is_weak(), weak
    for ok in ("246810", "135790", "112233", "901234"):
        assert not pin(ok).is_weak(), ok


def test_from_keys_rejects_non_digits_and_too_many() -> None:
    with pytest.raises(ValueError):
        PinBuffer.from_keys(b"12a4")
    with pytest.raises(ValueError):
        PinBuffer.from_keys(b"1" * 13)
