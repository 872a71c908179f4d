"""CARD.md "Authorised commands" in the city: the issuer's keys are on the server, which
makes a MAC only for the card, purpose, staff session and workstation its rules allowed
(a key ticket), and only over that purpose's own command."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from counter_app.remote.keys import NoKeyTicket, RemoteKeyProvider
from counter_app.remote.protocol import KEYS_PATH, KeyTicketRefused
from counter_app.server.auth import Caller
from reader.keys import TEST_KEYS, KeyPurpose, SoftwareKeyProvider
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres

CARD = bytes.fromhex("500103" + "00" * 12 + "42")  # a 16-byte 卡识别码
OTHER_CARD = bytes.fromhex("500103" + "00" * 12 + "43")
CHALLENGE = bytes.fromhex("1122334455667788")
RELOAD_CMD = bytes.fromhex("805E000007802413")  # RELOAD PIN to 802413, before the MAC
UNBLOCK_CMD = bytes.fromhex("8424000004")


def _caller(city: City, workstation: str, remote_connection) -> Caller:  # type: ignore[no-untyped-def]
    """The server's view of a logged-in workstation (what its rules see in step 1)."""
    pem = city.pki.workstation_cert(workstation).read_bytes()
    der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
    return city.parts.auth.caller(der, f"Bearer {remote_connection._token}")


def _logged_in(city: City, workstation: str):  # type: ignore[no-untyped-def]
    connection = city.connection(workstation)
    city.services(workstation).__class__(connection).login(*CLERK)
    return connection


def test_mac_is_made_for_the_operation_the_server_allowed(city: City) -> None:
    connection = _logged_in(city, "WS-A")
    ticket = city.parts.keys.grant(_caller(city, "WS-A", connection), KeyPurpose.RELOAD, CARD)
    provider = RemoteKeyProvider(connection)
    provider.allow(KeyPurpose.RELOAD, CARD, ticket)
    mac = provider.mac(KeyPurpose.RELOAD, CARD, CHALLENGE, bytearray(RELOAD_CMD))
    expected = SoftwareKeyProvider(TEST_KEYS).mac(KeyPurpose.RELOAD, CARD, CHALLENGE, RELOAD_CMD)
    assert mac == expected and len(mac) == 4
    # One ticket, one operation: the provider does not ask again with it.
    with pytest.raises(NoKeyTicket):
        provider.mac(KeyPurpose.RELOAD, CARD, CHALLENGE, bytearray(RELOAD_CMD))


def _ask(connection, ticket: str, purpose: KeyPurpose, card: bytes, command: bytes) -> None:  # type: ignore[no-untyped-def]
    connection.post(
        KEYS_PATH,
        {
            "ticket": ticket,
            "purpose": purpose.value,
            "card_id_code": card.hex(),
            "challenge": CHALLENGE.hex(),
            "message": command.hex(),
        },
    )


def test_no_mac_without_a_ticket_or_for_another_card_purpose_or_workstation(city: City) -> None:
    ws_a, ws_b = _logged_in(city, "WS-A"), _logged_in(city, "WS-B")
    ticket = city.parts.keys.grant(_caller(city, "WS-A", ws_a), KeyPurpose.UNBLOCK, CARD)
    _ask(ws_a, ticket, KeyPurpose.UNBLOCK, CARD, UNBLOCK_CMD)  # the allowed one works
    refused = [
        ("", KeyPurpose.UNBLOCK, CARD, UNBLOCK_CMD, ws_a),  # no ticket
        (ticket, KeyPurpose.UNBLOCK, OTHER_CARD, UNBLOCK_CMD, ws_a),  # another card
        (ticket, KeyPurpose.RELOAD, CARD, RELOAD_CMD, ws_a),  # another purpose
        (ticket, KeyPurpose.UNBLOCK, CARD, RELOAD_CMD, ws_a),  # another command, same key
        (ticket, KeyPurpose.UNBLOCK, CARD, UNBLOCK_CMD, ws_b),  # another workstation
        (ticket[:-2] + "xx", KeyPurpose.UNBLOCK, CARD, UNBLOCK_CMD, ws_a),  # forged
    ]
    for tkt, purpose, card, command, connection in refused:
        with pytest.raises(KeyTicketRefused):
            _ask(connection, tkt, purpose, card, command)
