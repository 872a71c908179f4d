"""复核人 in the city (four-eyes, RULES S1–S3, P5): the reset's rule step and record step
are two requests to counter-server, the second naming only the password event; the
receipt still names the supervisor whose approval the first one spent — from the database,
as the server has it — and it reaches the workstation through the codec."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from pypdf import PdfReader

from counter_app.services.permissions import Action
from forms import data as fd
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.server.conftest import CLERK, SUPERVISOR, City
from tests.services.conftest import card_for

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"  # demo holder 王建国, card active, PIN 123456


def _pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


def test_P5_remote_approved_reset_receipt_names_the_supervisor(city: City, sql: Any) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    (hit,) = remote.find_holders(actor, HOLDER_SSN)
    session = remote.open_id_session(actor, hit.holder_id, manual_doc(HOLDER_SSN), "持卡人忘带卡")
    client, _transport, chip = card_for(city.parts.services.ctx, "active_default_pin")
    submission = uuid.uuid4().hex
    approval = remote.verify_supervisor_approval(
        actor,
        *SUPERVISOR,
        remote.pin_reset_digest(actor, session, submission),
        Action.RESET_PIN.value,
    )
    result = remote.reset_pin(
        actor,
        session,
        client,
        manual_doc(HOLDER_SSN),
        _pin("802413"),
        _pin("802413"),
        approval,
        submission,
    )
    assert chip.to_profile()["pin"] == "802413"
    ((name,),) = sql("SELECT name FROM staff WHERE staff_no = :n", n=SUPERVISOR[0])
    assert result.form is not None and result.form.reviewer == fd.Staff(name, SUPERVISOR[0])
    pdf = remote.render_form(result.form)  # the server draws it: the key stays there
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("复核人") == 2 and f"{SUPERVISOR[0]} {name}" in text
