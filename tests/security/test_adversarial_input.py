"""Adversarial text at every service entry point that takes text, on both back ends.

What a clerk, a holder on the phone line or a technician types can hold NUL, lone
surrogates, bidi overrides, zero-width characters, 10,000 characters, or SQL. Every entry
point must answer with a typed refusal (``ServiceError`` / ``ValidationError``) whose message
is Chinese (``reports.model.ReportError`` for a report filter naming an office or staff
number that does not exist) — never a driver error or a traceback — and nothing of it may
be stored: after all the inputs, no text column of any table holds a character the input
policy refuses or a value longer than its column. SQL metacharacters are ordinary text:
refused or stored verbatim (bound parameters), and the schema is intact afterwards.

The counts (inputs per entry point and back end, refusals, unexpected exceptions) are
printed in the run's summary and recorded in docs/RELIABILITY.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import JSON, String, func, inspect, select, text

from counter_app.models import Base, Staff
from counter_app.services import (
    form_reprints,
    phone_reports,
    records,
    reporting,
    search,
    staff_accounts,
    staff_login,
    written_reports,
)
from counter_app.services.errors import ServiceError
from counter_app.services.idcheck import IdDocumentKind
from counter_app.services.sessions import open_id_session
from counter_app.validation import ValidationError
from counter_app.validation.text_policy import storage_forbidden
from reports.model import ReportError
from tests.id_documents import manual_doc

from .adversarial_world import SERVICE_PASSWORD, STAFF_PASSWORD, World, build_world

#: The adversarial inputs: name -> text. ``sql_*`` ones may be accepted as plain text.
INPUTS: dict[str, str] = {
    "nul": "解放碑\x00附近",
    "nul_only": "\x00",
    "lone_high_surrogate": "解放碑\ud800",
    "lone_low_surrogate": "\udc80解放碑",
    "bidi_override": "解放碑\u202e站口",
    "bidi_isolate": "\u2067解放碑\u2069",
    "zero_width_space": "解\u200b放碑",
    "zero_width_joiner": "解放\u200d碑",
    "bom": "\ufeff解放碑",
    "escape_sequence": "\x1b[2J解放碑",
    "long_cjk_10000": "地" * 10_000,
    "long_ascii_10000": "A" * 10_000,
    "sql_quote": "解放碑'; DROP TABLE staff;--",
    "sql_or": "' OR '1'='1",
    "sql_like": "%_\\%",
}
SQL_INPUTS = {name for name in INPUTS if name.startswith("sql_")}
RID = IdDocumentKind.RESIDENT_ID


def _has_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


class Setup:
    """The world plus what some entry points need (an issued form's serial)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.ctx = world.ctx
        self.clerk = world.actors["yb103"]
        self.sup = world.actors["sup"]
        holder_id, ssn = world.holders[3]
        result = written_reports.register_written_loss(
            self.ctx, self.clerk, holder_id, self.loss(ssn), "adversarial-setup"
        )
        self.serial = result.serial

    def loss(self, ssn: str, **changes: Any) -> written_reports.WrittenLossInput:
        values: dict[str, Any] = dict(
            contact_phone="13883251234",
            loss_date=dt.date(2026, 3, 8),
            loss_place="轨道交通2号线较场口站",
            circumstances="乘车时钱包被盗",
            id_document=manual_doc(ssn),
        )
        values.update(changes)
        return written_reports.WrittenLossInput(**values)

    def holder(self, n: int) -> tuple[int, str]:
        return self.world.holders[n]


Entry = Callable[[Setup, str], Any]


def _written(field_name: str) -> Entry:
    def call(s: Setup, junk: str) -> Any:
        holder_id, ssn = s.holder(1)
        changes: dict[str, Any] = {field_name: junk}
        if field_name == "id_number":
            changes = {"id_document": manual_doc(junk)}
        return written_reports.register_written_loss(
            s.ctx, s.clerk, holder_id, s.loss(ssn, **changes), f"adv-{uuid.uuid4().hex}"
        )

    return call


def _id_session_reason(s: Setup, junk: str) -> Any:
    holder_id, ssn = s.holder(2)
    return open_id_session(s.ctx, s.clerk, holder_id, manual_doc(ssn), junk)


def _id_session_number(s: Setup, junk: str) -> Any:
    holder_id, _ssn = s.holder(2)
    return open_id_session(s.ctx, s.clerk, holder_id, manual_doc(junk), "办理查询")


def _report_filter(field_name: str) -> Entry:
    def call(s: Setup, junk: str) -> Any:
        if field_name == "ssn":
            request: Any = reporting.AccessRequest(junk)
        else:
            request = dataclasses.replace(
                reporting.DailyRequest(dt.date(2026, 3, 9)), **{field_name: junk}
            )
        return reporting.produce_report(s.ctx, s.sup, request, "csv")

    return call


ENTRY_POINTS: dict[str, Entry] = {
    "search.find_holders": lambda s, j: search.find_holders(s.ctx, s.clerk, j),
    "sessions.open_id_session.reason": _id_session_reason,
    "sessions.open_id_session.document_number": _id_session_number,
    "written_reports.loss_place": _written("loss_place"),
    "written_reports.circumstances": _written("circumstances"),
    "written_reports.contact_phone": _written("contact_phone"),
    "written_reports.id_document_number": _written("id_number"),
    "phone_reports.ssn": lambda s, j: phone_reports.report_loss_by_phone(
        s.ctx, j, SERVICE_PASSWORD
    ),
    "phone_reports.service_password": lambda s, j: phone_reports.report_loss_by_phone(
        s.ctx, s.holder(2)[1], j
    ),
    "staff_accounts.add_staff.staff_no": lambda s, j: staff_accounts.add_staff(
        s.ctx, s.sup, j, "新同事", "500103-YB", "subcenter_staff"
    ),
    "staff_accounts.add_staff.name": lambda s, j: staff_accounts.add_staff(
        s.ctx,
        s.sup,
        f"YB500103-{uuid.uuid4().int % 90 + 10}",
        j,
        "500103-YB",
        "subcenter_staff",
    ),
    "staff_accounts.add_staff.office_code": lambda s, j: staff_accounts.add_staff(
        s.ctx, s.sup, "YB500103-77", "新同事", j, "subcenter_staff"
    ),
    "staff_accounts.disable_staff": lambda s, j: staff_accounts.disable_staff(s.ctx, s.sup, j),
    "staff_login.login.staff_no": lambda s, j: staff_login.login(s.ctx, j, STAFF_PASSWORD),
    "staff_login.login.password": lambda s, j: staff_login.login(s.ctx, "YB500103-01", j),
    "records.search_drugs": lambda s, j: records.search_drugs(s.ctx, j),
    "records.search_treatments": lambda s, j: records.search_treatments(s.ctx, j),
    "records.employer_contributions": lambda s, j: records.employer_contributions(
        s.ctx, s.clerk, j
    ),
    "records.work_death_benefits.ssn": lambda s, j: records.work_death_benefits(
        s.ctx, s.clerk, j, "家属查询"
    ),
    "records.work_death_benefits.reason": lambda s, j: records.work_death_benefits(
        s.ctx, s.clerk, s.holder(2)[1], j
    ),
    "forms.reprint_form.serial": lambda s, j: form_reprints.reprint_form(
        s.ctx, s.clerk, j, "持卡人联遗失"
    ),
    "forms.reprint_form.reason": lambda s, j: form_reprints.reprint_form(
        s.ctx, s.clerk, s.serial, j
    ),
    "reporting.daily.office_code": _report_filter("office_code"),
    "reporting.daily.staff_no": _report_filter("staff_no"),
    "reporting.access.ssn": _report_filter("ssn"),
}


def _text_columns() -> list[tuple[str, str, Any]]:
    columns = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (String, JSON)):
                columns.append((table.name, column.name, column.type))
    return columns


