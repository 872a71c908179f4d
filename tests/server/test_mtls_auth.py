"""The city tier refuses whoever the rules do not trust: a workstation without a
certificate, with a foreign or a revoked one, a session token used from another
workstation, a forged token, a disabled staff member's token; and the audit names the
staff member and workstation the server authenticated (等保 2.0: server-side access control
and audit). Real uvicorn with mutual TLS on 127.0.0.1, real PostgreSQL."""

from __future__ import annotations

import ssl
import uuid
from pathlib import Path

import httpx
import pytest

from counter_app.remote.codec import encode
from counter_app.remote.protocol import (
    CALL_PATH,
    WIRE_VERSION,
    WIRE_VERSION_HEADER,
    WorkstationRefused,
)
from counter_app.services import staff_accounts
from counter_app.services.context import Actor
from counter_app.services.errors import LoginFailed, OtherOfficeWorkstation, StaffSessionEnded
from counter_app.services.permissions import OfficeKind, Role
from tests.server.conftest import CLERK, City, fresh_pki

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"  # demo holder 王建国


def _raw_client(city: City, cert: tuple[Path, Path] | None) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(city.pki.ca_cert))
    if cert is not None:
        context.load_cert_chain(str(cert[0]), str(cert[1]))
    return httpx.Client(
        base_url=city.base_url,
        verify=context,
        timeout=10,
        headers={WIRE_VERSION_HEADER: str(WIRE_VERSION)},
    )


def test_workstation_without_certificate_is_refused_at_the_handshake(city: City) -> None:
    with _raw_client(city, None) as client, pytest.raises(httpx.TransportError):
        client.post("/v1/login", json={"staff_no": CLERK[0], "password": CLERK[1]})


def test_certificate_of_another_ca_is_refused(city: City, tmp_path: Path) -> None:
    stranger = fresh_pki(tmp_path / "other")
    crt, key = stranger.issue_workstation("WS-A", "500103-YB")  # same name, wrong CA
    with _raw_client(city, (crt, key)) as client, pytest.raises(httpx.TransportError):
        client.post("/v1/login", json={"staff_no": CLERK[0], "password": CLERK[1]})


def test_revoked_workstation_is_refused_on_its_next_call(city: City) -> None:
    workstation = f"WS-R{uuid.uuid4().hex[:6]}"
    city.pki.issue_workstation(workstation, "500103-YB")
    services = city.services(workstation)
    login = services.login(*CLERK)
    assert services.count_lapsing_phone_reports(login.actor) >= 0

    city.pki.revoke(workstation)

    # The same open connection: the CRL is checked on every request, not at the handshake.
    with pytest.raises(WorkstationRefused) as refused:
        services.count_lapsing_phone_reports(login.actor)
    assert refused.value.args[0] == WorkstationRefused.message
    with pytest.raises(WorkstationRefused):
        services.login(*CLERK)


def test_token_stolen_from_another_workstation_is_refused(city: City) -> None:
    ws_a, ws_b = city.services("WS-A"), city.services("WS-B")
    login = ws_a.login(*CLERK)
    stolen = ws_a.connection._token
    assert stolen
    ws_b.connection.set_token(stolen)

    with pytest.raises(StaffSessionEnded):
        ws_b.find_holders(login.actor, HOLDER_SSN)
    assert ws_a.find_holders(login.actor, HOLDER_SSN)  # the rightful workstation still works


def test_forged_token_is_refused(city: City) -> None:
    services = city.services("WS-A")
    login = services.login(*CLERK)
    token = services.connection._token
    assert token
    head, _, tail = token.partition(".")
    services.connection.set_token(head + "." + ("A" if tail[0] != "A" else "B") + tail[1:])
    with pytest.raises(StaffSessionEnded):
        services.find_holders(login.actor, HOLDER_SSN)


def test_disabled_staff_members_token_is_refused_at_the_next_call(city: City) -> None:
    services = city.services("WS-A")
    login = services.login(*CLERK)
    assert services.find_holders(login.actor, HOLDER_SSN)

    staff_accounts.disable_staff(city.parts.services.ctx, None, CLERK[0])

    with pytest.raises(StaffSessionEnded) as ended:
        services.find_holders(login.actor, HOLDER_SSN)
    assert "账户已停用" in ended.value.args[0]  # a disabled account cannot log in again
    with pytest.raises(LoginFailed):
        services.login(*CLERK)


