"""The state one demo-data run carries: random stream, clock, id counters, the city's
offices and staff, and the gap-free form serial counters."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from counter_app.demo.bulk import BulkWriter, date_text, ts_text

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Desk:
    """An office and the staff member who does its work in the demo history."""

    office_id: int
    office_code: str
    staff_id: int


@dataclass
class Context:
    rng: random.Random
    writer: BulkWriter
    as_of: dt.date
    #: "Now" of the demo world: 10:00 Beijing time on ``as_of``.
    now: dt.datetime
    phone_validity_days: int
    ids: dict[str, int] = field(default_factory=dict)
    #: district code -> sub-center desk; and the card center desk.
    subcenters: dict[str, Desk] = field(default_factory=dict)
    card_center: Desk | None = None
    employers_by_district: dict[str, list[int]] = field(default_factory=dict)
    all_employers: list[int] = field(default_factory=list)
    serials: dict[tuple[int, int], int] = field(default_factory=dict)
    #: card_id -> (pin, pin_tries_left, app_state) for the emulator profiles.
    chips: dict[int, tuple[str, int, str]] = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        value = self.ids.get(table, 0) + 1
        self.ids[table] = value
        return value

    def ago(self, days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days)

    def issue_form(
        self, desk: Desk, kind: str, at: dt.datetime, holder_id: int, card_id: int
    ) -> str:
        """Allocate the next serial of ``desk``'s office for ``at``'s year; write the form."""
        year = at.astimezone(SHANGHAI).year
        key = (desk.office_id, year)
        sequence = self.serials.get(key, 0) + 1
        self.serials[key] = sequence
        serial = f"{desk.office_code}-{year}-{sequence:06d}"
        self.writer.add(
            "form_documents",
            (
                self.next_id("form_documents"),
                serial,
                kind,
                desk.office_id,
                year,
                sequence,
                holder_id,
                card_id,
                desk.staff_id,
                ts_text(at),
                0,
                ts_text(at),
            ),
        )
        return serial

    def write_serial_counters(self) -> None:
        for (office_id, year), last in sorted(self.serials.items()):
            self.writer.add("form_serial_counters", (office_id, year, last))


def day(value: dt.date) -> str:
    return date_text(value)
