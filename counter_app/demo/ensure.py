"""``ensure_demo_database``: the demo database the GUI's ``--demo`` opens, created,
migrated and filled on first use, and left alone after that."""

from __future__ import annotations

from sqlalchemy import text

from counter_app import db
from counter_app.demo.chips import renew_database_identity
from counter_app.demo.generate import fill_demo

DEMO_HOLDERS = 2000
DEMO_SEED = 2024


def ensure_demo_database(url: str, *, holders: int = DEMO_HOLDERS, seed: int = DEMO_SEED) -> bool:
    """Make ``url`` a demo database at head with demo data; True if it had to be filled.

    Idempotent: an existing database is only migrated to head. Filling is one
    transaction, so an interrupted first run leaves no half-filled demo behind. A database
    filled here gets a new identity first, so no demo card's chip remembers a PIN or a
    block from an earlier database (``chips``).
    """
    db.upgrade(url)
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT COUNT(*) FROM holders")).scalar_one():
                return False
        renew_database_identity(engine)
        fill_demo(engine, holders=holders, seed=seed, service_cases=True)
        return True
    finally:
        engine.dispose()
