"""Record-page fixtures: the service demo database (SQLite) and an ID-checked session for
each fixed demo holder, read through the real services."""

from tests.services.conftest import (  # noqa: F401 - fixtures re-exported for this package
    clock,
    sqlite_ctx,
    sqlite_demo_template,
    sqlite_demo_url,
)
