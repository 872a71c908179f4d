"""The outage clause an ``AnswerNotRecorded`` opens with (RULES Q7: the clerk is told that
the card answered and that its answer was not recorded): each outage error names what could
not be reached itself (``outage``), and its banner message starts with that clause."""

from __future__ import annotations

import pytest

from counter_app.remote.protocol import ServerUnreachable
from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.unblock_verify import SUCCESS, WRONG_PIN, AnswerNotRecorded


@pytest.mark.parametrize(
    ("outage", "clause"),
    [
        (DatabaseUnavailable, "无法连接数据库"),
        (ServerUnreachable, "无法连接业务服务器（网络中断或服务器无响应）"),
    ],
)
def test_Q7_an_unrecorded_answer_names_the_outage_of_its_cause(
    outage: type[DatabaseUnavailable], clause: str
) -> None:
    cause = outage()
    assert cause.outage == clause and str(cause).startswith(clause + "，")
    said = AnswerNotRecorded.of(cause, 7, SUCCESS, None, "")
    assert str(said) == f"{clause}：卡已答复持卡人输入的密码，但核对结果未能记录；连接恢复后补记。"
    lost = AnswerNotRecorded.of(cause, 7, "card_error", None, "CardRemoved")
    assert str(lost) == f"{clause}：卡未能核对持卡人输入的密码，此情况未能记录。"
    assert AnswerNotRecorded.of(cause, 7, WRONG_PIN, 2, "").tries_left == 2
