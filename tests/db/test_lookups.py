"""The lookups staff run all day are served by indexes (BENCHMARKS.md): holder by
social security number, by card number, by name + birth date — on both back ends."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from counter_app import db

LOOKUPS = {
    "ssn": "SELECT * FROM holders WHERE ssn = '500103196803150310'",
    "card_number": "SELECT h.* FROM cards c JOIN holders h ON h.id = c.holder_id "
    "WHERE c.card_number = 'A12424866'",
    "name_birth_date": "SELECT * FROM holders WHERE name = '王建国' AND birth_date = '1968-03-15'",
}


@pytest.mark.parametrize("lookup", sorted(LOOKUPS))
def test_lookup_uses_an_index(migrated_url: str, backend: str, lookup: str) -> None:
    engine = db.create_engine_for(migrated_url)
    try:
        with engine.begin() as conn:
            if backend == "sqlite":
                plan = " | ".join(
                    str(r[-1]) for r in conn.execute(text("EXPLAIN QUERY PLAN " + LOOKUPS[lookup]))
                )
                assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), plan
                assert "INDEX" in plan, plan
            else:
                # An empty table makes a sequential scan cheapest; forbid it to see
                # whether an index can answer at all.
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                plan = " | ".join(r[0] for r in conn.execute(text("EXPLAIN " + LOOKUPS[lookup])))
                assert "Seq Scan" not in plan, plan
                assert "Index" in plan, plan
    finally:
        engine.dispose()
