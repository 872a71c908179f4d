"""The state one demo-data run carries: random streams, clock, id counters, the city's
offices and staff, and the gap-free form serial counters."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from counter_app.demo.bulk import BulkWriter, date_text, ts_text
from counter_app.demo.form_contents import stored_form_json
from forms import data as fd

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Desk:
    """An office and the staff member who does its work in the demo history."""

    office_id: int
    office_code: str
    staff_id: int
    #: The office and the staff member as the forms they issue print them (``form_data``).
    office: fd.Office
    handler: fd.Staff


@dataclass
class Context:
    rng: random.Random
    #: What the holders declared on their forms (where and how a card was lost): a stream
    #: of its own, so the shared ``rng``'s draws — and every other demo row — stay as they
    #: were before forms were archived with their content.
    details: random.Random
    writer: BulkWriter
    as_of: dt.date
    #: "Now" of the demo world: 10:00 Beijing time on ``as_of``, or the minute the demo was
    #: made when that was earlier on its day (``generate.demo_now``); nothing written is later.
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
        self,
        desk: Desk,
        kind: str,
        at: dt.datetime,
        holder_id: int,
        card_id: int,
        build: Callable[[fd.FormHeader], fd.Form],
    ) -> str:
        """Allocate the next serial of ``desk``'s office for ``at``'s year; write the form
        document and, as ``registered_forms.issue_form`` does, the form's data that ``build``
        makes from its header (so the demo's forms can be reprinted, RULES L4)."""
        year = at.astimezone(SHANGHAI).year
        key = (desk.office_id, year)
        sequence = self.serials.get(key, 0) + 1
        self.serials[key] = sequence
        serial = f"{desk.office_code}-{year}-{sequence:06d}"
        document_id = self.next_id("form_documents")
        self.writer.add(
            "form_documents",
            (
                document_id,
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
        form = build(fd.FormHeader(serial, at, desk.office, desk.handler))
        self.writer.add("form_contents", (document_id, stored_form_json(form)))
        return serial

    def write_serial_counters(self) -> None:
        for (office_id, year), last in sorted(self.serials.items()):
            self.writer.add("form_serial_counters", (office_id, year, last))


def day(value: dt.date) -> str:
    return date_text(value)
