"""书面挂失 as the clerk reads it back to the holder (RULES L3): the confirmation writes
遗失日期 as every screen and form does (2026年12月05日, not 2026-12-05), and names the 12333
phone report the written one confirms — on the confirmation and on the result — so the
holder hears which report is being confirmed (a new clerk's trial under Xvfb)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from counter_app.services.permissions import Action
from counter_app.ui.workflows.loss_report import LossReportDialog
from tests.gui.test_workflows import card_session, fill_loss, wf  # noqa: F401 - fixture by name

pytestmark = pytest.mark.gui


def _open_dialog(win: Any, reader: Any) -> LossReportDialog:
    card_session(win, reader)
    win.action_buttons[Action.WRITTEN_LOSS_REPORT].click()
    dialog = win.workflow
    assert isinstance(dialog, LossReportDialog)
    return dialog


def _with_phone_report(gateway: Any, monkeypatch: Any, reported: dt.datetime) -> None:
    plain = gateway.overview

    def overview(actor: Any, session: Any) -> Any:
        view = plain(actor, session)
        return dataclasses.replace(
            view, card=dataclasses.replace(view.card, phone_reported_at=reported)
        )

    monkeypatch.setattr(gateway, "overview", overview)


def test_L3_confirmation_writes_the_loss_date_as_screens_do(
    wf: Any,  # noqa: F811
    reader: Any,
) -> None:
    dialog = _open_dialog(wf, reader)
    fill_loss(dialog)
    dialog.loss_date.setDate(dialog.loss_date.date().addDays(-2))
    chosen = dialog.details().loss_date
    dialog.next()
    summary = dialog.summary.text()
    assert f"遗失日期：{chosen:%Y}年{chosen:%m}月{chosen:%d}日" in summary
    assert chosen.isoformat() not in summary
    assert "12333" not in summary  # no phone report on this card: none named


def test_L3_confirmation_and_result_name_the_phone_report_confirmed(
    wf: Any,  # noqa: F811
    reader: Any,
    monkeypatch: Any,
) -> None:
    # 2026-12-05 12:31 UTC is 20:31 in Chongqing.
    reported = dt.datetime(2026, 12, 5, 12, 31, tzinfo=dt.UTC)
    _with_phone_report(wf.gateway, monkeypatch, reported)
    registered = wf.gateway.register_written_loss

    def confirming(*args: Any) -> Any:
        result = registered(*args)
        form = dataclasses.replace(
            result.form,
            phone_report=dataclasses.replace(
                result.form.phone_report, reported_at=reported, reference="12333-20261205-0088"
            ),
        )
        return dataclasses.replace(result, form=form, confirmed_phone_report=True)

    monkeypatch.setattr(wf.gateway, "register_written_loss", confirming)
    dialog = _open_dialog(wf, reader)
    fill_loss(dialog)
    dialog.next()
    summary = dialog.summary.text()
    assert "遗失日期：2026年12月05日" in summary  # defaults to the phone report's day
    assert "将确认该卡 2026年12月05日 20:31 的 12333 电话挂失" in summary
    dialog.next()
    done = dialog.result_label.text()
    assert "书面挂失已登记" in done, dialog.banner.text()
    assert "已确认该卡 2026年12月05日 20:31 的 12333 电话挂失（编号 12333-20261205-0088" in done
