"""The ID document shown at the counter, checked against the database (RULES P4, P5, P6,
U2, R1, P8): the number on the document must be the citizen ID number of the holder whose
session is open.

The workstation only checks the number's form as typed; whether it is *this holder's*
number is decided here, against the holder's row, so a screen that shows a masked number
can never be what a typed number is compared with. A refusal is audited under the action
the check is made for; the number is compared, never stored, logged or put in a message.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select

from counter_app.models.holder import Holder
from counter_app.models.loss import ID_DOCUMENT_TYPES
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import HolderNotFound, ServiceError
from counter_app.services.idcheck import IdDocumentLike, check_id
from counter_app.services.idcheck_reuse import checked_details
from counter_app.services.permissions import Action
from counter_app.services.refusals import record_refusal, require
from counter_app.services.sessions import HolderSession, require_open


@dataclass(frozen=True)
class _Holder:
    ssn: str
    name: str


def check_session_document(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    document: IdDocumentLike,
    purpose: Action,
    accepted: Collection[str] = ID_DOCUMENT_TYPES,
) -> None:
    """Refuse (``IdDocumentMismatch`` / ``IdDocumentNotAccepted``, audited as
    ``<purpose>.refused``) a document that is not the session holder's."""
    require(ctx, actor, purpose, holder_id=session.holder_id)
    require_open(ctx, session, actor)
    with ctx.uow() as uow:
        row = uow.session.execute(
            select(Holder.ssn, Holder.name).where(Holder.id == session.holder_id)
        ).first()
    try:
        if row is None:
            raise HolderNotFound()
        # IDCARD.md: number, chip name and validity, the manual-forbidden setting of ``purpose``
        check_id(ctx, purpose, _Holder(row.ssn, row.name), document, accepted, name=row.name)
    except ServiceError as error:
        details = {
            **checked_details(ctx, actor, document, holder_id=session.holder_id),
            "step": "id_check",
        }
        record_refusal(
            ctx,
            actor,
            f"{purpose.value}.refused",
            error,
            holder_id=session.holder_id,
            card_id=session.card_id,
            details=details,
        )
        raise
