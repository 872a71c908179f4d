"""the city tier's server role; card and loss-report state changes need their audit event

In a city the workstations hold no database login at all: ``counter-server`` does
(docs/DEPLOYMENT.md). This revision gives it a group role and makes the database refuse,
for that role too, the silent state change:

- ``counter_server``: NOLOGIN group role, member of ``counter_app_rw`` (revision 0004), so
  it has exactly the application's privileges and every later GRANT to ``counter_app_rw``:
  SELECT and INSERT on the audit tables, no UPDATE or DELETE on any of them (the chain
  heads ``audit_chains`` / ``audit_chain_head`` are moved by appends and cannot be deleted),
  no DELETE or TRUNCATE anywhere, owns nothing. The DBA creates the login role the server
  processes use ``IN ROLE counter_server``. Created only if missing (roles are cluster-wide).
- A deferred constraint trigger on ``cards`` and on ``loss_reports``: at commit, a change
  of ``state`` must have an audit event **for that card written in the same transaction**
  (``audit_events.xmin`` is the transaction's id), else the commit fails with SQLSTATE
  42501 and a Chinese message. The services always audit a state change in the unit of
  work that makes it (RULES L/U/R, Q7), so they never meet it; ``UPDATE loss_reports SET
  state = 'lifted'`` plus ``UPDATE cards SET state = 'active'`` with a stolen login does.
  Superusers (the DBA, migrations) are not checked: they can switch triggers off anyway;
  what they do shows in the server log. The check compares with the top-level transaction
  id (the services use no savepoints), and names the audit table with its schema under
  ``search_path = pg_catalog``, so a temporary table of the same name cannot stand in.

- The same for ``staff``: a change of ``role``, ``password_hash`` or ``active`` commits only
  with a ``staff.*`` audit event written in the same transaction (login with a re-hash,
  password change or reset, disable — the services audit each in its unit of work). The
  audit row names the acting staff member, not the target, so the match is by action;
  raising a clerk to admin with a stolen login now at least leaves its event in the trail.

SQLite (the embedded single machine) has no roles and no server; nothing changes there.

Revision ID: 0008_server_role
Revises: 0007_cases_ratings
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_server_role"
down_revision: str | Sequence[str] | None = "0007_cases_ratings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "counter_app_rw"
SERVER_ROLE = "counter_server"
AUDIT_FUNCTION = "counter_require_state_audit"
STAFF_FUNCTION = "counter_require_staff_audit"
#: table -> the column naming the card whose audit event must exist.
STATE_TABLES: dict[str, str] = {"cards": "id", "loss_reports": "card_id"}


def trigger_name(table: str) -> str:
    return f"{table}_require_audit"


def _schema() -> str:
    """The quoted schema of the tables (``public`` when writing offline SQL), as 0004."""
    if op.get_context().as_sql:
        return "public"
    bind = op.get_bind()
    name = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    return str(bind.dialect.identifier_preparer.quote(str(name)))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _schema()
    op.execute(
        f"""
        DO $do$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{SERVER_ROLE}') THEN
                CREATE ROLE {SERVER_ROLE} NOLOGIN;
            END IF;
        END
        $do$
        """
    )
    op.execute(f"GRANT {APP_ROLE} TO {SERVER_ROLE}")
    op.execute(
        f"""
        CREATE FUNCTION {schema}.{AUDIT_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
        DECLARE
            card bigint;
        BEGIN
            IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
                RETURN NULL;
            END IF;
            -- Two branches, not one CASE: PL/pgSQL plans a CASE with both fields, and a
            -- cards row has no card_id.
            IF TG_TABLE_NAME = 'cards' THEN
                card := NEW.id;
            ELSE
                card := NEW.card_id;
            END IF;
            IF NOT EXISTS (
                SELECT 1 FROM {schema}.audit_events e
                WHERE e.card_id = card
                  AND e.xmin::text = (pg_catalog.pg_current_xact_id()::text::bigint
                                      % 4294967296)::text
            ) THEN
                RAISE EXCEPTION USING
                    ERRCODE = 'insufficient_privilege',
                    MESSAGE = format('%s 的状态变更没有同一事务中的审计记录，已拒绝'
                                     '（卡 %s）：状态只能经业务服务办理', TG_TABLE_NAME, card),
                    HINT = 'every card or loss-report state change is audited in its transaction';
            END IF;
            RETURN NULL;
        END
        $fn$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION {schema}.{STAFF_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
        BEGIN
            IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
                RETURN NULL;
            END IF;
            IF NOT EXISTS (
                SELECT 1 FROM {schema}.audit_events e
                WHERE e.action LIKE 'staff.%'
                  AND e.xmin::text = (pg_catalog.pg_current_xact_id()::text::bigint
                                      % 4294967296)::text
            ) THEN
                RAISE EXCEPTION USING
                    ERRCODE = 'insufficient_privilege',
                    MESSAGE = format('工作人员账户（%s）的岗位、密码或启用状态变更没有同一事务中的'
                                     '审计记录，已拒绝：只能经业务服务办理', NEW.staff_no),
                    HINT = 'staff role, password and active changes are audited';
            END IF;
            RETURN NULL;
        END
        $fn$
        """
    )
    op.execute(
        f"CREATE CONSTRAINT TRIGGER {trigger_name('staff')} "
        "AFTER UPDATE OF role, password_hash, active ON staff "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.password_hash IS DISTINCT FROM "
        "NEW.password_hash OR OLD.active IS DISTINCT FROM NEW.active) "
        f"EXECUTE FUNCTION {schema}.{STAFF_FUNCTION}()"
    )
    for table in STATE_TABLES:
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {trigger_name(table)} AFTER UPDATE OF state ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "WHEN (OLD.state IS DISTINCT FROM NEW.state) "
            f"EXECUTE FUNCTION {schema}.{AUDIT_FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in (*STATE_TABLES, "staff"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {_schema()}.{AUDIT_FUNCTION}()")
    op.execute(f"DROP FUNCTION IF EXISTS {_schema()}.{STAFF_FUNCTION}()")
    op.execute(f"REVOKE {APP_ROLE} FROM {SERVER_ROLE}")