def test_inactive_account_is_refused_even_with_its_session_open(city: City, sql) -> None:  # type: ignore[no-untyped-def]
    services = city.services("WS-A")
    login = services.login(*CLERK)
    # Only the flag: the staff session row stays open, the token stays unexpired.
    assert sql("UPDATE staff SET active = false WHERE staff_no = :no", no=CLERK[0]) == 1
    with pytest.raises(StaffSessionEnded):
        services.count_lapsing_phone_reports(login.actor)


def test_staff_lockout_is_counted_on_the_server(city: City, sql) -> None:  # type: ignore[no-untyped-def]
    limit = city.config.settings.staff_lockout_failures
    for n in range(limit):
        workstation = ("WS-A", "WS-B")[n % 2]  # two workstations count together
        with pytest.raises(LoginFailed):
            city.services(workstation).login(CLERK[0], "wrong password!")
    with pytest.raises(LoginFailed):
        city.services("WS-C").login(*CLERK)  # the right password, but locked
    [(locked_until,)] = sql("SELECT locked_until FROM staff WHERE staff_no = :no", no=CLERK[0])
    assert locked_until is not None


def test_audit_records_the_actor_and_workstation_the_server_authenticated(
    city: City,
    sql,  # type: ignore[no-untyped-def]
) -> None:
    services = city.services("WS-B")
    login = services.login(*CLERK)
    # A client that claims to be the card center's admin at another workstation:
    forged = Actor(
        staff_id=1,
        staff_no="KZX500000-05",
        name="x",
        role=Role.ADMIN,
        office_id=1,
        office_code="500000-KZX",
        office_name="x",
        office_kind=OfficeKind(login.actor.office_kind.value),
        district_code=None,
        workstation_id="WS-FORGED",
    )
    services.connection.post(
        CALL_PATH.format(method="find_holders"),
        {"args": encode([forged, HOLDER_SSN]), "kwargs": encode({})},
    )
    rows = sql(
        "SELECT e.workstation, s.staff_no FROM audit_events e JOIN staff s"
        " ON s.id = e.staff_id ORDER BY e.seq DESC LIMIT 1"
    )
    assert rows == [("WS-B", CLERK[0])]
    assert login.actor.workstation_id == "WS-B"


def test_a_clerk_logs_in_only_at_a_workstation_of_their_own_office(city: City, sql) -> None:  # type: ignore[no-untyped-def]
    """RULES S3 at the city tier: WS-BB's certificate names 北碚's sub-center; a 渝中 clerk
    with the right password is refused there by name (audited, no lockout count), and the
    same account logs in at 渝中's own workstation."""
    with pytest.raises(OtherOfficeWorkstation) as refused:
        city.services("WS-BB").login(*CLERK)
    message = refused.value.args[0]
    assert "北碚区医疗保险分中心" in message and "渝中区医疗保险分中心" in message
    [(failed,)] = sql("SELECT failed_logins FROM staff WHERE staff_no = :no", no=CLERK[0])
    assert failed == 0
    [(outcome, details)] = sql(
        "SELECT outcome, details FROM audit_events WHERE action = 'staff.login' "
        "AND workstation = 'WS-BB' ORDER BY seq DESC LIMIT 1"
    )
    assert outcome == "refused"
    assert details["refusal"] == "other_office" and details["staff_no"] == CLERK[0]
    with pytest.raises(LoginFailed):  # a wrong password there is still the one message
        city.services("WS-BB").login(CLERK[0], "wrong password!")
    assert city.services("WS-A").login(*CLERK).actor.office_code == "500103-YB"


def test_an_account_moved_to_another_office_is_ended_at_its_next_call(city: City, sql) -> None:  # type: ignore[no-untyped-def]
    services = city.services("WS-A")
    login = services.login(*CLERK)
    assert services.find_holders(login.actor, HOLDER_SSN)
    moved = sql(
        "UPDATE staff SET office_id = (SELECT id FROM offices WHERE code = '500109-YB') "
        "WHERE staff_no = :no",
        no=CLERK[0],
    )
    assert moved == 1
    with pytest.raises(StaffSessionEnded):
        services.find_holders(login.actor, HOLDER_SSN)
