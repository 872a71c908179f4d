"""Which counter action is offered for which card, table by table (RULES P4–P6, L3–L4,
U1–U5, R1–R2, Q7, S3). ``availability`` is a pure function: the tables need no window; two
end-to-end tests check the real services' overview feeds it (demo database)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from counter_app.services.context import Actor
from counter_app.services.permissions import Action, OfficeKind, Role
from counter_app.ui.actions import COUNTER_ACTIONS, Situation, availability, card_state_kind
from tests.gui.fakes import make_actor
from tests.gui.test_workflows_more import counter, demo_template  # noqa: F401 - fixtures

SUBCENTER = make_actor()  # may do every counter action (district sub-center)

CHANGE, RESET, UNBLOCK = Action.CHANGE_PIN, Action.RESET_PIN, Action.UNBLOCK_PIN
WRITTEN, LIFT = Action.WRITTEN_LOSS_REPORT, Action.LIFT_LOSS_REPORT
REPLACE, SERVICE = Action.REPLACEMENT_APPLICATION, Action.RESET_SERVICE_PASSWORD
ALL = [action for action, _key in COUNTER_ACTIONS]

STATES = ["active", "phone_reported_lost", "lost", "replacement_applied", "cancelled", None]

#: card state -> the actions offered with a holder session and the card in the reader
#: (None: the overview has no card in use — replaced or cancelled).
OFFERED_WITH_CARD: dict[str | None, set[Action]] = {
    "active": {CHANGE, RESET, UNBLOCK, WRITTEN, SERVICE},
    "phone_reported_lost": {WRITTEN, LIFT, REPLACE, SERVICE},  # L3 confirms the phone report
    "lost": {LIFT, REPLACE, SERVICE},  # L4: no second written report
    "replacement_applied": {SERVICE},  # R2, U4
    "cancelled": {SERVICE},
    None: {SERVICE},
}

#: The same without the card in the reader: PIN services and the lift need the card.
OFFERED_WITHOUT_CARD: dict[str | None, set[Action]] = {
    state: offered - {CHANGE, RESET, UNBLOCK, LIFT} for state, offered in OFFERED_WITH_CARD.items()
}


def _cases(table: dict[str | None, set[Action]]) -> list[tuple[str | None, Action, bool]]:
    return [(state, action, action in table[state]) for state in STATES for action in ALL]


def _session(state: str | None, card: bool, **more: object) -> Situation:
    return Situation(has_session=True, card_in_reader=card, card_state=state, **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(("state", "action", "offered"), _cases(OFFERED_WITH_CARD))
def test_with_the_card_in_the_reader(state: str | None, action: Action, offered: bool) -> None:
    enabled, why = availability(SUBCENTER, action, _session(state, card=True))
    assert enabled is offered, why
    assert (why == "") is offered  # a disabled action always says why


@pytest.mark.parametrize(("state", "action", "offered"), _cases(OFFERED_WITHOUT_CARD))
def test_without_the_card(state: str | None, action: Action, offered: bool) -> None:
    enabled, why = availability(SUBCENTER, action, _session(state, card=False))
    assert enabled is offered, why
    assert (why == "") is offered


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("replacement_applied", "已申请补卡"),
        ("cancelled", "已注销"),
        ("active", "须先办理挂失"),
        (None, "没有在用的社保卡"),
    ],
)
def test_replacement_says_why_it_is_refused(state: str | None, reason: str) -> None:
    """The reported bug: F10 stayed enabled for a card already replaced or cancelled (the
    overview of such a holder has no card in use, so the state arrived as None)."""
    for card in (True, False):
        enabled, why = availability(SUBCENTER, REPLACE, _session(state, card=card))
        assert not enabled and reason in why


@pytest.mark.parametrize(
    ("action", "state", "reason"),
    [
        (LIFT, "replacement_applied", "不能再解除挂失"),
        (LIFT, "cancelled", "已注销"),
        (LIFT, "active", "没有有效的挂失记录"),
        (WRITTEN, "lost", "不能重复挂失"),
        (WRITTEN, "replacement_applied", "永久作废"),
        (WRITTEN, "cancelled", "已注销"),
        (CHANGE, "lost", "解除挂失（F9）"),
        (RESET, "phone_reported_lost", "已挂失"),
        (UNBLOCK, "replacement_applied", "永久作废"),
        (CHANGE, "cancelled", "已注销"),
        (RESET, None, "没有在用的社保卡"),
    ],
)
def test_refusals_say_why_in_words(action: Action, state: str | None, reason: str) -> None:
    enabled, why = availability(SUBCENTER, action, _session(state, card=True))
    assert not enabled and reason in why


# -- PIN blocked (P6), application blocked -------------------------------------------------

PIN_BLOCKED: list[tuple[Action, str | None, bool, str]] = [
    # action, card state, offered, part of the reason
    (CHANGE, "active", False, "密码已锁定"),
    (RESET, "active", True, ""),  # P5 reloads the PIN: the way out of a forgotten PIN
    (UNBLOCK, "active", True, ""),  # P6
    (WRITTEN, "active", True, ""),
    (SERVICE, "active", True, ""),  # the query password is not the card PIN
    (LIFT, "lost", False, "解挂须持卡人输入密码"),  # U5: the holder proves it with the PIN
    (REPLACE, "lost", True, ""),  # ...so a replacement is the way left
]


@pytest.mark.parametrize(("action", "state", "offered", "reason"), PIN_BLOCKED)
def test_pin_blocked(action: Action, state: str, offered: bool, reason: str) -> None:
    enabled, why = availability(SUBCENTER, action, _session(state, True, pin_blocked=True))
    assert enabled is offered and reason in why


def test_unblock_needs_a_blocked_pin_when_that_is_known() -> None:
    known_ok = _session("active", True, pin_blocked=False)
    enabled, why = availability(SUBCENTER, UNBLOCK, known_ok)
    assert not enabled and "未锁定" in why and "F6" in why
    # not read from the chip (None): offered, the card itself will tell
    assert availability(SUBCENTER, UNBLOCK, _session("active", True))[0]


@pytest.mark.parametrize("action", ALL)
def test_application_blocked(action: Action) -> None:
    """A medical terminal blocked the chip's application: PIN services cannot work on the
    chip; the lift is what unblocks it."""
    state = "lost" if action in (LIFT, REPLACE) else "active"
    enabled, why = availability(SUBCENTER, action, _session(state, True, app_blocked=True))
    pin_service = action in (CHANGE, RESET, UNBLOCK)
    assert enabled is not pin_service
    if pin_service:
        assert "社保应用已被锁定" in why


# -- no session, not logged in, role and office (S3) ----------------------------------------


@pytest.mark.parametrize("action", ALL)
def test_without_a_holder_session_only_the_lift_starts_from_the_card(action: Action) -> None:
    """RULES Q7: nothing before the holder is identified, but the lift starts from the card
    alone (U5: the holder types its PIN inside the lift)."""
    s = Situation(card_in_reader=True, reader_card_state="lost")
    enabled, why = availability(SUBCENTER, action, s)
    assert enabled is (action is LIFT)
    if action is not LIFT:
        assert "核验身份证件" in why
    enabled, why = availability(SUBCENTER, action, Situation())
    assert not enabled
    if action is LIFT:
        assert "插入找回的卡" in why  # RULES U2: the card must be brought and inserted


@pytest.mark.parametrize(
    ("state", "offered"),
    [
        ("active", False),
        ("lost", True),
        ("phone_reported_lost", True),
        ("replacement_applied", False),
        ("cancelled", False),
    ],
)
def test_F9_follows_the_issuers_state_of_the_card_in_the_reader(state: str, offered: bool) -> None:
    """The reported bug: F9 (lift) was offered for an active card as soon as it was
    inserted. The issuer's state of the card read from the chip decides (RULES U1, U4)."""
    s = Situation(card_in_reader=True, reader_card_state=state)
    enabled, why = availability(SUBCENTER, LIFT, s)
    assert enabled is offered, why


