"""What a card says about itself and its holder (CARD.md "Card identity JSON").

``identity_from_records`` decodes the TLV values of EF05/EF06 tolerantly; ``to_json_dict``
is the public contract of ``counter-admin card read --json``; ``ireadcardbas`` is the
national reader API's string for systems that expect it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reader import records as r
from reader.bcd import bcd_date_decode, bcd_decode
from reader.cardnumber import card_number_is_valid
from reader.errors import MalformedResponse

APP_OK = "ok"
APP_BLOCKED = "blocked"

#: The JSON keys of CARD.md, in its order.
JSON_KEYS = (
    "card_number",
    "card_id_code",
    "region_code",
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
    "atr_history",
    "pin_tries_left",
    "app_state",
)

CARD_NUMBER_WARNING = "卡号校验位不正确，请核对卡面卡号；此卡仍可办理业务。"


@dataclass(frozen=True)
class CardIdentity:
    """One card as read from its chip. Dates are ``None`` when the card leaves them empty;
    ``pin_tries_left`` is ``None`` when the card will not say (application blocked)."""

    card_number: str
    card_id_code: str  # 32 upper-case hex digits
    region_code: str
    card_type: str
    spec_version: str
    init_org: str  # 24 upper-case hex digits
    issue_date: dt.date | None
    expiry_date: dt.date | None
    birth_date: dt.date | None
    ssn: str
    name: str
    gender: str
    ethnicity: str
    birthplace: str
    atr_history: str  # 26 upper-case hex digits
    pin_tries_left: int | None
    app_state: str  # APP_OK or APP_BLOCKED
    card_number_warning: str | None = None

    @property
    def card_id_bytes(self) -> bytes:
        return bytes.fromhex(self.card_id_code)

    def to_json_dict(self) -> dict[str, Any]:
        """Exactly the keys of CARD.md "Card identity JSON"; dates as ``YYYY-MM-DD``."""
        out: dict[str, Any] = {}
        for key in JSON_KEYS:
            value = getattr(self, key)
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    def ireadcardbas(self, terminal_no: str, reader_serial: str) -> str:
        """The ``iReadCardBas`` string: 11 fields, each followed by ``|``."""
        fields = (
            self.region_code,
            self.ssn,
            self.card_number,
            self.card_id_code,
            self.name,
            self.atr_history,
            self.spec_version,
            _yyyymmdd(self.issue_date),
            _yyyymmdd(self.expiry_date),
            terminal_no,
            reader_serial,
        )
        return "".join(f"{f}|" for f in fields)


def _yyyymmdd(date: dt.date | None) -> str:
    return "" if date is None else date.strftime("%Y%m%d")


def identity_from_records(
    values: Mapping[int, bytes], atr: bytes, pin_tries_left: int | None, app_state: str
) -> CardIdentity:
    """Decode the record values (keyed by tag) of EF05 and EF06.

    The card identification code, card number, social security number and name are
    required; the other elements may be missing (empty / ``None``). ``MalformedResponse``
    for anything that does not decode.
    """
    for tag in (r.TAG_CARD_ID, r.TAG_CARD_NUMBER, r.TAG_SSN, r.TAG_NAME):
        if tag not in values:
            raise MalformedResponse()
    card_id = values[r.TAG_CARD_ID]
    if len(card_id) != 16:
        raise MalformedResponse()
    card_number = r.decode_ascii(values[r.TAG_CARD_NUMBER])
    name = r.decode_gbk(values[r.TAG_NAME]) + r.decode_gbk(values.get(r.TAG_NAME_EXT, b""))
    if not name:
        raise MalformedResponse()

    def text(tag: int) -> str:
        return r.decode_ascii(values.get(tag, b""))

    def date(tag: int) -> dt.date | None:
        value = values.get(tag)
        return None if value is None else bcd_date_decode(value)

    return CardIdentity(
        card_number=card_number,
        card_id_code=card_id.hex().upper(),
        region_code=bcd_decode(card_id[:3]),
        card_type=text(r.TAG_CARD_TYPE),
        spec_version=text(r.TAG_SPEC_VERSION),
        init_org=values.get(r.TAG_INIT_ORG, b"").hex().upper(),
        issue_date=date(r.TAG_ISSUE_DATE),
        expiry_date=date(r.TAG_EXPIRY_DATE),
        birth_date=date(r.TAG_BIRTH_DATE),
        ssn=text(r.TAG_SSN),
        name=name,
        gender=text(r.TAG_GENDER),
        ethnicity=bcd_decode(values.get(r.TAG_ETHNICITY, b"")),
        birthplace=bcd_decode(values.get(r.TAG_BIRTHPLACE, b"")),
        atr_history=atr_history(atr).hex().upper(),
        pin_tries_left=pin_tries_left,
        app_state=app_state,
        card_number_warning=None if card_number_is_valid(card_number) else CARD_NUMBER_WARNING,
    )


def atr_history(atr: bytes) -> bytes:
    """The historical bytes of an ATR (T0's low nibble counts them; interface bytes skipped).

    A short or garbled ATR gives what can be found, never an exception.
    """
    if len(atr) < 2:
        return b""
    count = atr[1] & 0x0F
    pos = 1
    y = atr[1] >> 4
    while True:
        present = bin(y).count("1")
        td_present = bool(y & 0x8)
        pos += present
        if not td_present or pos >= len(atr):
            break
        y = atr[pos] >> 4
    return bytes(atr[pos + 1 : pos + 1 + count])
