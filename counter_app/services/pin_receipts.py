"""The receipt of a PIN reset or unblock (密码重置/解锁回执, RULES P5, P6), issued as a
registered form in the transaction that records the card's success (``pin_events``):
the form serial allocated and the receipt's plain data stored (``registered_forms``),
nothing for a failed or unknown outcome. It can be reprinted (``counter-admin form
reprint``, 补打) and verified (``form verify``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.orm import Session

from counter_app.models.holder import Holder
from counter_app.services import form_data, registered_forms, reviewers
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import CardNotFound
from counter_app.services.idcheck import IdDocumentLike
from counter_app.services.pin_events import ReceiptIssuer, Subject
from counter_app.services.submission import issue_counter_form
from forms import data as fd


def receipt_issuer(
    ctx: ServiceContext,
    actor: Actor,
    subject: Subject,
    document: IdDocumentLike,
    action: fd.PinAction,
    event_id: int | None = None,
) -> ReceiptIssuer:
    """The 密码重置/解锁回执 of ``subject``'s card, issued as a registered form
    (``submission.issue_counter_form``). With the password event ``event_id`` the receipt
    names its 复核人: the supervisor whose approval the rule step spent on that event
    (``reviewers.reviewer_of_event``, from the database; none when none was spent)."""
    reset = action is fd.PinAction.RESET
    kind = registered_forms.KIND_PIN_RESET if reset else registered_forms.KIND_UNBLOCK

    def issue(session: Session, now: dt.datetime) -> tuple[str, fd.PinReceipt]:
        holder = session.get(Holder, subject.holder_id)
        if holder is None:
            raise CardNotFound()
        # The receipt prints the holder's 联系电话 from the record (masked on the holder's
        # copy, as every form's phone: forms.masking); the address is not on it.
        on_receipt = dataclasses.replace(form_data.form_holder(holder), address="")
        reviewer = (
            None
            if event_id is None
            else reviewers.reviewer_of_event(session, actor, event_id, subject.card_id)
        )

        def build(header: fd.FormHeader, id_document: fd.IdDocument) -> fd.PinReceipt:
            return fd.PinReceipt(
                header=header,
                holder=on_receipt,
                card_number=subject.card_number,
                action=action,
                id_document=id_document,
                retry_limit=ctx.settings.pin_retry_limit,
                reviewer=reviewer,
            )

        row, form = issue_counter_form(
            session,
            actor,
            kind,
            fd.PinReceipt,
            holder_id=holder.id,
            card_id=subject.card_id,
            document=document,
            now=now,
            build=build,
        )
        return row.serial, form

    return issue
