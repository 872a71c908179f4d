"""The database defends itself against the server's own role (docs/DEPLOYMENT.md): no
UPDATE or DELETE on the audit trail, and no card or loss-report state change without its
audit event in the same transaction — the silent lift (RULES U1–U5 bypassed) fails even with
the server's login. A workstation holds no database login at all
(``test_workstation_settings.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from counter_app.demo.accounts import fixed_holder

pytestmark = pytest.mark.postgres

AUDIT_TABLES = ("audit_events", "audit_checkpoints", "audit_seals", "audit_seal_heads")


@pytest.fixture
def as_server(server_login_url: str) -> Iterator[Engine]:
    engine = create_engine(server_login_url)
    yield engine
    engine.dispose()


def _card_of(engine: Engine, key: str) -> tuple[int, str]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, state FROM cards WHERE card_number = :n"),
            {"n": fixed_holder(key).card_number},
        ).one()
    return int(row[0]), str(row[1])


def test_server_role_may_not_update_or_delete_the_audit_trail(as_server: Engine) -> None:
    with as_server.connect() as conn:
        for table in AUDIT_TABLES:
            for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                allowed = conn.execute(
                    text("SELECT has_table_privilege(:t, :p)"), {"t": table, "p": privilege}
                ).scalar_one()
                assert allowed is False, (table, privilege)
            assert (
                conn.execute(
                    text("SELECT has_table_privilege(:t, 'INSERT')"), {"t": table}
                ).scalar_one()
                is True
            )
        with pytest.raises(DBAPIError) as refused:
            conn.execute(text("UPDATE audit_events SET reason = 'rewritten'"))
        assert refused.value.orig.sqlstate == "42501"  # type: ignore[union-attr]


LIFT_REPORT = (
    "UPDATE loss_reports SET state = 'lifted' WHERE card_id = :c AND state IN ('open', 'confirmed')"
)
ACTIVATE_CARD = "UPDATE cards SET state = 'active' WHERE id = :c"


@pytest.mark.parametrize(
    "statements",
    [(LIFT_REPORT, ACTIVATE_CARD), (LIFT_REPORT,), (ACTIVATE_CARD,)],
    ids=["both", "report-only", "card-only"],
)
def test_silent_lift_is_refused_for_the_server_role(
    as_server: Engine, statements: tuple[str, ...]
) -> None:
    card_id, state = _card_of(as_server, "written_lost")
    assert state == "lost"
    with pytest.raises(DBAPIError) as refused, as_server.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), {"c": card_id})
    assert refused.value.orig.sqlstate == "42501"  # type: ignore[union-attr]
    assert "审计记录" in str(refused.value.orig)
    assert _card_of(as_server, "written_lost") == (card_id, "lost")


_FORGED_EVENT = (
    "INSERT INTO audit_events (chain, chain_seq, at, action, card_id, outcome, prev_hash, hash)"
    " VALUES (:chain, 1, now(), 'loss.report_written', :card, 'success', repeat('0', 64),"
    " md5(random()::text) || md5(random()::text))"
)


def test_a_state_change_needs_an_audit_event_of_that_card(
    as_server: Engine,
    sql,  # type: ignore[no-untyped-def]
) -> None:
    card_id, _ = _card_of(as_server, "active_default_pin")
    other_id, _ = _card_of(as_server, "active_changed_pin")
    # An event of another card written in the same transaction does not count …
    with pytest.raises(DBAPIError) as refused, as_server.begin() as conn:
        conn.execute(text("UPDATE cards SET state = 'lost' WHERE id = :c"), {"c": card_id})
        conn.execute(text(_FORGED_EVENT), {"chain": "test-other", "card": other_id})
    assert "审计记录" in str(refused.value.orig)  # the trigger, not the event's insert
    assert sql("SELECT state FROM cards WHERE id = :c", c=card_id) == [("active",)]
    # … an event of this card does (it is then in the trail for everyone to see).
    with as_server.begin() as conn:
        conn.execute(text("UPDATE cards SET state = 'lost' WHERE id = :c"), {"c": card_id})
        conn.execute(text(_FORGED_EVENT), {"chain": "test-same", "card": card_id})
    assert sql("SELECT state FROM cards WHERE id = :c", c=card_id) == [("lost",)]


def test_raising_a_clerk_to_admin_is_refused_for_the_server_role(
    as_server: Engine,
    sql,  # type: ignore[no-untyped-def]
) -> None:
    from tests.server.conftest import CLERK

    with pytest.raises(DBAPIError) as refused, as_server.begin() as conn:
        conn.execute(
            text("UPDATE staff SET role = 'admin', password_hash = 'x' WHERE staff_no = :no"),
            {"no": CLERK[0]},
        )
    assert refused.value.orig.sqlstate == "42501"  # type: ignore[union-attr]
    assert "审计记录" in str(refused.value.orig)
    [(role,)] = sql("SELECT role FROM staff WHERE staff_no = :no", no=CLERK[0])
    assert role == "subcenter_staff"
    # What the services change besides (failed logins, last login) needs no event.
    with as_server.begin() as conn:
        conn.execute(
            text("UPDATE staff SET failed_logins = failed_logins + 1 WHERE staff_no = :no"),
            {"no": CLERK[0]},
        )
