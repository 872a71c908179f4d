"""RULES P7 with S3 in the city: the holder keypad's refusal of a new PIN (made on the
counter, before any call) reaches counter-server as which rule was broken — no digit —
and is audited there like the in-process one, for the staff member and workstation the
server knows."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.services.new_pin_refusal import NewPinRefusal
from counter_app.services.permissions import Action
from counter_app.services.pin_refusals import KEYPAD_STEP, REASONS
from tests.id_documents import manual_doc
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"  # demo holder 王建国


def test_P7_S3_a_keypad_refusal_is_audited_by_the_server(city: City, sql: Any) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    (hit,) = remote.find_holders(actor, HOLDER_SSN)
    session = remote.open_id_session(actor, hit.holder_id, manual_doc(HOLDER_SSN), "持卡人忘带卡")
    remote.record_new_pin_refused(actor, session, Action.RESET_PIN, NewPinRefusal.TOO_SIMPLE)
    remote.record_new_pin_refused(actor, session, Action.RESET_PIN, NewPinRefusal.ENTRIES_DIFFER)
    rows = [
        (str(workstation), int(holder_id), str(reason), dict(details))
        for workstation, holder_id, reason, details in sql(
            "SELECT workstation, holder_id, reason, details FROM audit_events"
            " WHERE action = 'password.pin_reset.refused' AND outcome = 'refused' ORDER BY seq"
        )
    ]
    assert rows == [
        (
            "WS-A",
            hit.holder_id,
            REASONS[NewPinRefusal.TOO_SIMPLE],
            {"refusal": "weak_pin", "step": KEYPAD_STEP},
        ),
        (
            "WS-A",
            hit.holder_id,
            REASONS[NewPinRefusal.ENTRIES_DIFFER],
            {"refusal": "pins_differ", "step": KEYPAD_STEP},
        ),
    ]
