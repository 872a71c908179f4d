"""Staff session tokens: short-lived, signed, bound to one workstation certificate.

A token is ``base64url(payload) . base64url(HMAC-SHA256(secret, payload))``; the payload
names the staff member, their ``staff_sessions`` row, the SHA-256 fingerprint of the client
certificate the login came through, and an expiry. The servers share the secret, so any of
them behind the balancer can check a token without shared memory (stateless); whether the
session is still open and the account still active is asked of the database on every call
(``auth.py``), so disabling an account or logging out ends the token at the next call.

A token carries no password, no role and no office: those are read from the database each
time, so a role change applies at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass


class TokenInvalid(Exception):
    """Bad signature, malformed, or expired (the reason stays on the server)."""


@dataclass(frozen=True)
class TokenClaims:
    staff_id: int
    staff_session_id: int
    #: SHA-256 fingerprint (hex) of the client certificate the token was issued to.
    cert_fingerprint: str
    workstation_id: str
    #: Expiry, seconds since the epoch (UTC).
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret: bytes, lifetime_s: int) -> None:
        if len(secret) < 32:
            raise ValueError("token secret must be at least 32 bytes")
        self._secret = bytes(secret)
        self.lifetime_s = lifetime_s

    def __repr__(self) -> str:
        return "<TokenSigner (secret hidden)>"

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()

    def issue(
        self,
        staff_id: int,
        staff_session_id: int,
        cert_fingerprint: str,
        workstation_id: str,
        now: float,
    ) -> str:
        claims = {
            "st": staff_id,
            "sid": staff_session_id,
            "fp": cert_fingerprint,
            "ws": workstation_id,
            "exp": int(now) + self.lifetime_s,
        }
        payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def check(self, token: str, now: float) -> TokenClaims:
        try:
            head, _, tail = token.partition(".")
            payload, signature = _unb64(head), _unb64(tail)
        except (ValueError, UnicodeEncodeError) as exc:
            raise TokenInvalid("malformed") from exc
        if not hmac.compare_digest(self._sign(payload), signature):
            raise TokenInvalid("signature")
        try:
            data = json.loads(payload)
            claims = TokenClaims(
                int(data["st"]),
                int(data["sid"]),
                str(data["fp"]),
                str(data["ws"]),
                int(data["exp"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise TokenInvalid("payload") from exc
        if claims.expires <= now:
            raise TokenInvalid("expired")
        return claims

    def needs_renewal(self, claims: TokenClaims, now: float) -> bool:
        """Past half its life: the next response carries a fresh token."""
        return claims.expires - now < self.lifetime_s / 2