def _junk_in_tables(world: World) -> list[str]:
    """Every stored value that the input policy refuses or that is longer than its column."""
    found: list[str] = []

    def check(where: str, value: Any, length: int | None) -> None:
        if isinstance(value, str):
            index = storage_forbidden(value)
            if index is not None:
                found.append(f"{where}: U+{ord(value[index]):04X} at {index}")
            elif length is not None and len(value) > length:
                found.append(f"{where}: {len(value)} characters > {length}")
            elif len(value) >= 5000:
                found.append(f"{where}: {len(value)} characters")
        elif isinstance(value, dict):
            for key, item in value.items():
                check(f"{where}.{key}", key, None)
                check(f"{where}.{key}", item, None)
        elif isinstance(value, list):
            for item in value:
                check(where, item, None)

    with world.engine.connect() as conn:
        existing = set(inspect(conn).get_table_names())
        for table, column, kind in _text_columns():
            if table not in existing:
                continue
            length = getattr(kind, "length", None) if isinstance(kind, String) else None
            for (value,) in conn.execute(text(f'SELECT "{column}" FROM "{table}"')):
                if isinstance(kind, JSON) and isinstance(value, str):
                    value = json.loads(value)  # SQLite hands JSON back as its text
                check(f"{table}.{column}", value, length)
    return found


