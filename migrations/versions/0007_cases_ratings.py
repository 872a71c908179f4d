"""service cases and the holder's rating (RULES E1-E4): models/case.py

Four tables: ``case_counters`` (gap-free case sequence per office and day),
``service_cases`` (办件), ``case_ratings`` (好差评, one per case) and ``case_followups``
(整改 of a poor rating).

Defences, as revision 0004 does for its tables (same trigger names, same refusal function):

- ``case_ratings``: append-only. A holder's rating is never changed or removed — UPDATE and
  DELETE (and TRUNCATE on PostgreSQL) refused for every role; the application role holds
  SELECT and INSERT only.
- ``service_cases``, ``case_followups``: undeletable. A case is closed and a follow-up is
  closed by UPDATE; neither disappears.
- ``case_counters``: ordinary (its row is moved by every new case, like form serials).

PostgreSQL: every new table is GRANTed to ``counter_app_rw`` (0004's docstring), and the
new id sequences get USAGE.

Revision ID: 0007_cases_ratings
Revises: 0006_audit_chains
Create Date: 2026-12-07 05:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_cases_ratings"
down_revision: str | Sequence[str] | None = "0006_audit_chains"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "counter_app_rw"
REFUSE_FUNCTION = "counter_refuse_change"

#: table -> operations refused (PostgreSQL adds TRUNCATE to every table listed here).
PROTECTED: dict[str, tuple[str, ...]] = {
    "case_ratings": ("UPDATE", "DELETE"),
    "service_cases": ("DELETE",),
    "case_followups": ("DELETE",),
}
#: Privileges of the application role on the new tables.
GRANTS: dict[str, str] = {
    "case_counters": "SELECT, INSERT, UPDATE",
    "service_cases": "SELECT, INSERT, UPDATE",
    "case_followups": "SELECT, INSERT, UPDATE",
    "case_ratings": "SELECT, INSERT",
}
_SQLITE_MESSAGES = {
    "UPDATE": "评价记录只能追加，不能修改（{table}）",
    "DELETE": "不允许删除（{table}）：办件、评价和整改记录只能追加或改状态",
}


def upgrade() -> None:
    _create_tables()
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _upgrade_postgresql()
    elif bind.dialect.name == "sqlite":
        for table, operations in PROTECTED.items():
            for operation in operations:
                message = _SQLITE_MESSAGES[operation].format(table=table).replace("'", "''")
                op.execute(
                    f"CREATE TRIGGER {table}_refuse_{operation.lower()} BEFORE {operation} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = _schema()
        for table in PROTECTED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_change ON {schema}.{table}")
    elif bind.dialect.name == "sqlite":
        for table, operations in PROTECTED.items():
            for operation in operations:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_{operation.lower()}")
    op.drop_table("case_ratings")
    with op.batch_alter_table("case_followups", schema=None) as batch_op:
        batch_op.drop_index("ix_case_followups_office_id_closed_at_due_date")
    op.drop_table("case_followups")
    with op.batch_alter_table("service_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_service_cases_workstation_closed_at")
        batch_op.drop_index("ix_service_cases_staff_id_day")
        batch_op.drop_index("ix_service_cases_office_id_day")
        batch_op.drop_index(batch_op.f("ix_service_cases_holder_id"))
    op.drop_table("service_cases")
    op.drop_table("case_counters")


def _schema() -> str:
    """The quoted schema the tables live in (``public`` when writing offline SQL)."""
    if op.get_context().as_sql:
        return "public"
    bind = op.get_bind()
    name = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    return str(bind.dialect.identifier_preparer.quote(str(name)))


def _upgrade_postgresql() -> None:
    schema = _schema()
    for table, operations in PROTECTED.items():
        events = " OR ".join((*operations, "TRUNCATE"))
        op.execute(
            f"CREATE TRIGGER {table}_refuse_change BEFORE {events} ON {schema}.{table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{REFUSE_FUNCTION}()"
        )
    for table, privileges in GRANTS.items():
        op.execute(f"GRANT {privileges} ON {schema}.{table} TO {APP_ROLE}")
    op.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {APP_ROLE}")


def _create_tables() -> None:
    op.create_table(
        "case_counters",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "last_sequence >= 0", name=op.f("ck_case_counters_last_sequence_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_case_counters_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("office_id", "day", name=op.f("pk_case_counters")),
    )
    op.create_table(
        "service_cases",
        sa.Column("case_no", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("workstation", sa.String(length=32), nullable=True),
        sa.Column("queue_ticket", sa.String(length=20), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=16), nullable=True),
        sa.Column("items", sa.JSON(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "close_reason IN ('done', 'card_removed', 'recovered')",
            name=op.f("ck_service_cases_close_reason"),
        ),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_service_cases_sequence_positive")),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_service_cases_holder_id_holders")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_service_cases_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["holder_sessions.id"],
            name=op.f("fk_service_cases_session_id_holder_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_service_cases_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_cases")),
        sa.UniqueConstraint("case_no", name=op.f("uq_service_cases_case_no")),
        sa.UniqueConstraint(
            "office_id", "day", "sequence", name=op.f("uq_service_cases_office_id_day_sequence")
        ),
        sa.UniqueConstraint("session_id", name=op.f("uq_service_cases_session_id")),
    )
    with op.batch_alter_table("service_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_cases_holder_id"), ["holder_id"], unique=False)
        batch_op.create_index("ix_service_cases_office_id_day", ["office_id", "day"], unique=False)
        batch_op.create_index("ix_service_cases_staff_id_day", ["staff_id", "day"], unique=False)
        batch_op.create_index(
            "ix_service_cases_workstation_closed_at", ["workstation", "closed_at"], unique=False
        )
    op.create_table(
        "case_followups",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("action_taken", sa.String(length=500), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(closed_at IS NULL) OR (closed_by IS NOT NULL AND action_taken IS NOT NULL "
            "AND outcome IS NOT NULL)",
            name=op.f("ck_case_followups_closed_with_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["service_cases.id"], name=op.f("fk_case_followups_case_id_service_cases")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["staff.id"], name=op.f("fk_case_followups_closed_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_case_followups_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_followups")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_followups_case_id")),
    )
    with op.batch_alter_table("case_followups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_followups_office_id_closed_at_due_date",
            ["office_id", "closed_at", "due_date"],
            unique=False,
        )
    op.create_table(
        "case_ratings",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("reasons", sa.String(length=80), nullable=True),
        sa.Column("comment", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "level IN ('very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', "
            "'very_dissatisfied', 'unrated')",
            name=op.f("ck_case_ratings_level"),
        ),
        sa.CheckConstraint(
            "source IN ('screen', 'device', 'timeout')", name=op.f("ck_case_ratings_source")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["service_cases.id"], name=op.f("fk_case_ratings_case_id_service_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_ratings")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_ratings_case_id")),
    )
