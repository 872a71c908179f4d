"""Fixtures for the security and fault tests: migrated databases (SQLite file, PostgreSQL
database from a template migrated once per run) and the application's login role."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from counter_app import db

APP_ROLE = "counter_app_rw"


@pytest.fixture(scope="session")
def sec_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("security-template") / "head.sqlite3"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_head_url(sec_sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh SQLite database at the head revision."""
    target = tmp_path / "head.sqlite3"
    shutil.copyfile(sec_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def sec_pg_template(pg_server: Any) -> str:
    url = pg_server.create_database()
    db.upgrade(url)
    return str(url.split("@/", 1)[1].split("?", 1)[0])


@pytest.fixture
def pg_head_url(pg_server: Any, sec_pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the head revision (owner: the ``postgres`` superuser,
    as in a deployment where the migrations run as the owner)."""
    url = str(pg_server.create_database(template=sec_pg_template))
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def app_login_url(pg_server: Any, pg_head_url: str) -> Iterator[str]:
    """URL of ``pg_head_url`` as a fresh login role in ``counter_app_rw`` — what a
    workstation uses (docs/DEPLOYMENT.md). The throwaway server trusts local sockets, so the
    password is not checked; a deployment's is."""
    role = "counter_ws_" + uuid.uuid4().hex[:10]
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'unused-in-tests' IN ROLE {APP_ROLE}")
    yield make_url(pg_head_url).set(username=role).render_as_string(hide_password=False)
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {role}")
