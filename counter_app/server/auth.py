"""Who is calling: the workstation from its verified certificate, the staff member from a
session token bound to that certificate, checked against the database on every call.

- No certificate, or a certificate on the revocation list: :class:`WorkstationRefused`.
- A token that is missing, malformed, forged (signed with a replaced token secret),
  expired or issued to another certificate (a token stolen from another workstation):
  :class:`StaffLoginInvalid` — nothing is said about the account, which may be fine.
- A valid token whose staff session was ended (logout, superseded, password reset, moved):
  :class:`StaffSessionEnded`; whose account is disabled: :class:`StaffAccountDisabled`.
  The clerk's workstation shows the error's message, so each says only what is true.
- The :class:`Actor` is built here from the database (role, office) and the certificate
  (workstation id; its office must be the account's — ``staff_login.login`` refuses a clerk
  of another office, and an account moved since is ended here), never from anything the
  client sends; the services' permission table
  (``permissions.allowed``) then decides each call, and the audit records this actor.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass

from sqlalchemy import select

from counter_app.models.office import Office, Staff
from counter_app.models.security import StaffSession
from counter_app.remote.protocol import WorkstationRefused
from counter_app.server.pki import WorkstationIdentity, identity_of
from counter_app.server.revocation import RevocationList
from counter_app.server.tokens import TokenClaims, TokenInvalid, TokenSigner
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    StaffAccountDisabled,
    StaffLoginInvalid,
    StaffSessionEnded,
)
from counter_app.services.permissions import OfficeKind, Role

log = logging.getLogger("counter_server")


@dataclass(frozen=True)
class Caller:
    workstation: WorkstationIdentity
    actor: Actor
    claims: TokenClaims
    #: An initial or reset password not yet changed: only the change and logout are allowed.
    must_change_password: bool


class Authenticator:
    def __init__(
        self, ctx: ServiceContext, signer: TokenSigner, revocation: RevocationList
    ) -> None:
        self.ctx = ctx
        self.signer = signer
        self.revocation = revocation
        self._refusal_logged: set[int] = set()

    def workstation(self, peer_cert_der: bytes | None) -> WorkstationIdentity:
        """The calling workstation, or :class:`WorkstationRefused`. Checked on every request:
        a certificate revoked while its connection stays open is refused at its next call."""
        if not peer_cert_der:
            raise WorkstationRefused()
        identity = identity_of(peer_cert_der)
        if not identity.workstation_id or self.revocation.is_revoked(identity.serial):
            if identity.serial not in self._refusal_logged:  # once, not at every request
                self._refusal_logged.add(identity.serial)
                log.warning(
                    "refused workstation %s (certificate %x): revoked, or the revocation "
                    "list cannot be read or verified",
                    identity.workstation_id or "?",
                    identity.serial,
                )
            raise WorkstationRefused()
        return identity

    def issue_token(self, identity: WorkstationIdentity, staff_id: int, session_id: int) -> str:
        return self.signer.issue(
            staff_id, session_id, identity.fingerprint, identity.workstation_id, time.time()
        )

    def caller(self, peer_cert_der: bytes | None, authorization: str | None) -> Caller:
        identity = self.workstation(peer_cert_der)
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise StaffLoginInvalid()
        try:
            claims = self.signer.check(token.strip(), time.time())
        except TokenInvalid as exc:
            raise StaffLoginInvalid() from exc
        if not hmac.compare_digest(claims.cert_fingerprint, identity.fingerprint) or (
            claims.workstation_id != identity.workstation_id
        ):
            raise StaffLoginInvalid()  # a token lifted from another workstation
        actor, must_change = self._actor(claims, identity)
        return Caller(identity, actor, claims, must_change)

    def _actor(self, claims: TokenClaims, identity: WorkstationIdentity) -> tuple[Actor, bool]:
        with self.ctx.read_uow() as uow:
            row = uow.session.execute(
                select(
                    Staff.id,
                    Staff.staff_no,
                    Staff.name,
                    Staff.role,
                    Staff.active,
                    Staff.must_change_password,
                    Office.id,
                    Office.code,
                    Office.name,
                    Office.kind,
                    Office.district_code,
                )
                .join(Office, Office.id == Staff.office_id)
                .join(StaffSession, StaffSession.staff_id == Staff.id)
                .where(
                    StaffSession.id == claims.staff_session_id,
                    StaffSession.staff_id == claims.staff_id,
                    StaffSession.workstation == identity.workstation_id,
                    StaffSession.ended_at.is_(None),
                    # The certificate's office: an account moved to another office since
                    # its login is ended at its next call (login refuses it outright).
                    Office.code == identity.office_code,
                )
            ).first()
        if row is None or not row.active:
            raise self._ended(claims.staff_id)
        actor = Actor(
            staff_id=row[0],
            staff_no=row.staff_no,
            name=row[2],
            role=Role(row.role),
            office_id=row[6],
            office_code=row.code,
            office_name=row[8],
            office_kind=OfficeKind(row.kind),
            district_code=row.district_code,
            workstation_id=identity.workstation_id,
        )
        return actor, bool(row.must_change_password)

    def _ended(self, staff_id: int) -> StaffSessionEnded:
        """Why a signed token's session no longer holds: a disabled (or removed) account —
        disabling also ends its sessions —, or a session ended otherwise."""
        with self.ctx.read_uow() as uow:
            active = uow.session.scalar(select(Staff.active).where(Staff.id == staff_id))
        return StaffSessionEnded() if active else StaffAccountDisabled()
