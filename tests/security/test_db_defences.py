"""A database that defends itself (RELIABILITY.md; migrations/versions/0004_database_defences).

PostgreSQL: a workstation's login role in ``counter_app_rw`` cannot change or remove audit
events, cannot remove loss reports or forms, can append to the audit chain and run a whole
counter transaction, is no superuser and owns nothing. The triggers refuse the same
changes to the owner. SQLite: the triggers refuse UPDATE/DELETE on the audit tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from counter_app import db
from counter_app.models import Base
from counter_app.services import audit, written_reports
from tests.id_documents import manual_doc
from tests.security.conftest import APP_ROLE
from tests.security.defences import defence_triggers, suspend_defences
from tests.services_b.conftest import build_world

AUDIT_TABLES = ("audit_events", "audit_checkpoints", "audit_seals", "audit_seal_heads")
UNDELETABLE = (
    "loss_reports",
    "form_documents",
    "form_contents",
    "audit_chain_head",
    "audit_chains",
)
#: Revision 0007 (RULES E1-E3): ratings are append-only, cases and follow-ups undeletable.
CASE_APPEND_ONLY = ("case_ratings",)
CASE_UNDELETABLE = ("service_cases", "case_followups")
#: Every trigger revisions 0004, 0006 and 0007 install on SQLite.
SQLITE_TRIGGERS = sorted(
    [f"{t}_refuse_{op}" for t in (*AUDIT_TABLES, *CASE_APPEND_ONLY) for op in ("update", "delete")]
    + [f"{t}_refuse_delete" for t in (*UNDELETABLE, *CASE_UNDELETABLE)]
)
PG_TRIGGERS = sorted(
    f"{t}_refuse_change"
    for t in (*AUDIT_TABLES, *UNDELETABLE, *CASE_APPEND_ONLY, *CASE_UNDELETABLE)
)


@pytest.fixture
def engine_factory() -> Iterator[list[Engine]]:
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        engine.dispose()


def _engine(engines: list[Engine], url: str) -> Engine:
    engine = db.create_engine_for(url, lock_timeout_ms=2000)
    engines.append(engine)
    return engine


def _append_events(engine: Engine, n: int = 3) -> None:
    """``n`` audit events through the service, committed (writer sessions)."""
    factory = db.session_factory(engine)
    for i in range(n):
        with factory() as session:
            audit.record(session, None, "record.view", details={"i": i}, workstation="WS-T")
            session.commit()


def _refused(engine: Engine, sql: str) -> sa_exc.DBAPIError:
    """Run ``sql`` in its own transaction; it must fail. Returns the error."""
    with pytest.raises(sa_exc.DBAPIError) as info, engine.begin() as conn:
        conn.execute(text(sql))
    return info.value


def _sqlstate(error: sa_exc.DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _one_loss_report(url: str) -> None:
    """A small world and one written loss report in it, made through the services."""
    world = build_world("postgresql" if url.startswith("postgresql") else "sqlite", url, 3)
    try:
        h = world.holders["h001"]
        details = written_reports.WrittenLossInput(
            "13883251234",
            dt.date(2026, 3, 1),
            "解放碑",
            "乘车时遗失",
            manual_doc(h.ssn),
        )
        result = written_reports.register_written_loss(
            world.ctx, world.actors["yb103"], h.holder_id, details, "defences-0001"
        )
        assert result.serial and not result.already_done
    finally:
        world.engine.dispose()


# --------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_app_role_is_not_superuser_and_owns_nothing(
    app_login_url: str, engine_factory: list[Engine]
) -> None:
    engine = _engine(engine_factory, app_login_url)
    with engine.connect() as conn:
        me = conn.execute(text("SELECT current_user")).scalar_one()
        assert me.startswith("counter_ws_")
        rows = conn.execute(
            text(
                "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication"
                " FROM pg_roles WHERE rolname IN (current_user, :group)"
            ),
            {"group": APP_ROLE},
        ).all()
        assert {r.rolname for r in rows} == {me, APP_ROLE}
        for row in rows:
            assert not any(row[1:]), row
        assert conn.execute(
            text("SELECT pg_has_role(current_user, :g, 'USAGE')"), {"g": APP_ROLE}
        ).scalar_one()
        owned = conn.execute(
            text(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname IN (current_user, :g)"
            ),
            {"g": APP_ROLE},
        ).scalar_one()
        assert owned == 0
        owned_schemas = conn.execute(
            text(
                "SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner "
                "WHERE r.rolname IN (current_user, :g)"
            ),
            {"g": APP_ROLE},
        ).scalar_one()
        assert owned_schemas == 0
        # Not the owner of the tables: it cannot switch the triggers off.
    error = _refused(engine, "ALTER TABLE audit_events DISABLE TRIGGER USER")
    assert _sqlstate(error) == "42501"


@pytest.mark.postgres
@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET hash = hash",
        "DELETE FROM {t}",
        "TRUNCATE {t}",
        "TRUNCATE {t} CASCADE",
    ],
)
def test_app_role_cannot_change_audit(
    pg_head_url: str,
    app_login_url: str,
    engine_factory: list[Engine],
    table: str,
    statement: str,
) -> None:
    owner = _engine(engine_factory, pg_head_url)
    _append_events(owner)
    with owner.begin() as conn:
        audit.checkpoint_day(Session(bind=conn), dt.date(2099, 1, 1))
    app = _engine(engine_factory, app_login_url)
    error = _refused(app, statement.format(t=table))
    assert _sqlstate(error) == "42501"  # insufficient_privilege
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 3
        assert audit.verify_chain(Session(bind=conn)).ok


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["loss_reports", "form_documents", "form_contents"])
@pytest.mark.parametrize("statement", ["DELETE FROM {t}", "TRUNCATE {t}", "TRUNCATE {t} CASCADE"])
def test_app_role_cannot_delete_reports_or_forms(
    pg_head_url: str,
    app_login_url: str,
    engine_factory: list[Engine],
    table: str,
    statement: str,
) -> None:
    _one_loss_report(app_login_url)  # made by the application role itself
    app = _engine(engine_factory, app_login_url)
    error = _refused(app, statement.format(t=table))
    assert _sqlstate(error) == "42501"
    with app.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1


@pytest.mark.postgres
def test_app_role_runs_a_counter_transaction_and_appends_audit(
    app_login_url: str, engine_factory: list[Engine]
) -> None:
    """Everything a written loss report touches (cards, reports, form serial upsert, forms,
    idempotency key, audit chain) works through ``counter_app_rw``; state changes of a loss
    report stay possible by UPDATE."""
    _one_loss_report(app_login_url)
    app = _engine(engine_factory, app_login_url)
    _append_events(app, 2)
    with app.begin() as conn:
        changed = conn.execute(text("UPDATE loss_reports SET state = state")).rowcount
        assert changed == 1
        assert audit.verify_chain(Session(bind=conn)).ok
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 3


@pytest.mark.postgres
def test_every_table_is_granted_as_designed(pg_head_url: str, engine_factory: list[Engine]) -> None:
    """A table added by a later revision without its GRANT fails here (and in production)."""
    special = {
        "audit_events": {"SELECT", "INSERT"},
        "audit_checkpoints": {"SELECT", "INSERT"},
        "audit_chain_head": {"SELECT", "UPDATE"},
        "audit_seals": {"SELECT", "INSERT"},
        "audit_seal_heads": {"SELECT", "INSERT"},
        "alembic_version": {"SELECT"},
        "case_ratings": {"SELECT", "INSERT"},
    }
    privileges = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
    owner = _engine(engine_factory, pg_head_url)
    with owner.connect() as conn:
        tables = set(
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
        )
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        for table in sorted(tables):
            held = {
                p
                for p in privileges
                if conn.execute(
                    text("SELECT has_table_privilege(:r, :t, :p)"),
                    {"r": APP_ROLE, "t": table, "p": p},
                ).scalar_one()
            }
            assert held == special.get(table, {"SELECT", "INSERT", "UPDATE"}), table
        sequences = list(
            conn.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            ).scalars()
        )
        assert sequences
        for seq in sequences:
            assert conn.execute(
                text("SELECT has_sequence_privilege(:r, :s, 'USAGE')"), {"r": APP_ROLE, "s": seq}
            ).scalar_one(), seq


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET reason = 'x'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "UPDATE audit_checkpoints SET hash = hash",
        "DELETE FROM audit_checkpoints",
        "DELETE FROM audit_chain_head",
        "DELETE FROM loss_reports",
        "TRUNCATE loss_reports CASCADE",
        "UPDATE audit_seals SET hash = hash",
        "DELETE FROM audit_seal_heads",
        "TRUNCATE audit_seals CASCADE",
        "DELETE FROM audit_chains",
        "TRUNCATE audit_chains",
        "DELETE FROM form_documents",
        "TRUNCATE form_documents CASCADE",
        "TRUNCATE holders CASCADE",  # cascades to loss_reports and audit-adjacent tables
    ],
)
def test_triggers_refuse_the_owner_too(
    pg_head_url: str, engine_factory: list[Engine], statement: str
) -> None:
    owner = _engine(engine_factory, pg_head_url)
    _append_events(owner)
    error = _refused(owner, statement)
    assert _sqlstate(error) == "42501"
    assert "不允许" in str(error.orig)
    with owner.connect() as conn:
        assert audit.verify_chain(Session(bind=conn)).ok
        assert defence_triggers(conn) == PG_TRIGGERS


@pytest.mark.postgres
def test_owner_may_still_change_loss_report_state(pg_head_url: str) -> None:
    _one_loss_report(pg_head_url)
    engine = db.create_engine_for(pg_head_url)
    try:
        with engine.begin() as conn:
            assert conn.execute(text("UPDATE loss_reports SET state = state")).rowcount == 1
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_pg_downgrade_removes_defences(pg_head_url: str, engine_factory: list[Engine]) -> None:
    db.downgrade(pg_head_url, "0003_form_contents")
    owner = _engine(engine_factory, pg_head_url)
    with owner.connect() as conn:
        assert defence_triggers(conn) == []
        functions = conn.execute(
            text("SELECT count(*) FROM pg_proc WHERE proname = 'counter_refuse_change'")
        ).scalar_one()
        assert functions == 0
        role_exists = conn.execute(
            text("SELECT count(*) FROM pg_roles WHERE rolname = :g"), {"g": APP_ROLE}
        ).scalar_one()
        if role_exists:  # kept for the other databases of the cluster; nothing granted here
            assert not conn.execute(
                text("SELECT has_table_privilege(:g, 'cards', 'SELECT')"), {"g": APP_ROLE}
            ).scalar_one()
    owner.dispose()
    db.upgrade(pg_head_url)
    with owner.connect() as conn:
        assert defence_triggers(conn) == PG_TRIGGERS


@pytest.mark.postgres
def test_pg_suspend_defences_is_local_to_the_transaction(
    pg_head_url: str, engine_factory: list[Engine]
) -> None:
    owner = _engine(engine_factory, pg_head_url)
    _append_events(owner)
    with owner.connect() as conn:
        trans = conn.begin()
        suspend_defences(conn)
        conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
        trans.rollback()
    _refused(owner, "DELETE FROM audit_events WHERE seq = 2")


# --------------------------------------------------------------------------- SQLite


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET reason = 'x'",
        "UPDATE audit_events SET hash = hash WHERE seq = 2",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE seq = 3",
        "UPDATE audit_checkpoints SET hash = hash",
        "DELETE FROM audit_checkpoints",
        "DELETE FROM audit_chain_head",
        "UPDATE audit_seals SET hash = hash",
        "DELETE FROM audit_seals",
        "UPDATE audit_seal_heads SET hash = hash",
        "DELETE FROM audit_seal_heads",
        "DELETE FROM audit_chains",
    ],
)
def test_sqlite_triggers_refuse_audit_changes(
    sqlite_head_url: str, engine_factory: list[Engine], statement: str
) -> None:
    engine = _engine(engine_factory, sqlite_head_url)
    _append_events(engine)
    with engine.begin() as conn:
        audit.checkpoint_day(Session(bind=conn), dt.date(2099, 1, 1))
    error = _refused(engine, statement)
    assert "不" in str(error.orig)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 3
        assert audit.verify_chain(Session(bind=conn)).ok


@pytest.mark.parametrize("table", ["loss_reports", "form_documents", "form_contents"])
def test_sqlite_triggers_refuse_deleting_reports_and_forms(
    sqlite_head_url: str, engine_factory: list[Engine], table: str
) -> None:
    _one_loss_report(sqlite_head_url)
    engine = _engine(engine_factory, sqlite_head_url)
    _refused(engine, f"DELETE FROM {table}")
    with engine.begin() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1
        if table == "loss_reports":  # state changes stay possible
            assert conn.execute(text("UPDATE loss_reports SET state = state")).rowcount == 1


def test_sqlite_triggers_present_at_head_and_removed_by_downgrade(
    sqlite_head_url: str, engine_factory: list[Engine]
) -> None:
    engine = _engine(engine_factory, sqlite_head_url)
    with engine.connect() as conn:
        assert defence_triggers(conn) == SQLITE_TRIGGERS
    engine.dispose()
    db.downgrade(sqlite_head_url, "0003_form_contents")
    with engine.connect() as conn:
        assert defence_triggers(conn) == []
    engine.dispose()
    db.upgrade(sqlite_head_url)
    with engine.connect() as conn:
        assert defence_triggers(conn) == SQLITE_TRIGGERS


def test_sqlite_suspend_defences_comes_back_on_rollback(
    sqlite_head_url: str, engine_factory: list[Engine]
) -> None:
    engine = _engine(engine_factory, sqlite_head_url)
    _append_events(engine)
    with engine.connect() as conn:
        trans = conn.begin()
        suspend_defences(conn)
        conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
        trans.rollback()
    _refused(engine, "DELETE FROM audit_events WHERE seq = 2")
    with engine.connect() as conn:
        assert defence_triggers(conn) == SQLITE_TRIGGERS
        assert audit.verify_chain(Session(bind=conn)).ok
