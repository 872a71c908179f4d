"""audit chains per workstation and city seals (no city-wide hot row)

Until now every audited action locked the one ``audit_chain_head`` row; from here each
workstation appends to its own chain (``audit_chains`` holds one head per chain) and a
sealer binds all heads under a Merkle root in ``audit_seals`` / ``audit_seal_heads``
(docs/SCALING.md "Audit trail"). ``audit_chain_head`` keeps its one row, now naming the
newest seal.

Existing databases: every existing event becomes part of the chain ``legacy`` at its old
position (``chain_seq = seq``); the hashes are unchanged and still verify (the legacy
chain's genesis is the old all-zero hash). The old chain head becomes the legacy chain's
head; existing day checkpoints keep naming legacy events (``kind = 'event'``). ``seq``
stays the primary key, assigned by the database from here on (a PostgreSQL sequence, the
rowid on SQLite): a row number, no longer gap-free — the chains are.

Defences as revision 0004: ``audit_seals`` and ``audit_seal_heads`` append-only,
``audit_chains`` undeletable (its rows are moved by appends); on PostgreSQL the trigger
function of 0004 and GRANTs to ``counter_app_rw`` (SELECT, INSERT on the seal tables,
SELECT, INSERT, UPDATE on ``audit_chains``, USAGE on the new sequence).

The migration rewrites ``audit_events`` once (to fill ``chain_seq``) with the UPDATE
trigger off inside the migration's transaction.

Revision ID: 0006_audit_chains
Revises: 0005_rules_hardening
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_audit_chains"
down_revision: str | Sequence[str] | None = "0005_rules_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "counter_app_rw"
REFUSE_FUNCTION = "counter_refuse_change"  # created by 0004
GENESIS = "0" * 64
LEGACY = "legacy"
SEQUENCE = "audit_events_seq_seq"

#: table -> operations refused (PostgreSQL adds TRUNCATE), as in revision 0004.
PROTECTED: dict[str, tuple[str, ...]] = {
    "audit_seals": ("UPDATE", "DELETE"),
    "audit_seal_heads": ("UPDATE", "DELETE"),
    "audit_chains": ("DELETE",),
}
GRANTS: dict[str, str] = {
    "audit_seals": "SELECT, INSERT",
    "audit_seal_heads": "SELECT, INSERT",
    "audit_chains": "SELECT, INSERT, UPDATE",
}
_SQLITE_MESSAGES = {
    "UPDATE": "审计记录只能追加，不能修改（{table}）",
    "DELETE": "不允许删除（{table}）：审计、挂失和表单记录只能追加或改状态",
}

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _sqlite_trigger(table: str, operation: str) -> str:
    message = _SQLITE_MESSAGES[operation].format(table=table).replace("'", "''")
    return (
        f"CREATE TRIGGER {table}_refuse_{operation.lower()} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "audit_chains",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("last_seq", BigId, nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_audit_chains")),
    )
    op.create_table(
        "audit_seals",
        sa.Column("id", BigId, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("chains", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id >= 1", name=op.f("ck_audit_seals_id_positive")),
        sa.CheckConstraint("kind IN ('heads', 'day')", name=op.f("ck_audit_seals_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_seals")),
        sa.UniqueConstraint("day", name=op.f("uq_audit_seals_day")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_seals_hash")),
    )
    op.create_table(
        "audit_seal_heads",
        sa.Column("seal_id", BigId, nullable=False),
        sa.Column("chain", sa.String(length=32), nullable=False),
        sa.Column("chain_seq", BigId, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["seal_id"], ["audit_seals.id"], name=op.f("fk_audit_seal_heads_seal_id_audit_seals")
        ),
        sa.PrimaryKeyConstraint("seal_id", "chain", name=op.f("pk_audit_seal_heads")),
    )
    # Existing events: the legacy chain, at their old positions (no table rebuild on SQLite:
    # columns added with a default, so the 0004 triggers stay in place).
    op.add_column(
        "audit_events",
        sa.Column("chain", sa.String(length=32), nullable=False, server_default=LEGACY),
    )
    op.add_column("audit_events", sa.Column("chain_seq", BigId, nullable=False, server_default="0"))
    op.add_column(
        "audit_checkpoints",
        sa.Column("kind", sa.String(length=8), nullable=False, server_default="event"),
    )
    if dialect == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_refuse_change")
        op.execute("UPDATE audit_events SET chain_seq = seq")
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_refuse_change")
        op.execute("ALTER TABLE audit_events ALTER COLUMN chain DROP DEFAULT")
        op.execute("ALTER TABLE audit_events ALTER COLUMN chain_seq DROP DEFAULT")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_refuse_update")
        op.execute("UPDATE audit_events SET chain_seq = seq")
        op.execute(_sqlite_trigger("audit_events", "UPDATE"))
    op.create_index(
        "ux_audit_events_chain_chain_seq", "audit_events", ["chain", "chain_seq"], unique=True
    )
    # The old single head becomes the legacy chain's head; the head row names seals now.
    op.execute(
        f"INSERT INTO audit_chains (name, last_seq, last_hash) "
        f"SELECT '{LEGACY}', last_seq, last_hash FROM audit_chain_head "
        f"WHERE id = 1 AND last_seq > 0"
    )
    op.execute(f"UPDATE audit_chain_head SET last_seq = 0, last_hash = '{GENESIS}' WHERE id = 1")
    if dialect == "postgresql":
        _upgrade_postgresql()
    else:
        for table, operations in PROTECTED.items():
            for operation in operations:
                op.execute(_sqlite_trigger(table, operation))


def _upgrade_postgresql() -> None:
    # seq from a sequence: no lock, no hot row (gaps allowed: positions live in the chains).
    op.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY audit_events.seq")
    op.execute(
        f"SELECT setval('{SEQUENCE}', COALESCE((SELECT max(seq) FROM audit_events), 0) + 1, false)"
    )
    op.execute(f"ALTER TABLE audit_events ALTER COLUMN seq SET DEFAULT nextval('{SEQUENCE}')")
    for table, operations in PROTECTED.items():
        events = " OR ".join((*operations, "TRUNCATE"))
        op.execute(
            f"CREATE TRIGGER {table}_refuse_change BEFORE {events} ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {REFUSE_FUNCTION}()"
        )
    op.execute(
        f"""
        DO $do$
        BEGIN
            IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{APP_ROLE}') THEN
                {" ".join(f"GRANT {p} ON {t} TO {APP_ROLE};" for t, p in GRANTS.items())}
                GRANT USAGE ON SEQUENCE {SEQUENCE} TO {APP_ROLE};
            END IF;
        END
        $do$
        """
    )


def downgrade() -> None:
    """Back to one chain: only when every event is still in the legacy chain."""
    bind = op.get_bind()
    dialect = bind.dialect.name
    others = bind.execute(
        sa.text(f"SELECT count(*) FROM audit_events WHERE chain <> '{LEGACY}'")
    ).scalar_one()
    if others:
        raise RuntimeError(
            "audit events of workstation chains exist; they cannot be merged "
            "back into one chain (restore a backup instead)"
        )
    op.execute(
        "UPDATE audit_chain_head SET "
        f"last_seq = COALESCE((SELECT last_seq FROM audit_chains WHERE name = '{LEGACY}'), 0), "
        f"last_hash = COALESCE((SELECT last_hash FROM audit_chains WHERE name = '{LEGACY}'), "
        f"'{GENESIS}') WHERE id = 1"
    )
    op.drop_index("ux_audit_events_chain_chain_seq", table_name="audit_events")
    if dialect == "postgresql":
        for table in PROTECTED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_change ON {table}")
        op.execute("ALTER TABLE audit_events ALTER COLUMN seq DROP DEFAULT")
        op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
    else:
        for table, operations in PROTECTED.items():
            for operation in operations:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_{operation.lower()}")
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): no rebuild, the 0004 triggers stay.
    op.execute("ALTER TABLE audit_checkpoints DROP COLUMN kind")
    op.execute("ALTER TABLE audit_events DROP COLUMN chain_seq")
    op.execute("ALTER TABLE audit_events DROP COLUMN chain")
    op.drop_table("audit_seal_heads")
    op.drop_table("audit_seals")
    op.drop_table("audit_chains")
