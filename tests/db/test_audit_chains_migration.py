"""Revision 0006 on a database with a single-chain audit trail (RULES Q7: the record of every
look-up survives the upgrade, and still proves itself).

The old trail is written the way revisions ≤ 0005 wrote it — one city-wide chain, ``seq``
gap-free, the head in ``audit_chain_head``, a day checkpoint naming an event — then the
database is upgraded: every old event is in the ``legacy`` chain at its old position and
verifies, the old checkpoint is still checked, and new events go to their workstations'
chains beside it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from counter_app import db
from counter_app.models.audit import GENESIS_HASH, LEGACY_CHAIN
from counter_app.services import audit
from tests.security.defences import suspend_defences

OLD_EVENTS = 7
AT = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Chongqing
DAY = dt.date(2025, 3, 10)


def _old_trail(url: str) -> None:
    """Events, head and a checkpoint as the single-chain code wrote them."""
    engine = db.create_engine_for(url)
    try:
        with engine.begin() as conn:
            prev = GENESIS_HASH
            for seq in range(1, OLD_EVENTS + 1):
                # the last two on the next day: the checkpoint names the day's last event
                at = AT + dt.timedelta(days=seq // (OLD_EVENTS - 1), minutes=seq)
                content = audit.event_content(
                    seq=seq,
                    at=at,
                    staff_id=None,
                    office_id=None,
                    workstation="12333",
                    action="loss.phone_report",
                    category=None,
                    holder_id=None,
                    card_id=None,
                    reason=None,
                    outcome="success",
                    details={"n": seq},
                    prev_hash=prev,
                )
                hash_ = audit.chain_hash(prev, content)
                conn.execute(
                    text(
                        "INSERT INTO audit_events (seq, at, workstation, action, outcome, details, "
                        "prev_hash, hash) VALUES (:seq, :at, '12333', 'loss.phone_report', "
                        "'success', :details, :prev, :hash)"
                    ),
                    {
                        "seq": seq,
                        "at": at if conn.dialect.name == "postgresql" else at.replace(tzinfo=None),
                        "details": f'{{"n": {seq}}}',
                        "prev": prev,
                        "hash": hash_,
                    },
                )
                if seq == OLD_EVENTS - 2:
                    conn.execute(
                        text(
                            "INSERT INTO audit_checkpoints (day, seq, hash, at) "
                            "VALUES (:day, :seq, :hash, :at)"
                        ),
                        {
                            "day": DAY,
                            "seq": seq,
                            "hash": hash_,
                            "at": (AT + dt.timedelta(days=1))
                            if conn.dialect.name == "postgresql"
                            else (AT + dt.timedelta(days=1)).replace(tzinfo=None),
                        },
                    )
                prev = hash_
            conn.execute(
                text("UPDATE audit_chain_head SET last_seq = :s, last_hash = :h"),
                {"s": OLD_EVENTS, "h": prev},
            )
    finally:
        engine.dispose()


@pytest.fixture
def old_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = str(request.getfixturevalue("pg_server").create_database())
    db.upgrade(url, "0005_rules_hardening")
    _old_trail(url)
    db.upgrade(url)
    return url


def test_Q7_old_single_chain_becomes_the_legacy_chain_and_verifies(old_url: str) -> None:
    engine = db.create_engine_for(old_url)
    factory = db.session_factory(engine)
    try:
        with factory() as session:
            report = audit.verify_chain(session)
            assert report.ok and report.count == OLD_EVENTS, report
            head = session.execute(
                text("SELECT last_seq FROM audit_chains WHERE name = :c"), {"c": LEGACY_CHAIN}
            ).scalar_one()
            assert head == OLD_EVENTS
            kinds = session.execute(text("SELECT kind FROM audit_checkpoints")).scalars().all()
            assert kinds == ["event"]
        with factory() as session:  # new events: their own chain; seq continues past the old
            event = audit.record(
                session, None, "record.view", workstation="WS-NEW", at=AT + dt.timedelta(days=2)
            )
            session.commit()
        assert (event.chain, event.chain_seq) == ("WS-NEW", 1) and event.seq > OLD_EVENTS
        with factory() as session:
            assert audit.seal(session) is not None
            session.commit()
        with factory() as session:
            report = audit.verify_chain(session)
            assert report.ok and report.chains == 2, report
    finally:
        engine.dispose()


def test_Q7_legacy_events_stay_tamper_evident_after_the_upgrade(old_url: str) -> None:
    engine = db.create_engine_for(old_url)
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            suspend_defences(conn)
            conn.execute(text("UPDATE audit_events SET reason = 'x' WHERE seq = 3"))
            report = audit.verify_chain(Session(bind=conn))
            trans.rollback()
        found = report.broken(LEGACY_CHAIN)
        assert found is not None and found.seq == 3, report
        # An event written into the legacy chain now, dated inside the checkpointed day: the
        # checkpoint closed that day at event 5, so it was written after the day was closed.
        factory = db.session_factory(engine)
        with factory() as session:
            late = audit.record(
                session,
                None,
                "record.view",
                workstation=LEGACY_CHAIN,
                at=AT + dt.timedelta(hours=1),
            )
            session.commit()
        assert (late.chain, late.chain_seq) == (LEGACY_CHAIN, OLD_EVENTS + 1)
        with factory() as session:
            report = audit.verify_chain(session)
        found = report.broken(LEGACY_CHAIN)
        assert found is not None and found.seq == OLD_EVENTS + 1, report
        assert DAY.isoformat() in found.reason
    finally:
        engine.dispose()
