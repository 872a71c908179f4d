"""RULES L4 in the city: 补打挂失登记表 through counter-server — the server picks the served
holder's written report's form, draws it marked 补打 (the form-signing key stays there) and
audits the reprint for the workstation and clerk it knows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from counter_app.services.form_reprints import NoLossFormToReprint
from counter_app.services.written_reports import WrittenLossInput
from tests.id_documents import manual_doc
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"  # demo holder 王建国, card active


def test_L4_reprint_of_the_loss_form_through_the_server(city: City, sql: Any) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    (hit,) = remote.find_holders(actor, HOLDER_SSN)
    session = remote.open_id_session(actor, hit.holder_id, manual_doc(HOLDER_SSN), "持卡人遗失")
    with pytest.raises(NoLossFormToReprint):  # an active card has no loss form
        remote.reprint_loss_form(actor, session, "持卡人联遗失")
    details = WrittenLossInput(
        contact_phone="13883251234",
        loss_date=dt.date(2025, 3, 9),
        loss_place="解放碑",
        circumstances="遗失",
        id_document=manual_doc(HOLDER_SSN),
    )
    written = remote.register_written_loss(actor, hit.holder_id, details, "rpc-reprint-0001")
    copy = remote.reprint_loss_form(actor, session, "持卡人联遗失")
    assert copy.serial == written.serial
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(copy.pdf)).pages)
    assert "补打（第1次）" in text.replace("\n", "") and written.serial in text
    rows = sql(
        "SELECT workstation, outcome FROM audit_events WHERE action = 'form.reprint' ORDER BY seq"
    )
    assert [(str(w), str(o)) for w, o in rows] == [("WS-A", "success")]
