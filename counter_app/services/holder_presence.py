"""A holder recorded as deceased cannot be at the counter (RULES Q7).

Staff see a holder's records, and act in the holder's name, only with the holder present
and identified (Q7; the ID check of P4–P6, U2). A holder whose status is ``deceased``
cannot be present: whoever shows their ID document is someone else. So the ID-document
session (``sessions.open_id_session``), a card session (``card_sessions``; the card of a
deceased holder is normally cancelled as well), the lift of a loss report
(``lift_rules``, holder and card in person, U2/U5) and a replacement application
(``replacement``, R1: a new card for nobody) refuse with :class:`HolderDeceased`,
naming the date of death when the records hold one (a work death, ``DeathCase``).

Not refused here: the written loss report (L3), which a family member may need to file
for the deceased's card, and 工亡人员待遇 (Q5), which is asked for by the family and is
served by the ``查询`` menu's own look-up.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.holder import Holder, HolderStatus
from counter_app.models.injury import DeathCase
from counter_app.services.errors import HolderDeceased


def deceased(db: Session, holder_id: int, status: str) -> HolderDeceased | None:
    """The refusal for ``holder_id`` if the holder is recorded as deceased (with the date
    of a recorded work death), else None. ``status`` is the holder's, as the caller read
    it with the holder: no statement is sent unless it says ``deceased``."""
    if status != HolderStatus.DECEASED:
        return None
    row = db.execute(
        select(Holder.status, DeathCase.death_date)
        .outerjoin(DeathCase, DeathCase.holder_id == Holder.id)
        .where(Holder.id == holder_id)
    ).first()
    if row is None or row.status != HolderStatus.DECEASED:
        return None
    return HolderDeceased(row.death_date)
