"""The database defends the rules itself (SCALING.md §0.2): one active loss report per card,
one card in use per holder, gap-free serial uniqueness, value ranges; and the engine set-up
(SQLite WAL / foreign keys / BEGIN IMMEDIATE, PostgreSQL lock_timeout)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from counter_app import db
from counter_app.models import (
    Card,
    FormDocument,
    FormSerialCounter,
    Holder,
    InjuryCase,
    LossReport,
    Office,
)

NOW = dt.datetime(2025, 6, 15, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    eng = db.create_engine_for(migrated_url, lock_timeout_ms=500)
    yield eng
    eng.dispose()


@pytest.fixture
def card(engine: Engine) -> int:
    with db.session_factory(engine)() as s, s.begin():
        s.add(
            Office(
                id=1,
                code="500103-YB",
                name="渝中区医疗保险分中心",
                kind="district_subcenter",
                district_code="500103",
            )
        )
        s.add(
            Holder(
                id=1,
                ssn="500103196803150310",
                name="王建国",
                gender="1",
                birth_date=dt.date(1968, 3, 15),
                birthplace="500103",
                household_district="500103",
                status="employed",
            )
        )
        s.flush()
        s.add(
            Card(
                id=1,
                holder_id=1,
                card_number="A12424866",
                card_id_code="500103D1560000059E3779BF5E376282",
                region_code="500103",
                spec_version="3.00",
                init_org="500000000000000000000001",
                issue_date=dt.date(2019, 6, 1),
                expiry_date=dt.date(2029, 5, 31),
            )
        )
    return 1


def _report(card_id: int, state: str = "open", **kw: object) -> LossReport:
    values: dict[str, object] = dict(
        card_id=card_id,
        holder_id=1,
        channel="phone",
        kind="temporary",
        state=state,
        reported_at=NOW,
        deadline_at=NOW + dt.timedelta(days=15),
    )
    values.update(kw)
    return LossReport(**values)


def test_second_active_loss_report_for_a_card_is_refused(engine: Engine, card: int) -> None:
    factory = db.session_factory(engine)
    with factory() as s, s.begin():
        s.add(_report(card))
    with pytest.raises(IntegrityError), factory() as s, s.begin():
        s.add(
            _report(
                card,
                state="confirmed",
                channel="counter",
                kind="written",
                office_id=1,
                deadline_at=None,
            )
        )


def test_closed_reports_do_not_block_a_new_one(engine: Engine, card: int) -> None:
    factory = db.session_factory(engine)
    with factory() as s, s.begin():
        s.add_all([_report(card, state="lifted"), _report(card, state="lapsed")])
    with factory() as s, s.begin():
        s.add(_report(card))
    with factory() as s:
        assert s.query(LossReport).count() == 3


def test_temporary_report_needs_a_deadline(engine: Engine, card: int) -> None:
    with pytest.raises(IntegrityError), db.session_factory(engine)() as s, s.begin():
        s.add(_report(card, deadline_at=None))


def test_one_card_in_use_per_holder(engine: Engine, card: int) -> None:
    with pytest.raises(IntegrityError), db.session_factory(engine)() as s, s.begin():
        s.add(
            Card(
                holder_id=1,
                card_number="A12504057",
                card_id_code="500103D1560000053C6EF378DD81DE97",
                region_code="500103",
                spec_version="3.00",
                init_org="500000000000000000000001",
                issue_date=dt.date(2024, 6, 1),
                expiry_date=dt.date(2034, 5, 31),
            )
        )


def test_form_serial_sequence_unique_per_office_and_year(engine: Engine, card: int) -> None:
    factory = db.session_factory(engine)
    with factory() as s, s.begin():
        s.add(FormSerialCounter(office_id=1, year=2025, last_sequence=1))
        s.add(
            FormDocument(
                serial="500103-YB-2025-000001",
                kind="loss_registration",
                office_id=1,
                year=2025,
                sequence=1,
                card_id=card,
            )
        )
    with pytest.raises(IntegrityError), factory() as s, s.begin():
        s.add(
            FormDocument(
                serial="500103-YB-2025-000001-B",
                kind="loss_registration",
                office_id=1,
                year=2025,
                sequence=1,
                card_id=card,
            )
        )
    with pytest.raises(IntegrityError), factory() as s, s.begin():
        s.add(FormSerialCounter(office_id=1, year=2025, last_sequence=7))
    with factory() as s, s.begin():  # the same number in another year is fine
        s.add(
            FormDocument(
                serial="500103-YB-2026-000001",
                kind="loss_registration",
                office_id=1,
                year=2026,
                sequence=1,
                card_id=card,
            )
        )


def test_serial_counter_compare_and_set_allocates_next_number(engine: Engine, card: int) -> None:
    factory = db.session_factory(engine)
    with factory() as s, s.begin():
        s.add(FormSerialCounter(office_id=1, year=2025, last_sequence=0))
    numbers = []
    for _ in range(3):
        with factory() as s, s.begin():
            s.execute(
                text(
                    "UPDATE form_serial_counters SET last_sequence = last_sequence + 1 "
                    "WHERE office_id = 1 AND year = 2025"
                )
            )
            numbers.append(
                s.execute(
                    text(
                        "SELECT last_sequence FROM form_serial_counters WHERE office_id = 1 "
                        "AND year = 2025"
                    )
                ).scalar_one()
            )
    assert numbers == [1, 2, 3]


def test_disability_grade_is_1_to_10(engine: Engine, card: int) -> None:
    with pytest.raises(IntegrityError), db.session_factory(engine)() as s, s.begin():
        s.add(
            InjuryCase(
                case_no="GS1",
                holder_id=1,
                injury_date=dt.date(2020, 1, 1),
                recognised_on=dt.date(2020, 2, 1),
                description="x",
                disability_grade=11,
                status="assessed",
            )
        )


def test_card_state_must_be_known(engine: Engine, card: int) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE cards SET state = 'stolen' WHERE id = 1"))


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), db.session_factory(engine)() as s, s.begin():
        s.add(_report(999))


def test_timestamps_round_trip_as_aware_utc(engine: Engine, card: int) -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    local = dt.datetime(2025, 6, 15, 10, 0, tzinfo=shanghai)
    factory = db.session_factory(engine)
    with factory() as s, s.begin():
        s.add(_report(card, reported_at=local))
    with factory() as s:
        got = s.query(LossReport).one().reported_at
    assert got == local and got.utcoffset() == dt.timedelta(0)


def test_naive_timestamps_are_refused(engine: Engine, card: int) -> None:
    with (
        pytest.raises(Exception, match="timezone-aware"),
        db.session_factory(engine)() as s,
        s.begin(),
    ):
        s.add(_report(card, reported_at=dt.datetime(2025, 6, 15, 10, 0)))


def test_engine_settings(engine: Engine, backend: str) -> None:
    with engine.connect() as conn:
        if backend == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 500
        else:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "500ms"


def test_sqlite_writer_session_takes_the_write_lock_at_begin(
    sqlite_template: Path, tmp_path: Path
) -> None:
    path = str(tmp_path / "lock.sqlite3")
    shutil.copyfile(sqlite_template, path)
    engine = db.create_engine_for(f"sqlite:///{path}")
    try:
        with db.session_factory(engine)() as writer, writer.begin():
            writer.execute(text("SELECT 1"))  # a read only: the lock is already held
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
        with db.session_factory(engine, read_only=True)() as reader, reader.begin():
            reader.execute(text("SELECT 1"))
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # a deferred reader does not block writers
            other.execute("ROLLBACK")
            other.close()
    finally:
        engine.dispose()


def test_session_is_usable_for_orm_queries(engine: Engine, card: int) -> None:
    with Session(engine) as s:
        assert s.get(Card, card) is not None
