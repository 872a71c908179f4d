"""RULES Q5, Q6 in the city: a workstation looks up an employer's medical contributions and
the published catalogues through counter-server. The employer look-up is audited by the
server for the staff member and workstation it knows; a wrong number, an empty search and
a control character come back as the services' own typed errors, in Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from counter_app.services.errors import EmployerNotFound, SearchTextRequired
from counter_app.services.queries.public import DrugRow, EmployerContributions, TreatmentRow
from counter_app.validation import ValidationError
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres


def _unit_with_medical_months(sql: Any) -> str:
    ((unit,),) = sql(
        "SELECT e.unit_number FROM employers e JOIN contribution_records c"
        " ON c.employer_id = e.id WHERE c.insurance = 'medical'"
        " GROUP BY e.unit_number ORDER BY count(DISTINCT c.period) DESC, e.unit_number LIMIT 1"
    )
    return str(unit)


def test_Q5_employer_contributions_through_the_server_are_audited(city: City, sql: Any) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    unit = _unit_with_medical_months(sql)
    view = remote.employer_contributions(actor, unit.lower(), 3)
    assert isinstance(view, EmployerContributions)
    ((name,),) = sql("SELECT name FROM employers WHERE unit_number = :u", u=unit)
    assert (view.unit_number, view.name) == (unit, name)
    assert 1 <= len(view.months) <= 3
    assert all(isinstance(m.employer_yuan, Decimal) for m in view.months)
    rows = sql(
        "SELECT workstation, holder_id, details FROM audit_events"
        " WHERE action = 'employer.view' ORDER BY seq"
    )
    assert [(str(w), h, dict(d)["unit_number"]) for w, h, d in rows] == [("WS-A", None, unit)]


def test_Q6_catalogues_through_the_server(city: City) -> None:
    remote = city.services("WS-A")
    remote.login(*CLERK)
    drugs = remote.search_drugs("阿莫西林", 2)
    assert drugs and len(drugs) <= 2 and all(isinstance(d, DrugRow) for d in drugs)
    assert all("阿莫西林" in d.name for d in drugs)
    items = remote.search_treatments("检查")
    assert items and all(isinstance(t, TreatmentRow) for t in items)
    assert any(isinstance(t.price_yuan, Decimal) for t in items)


def test_Q5_Q6_refusals_come_back_typed_and_in_chinese(city: City) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    with pytest.raises(EmployerNotFound) as not_found:
        remote.employer_contributions(actor, "DW00000000000", 12)
    assert "单位" in str(not_found.value)
    with pytest.raises(SearchTextRequired):
        remote.search_drugs("  ")
    with pytest.raises(ValidationError) as bad:
        remote.search_treatments("检查\u202e")  # a bidi override pasted from elsewhere
    assert "药品或诊疗项目查询内容" in str(bad.value)
    with pytest.raises(ValidationError) as long:
        remote.employer_contributions(actor, "9" * 31, 12)
    assert "最多30个字" in str(long.value)
