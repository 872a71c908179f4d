"""the state-change checks find their audit event by index, not by reading the whole trail

Revision 0008's deferred triggers ask, at the commit of every card or loss-report state
change, whether *this card* has an audit event written in the same transaction, and at a
staff role/password/active change whether a ``staff.*`` event was. ``audit_events`` had no
index on ``card_id`` nor on the action, so each check read the whole audit trail: 1.3 ms at
14,000 events, seconds at a city's hundreds of millions — on every written loss report,
lift and replacement. Two indexes make each check a few index entries:

- ``ix_audit_events_card_id`` (``card_id``): a card's events (also what "who acted on this
  card" reports read);
- ``ix_audit_events_staff_actions``: partial, only the ``staff.*`` events (a few per clerk).

Created on SQLite too, so that both back ends keep the schema the models describe.

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


def upgrade() -> None:
    op.create_index("ix_audit_events_card_id", "audit_events", ["card_id"])
    op.create_index(
        "ix_audit_events_staff_actions",
        "audit_events",
        ["seq"],
        postgresql_where=sa.text(STAFF_ACTIONS),
        sqlite_where=sa.text(STAFF_ACTIONS),
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_staff_actions", table_name="audit_events")
    op.drop_index("ix_audit_events_card_id", table_name="audit_events")
