"""The holder's PIN typed on the card after an unblock, recorded (RULES P6, Q1, Q7).

After a clerk unblocked the card (``pin_reset.unblock_pin``) the holder types the PIN on
the card in this counter's reader, and again while tries are left. The card's answer is
an action on the holder's card like any other (Q7: who, where, when, whose card, how it
ended), so it is audited as ``password.pin_unblock_verify``:

- ``success``: the card accepted the PIN;
- ``failed`` with ``refusal: wrong_pin`` and the ``tries_left`` the card said, or
  ``refusal: card_error`` and the card error's class name (the card was pulled …);
- a last wrong try, which locks the PIN again: refused (``.refused``, ``pin_blocked``),
  as a blocked PIN at a card session opening is (``card_sessions``).

Never the PIN nor any digit of it: :func:`verify_on_card` wipes the buffer before it
returns, and :func:`record_unblock_verify` takes only the card's answer. In the city the
card is on the workstation (``remote.card_ops``) and the server records what it reports
(``server.card_steps``): the unblock event named must be this clerk's successful unblock
of the session's holder, in the session's span — a workstation cannot attach a report to
another card's unblock.

When the answer cannot be recorded (the database or counter-server is unreachable) the card
has still answered: :class:`AnswerNotRecorded` carries that answer (never the PIN) to the
clerk, and the workstation records it again once the services answer. A verdict is
recorded once (:func:`record_unblock_verify` ignores the same verdict on the same unblock:
the card's counter only goes down until a success ends the check, so one unblock has each
of ``success``, ``wrong_pin`` with N tries left and ``pin_blocked`` at most once) — a
record that reached the database although its answer was lost is not written twice.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select

from counter_app.models.audit import AuditEvent
from counter_app.models.audit_actions import AuditAction
from counter_app.models.security import Outcome, PasswordEvent, PasswordEventKind
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import (
    DatabaseUnavailable,
    PasswordEventNotFound,
    PinBlockedOfferReset,
)
from counter_app.services.pin_events import wipe
from counter_app.services.refusals import record_refusal
from counter_app.services.sessions import HolderSession, audit_now, require_open
from reader.client import SocialSecurityCardClient
from reader.errors import CardError, PinBlocked, WrongPin
from reader.pinbuffer import PinBuffer

#: What the card answered to the holder's PIN (what the workstation reports).
SUCCESS, WRONG_PIN, PIN_BLOCKED, CARD_ERROR = "success", "wrong_pin", "pin_blocked", "card_error"
ANSWERS = frozenset({SUCCESS, WRONG_PIN, PIN_BLOCKED, CARD_ERROR})
_ERROR_NAME = re.compile(r"^[A-Za-z]{1,40}$")
#: The answers that are the card's verdict on the PIN, each at most once per unblock.
VERDICTS = frozenset({SUCCESS, WRONG_PIN, PIN_BLOCKED})


class AnswerNotRecorded(DatabaseUnavailable):
    """The card answered the holder's PIN after the unblock ``event_id``, but the answer
    could not be recorded: the services are unreachable. The card's answer travels with it
    (``answer``, ``tries_left``, ``card_error``; never the PIN) so that the clerk is told
    what the card said and the record can be made again (:func:`record_unblock_verify`).
    ``result``: the unblock's result with the card's answer, when the unblock itself was
    recorded in the same call (``remote.card_ops.unblock_pin``)."""

    event_id: int = 0
    answer: str = ""
    tries_left: int | None = None
    card_error: str = ""
    result: Any = None

    @classmethod
    def of(
        cls,
        cause: DatabaseUnavailable,
        event_id: int,
        answer: str,
        tries_left: int | None,
        card_error: str,
    ) -> AnswerNotRecorded:
        lead = cause.outage  # 无法连接数据库, 无法连接业务服务器（…）
        if answer in VERDICTS:
            text = f"{lead}：卡已答复持卡人输入的密码，但核对结果未能记录；连接恢复后补记。"
        else:
            text = f"{lead}：卡未能核对持卡人输入的密码，此情况未能记录。"
        error = cls(text)
        error.event_id, error.answer = int(event_id), str(answer)
        error.tries_left, error.card_error = tries_left, str(card_error)
        return error


def verify_on_card(
    client: SocialSecurityCardClient, pin: PinBuffer
) -> tuple[str, int | None, CardError | None]:
    """VERIFY the holder's ``pin`` on the card (wiped whatever happens): the answer (one of
    :data:`ANSWERS`), the tries left the card said (a wrong PIN; 0 when it blocked), and
    the card's error to raise once the answer is recorded (None for a wrong PIN: it is
    reported in the result, as the unblock's own verify reports it)."""
    try:
        client.verify(pin)
        return SUCCESS, None, None
    except WrongPin as error:
        return WRONG_PIN, error.tries_left, None
    except PinBlocked as error:
        return PIN_BLOCKED, 0, error
    except CardError as error:
        return CARD_ERROR, None, error
    finally:
        wipe(pin)


