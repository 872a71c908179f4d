"""RULES Q5 工亡人员待遇 in the city: a workstation looks up a deceased holder's work-death
record through counter-server. The server audits the look-up (Q7) for the staff member and
workstation it knows, naming the deceased and the reason; a missing reason and a wrong
number come back as the services' own typed errors, in Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.queries.public import WorkDeathBenefits
from counter_app.services.records import WorkDeathReasonRequired
from counter_app.validation import ValidationError
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres

DECEASED = fixed_holder("work_death")


def test_Q5_work_death_benefits_through_the_server_are_audited(city: City, sql: Any) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    result = remote.work_death_benefits(actor, DECEASED.ssn.lower(), "家属查询（子女）")
    assert isinstance(result, WorkDeathBenefits) and result.found
    assert result.name == DECEASED.name
    ((holder_id, case_no),) = sql(
        "SELECT h.id, d.case_no FROM holders h JOIN death_cases d ON d.holder_id = h.id"
        " WHERE h.ssn = :ssn",
        ssn=DECEASED.ssn,
    )
    survivors = sql(
        "SELECT s.survivor_name FROM survivor_benefits s JOIN death_cases d"
        " ON d.id = s.death_case_id WHERE d.case_no = :c ORDER BY s.id",
        c=case_no,
    )
    assert result.death.case_no == case_no
    assert [s.name for s in result.death.survivors] == [str(n) for (n,) in survivors]
    assert all(isinstance(s.monthly_yuan, Decimal) for s in result.death.survivors)
    rows = sql(
        "SELECT workstation, holder_id, reason, category FROM audit_events"
        " WHERE action = 'work_death.view' ORDER BY seq"
    )
    assert [tuple(r) for r in rows] == [("WS-A", holder_id, "家属查询（子女）", "death")]


def test_Q5_Q7_refusals_come_back_typed_and_in_chinese(city: City, sql: Any) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    with pytest.raises(WorkDeathReasonRequired) as no_reason:
        remote.work_death_benefits(actor, DECEASED.ssn, " ")
    assert "查询事由" in str(no_reason.value)
    with pytest.raises(ValidationError) as wrong:
        remote.work_death_benefits(actor, DECEASED.ssn[:-1] + "2", "家属查询")
    assert "校验位" in str(wrong.value)
    assert sql("SELECT count(*) FROM audit_events WHERE action = 'work_death.view'") == [(0,)]
    ((refused,),) = sql(
        "SELECT count(*) FROM audit_events WHERE action = 'work_death.view.refused'"
        " AND workstation = 'WS-A'"
    )
    assert refused == 1
