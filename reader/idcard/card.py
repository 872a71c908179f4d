"""What one read of a resident ID card delivers (IDCARD.md "The text block", "The photo").

:class:`IdCardData` holds the printed fields of any of the three kinds and the photo's
compressed bytes in a ``bytearray`` the caller wipes (:meth:`IdCardData.wipe`) when the
check ends. Its ``repr`` shows neither the photo nor the full number, so a log line or a
traceback cannot leak them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: ``valid_to`` of a long-term card, as printed (IDCARD.md "The text block").
LONG_TERM = "长期"


class CardKind(StrEnum):
    RESIDENT = "resident"  # 居民身份证 (flag: space)
    HMT = "hmt"  # 港澳台居民居住证 (flag J)
    FOREIGN = "foreign"  # 外国人永久居留身份证 (flag I or Y)


CARD_KIND_LABELS: dict[CardKind, str] = {
    CardKind.RESIDENT: "居民身份证",
    CardKind.HMT: "港澳台居民居住证",
    CardKind.FOREIGN: "外国人永久居留身份证",
}

#: The keys of ``counter-admin idcard read --json``, in order.
JSON_KEYS = (
    "kind",
    "name",
    "gender",
    "nation",
    "birth",
    "address",
    "id_number",
    "authority",
    "valid_from",
    "valid_to",
    "pass_number",
    "issue_count",
    "english_name",
    "nationality",
    "sam_id",
)


def _masked(number: str) -> str:
    return number[:4] + "*" * max(0, len(number) - 8) + number[-4:] if len(number) > 8 else "****"


@dataclass(eq=False)
class IdCardData:
    """The fields of one card. ``valid_to`` is ``None`` for a long-term card (长期).

    For the foreign card ``id_number`` is the permanent-residence number and ``name`` the
    Chinese name (``english_name`` beside it). Fields a kind does not carry are ``""``.
    """

    kind: CardKind
    flag: str
    name: str
    gender: str
    birth: dt.date
    id_number: str
    valid_from: dt.date
    valid_to: dt.date | None
    nation: str = ""
    address: str = ""
    authority: str = ""
    pass_number: str = ""
    issue_count: str = ""
    english_name: str = ""
    nationality: str = ""
    version: str = ""
    authority_code: str = ""
    sam_id: str = ""
    #: The photo as the chip gives it (WLT, compressed). Never stored, logged or printed.
    photo: bytearray = field(default_factory=bytearray, repr=False)

    @property
    def long_term(self) -> bool:
        return self.valid_to is None

    def expired(self, today: dt.date) -> bool:
        """True when ``valid_to`` is before ``today`` (a long-term card never expires)."""
        return self.valid_to is not None and self.valid_to < today

    def wipe(self) -> None:
        """Overwrite the photo bytes and drop them (the check is over)."""
        for i in range(len(self.photo)):
            self.photo[i] = 0
        del self.photo[:]

    def as_json(self) -> dict[str, Any]:
        """The JSON of ``idcard read --json``: exactly :data:`JSON_KEYS`; dates
        ``YYYY-MM-DD``, ``valid_to`` ``长期`` for long-term; no photo."""
        return {
            "kind": self.kind.value,
            "name": self.name,
            "gender": self.gender,
            "nation": self.nation,
            "birth": self.birth.isoformat(),
            "address": self.address,
            "id_number": self.id_number,
            "authority": self.authority,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": LONG_TERM if self.valid_to is None else self.valid_to.isoformat(),
            "pass_number": self.pass_number,
            "issue_count": self.issue_count,
            "english_name": self.english_name,
            "nationality": self.nationality,
            "sam_id": self.sam_id,
        }

    def __repr__(self) -> str:
        return (
            f"IdCardData(kind={self.kind.value!r}, id_number={_masked(self.id_number)!r}, "
            f"photo=<{len(self.photo)} bytes>)"
        )
