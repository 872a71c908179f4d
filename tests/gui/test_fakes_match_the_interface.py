"""A fake is a promise, checked (docs/ARCHITECTURE.md "Tests"): the GUI fakes implement
``CounterServices`` with the services' own signatures, and so does the real
``InProcessServices``."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from counter_app.api import CounterServices
from counter_app.api.inprocess import InProcessServices
from tests.gui.fakes import FakeServices, WorkflowServices

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> list[str]:
    return sorted(CounterServices.__abstractmethods__)


@pytest.mark.parametrize("implementation", [FakeServices, WorkflowServices, InProcessServices])
def test_every_method_has_the_interfaces_signature(implementation: type) -> None:
    assert issubclass(implementation, CounterServices)
    assert not getattr(implementation, "__abstractmethods__", frozenset())
    for name in _declared():
        declared = inspect.signature(getattr(CounterServices, name))
        given = inspect.signature(getattr(implementation, name))
        assert list(given.parameters) == list(declared.parameters), name
        for param in declared.parameters.values():
            other = given.parameters[param.name]
            assert (other.kind, other.default) == (param.kind, param.default), (name, param)


def test_the_interface_mirrors_the_services() -> None:
    """Each method is the service function of the same name less its context (a service's
    trailing parameters with defaults the workstation never passes may be left out)."""
    import importlib

    modules = [
        "staff_login",
        "search",
        "sessions",
        "document_check",
        "card_lookup",
        "access_slips",
        "records",
        "pin_change",
        "pin_reset",
        "service_password",
        "approvals",
        "written_reports",
        "lifting",
        "replacement",
        "phone_reports",
    ]
    services = {}
    for module in modules:
        mod = importlib.import_module(f"counter_app.services.{module}")
        for name, func in vars(mod).items():
            if inspect.isfunction(func) and func.__module__ == mod.__name__:
                services.setdefault(name, func)
    for name in _declared():
        if name not in services:
            continue  # not a service function (render_form, make_report, four_eyes_required)
        service = inspect.signature(services[name]).parameters
        wanted = [p for p in service if p != "ctx"]
        if name == "login":
            wanted = [p for p in wanted if p != "workstation_id"]  # bound by the implementation
        declared = [
            p for p in inspect.signature(getattr(CounterServices, name)).parameters if p != "self"
        ]
        assert declared == wanted[: len(declared)], name
        left_out = wanted[len(declared) :]
        assert all(service[p].default is not inspect.Parameter.empty for p in left_out), name


@pytest.mark.slow
def test_mypy_checks_the_fakes_against_the_interface() -> None:
    """mypy fails when a fake's method drifts from ``CounterServices`` (types too)."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "tests/gui/fakes.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
