"""Alembic is the only path to the schema: empty → head → base → head on
SQLite and PostgreSQL, and the migrations produce exactly what the models describe."""

from __future__ import annotations

from sqlalchemy import inspect, text

from counter_app import db
from counter_app.cli.main import main
from counter_app.models import Base


def _tables(url: str) -> set[str]:
    engine = db.create_engine_for(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_empty_head_base_head(db_url: str) -> None:
    assert db.current_revision(db_url) is None
    db.upgrade(db_url)
    assert db.current_revision(db_url) == db.head_revision()
    assert _tables(db_url) == set(Base.metadata.tables)
    db.downgrade(db_url, "base")
    assert db.current_revision(db_url) is None
    assert _tables(db_url) == set()
    db.upgrade(db_url)
    assert _tables(db_url) == set(Base.metadata.tables)


def test_no_drift_between_models_and_migrations(migrated_url: str) -> None:
    assert db.check(migrated_url) == []


def test_audit_chain_head_row_exists_after_upgrade(migrated_url: str) -> None:
    engine = db.create_engine_for(migrated_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT id, last_seq, last_hash FROM audit_chain_head")).one()
    finally:
        engine.dispose()
    assert tuple(row) == (1, 0, "0" * 64)


def test_cli_db_upgrade_check_downgrade(db_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert main(["db", "check", "--db", db_url]) == 0
    assert "no drift" in capsys.readouterr().out
    assert main(["db", "downgrade", "base", "--db", db_url]) == 0
    assert db.current_revision(db_url) is None


def test_cli_db_check_without_database_uses_scratch_sqlite() -> None:
    assert main(["db", "check"]) == 0
