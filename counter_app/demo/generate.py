"""``fill_demo``: a realistic Chongqing in an empty, migrated database — deterministic for a
seed (and the ``as_of`` day that loss-report times are relative to).

Speed (BENCHMARKS.md): rows are generated as tuples and bulk-loaded per chunk of
holders (:mod:`counter_app.demo.bulk`), argon2 hashes are computed once per password, and
no ORM object exists per row.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from counter_app.demo import benefits, cases, catalogue, city, histories, people
from counter_app.demo.accounts import DEFAULT_SERVICE_PASSWORD, FIXED_HOLDERS
from counter_app.demo.bulk import BulkWriter, reset_postgres_sequences
from counter_app.demo.context import SHANGHAI, Context
from counter_app.demo.fixed import write_fixed_holders
from counter_app.demo.profiles import write_profiles
from counter_app.services.password_hashing import hash_password

#: Tables in foreign-key order with the columns the generator fills.
TABLES: dict[str, tuple[str, ...]] = {
    "offices": city.OFFICE_COLUMNS,
    "staff": city.STAFF_COLUMNS,
    "employers": city.EMPLOYER_COLUMNS,
    "drugs": catalogue.DRUG_COLUMNS,
    "treatment_items": catalogue.TREATMENT_COLUMNS,
    "holders": people.HOLDER_COLUMNS,
    "cards": people.CARD_COLUMNS,
    "loss_reports": people.LOSS_COLUMNS,
    "replacement_applications": people.REPLACEMENT_COLUMNS,
    "password_events": people.PASSWORD_EVENT_COLUMNS,
    "form_documents": (
        "id",
        "serial",
        "kind",
        "office_id",
        "year",
        "sequence",
        "holder_id",
        "card_id",
        "staff_id",
        "issued_at",
        "reprint_count",
        "last_printed_at",
    ),
    "form_contents": ("form_document_id", "data"),
    "form_serial_counters": ("office_id", "year", "last_sequence"),
    "insurance_participations": histories.PARTICIPATION_COLUMNS,
    "contribution_records": histories.CONTRIBUTION_COLUMNS,
    "pension_accounts": histories.PENSION_ACCOUNT_COLUMNS,
    "pension_payments": histories.PENSION_PAYMENT_COLUMNS,
    "medical_accounts": histories.MEDICAL_ACCOUNT_COLUMNS,
    "medical_transactions": histories.MEDICAL_TX_COLUMNS,
    "unemployment_claims": histories.CLAIM_COLUMNS,
    "unemployment_payments": histories.CLAIM_PAYMENT_COLUMNS,
    "injury_cases": histories.INJURY_COLUMNS,
    "injury_benefits": histories.INJURY_BENEFIT_COLUMNS,
    "death_cases": histories.DEATH_COLUMNS,
    "survivor_benefits": histories.SURVIVOR_COLUMNS,
    "maternity_benefits": histories.MATERNITY_COLUMNS,
    "living_allowances": histories.ALLOWANCE_COLUMNS,
    "special_care": histories.SPECIAL_CARE_COLUMNS,
    "qualifications": histories.QUALIFICATION_COLUMNS,
    "employment_records": histories.EMPLOYMENT_COLUMNS,
    **cases.TABLES,
}
_NO_ID_SEQUENCE = {"service_passwords", "form_serial_counters", "case_counters", "form_contents"}
_SERVICE = "service_password"


class DemoDataError(RuntimeError):
    """The database cannot take demo data; the message says why and what to do."""


@dataclass
class DemoSummary:
    holders: int
    seed: int
    as_of: dt.date
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    profiles: int = 0


def today_in_chongqing() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def demo_now(as_of: dt.date, present: dt.datetime | None = None) -> dt.datetime:
    """The demo world's "now" (UTC): 10:00 Chongqing time on ``as_of`` — or, for a demo made
    earlier than that on its own day, the present minute: nothing the demo writes (a 医疗卡余额
    更新时间, a card's state change) may lie in the future of when it was made. Deterministic
    for an ``as_of`` in the past."""
    ten = dt.datetime.combine(as_of, dt.time(10), SHANGHAI).astimezone(dt.UTC)
    current = (present or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    if current.astimezone(SHANGHAI).date() == as_of and current < ten:
        return current.replace(second=0, microsecond=0)
    return ten


def fill_demo(
    engine: Engine,
    *,
    holders: int,
    seed: int,
    as_of: dt.date | None = None,
    profiles_dir: Path | None = None,
    phone_validity_days: int = 15,
    chunk: int = 5000,
    service_cases: bool = False,
    present: dt.datetime | None = None,
) -> DemoSummary:
    """Fill the empty, migrated database behind ``engine`` with the demo city.

    ``holders`` counts every holder, the fixed ones included. ``service_cases``: also the
    closed cases, ratings and follow-ups of the weeks before ``as_of`` (``demo/cases.py``;
    the GUI's demo and ``counter-admin demo-data`` ask for them). ``present``: the instant
    the demo is made (default the wall clock; :func:`demo_now`). Raises
    :class:`DemoDataError` when the database already holds holders. All or nothing: one
    transaction.
    """
    started = time.perf_counter()
    as_of = as_of or (present.astimezone(SHANGHAI).date() if present else today_in_chongqing())
    now = demo_now(as_of, present)
    with ThreadPoolExecutor(max_workers=1) as pool, engine.connect() as conn:
        # argon2 is slow on purpose; hash the few demo passwords while rows are generated.
        hashes = pool.submit(_demo_hashes)
        sqlite_fk_off = _sqlite_foreign_keys(conn, on=False)
        try:
            with conn.begin():
                ctx = _generate(
                    conn,
                    holders=holders,
                    seed=seed,
                    as_of=as_of,
                    now=now,
                    phone_validity_days=phone_validity_days,
                    chunk=chunk,
                    service_cases=service_cases,
                )
                _write_hashes(conn, hashes.result(), now)
                reset_postgres_sequences(conn, [t for t in TABLES if t not in _NO_ID_SEQUENCE])
                if sqlite_fk_off:
                    _check_foreign_keys(conn)
        finally:
            if sqlite_fk_off:
                _sqlite_foreign_keys(conn, on=True)
    summary = DemoSummary(
        holders=max(holders, len(FIXED_HOLDERS)),
        seed=seed,
        as_of=as_of,
        seconds=0.0,
        rows=dict(ctx.writer.counts),
    )
    summary.rows["service_passwords"] = summary.holders
    if profiles_dir is not None:
        summary.profiles = write_profiles(engine, profiles_dir, ctx.chips)
    summary.seconds = time.perf_counter() - started
    return summary


def _generate(
    conn: Connection,
    *,
    holders: int,
    seed: int,
    as_of: dt.date,
    now: dt.datetime,
    phone_validity_days: int,
    chunk: int,
    service_cases: bool = False,
) -> Context:
    _refuse_if_filled(conn)
    _tune_for_bulk(conn)
    rebuild = _drop_plain_indexes(conn)
    writer = BulkWriter(conn)
    for table, columns in TABLES.items():
        writer.declare(table, columns)
    ctx = Context(
        rng=random.Random(seed),
        details=random.Random(f"demo form details {seed}"),
        writer=writer,
        as_of=as_of,
        now=now,
        phone_validity_days=phone_validity_days,
    )
    order = list(TABLES)
    city.write_city(ctx)
    city.write_employers(ctx, max(60, holders // 40))
    writer.extend("drugs", catalogue.drug_rows())
    writer.extend("treatment_items", catalogue.treatment_rows())
    write_fixed_holders(ctx)
    writer.flush(order)
    used = {h.ssn for h in FIXED_HOLDERS}
    for holder_id in range(len(FIXED_HOLDERS) + 1, holders + 1):
        _random_holder(ctx, holder_id, used)
        if holder_id % chunk == 0:
            writer.flush(order)
    if service_cases:
        cases.write_cases(ctx, max(holders, len(FIXED_HOLDERS)))
    ctx.write_serial_counters()
    writer.flush(order)
    for create in rebuild:
        conn.exec_driver_sql(create)
    return ctx


def _drop_plain_indexes(conn: Connection) -> list[str]:
    """On SQLite, drop the non-unique indexes (kept as their exact DDL) for the load.

    Building an index once over sorted data is far cheaper than keeping it up to date
    row by row (random employer ids, for one); the caller re-runs the DDL before commit,
    so the schema ends exactly as the migrations made it.
    """
    if conn.dialect.name != "sqlite":
        return []
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND sql NOT LIKE 'CREATE UNIQUE%'"
    ).all()
    for name, _sql in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _demo_hashes() -> dict[str, str]:
    hashes = city.hash_role_passwords()
    hashes[_SERVICE] = hash_password(DEFAULT_SERVICE_PASSWORD)
    return hashes


def _write_hashes(conn: Connection, hashes: dict[str, str], now: dt.datetime) -> None:
    """Staff password hashes per role, and every holder's default service password (Q3)."""
    for role, digest in hashes.items():
        if role != _SERVICE:
            conn.execute(
                text("UPDATE staff SET password_hash = :h WHERE role = :r"),
                {"h": digest, "r": role},
            )
    conn.execute(
        text(
            "INSERT INTO service_passwords (holder_id, password_hash, must_change, set_at, "
            "failed_attempts) SELECT id, :h, :t, created_at, 0 FROM holders"
        ),
        {"h": hashes[_SERVICE], "t": True},
    )


def _sqlite_foreign_keys(conn: Connection, *, on: bool) -> bool:
    """Switch SQLite foreign-key enforcement (outside a transaction); True on SQLite.

    Loading is faster without per-row checks; :func:`_check_foreign_keys` then checks the
    whole database once before commit.
    """
    if conn.dialect.name != "sqlite":
        return False
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    return True


def _check_foreign_keys(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        raise DemoDataError(f"演示数据外键不一致 (internal error): {broken}")


def _random_holder(ctx: Context, holder_id: int, used: set[str]) -> None:
    p = people.random_person(ctx, holder_id, used)
    histories.decide_status(ctx, p)
    work_death = p.status == "employed" and p.scheme == "employee" and ctx.rng.random() < 0.002
    if work_death:
        p.status = "deceased"
    people.write_holder(ctx, p)
    people.write_cards(ctx, p)
    died = benefits.death_day(ctx) if work_death else None
    history = histories.write_history(ctx, p, died)
    if died is not None:
        benefits.write_death_case(ctx, p, history.employer, died)


def _refuse_if_filled(conn: Connection) -> None:
    try:
        count = conn.execute(text("SELECT COUNT(*) FROM holders")).scalar_one()
    except Exception as exc:  # any failure here means "not migrated"
        raise DemoDataError(
            "数据库尚未建表。请先运行 `counter-admin db upgrade` 再生成演示数据。"
        ) from exc
    if count:
        raise DemoDataError(
            f"数据库中已有 {count} 名参保人，演示数据只能写入空数据库。请换一个新数据库 (--db)。"
        )


def _tune_for_bulk(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        # A bigger page cache for this connection keeps index B-trees in memory while
        # loading; it is dropped with the connection.
        conn.exec_driver_sql("PRAGMA cache_size=-262144")
