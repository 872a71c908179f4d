"""Card operations in the city (docs/ARCHITECTURE.md): the server runs the rule step before
the workstation's card step and records the card's answer after — and refuses to do either
for anything its own rules did not allow (RULES Q1, P4, P5, S1-S3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from counter_app.remote.card_ops import ApprovalRef, CardGrant
from counter_app.services.errors import (
    ApprovalRequired,
    CardNotFound,
    NotPermitted,
    PasswordEventNotFound,
)
from counter_app.services.pin_events import CardReport, NewPinFacts
from reader.identity import APP_OK, CardIdentity
from tests.id_documents import manual_doc
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"  # demo holder 王建国, card active
#: The password events of that holder: the demo's other holders have their own (a change
#: by phone among them), which these tests do not make.
HOLDERS_EVENTS = (
    "SELECT {} FROM password_events WHERE holder_id = "
    f"(SELECT id FROM holders WHERE ssn = '{HOLDER_SSN}')"
)
STRONG_PIN = NewPinFacts(digits=6, entries_match=True, weak=False)  # RULES P7 passed


def _identity(sql: Any, ssn: str = HOLDER_SSN) -> CardIdentity:
    """The chip of the holder's card as a reader would report it."""
    ((number, code, name),) = sql(
        "SELECT c.card_number, c.card_id_code, h.name FROM cards c JOIN holders h"
        " ON h.id = c.holder_id WHERE h.ssn = :s AND c.state = 'active'",
        s=ssn,
    )
    return CardIdentity(
        card_number=number,
        card_id_code=code,
        region_code="500103",
        card_type="3",
        spec_version="3.00",
        init_org="0" * 24,
        issue_date=dt.date(2020, 1, 1),
        expiry_date=dt.date(2030, 1, 1),
        birth_date=None,
        ssn=ssn,
        name=name,
        gender="1",
        ethnicity="01",
        birthplace="",
        atr_history="0" * 26,
        pin_tries_left=3,
        app_state=APP_OK,
    )


def _session(city: City, workstation: str = "WS-A"):  # type: ignore[no-untyped-def]
    remote = city.services(workstation)
    actor = remote.login(*CLERK).actor
    (hit,) = remote.find_holders(actor, HOLDER_SSN)
    session = remote.open_id_session(actor, hit.holder_id, manual_doc(HOLDER_SSN), "持卡人忘带卡")
    return remote, session


def test_Q1_session_opens_only_for_a_card_the_database_knows(city: City, sql: Any) -> None:
    remote = city.services("WS-A")
    remote.login(*CLERK)
    identity = _identity(sql)
    forged = dataclasses.replace(identity, card_id_code="500103D156000005FFFFFFFFFFFFFFFF")
    with pytest.raises(CardNotFound):
        remote._call("card.session_check", forged)
    with pytest.raises(CardNotFound):
        remote._call("card.session_open", forged, "success", None)
    session = remote._call("card.session_open", identity, "success", None)
    assert session.card_id_code == identity.card_id_code.upper()
    ((details,),) = sql(
        "SELECT details FROM audit_events WHERE action = 'session.open' ORDER BY seq DESC LIMIT 1"
    )
    assert "WS-A" in str(details)  # the workstation that verified the PIN on the card


def test_P5_no_key_ticket_without_the_supervisors_approval(city: City, sql: Any) -> None:
    remote, session = _session(city)
    with pytest.raises(ApprovalRequired):  # four-eyes is on in the test city
        remote._call(
            "card.prepare_reset",
            session,
            _identity(sql),
            manual_doc(HOLDER_SSN),
            None,
            "s1",
            STRONG_PIN,
        )
    assert sql(HOLDERS_EVENTS.format("count(*)"))[0][0] == 0


def test_P5_forged_approval_gives_no_ticket(city: City, sql: Any) -> None:
    remote, session = _session(city)
    with pytest.raises(Exception) as refused:
        remote._call(
            "card.prepare_reset",
            session,
            _identity(sql),
            manual_doc(HOLDER_SSN),
            ApprovalRef(999999),
            "s1",
            STRONG_PIN,
        )
    assert not isinstance(refused.value, CardGrant)
    assert sql(HOLDERS_EVENTS.format("count(*)"))[0][0] == 0


def test_P4_change_recorded_only_for_the_clerks_own_pending_event(city: City, sql: Any) -> None:
    remote, session = _session(city)
    document = manual_doc(HOLDER_SSN)
    grant = remote._call("card.prepare_change", session, _identity(sql), document, STRONG_PIN)
    assert isinstance(grant, CardGrant) and grant.ticket == ""  # CHANGE PIN needs no key
    ((outcome, detail),) = sql(
        "SELECT outcome, detail FROM password_events WHERE id = :i", i=grant.event_id
    )
    assert outcome == "unknown" and "办理中" in detail  # written ahead of the card
    with pytest.raises(PasswordEventNotFound):  # an event that was never written ahead
        remote._call(
            "card.complete_change",
            session,
            document,
            grant.event_id + 1000,
            CardReport("success"),
            False,
        )
    result = remote._call(
        "card.complete_change", session, document, grant.event_id, CardReport("success"), False
    )
    assert result.outcome == "success"
    with pytest.raises(PasswordEventNotFound):  # settled once only
        remote._call(
            "card.complete_change", session, document, grant.event_id, CardReport("success"), False
        )


def test_another_clerks_session_is_refused(city: City, sql: Any) -> None:
    _remote, session = _session(city, "WS-A")
    other = city.services("WS-B")
    other.login("YB500103-03", "Zhuguan#2024")
    with pytest.raises(NotPermitted):
        other._call(
            "card.prepare_change", session, _identity(sql), manual_doc(HOLDER_SSN), STRONG_PIN
        )
