"""RULES Q5: an employer is looked up by its 单位社会保险编号. The clerk finds the number on
the holder's 就业与失业 page (工作经历 names each employer with its number), and a text
that is not a number at all (a company name) is answered with what to type, not with
"没有该单位社会保险编号"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from counter_app.models import Employer
from counter_app.models.career import EmploymentRecord
from counter_app.services import records
from counter_app.services.context import ServiceContext
from counter_app.services.errors import EmployerNotFound, EmployerNumberExpected
from counter_app.services.queries import insurance
from tests.services.conftest import actor_for

CLERK = "YB500103-01"


def test_Q5_a_company_name_is_asked_to_be_the_unit_number(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        name, number = uow.session.execute(
            select(Employer.name, Employer.unit_number).limit(1)
        ).one()
    actor = actor_for(ctx, CLERK)
    for text in (name, "重庆", "abc", "山城机械 5001"):
        with pytest.raises(EmployerNumberExpected) as asked:
            records.employer_contributions(ctx, actor, text, 12)
        assert "14位单位社会保险编号" in str(asked.value)
        assert "不是单位名称" in str(asked.value)
    with pytest.raises(EmployerNotFound) as unknown:  # a number, but nobody's
        records.employer_contributions(ctx, actor, "99999900000000", 12)
    assert not isinstance(unknown.value, EmployerNumberExpected)
    assert "没有该单位社会保险编号" in str(unknown.value)
    assert records.employer_contributions(ctx, actor, " " + number + " ", 12).name == name


def test_Q2_Q5_employment_rows_carry_the_employers_unit_number(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        holder_id, number = uow.session.execute(
            select(EmploymentRecord.holder_id, Employer.unit_number)
            .join(Employer, Employer.id == EmploymentRecord.employer_id)
            .limit(1)
        ).one()
        rows = insurance.employment(uow.session, holder_id).employment
    assert rows and all(len(r.unit_number) == 14 for r in rows)
    assert number in {r.unit_number for r in rows}