@pytest.fixture
def setup(migrated_url: str) -> Iterator[Setup]:
    world = build_world(migrated_url)
    try:
        yield Setup(world)
    finally:
        world.engine.dispose()


def test_every_text_entry_point_refuses_adversarial_input_with_a_typed_chinese_error(
    setup: Setup, backend: str, report_line: Callable[[str], None]
) -> None:
    outcomes: Counter[str] = Counter()
    unexpected: list[str] = []
    accepted_junk: list[str] = []
    with setup.world.engine.connect() as conn:
        staff_before = conn.execute(select(func.count()).select_from(Staff)).scalar_one()
    for entry_name, entry in ENTRY_POINTS.items():
        for input_name, junk in INPUTS.items():
            try:
                entry(setup, junk)
            except (ServiceError, ValidationError, ReportError) as refusal:
                message = str(refusal)
                if not _has_chinese(message) or storage_forbidden(message) is not None:
                    unexpected.append(f"{entry_name}/{input_name}: message {message!r}")
                outcomes["refused"] += 1
                continue
            except Exception as error:  # exactly what must never happen
                unexpected.append(f"{entry_name}/{input_name}: {type(error).__name__}")
                outcomes["untyped"] += 1
                continue
            outcomes["accepted"] += 1
            if input_name not in SQL_INPUTS:
                accepted_junk.append(f"{entry_name}/{input_name}")
    tried = len(ENTRY_POINTS) * len(INPUTS)
    report_line(
        f"[{backend}] adversarial input: {len(ENTRY_POINTS)} entry points x {len(INPUTS)} "
        f"inputs = {tried} calls; refused {outcomes['refused']}, accepted (SQL text only) "
        f"{outcomes['accepted']}, untyped exceptions {outcomes['untyped']}"
    )
    assert unexpected == []
    assert accepted_junk == []
    assert sum(outcomes.values()) == tried
    junk = _junk_in_tables(setup.world)
    assert junk == []
    with setup.world.engine.connect() as conn:  # the SQL was text, not statements
        staff_after = conn.execute(select(func.count()).select_from(Staff)).scalar_one()
    assert staff_after >= staff_before


def test_the_control_inputs_are_accepted_so_refusals_are_about_the_input(setup: Setup) -> None:
    # The harness is honest: the same entry points with ordinary input do not refuse.
    holder_id, ssn = setup.holder(2)
    assert search.find_holders(setup.ctx, setup.clerk, ssn)
    open_id_session(setup.ctx, setup.clerk, holder_id, manual_doc(ssn), "办理查询")
    result = written_reports.register_written_loss(
        setup.ctx, setup.clerk, setup.holder(1)[0], setup.loss(setup.holder(1)[1]), "control-ok-1"
    )
    assert result.serial
    info, _password = staff_accounts.add_staff(
        setup.ctx, setup.sup, "YB500103-55", "新同事", "500103-YB", "subcenter_staff"
    )
    assert info.staff_no == "YB500103-55"
    assert form_reprints.reprint_form(setup.ctx, setup.clerk, setup.serial, "持卡人联遗失")
    assert _junk_in_tables(setup.world) == []


def test_a_duplicate_staff_number_is_a_typed_refusal_without_the_hash(setup: Setup) -> None:
    with pytest.raises(ServiceError) as info:
        staff_accounts.add_staff(
            setup.ctx, setup.sup, "YB500103-01", "重复", "500103-YB", "subcenter_staff"
        )
    message = str(info.value)
    assert "工号" in message and "argon2" not in message and "$" not in message
    assert info.value.__cause__ is None or "argon2" not in str(info.value.__cause__)
