"""The issuer's state of the card in the reader, before its holder is identified.

The clerk's screen offers the lift (RULES U1–U5) from the card alone — the holder proves the
card is theirs with its PIN inside the lift — but only for a card the records hold as
reported lost: this tells the state of the card whose chip was read (by its 卡识别码 and
printed number), and nothing about its holder. Unknown cards give None (the lift's own
checks then say why it cannot be done, RULES U5).
"""

from __future__ import annotations

from sqlalchemy import select

from counter_app.models.card import Card
from counter_app.services.context import Actor, ServiceContext
from reader.identity import CardIdentity


def card_state(ctx: ServiceContext, actor: Actor, identity: CardIdentity) -> str | None:
    """The state (``CardState`` value) of the card read from the chip, or None."""
    with ctx.read_uow() as uow:
        row = uow.session.execute(
            select(Card.state, Card.card_number).where(
                Card.card_id_code == identity.card_id_code.upper()
            )
        ).first()
    if row is None or row.card_number != identity.card_number:
        return None
    return str(row.state)
