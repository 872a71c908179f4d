"""database defences (docs/RELIABILITY.md): append-only audit, undeletable reports, app role

What the database refuses by itself, whoever connects:

- ``audit_events``, ``audit_checkpoints``: UPDATE, DELETE, TRUNCATE (append-only; the
  chain is verified by ``services/audit.py``, this makes the quiet rewrite impossible for
  anyone short of the table owner switching triggers off — itself visible in the server log).
- ``audit_chain_head``: DELETE, TRUNCATE (its one row is moved by every append).
- ``loss_reports``, ``form_documents``, ``form_contents``: DELETE, TRUNCATE. A loss report
  changes state by UPDATE (lifted, lapsed, replaced — RULES L/U/R), never disappears; an
  issued form and what was printed on it stay for reprints and checks (L3, L4).

PostgreSQL: statement-level ``BEFORE`` triggers calling ``counter_refuse_change()``
(SQLSTATE 42501, a Chinese message naming the table and operation), and the NOLOGIN group
role ``counter_app_rw`` the workstations log in through (docs/DEPLOYMENT.md):
SELECT+INSERT on the audit tables, SELECT+UPDATE on the chain head, SELECT on
``alembic_version``, SELECT+INSERT+UPDATE on every other table, USAGE on the sequences;
no DELETE or TRUNCATE anywhere, owns nothing, not a superuser. The role is created only if
missing (roles belong to the cluster; a DBA may have created it already, then the owner
running migrations needs no CREATEROLE).

SQLite: ``BEFORE UPDATE`` / ``BEFORE DELETE`` triggers with ``RAISE(ABORT, …)`` on the same
tables (SQLite has no TRUNCATE — ``DELETE`` without ``WHERE`` fires the trigger — and no
roles).

A later revision that creates a table must GRANT it to ``counter_app_rw``
(``tests/security/test_db_defences.py`` checks every table at head). On SQLite,
``batch_alter_table`` on a protected table re-creates it and drops its triggers: such a
revision must create them again (the same test checks they exist at head).

Revision ID: 0004_database_defences
Revises: 0003_form_contents
Create Date: 2026-11-22 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_database_defences"
down_revision: str | Sequence[str] | None = "0003_form_contents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "counter_app_rw"
REFUSE_FUNCTION = "counter_refuse_change"

#: table -> operations refused (PostgreSQL adds TRUNCATE to every table listed here).
PROTECTED: dict[str, tuple[str, ...]] = {
    "audit_events": ("UPDATE", "DELETE"),
    "audit_checkpoints": ("UPDATE", "DELETE"),
    "audit_chain_head": ("DELETE",),
    "loss_reports": ("DELETE",),
    "form_documents": ("DELETE",),
    "form_contents": ("DELETE",),
}

#: Privileges of the application role where they differ from SELECT, INSERT, UPDATE.
SPECIAL_GRANTS: dict[str, str] = {
    "audit_events": "SELECT, INSERT",
    "audit_checkpoints": "SELECT, INSERT",
    "audit_chain_head": "SELECT, UPDATE",
    "alembic_version": "SELECT",
}
DEFAULT_GRANT = "SELECT, INSERT, UPDATE"

_SQLITE_MESSAGES = {
    "UPDATE": "审计记录只能追加，不能修改（{table}）",
    "DELETE": "不允许删除（{table}）：审计、挂失和表单记录只能追加或改状态",
}


def trigger_name(table: str, operation: str) -> str:
    """Name of the SQLite trigger refusing ``operation`` on ``table``."""
    return f"{table}_refuse_{operation.lower()}"


def pg_trigger_name(table: str) -> str:
    """Name of the PostgreSQL trigger on ``table``."""
    return f"{table}_refuse_change"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _upgrade_postgresql()
    elif bind.dialect.name == "sqlite":
        _upgrade_sqlite()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _downgrade_postgresql()
    elif bind.dialect.name == "sqlite":
        for table, operations in PROTECTED.items():
            for operation in operations:
                op.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table, operation)}")


# --------------------------------------------------------------------------- SQLite


def _upgrade_sqlite() -> None:
    for table, operations in PROTECTED.items():
        for operation in operations:
            message = _SQLITE_MESSAGES[operation].format(table=table).replace("'", "''")
            op.execute(
                f"CREATE TRIGGER {trigger_name(table, operation)} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


# --------------------------------------------------------------------------- PostgreSQL


def _schema() -> str:
    """The quoted schema the tables live in (``public`` when writing offline SQL)."""
    if op.get_context().as_sql:
        return "public"
    bind = op.get_bind()
    name = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    return str(bind.dialect.identifier_preparer.quote(str(name)))


def _upgrade_postgresql() -> None:
    schema = _schema()
    op.execute(
        f"""
        CREATE FUNCTION {schema}.{REFUSE_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
        BEGIN
            RAISE EXCEPTION USING
                ERRCODE = 'insufficient_privilege',
                MESSAGE = format('不允许对表 %s 执行 %s：审计记录只能追加，'
                                 '挂失记录和表单只能改状态、不能删除', TG_TABLE_NAME, TG_OP),
                HINT = 'counter-app docs/RELIABILITY.md: the database refuses this for every role';
        END
        $fn$
        """
    )
    for table, operations in PROTECTED.items():
        events = " OR ".join((*operations, "TRUNCATE"))
        op.execute(
            f"CREATE TRIGGER {pg_trigger_name(table)} BEFORE {events} ON {schema}.{table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{REFUSE_FUNCTION}()"
        )
    # The group role: cluster-wide, so created only when missing (and a concurrent
    # migration of another database creating it at the same moment is no error).
    op.execute(
        f"""
        DO $do$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
                    NOREPLICATION NOBYPASSRLS;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END
        $do$
        """
    )
    op.execute(
        f"DO $do$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {APP_ROLE}', "
        f"current_database()); END $do$"
    )
    op.execute(f"GRANT USAGE ON SCHEMA {schema} TO {APP_ROLE}")
    op.execute(f"GRANT {DEFAULT_GRANT} ON ALL TABLES IN SCHEMA {schema} TO {APP_ROLE}")
    for table, privileges in SPECIAL_GRANTS.items():
        op.execute(f"REVOKE ALL ON {schema}.{table} FROM {APP_ROLE}")
        op.execute(f"GRANT {privileges} ON {schema}.{table} TO {APP_ROLE}")
    op.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {APP_ROLE}")


def _downgrade_postgresql() -> None:
    schema = _schema()
    for table in PROTECTED:
        op.execute(f"DROP TRIGGER IF EXISTS {pg_trigger_name(table)} ON {schema}.{table}")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.{REFUSE_FUNCTION}()")
    # Take back what this revision granted in this database; the role itself goes only when
    # nothing else needs it (other databases of the cluster, or login roles in it).
    op.execute(
        f"""
        DO $do$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{APP_ROLE}') THEN
                RETURN;
            END IF;
            EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {APP_ROLE}';
            EXECUTE 'REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {APP_ROLE}';
            EXECUTE 'REVOKE ALL ON SCHEMA {schema} FROM {APP_ROLE}';
            EXECUTE format('REVOKE ALL ON DATABASE %I FROM {APP_ROLE}', current_database());
            IF EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                       JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
                       WHERE r.rolname = '{APP_ROLE}') THEN
                RAISE NOTICE 'role {APP_ROLE} kept: login roles are still members of it';
                RETURN;
            END IF;
            BEGIN
                EXECUTE 'DROP ROLE {APP_ROLE}';
            EXCEPTION WHEN dependent_objects_still_exist THEN
                RAISE NOTICE 'role {APP_ROLE} kept: it holds privileges in another database';
            END;
        END
        $do$
        """
    )
