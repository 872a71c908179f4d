"""RULES L2 on the real stack (and through counter-server): the list of phone reports about
to lapse masks the holders' phone numbers; 显示完整电话 on a row asks the service, which
checks the clerk and audits the reveal (the holder named, never the number), and only then
does the row show the full number."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PyQt6.QtCore import QItemSelectionModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.db import create_engine_for
from counter_app.demo.accounts import fixed_holder
from counter_app.models.audit import AuditEvent
from counter_app.models.holder import Holder
from counter_app.ui.lapsing import COLUMNS
from forms.masking import mask_id_number, mask_phone

pytestmark = pytest.mark.gui


def _holder_and_reveals(url: str, ssn: str) -> tuple[int, str, list[AuditEvent]]:
    engine = create_engine_for(url)
    try:
        with Session(engine) as db:
            holder_id, phone = db.execute(
                select(Holder.id, Holder.phone).where(Holder.ssn == ssn)
            ).one()
            events = list(
                db.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action == "loss.reveal_phone")
                    .order_by(AuditEvent.seq)
                )
            )
            for event in events:
                db.expunge(event)
    finally:
        engine.dispose()
    return int(holder_id), str(phone), events


@pytest.mark.also_remote
def test_L2_reveal_a_lapsing_holders_phone_from_the_list(counter: Any) -> None:
    c = counter("KZX500000-01")  # the card center sees every district's reports
    holder = fixed_holder("phone_lost_lapsing")  # 刘芳, due within 2 days
    holder_id, phone, before = _holder_and_reveals(c.db_url, holder.ssn)
    assert phone and before == []
    badge = c.window.lapsing_badge  # type: ignore[attr-defined]
    badge.show_list()
    dialog = badge.dialog
    assert dialog is not None and dialog.isVisible()
    model = dialog.model
    masked = mask_id_number(holder.ssn)
    [row] = [r for r in range(model.rowCount()) if model.row_object(r).masked_id_number == masked]
    cell = model.index(row, COLUMNS.index("phone"))
    assert model.data(cell) == mask_phone(phone) != phone
    assert model.row_object(row).phone != phone  # the full number never reached the list
    assert dialog.selected_row() == 0  # the first row is selected as the list opens
    selection = dialog.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    selection.select(model.index(row, 0), flags.ClearAndSelect | flags.Rows)
    c.click(dialog.reveal_button)
    assert dialog.error.text() == ""
    assert model.data(cell) == phone
    assert not dialog.reveal_button.isEnabled()  # shown already
    others = [
        model.data(model.index(r, COLUMNS.index("phone")))
        for r in range(model.rowCount())
        if r != row and model.row_object(r).phone
    ]
    assert all("*" in text for text in others)  # only the revealed row shows a full number
    _id, _phone, after = _holder_and_reveals(c.db_url, holder.ssn)
    [event] = after
    assert event.holder_id == holder_id and event.outcome == "success"
    assert event.staff_id is not None and phone not in json.dumps(event.details)
    dialog.close()
