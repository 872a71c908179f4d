"""RULES P6, Q7: the card's verdict on the holder's PIN after an unblock is recorded once.

A workstation that lost the server's answer to its record (a timeout on the way back) or
could not reach it records the card's answer again (``record_unblock_verify``); the card's
counter only goes down until a success ends the check, so each verdict (success; wrong with
N tries left; locked) happens at most once per unblock and a second report of it is the
same answer, not a new one. A card error (the card did not judge the PIN) is not a verdict
and may happen more than once. A lost database hands the card's answer back to the caller
(``AnswerNotRecorded``), never the PIN."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from counter_app.services import unblock_verify
from counter_app.services.context import ServiceContext
from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.unblock_verify import AnswerNotRecorded
from reader.keys import TEST_KEYS, SoftwareKeyProvider
from tests.services.conftest import _dispose, make_ctx
from tests.services.test_unblock_verify_audited import VERIFY, _events, _unblocked


@pytest.fixture
def keyed(demo_url: str) -> Iterator[ServiceContext]:
    context = make_ctx(demo_url, four_eyes=False)
    context.key_provider = SoftwareKeyProvider(TEST_KEYS)  # CARD.md test keys (mode test)
    yield context
    _dispose(context)


def _record(
    ctx: ServiceContext, state: Any, answer: str, tries: int | None, error: str = ""
) -> None:
    actor, session, _client, result = state
    unblock_verify.record_unblock_verify(ctx, actor, session, result.event_id, answer, tries, error)


def test_P6_the_same_verdict_on_the_same_unblock_is_recorded_once(keyed: ServiceContext) -> None:
    state = _unblocked(keyed, "111111")  # wrong: recorded with 2 tries left
    assert [(e.outcome, (e.details or {}).get("tries_left")) for e in _events(keyed)] == [
        ("failed", 2)
    ]
    _record(keyed, state, unblock_verify.WRONG_PIN, 2)  # the same answer again
    _record(keyed, state, unblock_verify.WRONG_PIN, 1)  # a new one
    _record(keyed, state, unblock_verify.SUCCESS, None)
    _record(keyed, state, unblock_verify.SUCCESS, None)
    assert [(e.outcome, (e.details or {}).get("tries_left")) for e in _events(keyed)] == [
        ("failed", 2),
        ("failed", 1),
        ("success", None),
    ]


def test_P6_a_locked_verdict_is_recorded_once(keyed: ServiceContext) -> None:
    state = _unblocked(keyed, "111111")
    _record(keyed, state, unblock_verify.PIN_BLOCKED, 0)
    _record(keyed, state, unblock_verify.PIN_BLOCKED, 0)
    assert [e.action for e in _events(keyed)] == [VERIFY, VERIFY + ".refused"]


def test_Q7_card_errors_are_not_verdicts_and_each_is_recorded(keyed: ServiceContext) -> None:
    state = _unblocked(keyed, "111111")
    _record(keyed, state, unblock_verify.CARD_ERROR, None, "CardRemoved")
    _record(keyed, state, unblock_verify.CARD_ERROR, None, "CardRemoved")
    assert [(e.details or {}).get("card_error") for e in _events(keyed)] == [
        None,
        "CardRemoved",
        "CardRemoved",
    ]


def test_P6_a_lost_database_hands_the_cards_answer_back(
    keyed: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _unblocked(keyed, "111111")
    actor, session, _client, result = state

    def down() -> Any:
        raise DatabaseUnavailable()

    monkeypatch.setattr(keyed, "uow", down)
    with pytest.raises(AnswerNotRecorded) as lost:
        unblock_verify.record_unblock_verify(
            keyed, actor, session, result.event_id, unblock_verify.SUCCESS, None, ""
        )
    assert isinstance(lost.value, DatabaseUnavailable)  # the outage banner shows it
    assert str(lost.value).startswith("无法连接数据库：卡已答复持卡人输入的密码")
    assert (lost.value.event_id, lost.value.answer) == (result.event_id, "success")
    monkeypatch.undo()
    assert len(_events(keyed)) == 1  # nothing written meanwhile
