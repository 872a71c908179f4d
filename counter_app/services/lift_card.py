"""The card step of a lift (RULES U5), run where the card is: in the workstation process,
or on the counter in the city (``remote.card_ops``) with the MAC from the server.

APPLICATION UNBLOCK (with a MAC) when a hospital terminal blocked the chip, then the
holder's PIN. A chip unblocked here whose lift then does not happen is blocked again, best
effort (:func:`reblock`). The PIN buffer is the caller's to wipe.
"""

from __future__ import annotations

from counter_app.services.errors import CardOperationFailed
from reader.client import SocialSecurityCardClient
from reader.errors import CardError
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad


def lift_card_step(
    client: SocialSecurityCardClient,
    pin: PinBuffer | None,
    pinpad: SecurePinPad | None,
    identity: CardIdentity,
    app_blocked: bool,
) -> bool:
    """U5 on the card: APPLICATION UNBLOCK (MAC) when blocked, then the holder's PIN (the
    holder keypad's ``pin``, or the reader's ``pinpad``). A failure blocks a chip unblocked
    here again and is raised. Returns whether the chip was unblocked."""
    unblocked = False
    try:
        if app_blocked:
            client.unblock_application(expect_card_id=identity.card_id_code)
            unblocked = True
        if pin is not None:
            client.verify(pin)
        elif pinpad is not None:
            client.verify_on_pinpad(pinpad)
        else:
            raise CardOperationFailed("请持卡人输入卡密码（U5）。")
    except (CardError, CardOperationFailed):
        if unblocked:
            reblock(client, identity)
        raise
    return unblocked


def reblock(client: SocialSecurityCardClient, identity: CardIdentity) -> None:
    """Best effort: the lift did not happen, so the chip goes back to blocked."""
    try:
        client.block_application(permanent=False, expect_card_id=identity.card_id_code)
    except CardError:
        pass
