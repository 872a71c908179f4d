"""``counter-server`` and the in-process services refuse the same calls while a one-time
staff password is not yet changed (RULES S3; P8's one-time rule), with the same typed error
and Chinese message: one list (``password_gate.WHILE_MUST_CHANGE``) for both."""

from __future__ import annotations

import pytest

from counter_app.api.inprocess import InProcessServices
from counter_app.api.interface import CounterServices
from counter_app.api.password_gate import WHILE_MUST_CHANGE, gated_methods
from counter_app.server.card_steps import CARD_STEPS
from counter_app.server.rpc import CARD_METHODS, EXTRA_METHODS, interface_methods
from counter_app.services.errors import PasswordChangeRequired, ServiceError
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres


def _refused_for_password(call) -> bool:  # type: ignore[no-untyped-def]
    """True when ``call`` is refused for the pending password change; other refusals (no
    arguments were sent) mean the call got past the gate."""
    try:
        call()
    except PasswordChangeRequired:
        return True
    except ServiceError:
        return False
    return False


def test_P8_server_and_in_process_refuse_the_same_calls(
    city: City,
    sql,  # type: ignore[no-untyped-def]
) -> None:
    sql("UPDATE staff SET must_change_password = true WHERE staff_no = :no", no=CLERK[0])
    remote = city.services("WS-A")
    login = remote.login(*CLERK)
    assert login.must_change_password

    served = interface_methods() | set(EXTRA_METHODS) | set(CARD_STEPS)
    refused = {
        name
        for name in served
        if _refused_for_password(lambda name=name: remote._call(name))  # type: ignore[misc]
    }
    assert served - refused == WHILE_MUST_CHANGE
    # The interface calls the server serves are refused exactly where the in-process gate
    # refuses them; the card methods (their server halves, CARD_STEPS, refused above) too.
    assert refused & interface_methods() == gated_methods(CounterServices) - CARD_METHODS
    assert CARD_METHODS <= gated_methods(CounterServices)

    local = InProcessServices(city.parts.services.ctx)
    local.login(*CLERK)
    with pytest.raises(PasswordChangeRequired) as remote_refusal:
        remote.find_holders(login.actor, "500103196803150310")
    with pytest.raises(PasswordChangeRequired) as local_refusal:
        local.find_holders(login.actor, "500103196803150310")
    assert str(remote_refusal.value) == str(local_refusal.value) == PasswordChangeRequired.message
