"""Every audit action name a service can write has a Chinese label in the one table of names
(``counter_app.models.audit_actions``): the reports and the access slip never show a raw
code such as ``case.open`` (STYLE: screens and reports in Chinese)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from counter_app.models.audit_actions import REFUSED_SUFFIX, AuditAction, action_label
from counter_app.models.security import PasswordEventKind
from counter_app.services.cases import CaseAudit
from counter_app.services.permissions import Action
from reports import actions as report_actions

SERVICES = Path(__file__).resolve().parents[2] / "counter_app" / "services"
_DOTTED = re.compile(r"^[a-z_]+\.[a-z_]+$")
_NOT_ACTIONS = {"offices.code", "staff.staff_no", "counter_app.holder_rows"}  # SQL/logger names


def _literal_action_names() -> set[str]:
    """Dotted lower-case string constants in the services (how an action name is spelled)."""
    names = set()
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _DOTTED.match(node.value) and node.value not in _NOT_ACTIONS:
                    names.add(node.value)
    return names


def _every_action_name() -> set[str]:
    names = {a.value for a in AuditAction} | {c.value for c in CaseAudit}
    names |= {f"password.{k.value}" for k in PasswordEventKind}  # services/pin_events
    names |= _literal_action_names()
    names |= {n + REFUSED_SUFFIX for n in names}
    names |= {p.value + REFUSED_SUFFIX for p in Action}  # permission refusals
    return names


def test_the_service_sources_are_scanned() -> None:
    assert {"case.open", "case.followup_list"} <= _literal_action_names()


@pytest.mark.parametrize("name", sorted(_every_action_name()))
def test_every_audit_action_has_a_chinese_label(name: str) -> None:
    for label in (action_label(name), report_actions.action_label(name)):
        assert label != name and not re.search(r"[a-z]", label), (name, label)
