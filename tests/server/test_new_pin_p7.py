"""RULES P7 in the city: the new PIN is typed at the counter and the server never sees it
— except inside the RELOAD command it MACs. So the counter judges P7 and sends only the
verdict (``pin_events.NewPinFacts``: length, entries equal, weak — no digit) with the rule
step; the server refuses and audits a weak or mistyped new PIN there exactly as in-process,
grants no key ticket, and checks the PIN of a RELOAD command once more before its MAC."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from counter_app.remote.card_ops import ApprovalRef
from counter_app.remote.protocol import KEYS_PATH
from counter_app.services.errors import PinEntriesDiffer, WeakPin
from counter_app.services.permissions import Action
from counter_app.services.pin_events import NewPinFacts
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.server.conftest import CLERK, SUPERVISOR, City, CountingKeys
from tests.services.conftest import card_for

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"  # demo holder 王建国, card active, PIN 123456
#: The password events of that holder: the demo's other holders have their own (a change
#: by phone among them), which these tests do not make.
HOLDERS_EVENTS = (
    "SELECT {} FROM password_events WHERE holder_id = "
    f"(SELECT id FROM holders WHERE ssn = '{HOLDER_SSN}')"
)


def _pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


def _session(city: City) -> tuple[Any, Any, Any]:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    (hit,) = remote.find_holders(actor, HOLDER_SSN)
    session = remote.open_id_session(actor, hit.holder_id, manual_doc(HOLDER_SSN), "持卡人忘带卡")
    return remote, actor, session


def _refusals(sql: Any, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (str(workstation), str(reason), dict(details))
        for workstation, reason, details in sql(
            "SELECT workstation, reason, details FROM audit_events"
            " WHERE action = :a AND outcome = 'refused' ORDER BY seq",
            a=f"{action}.refused",
        )
    ]


def test_P7_weak_new_pin_before_a_remote_reset_is_refused_and_audited_by_the_server(
    city: City, sql: Any, keys: CountingKeys
) -> None:
    remote, actor, session = _session(city)
    client, _transport, chip = card_for(city.parts.services.ctx, "active_default_pin")
    document = manual_doc(HOLDER_SSN)
    with pytest.raises(WeakPin):
        remote.reset_pin(actor, session, client, document, _pin("111111"), _pin("111111"), None)
    with pytest.raises(PinEntriesDiffer):
        remote.reset_pin(actor, session, client, document, _pin("802413"), _pin("802414"), None)
    refused = _refusals(sql, "password.pin_reset")
    assert [(ws, d["refusal"]) for ws, _r, d in refused] == [
        ("WS-A", "weak_pin"),
        ("WS-A", "pins_differ"),
    ]
    assert "过于简单" in refused[0][1]
    assert not any(d in str(refused) for d in ("111111", "802413", "802414"))
    assert keys.asked == []  # no RELOAD ticket, no MAC
    assert sql(HOLDERS_EVENTS.format("count(*)"))[0][0] == 0
    assert chip.to_profile()["pin"] == "123456"


def test_P7_weak_new_pin_before_a_remote_change_is_refused_and_audited(
    city: City, sql: Any
) -> None:
    remote, actor, session = _session(city)
    client, _transport, chip = card_for(city.parts.services.ctx, "active_default_pin")
    with pytest.raises(WeakPin):
        remote.change_pin(
            actor,
            session,
            client,
            _pin("123456"),
            _pin("654321"),
            _pin("654321"),
            manual_doc(HOLDER_SSN),
        )
    [(workstation, _reason, details)] = _refusals(sql, "password.pin_change")
    assert workstation == "WS-A" and details["refusal"] == "weak_pin"
    assert sql(HOLDERS_EVENTS.format("count(*)"))[0][0] == 0
    assert chip.to_profile()["pin"] == "123456"


def test_P7_the_server_makes_no_MAC_for_a_RELOAD_with_a_weak_pin(
    city: City, sql: Any, keys: CountingKeys
) -> None:
    """A counter that claims P7 passed (or sends no verdict at all) still gets no MAC for
    a weak PIN: the server reads the new PIN in the RELOAD command it is asked to MAC."""
    remote, actor, session = _session(city)
    client, _transport, _chip = card_for(city.parts.services.ctx, "active_default_pin")
    identity = client.read_identity()
    document = manual_doc(HOLDER_SSN)

    def prepare(verdict: object) -> Any:
        submission = uuid.uuid4().hex
        approval = remote.verify_supervisor_approval(
            actor,
            *SUPERVISOR,
            remote.pin_reset_digest(actor, session, submission),
            Action.RESET_PIN.value,
        )
        return remote._call(
            "card.prepare_reset",
            session,
            identity,
            document,
            ApprovalRef(approval.id),
            submission,
            verdict,
        )

    with pytest.raises(WeakPin):  # no verdict of the counter's P7 check: no ticket
        prepare("ok")
    grant = prepare(NewPinFacts(digits=6, entries_match=True, weak=False))  # a lie

    def mac(pin: str) -> Any:
        return remote.connection.post(
            KEYS_PATH,
            {
                "ticket": grant.ticket,
                "purpose": "reload",
                "card_id_code": identity.card_id_code.lower(),
                "challenge": "1122334455667788",
                "message": "805E000007" + pin,
            },
        )

    for weak in ("111111", "654321", "123456"):
        with pytest.raises(WeakPin):
            mac(weak)
    assert keys.asked == []
    mac_refusals = [d for _w, _r, d in _refusals(sql, "password.pin_reset") if "step" in d]
    assert [d["step"] for d in mac_refusals] == ["mac"] * 3
    assert len(bytes.fromhex(mac("802413")["result"])) == 4  # the ticket itself is good


def test_P7_a_reload_mac_refused_settles_the_event_and_leaves_the_card(
    city: City, sql: Any, keys: CountingKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A counter whose own P7 check passed a weak PIN (here: made to) gets the server's
    refusal at the MAC; the event written ahead is settled failed, the card untouched."""
    remote, actor, session = _session(city)
    client, _transport, chip = card_for(city.parts.services.ctx, "active_default_pin")
    submission = uuid.uuid4().hex
    approval = remote.verify_supervisor_approval(
        actor,
        *SUPERVISOR,
        remote.pin_reset_digest(actor, session, submission),
        Action.RESET_PIN.value,
    )
    passed = NewPinFacts(digits=6, entries_match=True, weak=False)
    monkeypatch.setattr(NewPinFacts, "of", classmethod(lambda _cls, _a, _b: passed))
    with pytest.raises(WeakPin):
        remote.reset_pin(
            actor,
            session,
            client,
            manual_doc(HOLDER_SSN),
            _pin("222222"),
            _pin("222222"),
            approval,
            submission,
        )
    assert keys.asked == []
    assert sql(HOLDERS_EVENTS.format("outcome")) == [("failed",)]
    assert chip.to_profile()["pin"] == "123456"
