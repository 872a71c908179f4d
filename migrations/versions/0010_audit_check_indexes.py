"""the state-change checks find their audit event by index, newest first

Revision 0008's deferred triggers ask, at the commit of every card or loss-report state
change, whether *this card* has an audit event written in the same transaction, and at a
staff role/password/active change whether a ``staff.*`` event was. ``audit_events`` had no
index on ``card_id`` nor on the action, so each check read the whole audit trail: 1.3 ms at
14,000 events, seconds at a city's hundreds of millions — on every written loss report,
lift and replacement. And with an index, "any event of this transaction" still reads every
event of the card, or every ``staff.*`` event of the city (73 ms at 35,000 of them, growing
with every login that re-hashes a password). This revision:

- ``ix_audit_events_card_id`` (``card_id``, ``seq``): a card's events in order (also what
  "who acted on this card" reports read);
- ``ix_audit_events_staff_actions``: partial, only the ``staff.*`` events, by ``seq``;
- on PostgreSQL, both check functions look **newest first** and stop at the first event of
  this transaction (``PERFORM … ORDER BY seq DESC LIMIT 1``; an ``EXISTS`` would drop the
  order): the transaction's own event is among the last few, so a check reads a handful of
  index entries whatever the size of the trail. A forger's change, which has no such event,
  still reads them all before it is refused.

The indexes are created on SQLite too, so that both back ends keep the schema the models
describe (SQLite has no server role and no such checks).

Revision ID: 0010_audit_check_indexes
Revises: 0008_server_role
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_audit_check_indexes"
down_revision: str | Sequence[str] | None = "0008_server_role"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAFF_ACTIONS = "action LIKE 'staff.%'"
AUDIT_FUNCTION = "counter_require_state_audit"  # revision 0008
STAFF_FUNCTION = "counter_require_staff_audit"  # revision 0008
THIS_TRANSACTION = (
    "e.xmin::text = (pg_catalog.pg_current_xact_id()::text::bigint % 4294967296)::text"
)


def _schema() -> str:
    """The quoted schema of the tables (``public`` when writing offline SQL), as 0008."""
    if op.get_context().as_sql:
        return "public"
    bind = op.get_bind()
    name = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    return str(bind.dialect.identifier_preparer.quote(str(name)))


def _functions(schema: str, newest_first: bool) -> list[str]:
    """The two check functions of revision 0008; ``newest_first``: this revision's lookup,
    else 0008's own (for the downgrade)."""

    def missing(where: str) -> str:
        if newest_first:
            return (
                f"PERFORM 1 FROM {schema}.audit_events e WHERE {where} AND {THIS_TRANSACTION}\n"
                "            ORDER BY e.seq DESC LIMIT 1;\n"
                "            IF NOT FOUND THEN"
            )
        return (
            f"IF NOT EXISTS (SELECT 1 FROM {schema}.audit_events e\n"
            f"                WHERE {where} AND {THIS_TRANSACTION}) THEN"
        )

    card = f"""
        CREATE OR REPLACE FUNCTION {schema}.{AUDIT_FUNCTION}() RETURNS trigger
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
            {missing("e.card_id = card")}
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
    staff = f"""
        CREATE OR REPLACE FUNCTION {schema}.{STAFF_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
        BEGIN
            IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
                RETURN NULL;
            END IF;
            {missing("e." + STAFF_ACTIONS)}
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
    return [card, staff]


def upgrade() -> None:
    op.create_index("ix_audit_events_card_id", "audit_events", ["card_id", "seq"])
    op.create_index(
        "ix_audit_events_staff_actions",
        "audit_events",
        ["seq"],
        postgresql_where=sa.text(STAFF_ACTIONS),
        sqlite_where=sa.text(STAFF_ACTIONS),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in _functions(_schema(), newest_first=True):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _functions(_schema(), newest_first=False):
            op.execute(statement)
    op.drop_index("ix_audit_events_staff_actions", table_name="audit_events")
    op.drop_index("ix_audit_events_card_id", table_name="audit_events")
