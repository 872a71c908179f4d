"""audit chains per workstation and city checkpoints (no city-wide hot row)

Placeholder revision reserved so parallel work keeps one linear history; it changes
nothing until filled in.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0006_audit_chains"
down_revision: str | Sequence[str] | None = "0005_rules_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
