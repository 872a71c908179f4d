"""The issuer's card keys on the server: MACs for PIN reload, PIN unblock and application
block/unblock, computed only for an operation the server's own rules have just allowed.

The national reader interface's two steps (``iReloadPIN_HSM_Step1/2``) map onto this:

1. The workstation asks the server to do the business step (reset, unblock, lift). The
   server runs the rules (permission, ID check against the record, four-eyes approval,
   card state) and, when they pass, :meth:`KeyService.grant` returns a **key ticket**:
   ``purpose`` + card identity (卡识别码) + this staff session + this workstation
   certificate + a short expiry, signed with the server's secret.
2. The workstation reads the card's challenge and sends ticket + challenge + the command
   (``CLA INS P1 P2 Lc || data``) to ``/v1/keys/mac``; :meth:`KeyService.mac_for` checks
   the ticket against the calling certificate and session and the card identity in the
   request, then asks the key provider (software keys, or a PSAM/HSM behind
   ``reader.keys.KeyProvider``) for the 4-byte MAC.

A ticket is stateless (any server can check it) and lives :data:`TICKET_SECONDS`; the MAC
is bound to the card's fresh challenge, so a ticket cannot authorise a different card, a
different purpose or another workstation. The key material never leaves the provider; the
command bytes (they hold the new PIN for RELOAD) are not logged or kept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from counter_app.models.audit_actions import AuditAction
from counter_app.remote.protocol import KeysUnavailable, KeyTicketRefused
from counter_app.server.auth import Caller
from counter_app.services.errors import NotPermitted, WeakPin
from counter_app.services.pin_events import PIN_DIGITS
from reader.keys import KeyProvider, KeyPurpose
from reader.pinbuffer import PinBuffer

TICKET_SECONDS = 120

#: CARD.md "Authorised commands": the command header (and data length) each key may sign.
_COMMANDS: dict[KeyPurpose, tuple[tuple[bytes, int], ...]] = {
    KeyPurpose.RELOAD: ((bytes.fromhex("805E000007"), 8),),
    KeyPurpose.UNBLOCK: ((bytes.fromhex("8424000004"), 5),),
    KeyPurpose.MAINT: (
        (bytes.fromhex("841E000004"), 5),
        (bytes.fromhex("841E000104"), 5),
        (bytes.fromhex("8418000004"), 5),
    ),
}


def command_allowed(purpose: KeyPurpose, message: bytes | bytearray) -> bool:
    """The key of ``purpose`` signs only its own commands (a MAINT ticket cannot sign a
    PIN reload)."""
    return any(
        bytes(message[:5]) == head and len(message) == size for head, size in _COMMANDS[purpose]
    )


#: The audited action a MAC serves (a refused key request is audited under it).
_MAC_ACTIONS = {
    KeyPurpose.RELOAD.value: AuditAction.PIN_RESET,
    KeyPurpose.UNBLOCK.value: AuditAction.PIN_UNBLOCK,
    KeyPurpose.MAINT.value: AuditAction.LOSS_LIFT,
}


def mac_action(body: Any) -> str:
    purpose = body.get("purpose") if isinstance(body, dict) else None
    return str(_MAC_ACTIONS.get(str(purpose), "keys.mac"))


def reload_pin_acceptable(message: bytes | bytearray) -> bool:
    """RULES P7 on the new PIN inside a RELOAD PIN command (``80 5E 00 00 07`` + 3 BCD
    bytes): six digits, not weak. The one place the server holds a PIN: the digits go into
    a ``PinBuffer`` that is wiped here."""
    pin = PinBuffer()
    try:
        for byte in bytes(message[5:8]):
            for nibble in (byte >> 4, byte & 0x0F):
                if nibble > 9:
                    return False
                pin.append(nibble)
        return len(pin) == PIN_DIGITS and not pin.is_weak()
    finally:
        pin.wipe()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class KeyService:
    def __init__(self, provider: KeyProvider | None, secret: bytes) -> None:
        self.provider = provider
        # A key of its own, derived from the token secret: a session token is not a ticket.
        self._secret = hmac.new(secret, b"counter-server key tickets", hashlib.sha256).digest()

    def __repr__(self) -> str:
        return "<KeyService (keys and secret hidden)>"

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()

    def grant(self, caller: Caller, purpose: KeyPurpose, card_id_code: bytes) -> str:
        """A ticket for one kind of MAC on one card, for this caller only. Call it only
        after the rules of the operation passed (step 1 above)."""
        claims = {
            "p": KeyPurpose(purpose).value,
            "c": card_id_code.hex(),
            "sid": caller.claims.staff_session_id,
            "fp": caller.workstation.fingerprint,
            "exp": int(time.time()) + TICKET_SECONDS,
        }
        payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def _check(self, caller: Caller, ticket: str, purpose: str, card_id_code: str) -> None:
        try:
            head, _, tail = ticket.partition(".")
            payload, signature = _unb64(head), _unb64(tail)
            claims = (
                json.loads(payload) if hmac.compare_digest(self._sign(payload), signature) else None
            )
        except (ValueError, UnicodeEncodeError):
            claims = None
        if not isinstance(claims, dict):
            raise KeyTicketRefused()
        matches = (
            claims.get("p") == purpose
            and claims.get("c") == card_id_code
            and claims.get("sid") == caller.claims.staff_session_id
            and claims.get("fp") == caller.workstation.fingerprint
            and int(claims.get("exp", 0)) > time.time()
        )
        if not matches:
            raise KeyTicketRefused()

    def mac_for(self, caller: Caller, body: Any) -> str:
        """Step 2: the hex MAC, or a refusal. ``body``: ``ticket``, ``purpose``,
        ``card_id_code``, ``challenge``, ``message`` (hex)."""
        if caller.must_change_password:
            raise NotPermitted()
        if not isinstance(body, dict):
            raise KeyTicketRefused()
        purpose = str(body.get("purpose", ""))
        card = str(body.get("card_id_code", "")).lower()
        self._check(caller, str(body.get("ticket", "")), purpose, card)
        if self.provider is None:
            raise KeysUnavailable()
        try:
            card_id = bytes.fromhex(card)
            challenge = bytes.fromhex(str(body.get("challenge", "")))
            message = bytearray.fromhex(str(body.get("message", "")))
        except ValueError as exc:
            raise KeyTicketRefused() from exc
        if (
            len(card_id) != 16
            or len(challenge) != 8
            or not command_allowed(KeyPurpose(purpose), message)
        ):
            message[:] = b"\x00" * len(message)
            raise KeyTicketRefused()
        if KeyPurpose(purpose) is KeyPurpose.RELOAD and not reload_pin_acceptable(message):
            message[:] = b"\x00" * len(message)
            raise WeakPin()  # P7 checked here too: no MAC for a weak new PIN
        try:
            return self.provider.mac(KeyPurpose(purpose), card_id, challenge, message).hex()
        finally:
            message[:] = b"\x00" * len(message)  # RELOAD: the command holds the new PIN
