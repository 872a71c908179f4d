"""主管审批 while the server is down (RULES S3, four-eyes): the supervisor's password field is
emptied when it is sent, so the outage's 已填写的内容仍保留 is not true of it — the banner
says the staff number is kept and the supervisor must type the password again, as the login
screen does (工号仍保留，请重新输入密码)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.remote.protocol import ServerUnreachable
from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.permissions import Action
from tests.e2e.id_typing import choose_reason
from tests.gui.test_workflows_more import approve, counter, demo_template  # noqa: F401

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("outage", [ServerUnreachable, DatabaseUnavailable])
def test_S3_approval_outage_asks_the_supervisor_to_type_the_password_again(
    counter: Any,  # noqa: F811
    outage: type[DatabaseUnavailable],
) -> None:
    c = counter("YB500103-01")
    c.id_session("active_changed_pin")
    c.insert("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    d.id_step.fields.number.setText(fixed_holder("active_changed_pin").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()

    def down(*_args: Any, **_kwargs: Any) -> Any:
        raise outage()

    c.win.gateway.verify_supervisor_approval = down
    approve(d, "YB500103-03")
    assert d.approval.approval is None
    assert d.approval.password.text() == ""  # emptied when sent
    assert d.approval.staff_no.text() == "YB500103-03"  # kept
    banner = d.banner.text()
    assert d.banner.isVisible()
    assert "已填写的内容仍保留" not in banner
    assert "请主管重新输入密码" in banner and "主管工号仍保留" in banner
    assert "本次操作" in banner  # the outage itself is still said
