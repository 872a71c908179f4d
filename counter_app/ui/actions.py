"""Which counter action is available right now, and if not, why (the disabled tooltip).

Role and office come from ``services.permissions`` (RULES S3) through ``Actor.may`` /
``Actor.why_not``; the card's state and presence add the rules of P4–P6, L4, U1–U5, R2.
Pure functions: tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.services.context import Actor
from counter_app.services.permissions import ACTION_LABELS, Action
from counter_app.ui.i18n import tr

#: The actions on the clerk's action panel, in order, with their F-key.
COUNTER_ACTIONS: list[tuple[Action, str]] = [
    (Action.CHANGE_PIN, "F5"),
    (Action.RESET_PIN, "F6"),
    (Action.UNBLOCK_PIN, "F7"),
    (Action.WRITTEN_LOSS_REPORT, "F8"),
    (Action.LIFT_LOSS_REPORT, "F9"),
    (Action.REPLACEMENT_APPLICATION, "F10"),
    (Action.RESET_SERVICE_PASSWORD, "F11"),
]


def card_state_kind(state: str | None) -> str:
    """Folds the service's card state names into: active, phone_lost, lost, replaced,
    cancelled, or "" (unknown)."""
    s = (state or "").lower()
    if not s:
        return ""
    if "replac" in s:
        return "replaced"
    if "cancel" in s:
        return "cancelled"
    if "phone" in s or "temporary" in s:
        return "phone_lost"
    if "lost" in s:
        return "lost"
    if "active" in s or s == "ok" or s == "normal":
        return "active"
    return s


@dataclass(frozen=True)
class Situation:
    """What the clerk's screen currently has: a holder session, the card in the reader
    (and whether it is the session's card), and the card's state in the database."""

    has_session: bool = False
    card_session: bool = False  # the session was opened by card + PIN
    card_in_reader: bool = False
    card_state: str | None = None
    pin_blocked: bool = False


def availability(actor: Actor | None, action: Action, s: Situation) -> tuple[bool, str]:
    """(enabled, reason). ``reason`` is the Chinese sentence for a disabled action."""
    if actor is None:
        return False, tr("actions", "请先登录。")
    if not actor.may(action):
        return False, actor.why_not(action)
    kind = card_state_kind(s.card_state)
    label = ACTION_LABELS[action]
    if not s.has_session and action is not Action.LIFT_LOSS_REPORT:
        return False, tr(
            "actions", "请先由持卡人插卡并输入密码，或查询参保人并核验身份证件（RULES Q7）。"
        )
    if action is Action.CHANGE_PIN:
        if not s.card_in_reader:
            return False, tr(
                "actions", "修改密码须持卡人插入本人社保卡，并由持卡人本人输入原密码（RULES P4）。"
            )
        if kind in ("lost", "phone_lost", "replaced", "cancelled"):
            return False, tr("actions", "该卡已挂失或已停用，不能修改密码。")
        if s.pin_blocked:
            return False, tr("actions", "密码已锁定，请办理密码解锁（F7）或重置（F6）。")
    elif action in (Action.RESET_PIN, Action.UNBLOCK_PIN):
        if not s.card_in_reader:
            return False, tr(
                "actions", "%1须插入持卡人的社保卡，并核验有效身份证件（RULES P5/P6）。"
            ).replace("%1", label)
        if kind in ("lost", "phone_lost", "replaced", "cancelled"):
            return False, tr("actions", "该卡已挂失或已停用，不能办理%1。").replace("%1", label)
    elif action is Action.WRITTEN_LOSS_REPORT:
        if kind in ("lost",):
            return False, tr(
                "actions", "该卡已书面挂失，不能重复挂失（RULES L4）。可在卡状态页补打挂失登记表。"
            )
        if kind in ("replaced", "cancelled"):
            return False, tr("actions", "该卡已申请补卡或已注销，无需挂失。")
    elif action is Action.LIFT_LOSS_REPORT:
        if not s.card_in_reader:
            return False, tr(
                "actions", "解除挂失须持卡人带原卡到场：请插入找回的卡（RULES U2、U5）。"
            )
        if s.has_session and kind == "replaced":
            return False, tr("actions", "该卡已申请补卡，原卡不能再解除挂失（RULES U4）。")
        if s.has_session and kind == "active":
            return False, tr("actions", "该卡没有有效的挂失记录，无需解挂。")
    elif action is Action.REPLACEMENT_APPLICATION:
        if kind == "replaced":
            return False, tr("actions", "该卡已申请补卡，不能重复申请。")
        if kind == "active":
            return False, tr("actions", "补卡前须先办理挂失（RULES R1、R2）。")
    return True, ""
