"""Alembic environment: runs migrations on the engine given by ``counter_app.db`` (or one
built from ``sqlalchemy.url`` / the settings), with batch mode for SQLite and type
comparison on, so ``alembic check`` / ``counter-admin db check`` catch every drift."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from counter_app.db import create_engine_for
from counter_app.models import Base
from counter_app.settings import load_settings
from migrations.compare import compare_options

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    return url or load_settings().database_url()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, **compare_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, **compare_options()
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    engine = config.attributes.get("engine")
    owned = not isinstance(engine, Engine)
    if owned:
        engine = create_engine_for(_url())
    assert isinstance(engine, Engine)
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
