"""The holder header says what the card page says of an expired card: 卡状态 正常（已过期）,
beside 有效期至 …（已过期） on the card page (a new clerk's trial read 卡状态 正常 in the
header of 周国华, whose card expired on 2025-02-28). Only what is shown changes: the card
keeps its state and what that state allows."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from counter_app.presentation.holder_pages import state_fact
from counter_app.services.context import Actor
from counter_app.services.queries.holder import HolderOverview
from counter_app.ui.holder_view import holder_facts
from tests.gui.fakes import DOC, FakeServices

pytestmark = pytest.mark.gui


class ExpiredCardServices(FakeServices):
    """The holder's card is in use (正常) but past its expiry date."""

    def overview(self, actor: Actor, session: Any) -> HolderOverview:
        shown = super().overview(actor, session)
        assert shown.card is not None
        return dataclasses.replace(shown, card=dataclasses.replace(shown.card, expired=True))


@pytest.fixture
def gateway() -> FakeServices:
    return ExpiredCardServices()


def test_the_header_marks_an_expired_card_like_the_card_page(window: Any) -> None:
    session = window.gateway.open_id_session(window.actor, 7, DOC, "查询")
    window._id_session_opened(session)
    overview = window.holder.overview
    assert overview is not None and overview.card.expired
    header = window.holder.header.text()
    assert "卡状态 正常（已过期）" in header
    shown = window.holder.card_page.shown_texts()
    assert "正常" in shown  # the card page's 卡状态 row: the state itself, unchanged
    assert any(t.endswith("（已过期）") and t.startswith("2030") for t in shown)  # 有效期至
    # Every screen that names the holder's card (the workflows' heads too) says the same.
    assert holder_facts(overview).state_label == "正常（已过期）"
    # The state the rules decide by is the card's own (RULES: nothing about expiry).
    assert window.card_state == "active"


def test_a_card_within_its_expiry_date_is_not_marked() -> None:
    overview = FakeServices().overview(None, None)  # type: ignore[arg-type]
    assert overview.card is not None and not overview.card.expired
    assert state_fact(overview.card) == "正常"
    assert holder_facts(overview).state_label == "正常"