def record_unblock_verify(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    unblock_event_id: int,
    answer: str,
    tries_left: int | None = None,
    card_error: str = "",
) -> None:
    """Audit the holder's PIN after the unblock ``unblock_event_id`` (module docstring).

    Raises ``SessionRequired``/``SessionEnded`` (not the clerk's open session),
    :class:`PasswordEventNotFound` (not this clerk's successful unblock of the session's
    holder in this session) and :class:`AnswerNotRecorded` (the database is unreachable)."""
    try:
        _record(ctx, actor, session, unblock_event_id, answer, tries_left, card_error)
    except AnswerNotRecorded:
        raise
    except DatabaseUnavailable as error:
        raise AnswerNotRecorded.of(
            error, unblock_event_id, answer, tries_left, card_error
        ) from None


def _record(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    unblock_event_id: int,
    answer: str,
    tries_left: int | None,
    card_error: str,
) -> None:
    require_open(ctx, session, actor)
    with ctx.uow() as uow:
        event = uow.session.get(PasswordEvent, unblock_event_id)
        if (
            event is None
            or event.kind != PasswordEventKind.PIN_UNBLOCK
            or event.outcome != Outcome.SUCCESS
            or event.staff_id != actor.staff_id
            or event.holder_id != session.holder_id
            or _aware(event.at) < _aware(session.opened_at)
        ):
            raise PasswordEventNotFound()
        card_id = event.card_id
        if answer in VERDICTS and _recorded(
            uow.session, card_id, unblock_event_id, answer, tries_left
        ):
            return  # recorded already: its answer was lost on the way back (module docstring)
    details: dict[str, Any] = {"event_id": unblock_event_id, "session_id": session.session_id}
    holder_id = session.holder_id
    if answer == PIN_BLOCKED:
        record_refusal(
            ctx,
            actor,
            AuditAction.PIN_UNBLOCK_VERIFY.refused,
            PinBlockedOfferReset(),
            holder_id=holder_id,
            card_id=card_id,
            details={**details, "tries_left": 0},
        )
        return
    outcome = "success"
    if answer == WRONG_PIN:
        outcome = "failed"
        details.update(refusal=WRONG_PIN, tries_left=_tries(tries_left))
    elif answer != SUCCESS:  # a card error, or an answer this release does not know
        outcome = "failed"
        name = card_error if _ERROR_NAME.match(card_error or "") else "unknown"
        details.update(refusal=CARD_ERROR, card_error=name)
    audit_now(
        ctx,
        actor,
        AuditAction.PIN_UNBLOCK_VERIFY,
        holder_id=holder_id,
        card_id=card_id,
        outcome=outcome,
        details=details,
    )


def _recorded(
    db: Any, card_id: int | None, event_id: int, answer: str, tries_left: int | None
) -> bool:
    """The verdict ``answer`` on the unblock ``event_id`` is in the audit trail already."""
    rows = db.execute(
        select(AuditEvent.action, AuditEvent.details).where(
            AuditEvent.card_id == card_id,
            AuditEvent.action.in_(
                (AuditAction.PIN_UNBLOCK_VERIFY.value, AuditAction.PIN_UNBLOCK_VERIFY.refused)
            ),
        )
    ).all()
    for action, details in rows:
        facts = details if isinstance(details, dict) else {}
        if facts.get("event_id") != event_id:
            continue
        if answer == PIN_BLOCKED and action == AuditAction.PIN_UNBLOCK_VERIFY.refused:
            return True
        if action != AuditAction.PIN_UNBLOCK_VERIFY.value:
            continue
        refusal = facts.get("refusal")
        if answer == SUCCESS and refusal is None:
            return True
        if answer == WRONG_PIN and refusal == WRONG_PIN:
            if facts.get("tries_left") == _tries(tries_left):
                return True
    return False


def _tries(value: object) -> int | None:
    """The tries left as the card can say them (0–15), else unknown."""
    return value if isinstance(value, int) and 0 <= value <= 15 else None


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive UTC datetimes back; compare both as aware."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