def test_no_reason_carries_a_rule_code() -> None:
    """Clerks read words, not rule references (those stay in the code and the audit)."""
    states = [None, "active", "phone_reported_lost", "lost", "replacement_applied", "cancelled"]
    for action in ALL:
        for state in states:
            for card in (True, False):
                for blocked in (None, True, False):
                    s = _session(state, card, pin_blocked=blocked)
                    _enabled, why = availability(SUBCENTER, action, s)
                    assert "RULES" not in why and not re.search(r"[（(][CQPLURSE]\d", why), why


@pytest.mark.parametrize("action", ALL)
def test_nothing_before_login(action: Action) -> None:
    assert availability(None, action, _session("active", True)) == (False, "请先登录。")


OFFICES: list[tuple[Actor, set[Action]]] = [
    (
        make_actor(role=Role.CLERK, kind=OfficeKind.SERVICE_WINDOW),
        {CHANGE, RESET, UNBLOCK, SERVICE},
    ),
    (
        make_actor(role=Role.CARD_CENTER_STAFF, kind=OfficeKind.CARD_CENTER),
        {CHANGE, RESET, UNBLOCK, WRITTEN, SERVICE},
    ),
    (SUBCENTER, set(ALL)),
]


@pytest.mark.parametrize(("actor", "allowed"), OFFICES)
def test_the_office_decides_first(actor: Actor, allowed: set[Action]) -> None:
    """S3 and the channel table: whatever the card, an office that may not do an action
    never offers it, and says where it is done."""
    for state in STATES:
        for action in ALL:
            enabled, why = availability(actor, action, _session(state, card=True))
            if action not in allowed:
                assert not enabled and why == actor.why_not(action)
    enabled, why = availability(OFFICES[0][0], LIFT, _session("lost", card=True))
    assert "所属区县医疗保险分中心" in why  # U2, U3


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("active", "active"),
        ("phone_reported_lost", "phone_lost"),
        ("lost", "lost"),
        ("replacement_applied", "replaced"),
        ("cancelled", "cancelled"),
        ("CardState.LOST", "lost"),
        ("正常", "active"),
        ("电话挂失（临时）", "phone_lost"),
        ("书面挂失", "lost"),
        ("已申请补卡", "replaced"),
        ("已注销", "cancelled"),
        (None, ""),
        ("", ""),
    ],
)
def test_card_state_kind(value: str | None, kind: str) -> None:
    assert card_state_kind(value) == kind


