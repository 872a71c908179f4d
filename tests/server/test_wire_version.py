"""A workstation and ``counter-server`` of different releases refuse each other up front.

Across a city's 3,000 windows the server and the workstations are not upgraded in the same
minute. Before, a workstation whose interface differed from the server's learnt it only
when an answer carried a field it did not know — after the server had registered the loss
report or changed the card's state. Now every request carries the workstation's interface
version (``protocol.WIRE_VERSION``); the server refuses another one before any work, with
a message naming both versions, and logs which workstation to update.

``test_wire_version_is_bumped_when_the_interface_changes`` keeps the version honest: it
fingerprints what travels (the interface's calls, the server's card steps and staff calls,
every dataclass, enum and error the codec may carry) and fails until a changed shape gets a
new version. Real uvicorn with mutual TLS, real PostgreSQL for the refusals.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib
import inspect
import logging
import pkgutil
from types import ModuleType
from typing import Any

import httpx
import pytest

from counter_app.api.interface import CounterServices
from counter_app.remote import transport
from counter_app.remote.protocol import (
    HEALTH_PATH,
    WIRE_VERSION,
    WireVersionMismatch,
)
from counter_app.server.card_steps import CARD_STEPS
from counter_app.server.rpc import EXTRA_METHODS
from counter_app.services.errors import ServiceError
from tests.server.conftest import CLERK, City

#: Each interface version and the shape it stands for. A new shape needs a new version
#: (bump ``protocol.WIRE_VERSION``) and its fingerprint added here — never an old
#: version's fingerprint replaced: workstations in the field speak the old one.
RECORDED = {
    1: "56c9dcdd8b141e28",
    2: "e59b02ee0bb94f8a",  # change_own_password in the interface (the forced change at login)
    3: "2925c381c98e11f8",  # the rating report's follow-ups as a backlog (reports.followup_backlog)
    # every insurance's contributions and months (queries.contributions); why a login
    # ended (StaffAccountDisabled, StaffLoginInvalid)
    4: "a09be7dbf0508f14",
}

_PACKAGES = ("counter_app.services", "counter_app.api", "counter_app.remote", "forms", "reports")
_MODULES = ("reader.identity",)


def _modules() -> list[ModuleType]:
    found = [importlib.import_module(name) for name in _MODULES]
    for package in _PACKAGES:
        root = importlib.import_module(package)
        found.append(root)
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            found.append(importlib.import_module(info.name))
    return sorted(found, key=lambda m: m.__name__)


def _class_shape(cls: type) -> str | None:
    name = f"{cls.__module__}:{cls.__qualname__}"
    if dataclasses.is_dataclass(cls):
        fields = [
            f"{f.name}:{f.type}:{f.default is dataclasses.MISSING}" for f in dataclasses.fields(cls)
        ]
        return f"dc {name}({', '.join(fields)})"
    if issubclass(cls, enum.Enum):
        return f"enum {name}({', '.join(f'{m.name}={m.value!r}' for m in cls)})"
    if issubclass(cls, ServiceError):
        return f"error {name}"
    return None


def wire_shape() -> list[str]:
    """What travels between a workstation and the server, one line per part."""
    lines = []
    for name in sorted(CounterServices.__abstractmethods__):
        lines.append(f"call {name}{inspect.signature(getattr(CounterServices, name))}")
    for name, step in sorted(CARD_STEPS.items()):
        lines.append(f"step {name}{inspect.signature(step)}")
    for name, call in sorted(EXTRA_METHODS.items()):
        lines.append(f"staff {name}{inspect.signature(call)}")
    for module in _modules():
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                shape = _class_shape(value)
                if shape is not None:
                    lines.append(shape)
    return sorted(set(lines))


def fingerprint() -> str:
    return hashlib.sha256("\n".join(wire_shape()).encode()).hexdigest()[:16]


def test_wire_version_is_bumped_when_the_interface_changes() -> None:
    shape = wire_shape()
    # The fingerprint sees the calls and the data, not just module names.
    assert any(line.startswith("call register_written_loss(") for line in shape)
    assert any(line.startswith("dc counter_app.services.") for line in shape)
    assert any(line.startswith("step card.complete_lift(") for line in shape)
    assert len(set(RECORDED.values())) == len(RECORDED), "one shape per version"
    assert RECORDED.get(WIRE_VERSION) == fingerprint(), (
        "What travels between workstation and counter-server changed (a call, a parameter, "
        "a field of a dataclass or an enum the codec carries). Bump protocol.WIRE_VERSION "
        f"and add {{{WIRE_VERSION + 1}: {fingerprint()!r}}} to RECORDED, so that workstations "
        "of the old release are refused with a clear message instead of failing mid-task."
    )


def test_mismatch_message_names_both_versions_and_never_echoes_what_was_sent() -> None:
    assert f"接口版本 {WIRE_VERSION}）" in str(WireVersionMismatch("7"))
    assert "接口版本 7）" in str(WireVersionMismatch("7"))
    for junk in ("\u202e1", "1.2", "x" * 50, "", None):
        text = str(WireVersionMismatch(junk))
        assert "接口版本 未知" in text
        assert "\u202e" not in text and "xxx" not in text


# ------------------------------------------------------------------- against a real server


def _staff_logins(sql: Any) -> int:
    return int(sql("SELECT COUNT(*) FROM audit_events WHERE action = 'staff.login'")[0][0])


@pytest.mark.postgres
def test_older_workstation_is_refused_at_login_before_anything_is_done(
    city: City, sql: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    before = _staff_logins(sql)
    monkeypatch.setattr(transport, "WIRE_VERSION", WIRE_VERSION - 1)
    services = city.services("WS-A")
    with caplog.at_level(logging.WARNING, logger="counter_server"):
        with pytest.raises(WireVersionMismatch) as refused:
            services.login(*CLERK)
    message = refused.value.args[0]
    assert f"接口版本 {WIRE_VERSION - 1}）" in message and f"接口版本 {WIRE_VERSION}）" in message
    assert "请联系系统管理员更新本工作站程序" in message
    assert _staff_logins(sql) == before  # no login attempt was even counted
    assert any("WS-A" in r.getMessage() for r in caplog.records)


@pytest.mark.postgres
def test_server_upgraded_under_a_logged_in_workstation_refuses_its_next_call(
    city: City, sql: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = city.services("WS-B")
    login = services.login(*CLERK)
    events = int(sql("SELECT COUNT(*) FROM audit_events")[0][0])
    monkeypatch.setattr(transport, "WIRE_VERSION", WIRE_VERSION + 1)
    with pytest.raises(WireVersionMismatch):
        services.find_holders(login.actor, "500103196803150310")
    assert int(sql("SELECT COUNT(*) FROM audit_events")[0][0]) == events  # not searched
    monkeypatch.setattr(transport, "WIRE_VERSION", WIRE_VERSION)
    assert services.count_lapsing_phone_reports(login.actor) >= 0  # same release: served


@pytest.mark.postgres
def test_health_answers_whatever_the_version_and_a_bare_request_is_refused(city: City) -> None:
    connection = city.connection("WS-C")
    try:
        client: httpx.Client = connection._client
        assert client.get(HEALTH_PATH).json() == {"ok": True}
        bare = client.post("/v1/login", json={"staff_no": CLERK[0], "password": CLERK[1]})
        assert bare.status_code == 409
        assert bare.json()["error"]["type"] == "WireVersionMismatch"
    finally:
        connection.close()
