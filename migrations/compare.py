"""How models and database are compared, shared by ``env.py`` and ``counter_app.db.check``.

``compare_type=True`` so a column type change needs a migration; ``render_item`` writes
the project's :class:`~counter_app.models.base.UtcDateTime` as a plain
``sa.DateTime(timezone=True)`` so revisions never import application code.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    from counter_app.models.base import UtcDateTime

    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, sa.types.TypeEngine) and obj._variant_mapping:
        # BigId: BIGINT on PostgreSQL, the rowid alias INTEGER on SQLite.
        return "sa.BigInteger().with_variant(sa.Integer(), 'sqlite')"
    return False


def compare_options() -> dict[str, Any]:
    """Keyword arguments for ``context.configure`` / ``MigrationContext.configure``."""
    return {
        "compare_type": True,
        "compare_server_default": False,
        "render_item": render_item,
        "render_as_batch": True,
    }
