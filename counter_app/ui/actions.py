"""Which counter action is available right now, and if not, why (the disabled tooltip).

Role and office come from ``services.permissions`` (RULES S3) through ``Actor.may`` /
``Actor.why_not``; the card's state and presence add the rules of P4–P6, L3–L4, U1–U5, R1–R2.
The services enforce the same rules again (this only spares the clerk a refusal):

============================  =======  ==========  ====  ========  =========  =========
action                        active   phone_lost  lost  replaced  cancelled  no card¹
============================  =======  ==========  ====  ========  =========  =========
change PIN (P3, P4)           card²    —           —     —         —          —
reset PIN (P5)                card²    —           —     —         —          —
unblock PIN (P6)              card²    —           —     —         —          —
written loss report (L3, L4)  yes      yes (L3)    — L4  —         —          —
lift loss report (U1–U5)      —        card²       card² — U4      —          —
replacement (R1, R2)          — R1     yes         yes   — R2      —          —
service password reset (P8)   yes      yes         yes   yes       yes        yes
============================  =======  ==========  ====  ========  =========  =========

¹ A holder session whose overview has no card in use (``HolderOverview.card`` is None: the
card was replaced or cancelled). ² The holder's card must be in the reader (P4, P5, U2, U5).
A blocked PIN (P6) rules out changing the PIN and lifting (the holder must type it, U5); a
chip application blocked by a medical terminal rules out the PIN services (it is unblocked
by the lift). Every action but the lift needs a holder session (Q7); the lift may start from
the card alone (it is read from the chip, U5). Pure functions: tested without a window.
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

#: Chinese state labels (``CARD_STATES`` of the holder queries) folded like the values.
_LABEL_KINDS = {
    "正常": "active",
    "电话挂失": "phone_lost",
    "书面挂失": "lost",
    "已挂失": "lost",
    "已申请补卡": "replaced",
    "已注销": "cancelled",
}

_PIN_ACTIONS = (Action.CHANGE_PIN, Action.RESET_PIN, Action.UNBLOCK_PIN)


def card_state_kind(state: str | None) -> str:
    """Folds the service's card state names (or their Chinese labels) into: active,
    phone_lost, lost, replaced, cancelled, or "" (unknown / no card in use)."""
    s = (state or "").strip().lower()
    if not s:
        return ""
    for label, kind in _LABEL_KINDS.items():
        if s.startswith(label):
            return kind
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
    #: The state of the holder's card in use; None with a session: no card in use.
    card_state: str | None = None
    #: The card's PIN is blocked (P6): True / False when read from the chip, None unknown.
    pin_blocked: bool | None = None
    #: The chip's social security application is blocked (by a medical terminal after a
    #: loss report); the lift unblocks it.
    app_blocked: bool = False
    #: Without a session: the issuer's state of the card in the reader (``card_state``
    #: of the services), None while unknown or for a card the records do not hold.
    reader_card_state: str | None = None
    #: Without a session: the card in the reader is the one of the service that just ended
    #: (the lift starts with the card inserted again, RULES U5).
    card_served: bool = False
    #: With a session: the card in the reader is not the holder's card in use (another
    #: holder's card left in the reader); the PIN services and the lift wait for theirs.
    other_card: bool = False


def _label(action: Action) -> str:
    return tr("actions", ACTION_LABELS[action])


def availability(actor: Actor | None, action: Action, s: Situation) -> tuple[bool, str]:
    """(enabled, reason). ``reason`` is the sentence for a disabled action, translated."""
    if actor is None:
        return False, tr("actions", "请先登录。")
    if not actor.may(action):
        return False, tr("permissions", actor.why_not(action))
    if not s.has_session and action is not Action.LIFT_LOSS_REPORT:
        if s.card_in_reader and s.pin_blocked and action in _PIN_ACTIONS:
            # No PIN opens a blocked card (P6): the ID check is the only way in.
            return False, _blocked_needs_id_check(action)
        return False, tr("actions", "请先由持卡人插卡并输入密码，或查询参保人并核验身份证件。")
    state = s.card_state if s.has_session else s.reader_card_state
    why = _refusal(action, card_state_kind(state), s)
    return (False, why) if why else (True, "")


def _refusal(action: Action, kind: str, s: Situation) -> str:
    """The reason ``action`` cannot be done on a card of ``kind``, or ""."""
    no_card = s.has_session and kind == ""
    if action in _PIN_ACTIONS:
        if kind in ("phone_lost", "lost"):
            return tr(
                "actions", "该卡已挂失，不能办理%1。持卡人找回原卡的，请先解除挂失（F9）。"
            ).replace("%1", _label(action))
        if kind == "replaced":
            return tr("actions", "该卡已申请补卡，原卡已永久作废，不能办理%1。").replace(
                "%1", _label(action)
            )
        if kind == "cancelled":
            return tr("actions", "该卡已注销，不能办理%1。").replace("%1", _label(action))
        if action is Action.CHANGE_PIN and not s.card_in_reader:
            return tr("actions", "修改密码须持卡人插入本人社保卡，并由持卡人本人输入原密码。")
        if not s.card_in_reader:
            return tr("actions", "%1须插入持卡人的社保卡，并核验有效身份证件。").replace(
                "%1", _label(action)
            )
        if no_card:
            return _no_card_in_use(action)
        if s.other_card:
            return tr("actions", OTHER_CARD)
        if s.app_blocked:
            return tr(
                "actions", "芯片中的社保应用已被锁定，卡上的密码业务无法办理（%1）。"
            ).replace("%1", _label(action))
        if action is Action.CHANGE_PIN and s.pin_blocked:
            return tr("actions", "密码已锁定，请办理密码解锁（F7）或重置（F6）。")
        if action is Action.UNBLOCK_PIN and s.pin_blocked is False:
            return tr("actions", "该卡密码未锁定，无需解锁。持卡人忘记密码的，请办理重置（F6）。")
    elif action is Action.WRITTEN_LOSS_REPORT:
        if kind == "lost":
            return tr("actions", "该卡已书面挂失，不能重复挂失。可在卡状态页补打挂失登记表。")
        if kind == "replaced":
            return tr("actions", "该卡已申请补卡，原卡已永久作废，无需挂失。")
        if kind == "cancelled":
            return tr("actions", "该卡已注销，无需挂失。")
        if no_card:
            return _no_card_in_use(action)
    elif action is Action.LIFT_LOSS_REPORT:
        if not s.has_session and s.card_served:
            # The service ended with its card left in the reader; no holder is shown.
            return tr("actions", "本次服务已结束。办理解除挂失，请取出卡后重新插入。")
        if kind == "replaced":
            return tr("actions", "该卡已申请补卡，原卡不能再解除挂失。")
        if kind == "cancelled":
            return tr("actions", "该卡已注销，不能解除挂失。")
        if kind == "active":
            return tr("actions", "该卡没有有效的挂失记录，无需解挂。")
        if no_card:
            return _no_card_in_use(action)
        if not s.card_in_reader:
            return tr("actions", "解除挂失须持卡人带原卡到场：请插入找回的卡。")
        if s.other_card:
            return tr("actions", OTHER_CARD)
        if s.pin_blocked:
            return tr(
                "actions",
                "卡密码已锁定，不能解除挂失：解挂须持卡人输入密码。可申请补卡（F10）。",
            )
    elif action is Action.REPLACEMENT_APPLICATION:
        if kind == "replaced":
            return tr("actions", "该卡已申请补卡，不能重复申请。")
        if kind == "cancelled":
            return tr("actions", "该卡已注销，不能申请补卡。")
        if kind == "active":
            return tr("actions", "补卡前须先办理挂失。")
        if no_card:
            return _no_card_in_use(action)
    return ""


#: The card in the reader is another holder's (the last holder's card left in it).
OTHER_CARD = "读卡器中的卡不是该持卡人的卡。请取出该卡，插入持卡人本人的社保卡。"


def _no_card_in_use(action: Action) -> str:
    return tr(
        "actions", "该参保人没有在用的社保卡（原卡已申请补卡或已注销），不能办理%1。"
    ).replace("%1", _label(action))


def _blocked_needs_id_check(action: Action) -> str:
    if action is Action.CHANGE_PIN:
        return tr("actions", "密码已锁定，请办理密码解锁（F7）或重置（F6）。")
    return tr(
        "actions", "卡密码已锁定：请先查询参保人（F3）并核验持卡人有效身份证件，再办理%1。"
    ).replace("%1", _label(action))
