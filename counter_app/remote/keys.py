"""The workstation's side of keys-on-the-server: a ``reader.keys.KeyProvider`` whose MACs
come from ``counter-server`` (``/v1/keys/mac``, see ``counter_app/server/keys.py``).

The card client calls :meth:`RemoteKeyProvider.mac` exactly as it calls a software key
provider; the provider forwards the card identity, the card's challenge and the command to
the server together with the key ticket the server issued when its rules allowed the
operation (:meth:`allow`). Without a ticket for that card and purpose nothing is sent and
the operation is refused. The command bytes (RELOAD: the new PIN) are sent over the mutual
TLS connection only and not kept.
"""

from __future__ import annotations

import threading

from counter_app.remote.protocol import KEYS_PATH
from counter_app.remote.transport import ServerConnection
from counter_app.services.errors import ServiceError
from reader.keys import KeyPurpose


class NoKeyTicket(ServiceError):
    reason = "no_key_ticket"
    message = "业务服务器尚未批准本次卡片操作。请重新办理该业务。"


class RemoteKeyProvider:
    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection
        self._lock = threading.Lock()
        self._tickets: dict[tuple[KeyPurpose, bytes], str] = {}

    def __repr__(self) -> str:
        return "<RemoteKeyProvider (keys on counter-server)>"

    def allow(self, purpose: KeyPurpose, card_id_code: bytes, ticket: str) -> None:
        """Keep the server's ticket for the one card operation that follows."""
        with self._lock:
            self._tickets[(KeyPurpose(purpose), bytes(card_id_code))] = ticket

    def mac(
        self, purpose: KeyPurpose, card_id_code: bytes, challenge: bytes, message: bytes | bytearray
    ) -> bytes:
        with self._lock:
            ticket = self._tickets.pop((KeyPurpose(purpose), bytes(card_id_code)), None)
        if ticket is None:
            raise NoKeyTicket()
        body = {
            "ticket": ticket,
            "purpose": KeyPurpose(purpose).value,
            "card_id_code": bytes(card_id_code).hex(),
            "challenge": bytes(challenge).hex(),
            "message": bytes(message).hex(),
        }
        try:
            data = self.connection.post(KEYS_PATH, body)
        finally:
            body["message"] = ""
        return bytes.fromhex(str(data["result"]))
