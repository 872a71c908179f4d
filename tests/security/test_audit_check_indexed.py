"""The database's state-change checks (revision 0008) find their audit event by index,
newest first (revision 0010), so their cost does not grow with the audit trail.

At commit, a card or loss-report state change needs this card's audit event written in the
same transaction, and a staff role/password/active change a ``staff.*`` event. Without an
index each check read the whole of ``audit_events`` — every written loss report, lift and
replacement of the city paying for every event ever written. The checks run here as the
application's login role (superusers are not checked), made immediate so that the scans
they do are counted in this transaction's ``pg_stat_xact_user_tables``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from tests.services_b.conftest import build_world

pytestmark = pytest.mark.postgres

#: Enough events that reading them all is what the planner would avoid given an index.
FILLER_EVENTS = 20_000


@pytest.fixture
def filled(pg_head_url: str) -> str:
    """A small world, then ``FILLER_EVENTS`` audit events of no card, and as many earlier
    events of the first active card and of staff actions (a trail with history), analysed."""
    world = build_world("postgresql", pg_head_url, 3)
    world.engine.dispose()
    engine = create_engine(pg_head_url)
    with engine.begin() as conn:
        card = conn.execute(text("SELECT min(id) FROM cards WHERE state = 'active'")).scalar()
        for chain, action, card_id in (
            ("filler", "record.view", None),
            ("filler-card", "record.view", card),
            ("filler-staff", "staff.login", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO audit_events (chain, chain_seq, at, action, card_id, outcome,"
                    " prev_hash, hash) SELECT CAST(:chain AS text), g, now(),"
                    " CAST(:action AS text), CAST(:card AS integer), 'success',"
                    " repeat('0', 64), md5(CAST(:chain AS text) || g::text)"
                    " || md5(CAST(:chain AS text) || (g + 1)::text)"
                    " FROM generate_series(1, :n) AS g"
                ),
                {"n": FILLER_EVENTS, "chain": chain, "action": action, "card": card_id},
            )
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()
    return pg_head_url


@pytest.fixture
def as_app(app_login_url: str, filled: str) -> Iterator[Engine]:
    engine = create_engine(app_login_url)
    yield engine
    engine.dispose()


def _event(conn: Connection, chain: str, action: str, card_id: int | None) -> None:
    conn.execute(
        text(
            "INSERT INTO audit_events (chain, chain_seq, at, action, card_id, outcome,"
            " prev_hash, hash) VALUES (:chain, 1, now(), :action, :card, 'success',"
            " repeat('0', 64), md5(random()::text) || md5(random()::text))"
        ),
        {"chain": chain, "action": action, "card": card_id},
    )


def _audit_scans(conn: Connection) -> tuple[int, int, int]:
    """(sequential scans, index scans, rows fetched by index) of ``audit_events`` in this
    transaction so far."""
    row = conn.execute(
        text(
            "SELECT seq_scan, COALESCE(idx_scan, 0), COALESCE(idx_tup_fetch, 0)"
            " FROM pg_stat_xact_user_tables WHERE relname = 'audit_events'"
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def test_card_state_check_reads_the_cards_events_by_index(as_app: Engine) -> None:
    with as_app.begin() as conn:
        card_id = conn.execute(text("SELECT min(id) FROM cards WHERE state = 'active'")).scalar()
        assert card_id is not None
        conn.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
        _event(conn, "test-card-check", "loss.report_written", card_id)
        before = _audit_scans(conn)
        conn.execute(text("UPDATE cards SET state = 'lost' WHERE id = :c"), {"c": card_id})
        seq, idx, fetched = (a - b for a, b in zip(_audit_scans(conn), before, strict=True))
        state = conn.execute(text("SELECT state FROM cards WHERE id = :c"), {"c": card_id})
        assert state.scalar_one() == "lost"  # the check ran and found the event
    # One index scan that stopped at this transaction's event, newest first: not the card's
    # FILLER_EVENTS earlier events.
    assert (seq, idx) == (0, 1)
    assert fetched <= 2


def test_staff_change_check_reads_the_staff_events_by_index(as_app: Engine) -> None:
    with as_app.begin() as conn:
        staff_no = conn.execute(text("SELECT min(staff_no) FROM staff")).scalar()
        conn.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
        _event(conn, "test-staff-check", "staff.disable", None)
        before = _audit_scans(conn)
        conn.execute(text("UPDATE staff SET active = false WHERE staff_no = :n"), {"n": staff_no})
        seq, idx, fetched = (a - b for a, b in zip(_audit_scans(conn), before, strict=True))
    # Newest first, stopping at this transaction's event: not the city's FILLER_EVENTS
    # earlier staff events.
    assert (seq, idx) == (0, 1)
    assert fetched <= 2