# -- end to end: the real services' overview on the demo database ---------------------------


@pytest.mark.gui
def test_replaced_card_disables_f10_on_the_real_overview(counter: Any) -> None:  # noqa: F811
    """杨丽's replacement was applied for: no card is in use, yet the header shows her card
    and 已申请补卡, and F10, F8 and F9 say why they are off (RULES R1, U4); the
    query-password reset (P8) stays available."""
    c = counter("YB500103-01")
    c.id_session("replacement_applied")
    header = c.win.holder.header.text()
    assert "0818" in header and "已申请补卡" in header
    buttons = c.win.action_buttons
    for action in (REPLACE, WRITTEN, LIFT):
        assert not buttons[action].isEnabled()
        assert "已申请补卡" in buttons[action].toolTip()
    assert buttons[SERVICE].isEnabled()


@pytest.mark.gui
def test_written_lost_card_offers_the_replacement_not_a_second_report(counter: Any) -> None:  # noqa: F811
    c = counter("YB500103-01")
    c.id_session("written_lost")
    buttons = c.win.action_buttons
    assert buttons[REPLACE].isEnabled(), buttons[REPLACE].toolTip()
    assert not buttons[WRITTEN].isEnabled() and "不能重复挂失" in buttons[WRITTEN].toolTip()
    assert not buttons[CHANGE].isEnabled() and "已挂失" in buttons[CHANGE].toolTip()


@pytest.mark.gui
def test_blocked_pin_read_from_the_chip_steers_the_clerk(counter: Any) -> None:  # noqa: F811
    """赵强's chip says 0 tries left (P6): with his card in the reader, change-PIN is off
    and says why, unblock and reset stay on."""
    c = counter("YB500103-01")
    c.id_session("pin_blocked")
    c.insert("pin_blocked")
    c.win.refresh_actions()
    buttons = c.win.action_buttons
    assert c.win.situation().pin_blocked is True
    assert not buttons[CHANGE].isEnabled() and buttons[CHANGE].toolTip()
    assert buttons[UNBLOCK].isEnabled(), buttons[UNBLOCK].toolTip()
    assert buttons[RESET].isEnabled(), buttons[RESET].toolTip()
    c.remove()
    c.win.refresh_actions()
    assert c.win.situation().pin_blocked is None  # no chip in the reader: not known


def test_U5_lift_waits_for_the_card_of_an_ended_service_to_be_inserted_again() -> None:
    s = Situation(card_in_reader=True, reader_card_state="lost", card_served=True)
    enabled, why = availability(SUBCENTER, LIFT, s)
    assert not enabled and "重新插入" in why
