"""rules hardening: no typed password left in the failed-login records

``staff_login_events.staff_no_tried`` kept whatever was typed into the staff-number box,
and a password typed there by mistake was stored in clear and printed by the staff
activity report. From this revision the service keeps the typed number only when it is a
well-formed staff number of an existing account, otherwise ``unknown:<length class>``
(``services/staff_credentials.recorded_staff_no``). This revision applies the same rule to the
rows already stored: a row of an unknown user (``staff_id`` NULL) keeps only the length
class of what was typed. No schema change (RULES P8's one-time expiry and L2's derived
lapse are computed from existing columns and settings).

Revision ID: 0005_rules_hardening
Revises: 0004_database_defences
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_rules_hardening"
down_revision: str | Sequence[str] | None = "0004_database_defences"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCRUB = """
UPDATE staff_login_events
SET staff_no_tried = CASE
    WHEN length(staff_no_tried) = 0 THEN 'unknown:0'
    WHEN length(staff_no_tried) <= 8 THEN 'unknown:1-8'
    WHEN length(staff_no_tried) <= 16 THEN 'unknown:9-16'
    ELSE 'unknown:17+'
END
WHERE staff_id IS NULL AND staff_no_tried NOT LIKE 'unknown:%'
"""


def upgrade() -> None:
    op.execute(_SCRUB)


def downgrade() -> None:
    pass  # what was typed is gone for good, by design
