"""Session tokens and the revocation list on their own (no server): a token expires, a
changed byte breaks it, it names the certificate it was issued to; a CRL that cannot be
trusted refuses every workstation (fail closed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.server.pki import Pki
from counter_app.server.revocation import RevocationList
from counter_app.server.tokens import TokenInvalid, TokenSigner

SECRET = b"s" * 32


def test_token_carries_its_binding_and_expires() -> None:
    signer = TokenSigner(SECRET, lifetime_s=900)
    token = signer.issue(7, 42, "ab" * 32, "WS-A", now=1000.0)
    claims = signer.check(token, now=1000.0 + 899)
    assert (
        claims.staff_id,
        claims.staff_session_id,
        claims.cert_fingerprint,
        claims.workstation_id,
    ) == (7, 42, "ab" * 32, "WS-A")
    assert signer.needs_renewal(claims, now=1000.0 + 451)
    assert not signer.needs_renewal(claims, now=1000.0 + 10)
    with pytest.raises(TokenInvalid):
        signer.check(token, now=1000.0 + 900)


def test_token_of_another_secret_or_changed_payload_is_refused() -> None:
    token = TokenSigner(SECRET, 900).issue(7, 42, "ab" * 32, "WS-A", now=1000.0)
    with pytest.raises(TokenInvalid):
        TokenSigner(b"t" * 32, 900).check(token, now=1000.0)
    other = TokenSigner(SECRET, 900).issue(8, 42, "ab" * 32, "WS-A", now=1000.0)
    forged = other.split(".")[0] + "." + token.split(".")[1]  # staff 8 with staff 7's MAC
    with pytest.raises(TokenInvalid):
        TokenSigner(SECRET, 900).check(forged, now=1000.0)
    with pytest.raises(TokenInvalid):
        TokenSigner(SECRET, 900).check("not a token", now=1000.0)


def test_revocation_list_is_reread_and_fails_closed(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    pki.init()
    crt, _key = pki.issue_workstation("WS-A", "500103-YB")
    from counter_app.server.pki import load_cert

    serial = load_cert(crt).serial_number
    crl = RevocationList(pki.crl, pki.ca_cert)
    assert not crl.is_revoked(serial)
    pki.revoke("WS-A")
    assert crl.is_revoked(serial)  # re-read on change, no restart
    pki.crl.write_bytes(b"-----BEGIN X509 CRL-----\ngarbage\n-----END X509 CRL-----\n")
    assert crl.is_revoked(serial + 1)  # an unreadable CRL refuses everyone
    stranger = Pki(tmp_path / "other")
    stranger.init()
    pki.crl.write_bytes(stranger.crl.read_bytes())  # a CRL signed by another CA
    assert crl.is_revoked(serial + 1)
    pki.crl.unlink()
    assert crl.is_revoked(serial + 1)
