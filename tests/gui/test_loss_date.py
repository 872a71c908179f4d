"""The written report's 遗失日期 (RULES L3): confirming a phone report, it defaults to the
phone report's day and cannot be later; without one, today."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from counter_app.services.permissions import Action
from counter_app.ui.workflows.loss_report import LossReportDialog
from tests.gui.test_workflows import card_session, wf  # noqa: F401 - fixture used by name

pytestmark = pytest.mark.gui
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _open_dialog(win: Any, reader: Any) -> LossReportDialog:
    card_session(win, reader)
    win.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    dialog = win.workflow
    assert isinstance(dialog, LossReportDialog)
    return dialog


def test_L3_loss_date_defaults_to_the_phone_report_day(
    wf: Any,  # noqa: F811
    reader: Any,
    monkeypatch: Any,
) -> None:
    reported = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    plain = wf.gateway.overview

    def with_phone_report(actor: Any, session: Any) -> Any:
        view = plain(actor, session)
        card = dataclasses.replace(view.card, phone_reported_at=reported)
        return dataclasses.replace(view, card=card)

    monkeypatch.setattr(wf.gateway, "overview", with_phone_report)
    dialog = _open_dialog(wf, reader)
    day = reported.astimezone(SHANGHAI).date()
    shown = dialog.loss_date.date()
    assert (shown.year(), shown.month(), shown.day()) == (day.year, day.month, day.day)
    latest = dialog.loss_date.maximumDate()
    assert (latest.year(), latest.month(), latest.day()) == (day.year, day.month, day.day)


def test_L3_without_a_phone_report_the_loss_date_defaults_to_today(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    dialog = _open_dialog(wf, reader)
    today = dt.datetime.now(SHANGHAI).date()
    shown = dialog.loss_date.date()
    assert (shown.year(), shown.month(), shown.day()) == (today.year, today.month, today.day)
