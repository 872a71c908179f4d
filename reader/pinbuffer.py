"""The holder's PIN while it exists on the PC: digits in a ``bytearray``, wiped after use.

Built from keystrokes (RULES Q1: digits, 删除 delete, 重置 clear). No method returns the
digits as ``str`` and ``repr``/``str`` show only how many there are (docs/ARCHITECTURE.md
"PIN entry").
"""

from __future__ import annotations

import hmac
from types import TracebackType

MIN_DIGITS = 4
MAX_DIGITS = 12  # CARD.md "Password": 4–12 digits
DEFAULT_PIN_DIGITS = b"123456"  # RULES P1: the issued PIN


class PinBuffer:
    """Up to ``max_digits`` PIN digits; use as a context manager to wipe on exit."""

    __slots__ = ("_digits", "_len", "_max")

    def __init__(self, max_digits: int = MAX_DIGITS) -> None:
        self._max = max_digits
        self._digits = bytearray(max_digits)
        self._len = 0

    # -- keystrokes ---------------------------------------------------------------------

    def append(self, digit: int | str) -> bool:
        """Add one digit (``0``–``9`` as int or one-character str); ``False`` when full."""
        value = digit if isinstance(digit, int) else _digit_value(digit)
        if not 0 <= value <= 9:
            raise ValueError("a PIN key is a single decimal digit")
        if self._len >= self._max:
            return False
        self._digits[self._len] = 0x30 + value
        self._len += 1
        return True

    def delete(self) -> None:
        """删除: drop the last digit."""
        if self._len:
            self._len -= 1
            self._digits[self._len] = 0

    def clear(self) -> None:
        """重置: drop every digit."""
        self.wipe()

    @classmethod
    def from_keys(cls, keys: bytes | bytearray, max_digits: int = MAX_DIGITS) -> PinBuffer:
        """A buffer from ASCII digit bytes (tests, emulator pads); the caller wipes ``keys``."""
        buf = cls(max_digits)
        for key in keys:
            if not 0x30 <= key <= 0x39 or not buf.append(key - 0x30):
                buf.wipe()
                raise ValueError("PIN keys must be at most max_digits decimal digits")
        return buf

    # -- use ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._len

    @property
    def bcd_length(self) -> int:
        """Bytes of the packed BCD form."""
        return (self._len + 1) // 2

    def bcd(self, out: bytearray, offset: int = 0) -> int:
        """Write the packed BCD PIN (odd length padded with ``F``) into ``out`` at ``offset``;
        returns the bytes written. ``out`` must already be long enough."""
        size = self.bcd_length
        if offset < 0 or offset + size > len(out):
            raise ValueError("output buffer too short for the PIN")
        for i in range(size):
            hi = self._digits[2 * i] - 0x30
            lo = self._digits[2 * i + 1] - 0x30 if 2 * i + 1 < self._len else 0x0F
            out[offset + i] = (hi << 4) | lo
        return size

    def matches(self, other: PinBuffer) -> bool:
        """Both entries are the same PIN (RULES P7: "both new entries must match")."""
        return hmac.compare_digest(self._view(), other._view())

    def is_default(self) -> bool:
        """The PIN is the issued ``123456`` (RULES P1, P2)."""
        return hmac.compare_digest(self._view(), DEFAULT_PIN_DIGITS)

    def is_weak(self) -> bool:
        """RULES P7: ``123456``, all digits equal, or a straight run up or down."""
        if self._len < 2:
            return self._len == 1
        steps = {self._digits[i + 1] - self._digits[i] for i in range(self._len - 1)}
        return self.is_default() or steps in ({0}, {1}, {-1})

    def wipe(self) -> None:
        for i in range(len(self._digits)):
            self._digits[i] = 0
        self._len = 0

    def _view(self) -> memoryview:
        return memoryview(self._digits)[: self._len]

    # -- hygiene ------------------------------------------------------------------------

    def __enter__(self) -> PinBuffer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.wipe()

    def __repr__(self) -> str:
        return f"<PinBuffer {self._len} digits>"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("a PinBuffer is never pickled or copied")

    def __copy__(self) -> PinBuffer:
        raise TypeError("a PinBuffer is never pickled or copied")

    def __deepcopy__(self, memo: dict[int, object]) -> PinBuffer:
        raise TypeError("a PinBuffer is never pickled or copied")


def _digit_value(key: str) -> int:
    if len(key) != 1 or not "0" <= key <= "9":
        raise ValueError("a PIN key is a single decimal digit")
    return ord(key) - 0x30
