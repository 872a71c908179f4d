"""Switching the database's own defences off for a test that tampers on purpose.

``migrations/versions/0004_database_defences.py`` makes ``audit_events`` append-only and
loss reports and forms undeletable, for every role. A test about *detecting* tampering (the
audit-chain verify tests) has to get past that first, the way an intruder with the owner's
rights would:

- SQLite: the ``*_refuse_*`` triggers are dropped inside the caller's transaction (SQLite
  DDL is transactional: a rollback brings them back; a commit removes them for good, which
  is fine for a throwaway test database).
- PostgreSQL: ``SET LOCAL session_replication_role = replica`` (superuser; ordinary
  triggers do not fire until the transaction ends).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

#: SQLite triggers installed by revision 0004 are named ``<table>_refuse_<operation>``.
_SQLITE_TRIGGERS = (
    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_refuse\\_%' "
    "ESCAPE '\\'"
)


def defence_triggers(conn: Connection) -> list[str]:
    """Names of the protective triggers present (both back ends), sorted."""
    if conn.dialect.name == "sqlite":
        return sorted(str(n) for n in conn.execute(text(_SQLITE_TRIGGERS)).scalars())
    rows = conn.execute(
        text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE '%\\_refuse\\_%'"
        )
    ).scalars()
    return sorted(str(n) for n in rows)


def suspend_defences(conn: Connection) -> None:
    """Within ``conn``'s open transaction, let UPDATE/DELETE through on the protected tables.

    Call right after ``conn.begin()``; the effect ends with the transaction on PostgreSQL,
    and on SQLite when it is rolled back.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        return
    for name in defence_triggers(conn):
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}"')
