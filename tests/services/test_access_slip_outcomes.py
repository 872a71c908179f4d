"""RULES Q7, E1: the access slip (个人信息查阅告知单) and the end-of-service summary list what
was done with the holder's card; a try that failed is listed as not done, not as done.

A clerk's trial in the city: a lift whose first PIN was wrong printed 解除挂失 twice under
办理的业务, the failed try like the lift itself. Here the PIN check after an unblock (P6):
the holder types a wrong PIN, then the right one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services import pin_reset, sessions
from counter_app.services.context import ServiceContext
from reader.client import SocialSecurityCardClient
from reader.keys import TEST_KEYS, SoftwareKeyProvider
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.services.conftest import _dispose, actor_for, card_for, holder_id_of, make_ctx

CLERK = "YB500103-01"


@pytest.fixture
def keyed(demo_url: str) -> Iterator[ServiceContext]:
    context = make_ctx(demo_url, four_eyes=False)
    context.key_provider = SoftwareKeyProvider(TEST_KEYS)  # CARD.md test keys (mode test)
    yield context
    _dispose(context)


def _pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


def test_Q7_E1_a_failed_try_is_listed_as_not_done(keyed: ServiceContext) -> None:
    ctx = keyed
    h = fixed_holder("pin_blocked")
    actor = actor_for(ctx, CLERK)
    session = sessions.open_id_session(
        ctx, actor, holder_id_of(ctx, "pin_blocked"), manual_doc(h.ssn), "密码已锁"
    )
    _, transport, _ = card_for(ctx, "pin_blocked")
    client = SocialSecurityCardClient(transport, ctx.key_provider)
    wrong = "111111" if h.pin != "111111" else "222222"
    result = pin_reset.unblock_pin(ctx, actor, session, client, manual_doc(h.ssn), pin=_pin(wrong))
    assert result.verified is False
    again = pin_reset.verify_after_unblock(ctx, actor, session, client, result, _pin(h.pin))
    assert again.verified is True

    summary = sessions.end_session(ctx, actor, session)

    described = [(a.description, a.outcome) for a in summary.actions]
    assert described == [
        ("卡密码解锁", "success"),
        ("解锁后持卡人验证卡密码（未成功）", "failed"),
        ("解锁后持卡人验证卡密码", "success"),
    ]
