"""The typed interface through ``counter-server``: the same results and the same typed
errors (same class, same Chinese message) as in-process; a lost server is a network-worded
``DatabaseUnavailable``; what must not leave the server does not."""

from __future__ import annotations

import datetime as dt

import pytest

from counter_app.api.inprocess import InProcessServices
from counter_app.remote.protocol import NotAvailableRemotely, ServerUnreachable
from counter_app.services.errors import (
    DatabaseUnavailable,
    IdDocumentMismatch,
    PasswordChangeRequired,
    ServiceError,
)
from counter_app.services.sessions import HolderSession
from counter_app.services.written_reports import WrittenLossInput
from counter_app.validation.errors import ValidationError
from tests.id_documents import manual_doc
from tests.server.conftest import CLERK, City

pytestmark = pytest.mark.postgres

HOLDER_SSN = "500103196803150310"  # demo holder 王建国, card active
OTHER_SSN = "500106197508220420"  # demo holder 李秀英


def _inprocess(city: City) -> InProcessServices:
    """The same database in-process, as the embedded workstation would run it."""
    return InProcessServices(city.parts.services.ctx)


def _same_refusal(remote_call, local_call) -> tuple[Exception, Exception]:  # type: ignore[no-untyped-def]
    with pytest.raises((ServiceError, ValidationError)) as remote:
        remote_call()
    with pytest.raises((ServiceError, ValidationError)) as local:
        local_call()
    assert type(remote.value) is type(local.value)
    assert str(remote.value) == str(local.value)
    return remote.value, local.value


def test_search_and_id_session_give_the_in_process_results(city: City) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    hits = remote.find_holders(actor, HOLDER_SSN)
    local_hits = _inprocess(city).find_holders(actor, HOLDER_SSN)
    assert hits == local_hits and len(hits) == 1

    document = manual_doc(HOLDER_SSN)
    session = remote.open_id_session(actor, hits[0].holder_id, document, "持卡人忘带卡")
    assert isinstance(session, HolderSession)
    assert session.holder_id == hits[0].holder_id and session.staff_id == actor.staff_id
    overview = remote.overview(actor, session)
    assert type(overview).__name__ == "HolderOverview"
    summary = remote.end_session(actor, session)
    assert type(summary).__name__ == "AccessSummary"


def test_typed_errors_arrive_as_the_same_class_with_the_same_message(city: City) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    local = _inprocess(city)
    # A validator's refusal (name without birth date) and a service's refusal (ID mismatch).
    error, _ = _same_refusal(
        lambda: remote.find_holders(actor, "王建国"), lambda: local.find_holders(actor, "王建国")
    )
    assert isinstance(error, ValidationError) and "出生日期" in str(error)
    holder_id = remote.find_holders(actor, HOLDER_SSN)[0].holder_id
    wrong = manual_doc(OTHER_SSN)
    error, _ = _same_refusal(
        lambda: remote.open_id_session(actor, holder_id, wrong, "持卡人忘带卡"),
        lambda: local.open_id_session(actor, holder_id, wrong, "持卡人忘带卡"),
    )
    assert isinstance(error, IdDocumentMismatch)


def test_written_loss_report_through_the_server_is_audited_from_the_servers_view(
    city: City,
    sql,  # type: ignore[no-untyped-def]
) -> None:
    remote = city.services("WS-C")
    actor = remote.login(*CLERK).actor
    holder_id = remote.find_holders(actor, HOLDER_SSN)[0].holder_id
    document = manual_doc(HOLDER_SSN)
    details = WrittenLossInput(
        contact_phone="13883251234",
        loss_date=dt.date(2025, 3, 9),
        loss_place="解放碑",
        circumstances="遗失",
        id_document=document,
    )
    result = remote.register_written_loss(actor, holder_id, details, "rpc-written-0001")
    assert result.serial and not result.already_done
    assert result.form_key == b""  # the form-signing key stays on the server
    pdf = remote.render_form(result.form)
    assert pdf.startswith(b"%PDF")
    again = remote.register_written_loss(actor, holder_id, details, "rpc-written-0001")
    assert again.already_done and again.serial == result.serial
    [(state,)] = sql(
        "SELECT c.state FROM cards c JOIN holders h ON h.id = c.holder_id"
        " WHERE h.ssn = :ssn AND c.state <> 'cancelled'",
        ssn=HOLDER_SSN,
    )
    assert state == "lost"
    rows = sql(
        "SELECT e.workstation FROM audit_events e WHERE e.action LIKE 'loss.%'"
        " AND e.holder_id = :h",
        h=holder_id,
    )
    assert rows and {r[0] for r in rows} == {"WS-C"}


def test_card_methods_do_not_travel_whole_only_their_server_halves(city: City) -> None:
    """The interface's card methods drive the reader, which is on the workstation: asked
    for by name on the server they are refused (the workstation calls ``card.*``)."""
    remote = city.services("WS-A")
    remote.login(*CLERK)
    with pytest.raises(NotAvailableRemotely):
        remote._call("open_card_session", None, None)


def test_initial_password_must_be_changed_before_any_work_on_the_server(
    city: City,
    sql,  # type: ignore[no-untyped-def]
) -> None:
    sql("UPDATE staff SET must_change_password = true WHERE staff_no = :no", no=CLERK[0])
    remote = city.services("WS-A")
    login = remote.login(*CLERK)
    assert login.must_change_password
    with pytest.raises(PasswordChangeRequired):
        remote.find_holders(login.actor, HOLDER_SSN)
    remote.change_own_password(login.actor, CLERK[1], "Xin-Mima#2026")
    assert remote.find_holders(login.actor, HOLDER_SSN)


def test_lost_server_is_a_network_worded_database_unavailable(city: City) -> None:
    remote = city.services("WS-A")
    actor = remote.login(*CLERK).actor
    city.server.stop()
    with pytest.raises(ServerUnreachable) as lost:
        remote.find_holders(actor, HOLDER_SSN)
    assert isinstance(lost.value, DatabaseUnavailable)
    assert "网络" in str(lost.value) and "保留" in str(lost.value)
