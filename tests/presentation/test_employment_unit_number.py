"""RULES Q2 就业与失业, Q5: 工作经历 names each employer with its 单位社会保险编号, the
number the employer look-up asks for (a trial's clerk had only the name)."""

from __future__ import annotations

import datetime as dt

from counter_app.presentation.insurance_pages import employment_table
from counter_app.services.queries.insurance import EmploymentRow


def test_Q5_employment_table_shows_the_unit_number_beside_the_name() -> None:
    table = employment_table(
        (
            EmploymentRow("重庆南山物业管理股份有限公司", "技术员", dt.date(2015, 3, 1), None,
                          "50010300000031"),
            EmploymentRow("重庆龙门机械制造有限责任公司", "", dt.date(2010, 3, 1),
                          dt.date(2015, 6, 30)),
        )
    )  # fmt: skip
    assert table.headers[:2] == ("工作单位", "单位编号")
    assert table.rows[0][:2] == ("重庆南山物业管理股份有限公司", "50010300000031")
    assert table.rows[1][1] == "—"  # none on record: said, not an empty cell
