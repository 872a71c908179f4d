"""The lift of a loss report on a chip whose application a hospital terminal blocked
(CARD.md APPLICATION UNBLOCK, key MAINT; RULES U1-U5) through counter-server: the server
makes the MAINT MAC only after its own rules allowed that lift — the holder's district
(U2), the card read being the card reported (U5) and the supervisor's approval (four-eyes)
— never before; a refused lift leaves the chip blocked and the card lost."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.errors import ApprovalInvalid, ApprovalRequired, WrongDistrict
from counter_app.services.permissions import Action
from reader.identity import APP_BLOCKED
from reader.keys import KeyPurpose
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc
from tests.server.conftest import CLERK, City, CountingKeys
from tests.services.conftest import card_for

pytestmark = pytest.mark.postgres

HOLDER = fixed_holder("app_blocked")  # 黄敏, household district 500109 (北碚区)
BEIBEI_CLERK = ("YB500109-01", "Yibao#2024")
BEIBEI_SUPERVISOR = ("YB500109-03", "Zhuguan#2024")


def _pin() -> PinBuffer:
    return PinBuffer.from_keys(HOLDER.pin.encode())


def _states(sql: Any) -> tuple[str, str]:
    ((card, report),) = sql(
        "SELECT c.state, r.state FROM cards c JOIN loss_reports r ON r.card_id = c.id"
        " WHERE c.card_number = :n ORDER BY r.id DESC LIMIT 1",
        n=HOLDER.card_number,
    )
    return str(card), str(report)


def _refusals(sql: Any) -> list[str]:
    return [
        str(reason)
        for (reason,) in sql(
            "SELECT reason FROM audit_events WHERE action = 'loss.lift.refused' ORDER BY seq"
        )
    ]


def test_U2_no_MAINT_MAC_for_a_lift_refused_at_another_district(
    city: City, sql: Any, keys: CountingKeys
) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor  # 渝中区: not 黄敏's district
    client, _transport, chip = card_for(city.parts.services.ctx, "app_blocked")
    before = _states(sql)
    with pytest.raises(WrongDistrict):
        remote.lift_loss_report(
            actor, client, _pin(), manual_doc(HOLDER.ssn), None, uuid.uuid4().hex
        )
    assert keys.asked == []  # no ticket, no MAC: the chip was never unblocked
    assert chip.app_state == APP_BLOCKED and _states(sql) == before
    assert len(_refusals(sql)) == 1


def test_U5_the_MAINT_MAC_only_after_the_supervisor_approved(
    city: City, sql: Any, keys: CountingKeys
) -> None:
    remote = city.services("WS-BB")
    actor = remote.login(*BEIBEI_CLERK).actor
    client, _transport, chip = card_for(city.parts.services.ctx, "app_blocked")
    identity = client.read_identity()
    document = manual_doc(HOLDER.ssn)
    submission = uuid.uuid4().hex
    before = _states(sql)
    assert before[0] == "lost"
    assert remote.check_lift(actor, identity, document).ok  # U1-U5 pass at 北碚区

    # Four-eyes is on in the test city: without the approval, or with one for another
    # request, the server grants no MAINT key ticket and makes no MAC.
    with pytest.raises(ApprovalRequired):
        remote.lift_loss_report(actor, client, _pin(), document, None, submission)
    other = remote.verify_supervisor_approval(
        actor,
        *BEIBEI_SUPERVISOR,
        remote.lift_digest(actor, identity, uuid.uuid4().hex),
        Action.LIFT_LOSS_REPORT.value,
    )
    with pytest.raises(ApprovalInvalid):
        remote.lift_loss_report(actor, client, _pin(), document, other, submission)
    assert keys.asked == []
    assert chip.app_state == APP_BLOCKED and _states(sql) == before
    assert len(_refusals(sql)) == 2  # each refusal audited by the server

    approval = remote.verify_supervisor_approval(
        actor,
        *BEIBEI_SUPERVISOR,
        remote.lift_digest(actor, identity, submission),
        Action.LIFT_LOSS_REPORT.value,
    )
    result = remote.lift_loss_report(actor, client, _pin(), document, approval, submission)
    assert result.app_unblocked and chip.app_state == "ok"
    assert result.form.app_unblocked  # and its 解除挂失登记表 says so, through the server
    assert keys.asked == [(KeyPurpose.MAINT, "84180000")]  # APPLICATION UNBLOCK, once
    assert _states(sql) == ("active", "lifted")
    ((workstation, details),) = sql(
        "SELECT workstation, details FROM audit_events WHERE action = 'loss.lift'"
        " AND outcome = 'success'"
    )
    assert workstation == "WS-BB" and details["approval_id"] == approval.id
