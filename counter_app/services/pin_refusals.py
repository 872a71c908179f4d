"""The holder keypad's refusals of a new card PIN, audited (RULES P7, S3).

A weak new PIN, or a second entry that differs from the first, is refused on the counter
as soon as the holder typed it (``ui.workflows.steps.new_pin_refusal``): the holder types
the new PIN again and no card or service call was made — yet every refusal of a password
step leaves an audit event. :func:`record_new_pin_refused` writes it as the use case's own
refusals are written (``<action>.refused``, outcome ``refused``, ``refusals``), with the
rule broken in words. The workstation sends only which rule (``NewPinRefusal``); the
reason and details hold no digit at all, so neither the PIN nor any digit of it can reach
the audit trail (the rule's own wording "不能为 123456" is left out for the same reason).
"""

from __future__ import annotations

from counter_app.models.audit_actions import AuditAction
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import NotPermitted, PinEntriesDiffer, ServiceError, WeakPin
from counter_app.services.new_pin_refusal import NewPinRefusal
from counter_app.services.permissions import Action
from counter_app.services.refusals import record_refusal, require
from counter_app.services.sessions import HolderSession, require_open

#: The password use cases whose holder types a new PIN on the keypad, and their audit action.
_AUDIT_ACTION = {
    Action.CHANGE_PIN: AuditAction.PIN_CHANGE,
    Action.RESET_PIN: AuditAction.PIN_RESET,
}

#: Where the refusal happened (``details["step"]``).
KEYPAD_STEP = "holder_keypad_new_pin"

#: The reason stored for each refusal: the rule in words, no digit.
REASONS = {
    NewPinRefusal.TOO_SIMPLE: (
        "持卡人密码键盘上输入的新密码不符合规则（须为六位数字，不能为初始密码、"
        "六位相同数字或连续数字），已请持卡人重新输入"
    ),
    NewPinRefusal.ENTRIES_DIFFER: "持卡人两次输入的新密码不一致，已请持卡人重新输入",
}


def record_new_pin_refused(
    ctx: ServiceContext,
    actor: Actor,
    session: HolderSession,
    purpose: Action,
    refusal: NewPinRefusal,
) -> None:
    """Audit the keypad's refusal of the new PIN the holder typed for ``purpose``
    (``Action.CHANGE_PIN`` or ``Action.RESET_PIN``) in ``actor``'s open ``session``.

    Refuses (``NotPermitted``) another purpose or an unknown refusal; the permission and the
    session are checked as the use case checks them (``require``, ``require_open``)."""
    action = _AUDIT_ACTION.get(purpose)
    if action is None or not isinstance(refusal, NewPinRefusal):
        raise NotPermitted("此业务没有新密码输入步骤。")
    require(ctx, actor, purpose, holder_id=session.holder_id)
    require_open(ctx, session, actor)
    error: ServiceError
    if refusal is NewPinRefusal.ENTRIES_DIFFER:
        error = PinEntriesDiffer(REASONS[refusal])
    else:
        error = WeakPin(REASONS[refusal])
    record_refusal(
        ctx,
        actor,
        action.refused,
        error,
        holder_id=session.holder_id,
        card_id=session.card_id,
        details={"step": KEYPAD_STEP},
    )
