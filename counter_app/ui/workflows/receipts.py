"""Plain form data for the receipts no use case issues itself: the password reset / unblock
receipt (密码重置回执 / 密码解锁回执, RULES P5, P6) and the access slip (查阅告知单, Q7).

Built from what the services returned (the password event id, ``AccessSummary``) and what
the workstation knows (the chip's identity, the clerk, the document shown); rendered by
``ServiceGateway.render_form`` off the GUI thread. No PIN or password ever reaches them.

Their number is not a form serial from ``form_serials`` (no use case allocates one for these
receipts yet): it names the record it comes from — ``<office>-MM-<password event id>`` and
``<office>-CY-<session id>`` — so the receipt can be traced to the audited event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from counter_app.services.context import Actor
from counter_app.services.sessions import ID_DOCUMENT_LABELS, IdDocument
from counter_app.validation.regions import district_name

GENDERS = {"1": "男", "2": "女", "9": "未说明"}


def _office(actor: Actor) -> Any:
    from forms import data as fd

    district = district_name(actor.district_code) if actor.district_code else ""
    return fd.Office(actor.office_code, actor.office_name, district or "")


def pin_receipt(
    actor: Actor,
    identity: Any,
    document: IdDocument,
    *,
    unblock: bool,
    event_id: int,
    at: dt.datetime,
    retry_limit: int = 3,
) -> Any:
    """The two-part receipt of a counter PIN reset (``unblock`` False) or unblock."""
    from forms import data as fd

    header = fd.FormHeader(
        f"{actor.office_code}-MM-{event_id:06d}", at, _office(actor),
        fd.Staff(actor.name, actor.staff_no),
    )  # fmt: skip
    holder = fd.Holder(
        name=str(identity.name),
        gender=GENDERS.get(str(identity.gender), str(identity.gender)),
        id_number=str(identity.ssn),
    )
    return fd.PinReceipt(
        header=header,
        holder=holder,
        card_number=str(identity.card_number),
        action=fd.PinAction.UNBLOCK if unblock else fd.PinAction.RESET,
        id_document=fd.IdDocument(ID_DOCUMENT_LABELS[document.kind], document.number),
        retry_limit=retry_limit,
    )


def access_slip(summary: Any, actor: Actor) -> Any:
    """The holder's access slip from ``sessions.AccessSummary`` (numbers already masked)."""
    from forms import data as fd

    office = fd.Office(summary.office_code, summary.office_name, _office(actor).district_name)
    header = fd.FormHeader(
        f"{summary.office_code}-CY-{summary.session_id:06d}", summary.closed_at, office,
        fd.Staff(summary.staff_name, summary.staff_no),
    )  # fmt: skip
    actions = tuple(
        fd.SessionAction(item.at, item.description, item.serial) for item in summary.actions
    )
    return fd.AccessSlip(
        header=header,
        holder_name=summary.holder_name,
        id_number=summary.masked_ssn,
        identified_by=summary.identified_by,
        purpose=summary.purpose or "持卡人本人到窗口办理",
        session_started=summary.opened_at,
        session_ended=summary.closed_at,
        viewed=tuple(summary.category_labels),
        actions=actions,
        card_number=summary.card_number or "",
    )
