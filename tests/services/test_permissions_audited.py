"""RULES S3: every forbidden cell of role × office kind × action is
refused with a Chinese message and audited; every allowed cell passes."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from sqlalchemy import func, select

from counter_app.models import AuditEvent
from counter_app.services.context import ServiceContext
from counter_app.services.errors import NotPermitted
from counter_app.services.permissions import Action, OfficeKind, Role
from counter_app.services.refusals import require
from tests.services.conftest import actor_for

OFFICE_STAFF = {
    OfficeKind.SERVICE_WINDOW: "CK500103-01",
    OfficeKind.DISTRICT_SUBCENTER: "YB500103-01",
    OfficeKind.CARD_CENTER: "KZX500000-01",
}

# What RULES.md says, written out here independently of ``permissions.py`` (which the test
# must not ask): the channel table ("Channels"), S1 (who works where) and S3 (supervisors
# also approve, see reports and manage staff; an admin manages staff and nothing else).
HOLDER_SERVICE = {
    "view_records",
    "change_pin",
    "reset_pin",
    "unblock_pin",
    "reset_service_password",
}  # Q7, P2–P8 at every counter
CHANNELS = {
    "service_window": HOLDER_SERVICE,
    "district_subcenter": HOLDER_SERVICE
    | {"written_loss_report", "lift_loss_report", "replacement_application"},  # L3, U2, R1
    "card_center": HOLDER_SERVICE | {"written_loss_report"},  # L3
}
WORKS_AT = {
    "clerk": "service_window",
    "subcenter_staff": "district_subcenter",
    "card_center_staff": "card_center",
}  # S1
SUPERVISOR_ONLY = {"approve", "view_reports", "manage_staff"}


def rules_allow(role: str, kind: str, action: str) -> bool:
    if role == "admin":
        return action == "manage_staff"
    if role == "supervisor":
        return action in CHANNELS[kind] | SUPERVISOR_ONLY
    return WORKS_AT[role] == kind and action in CHANNELS[kind]


def test_S3_every_forbidden_cell_refused_and_audited(sqlite_ctx: ServiceContext) -> None:
    ctx = sqlite_ctx
    refused = allowed_cells = 0
    for kind, role, action in itertools.product(OfficeKind, Role, Action):
        actor = dataclasses.replace(actor_for(ctx, OFFICE_STAFF[kind]), role=role)
        if rules_allow(role.value, kind.value, action.value):
            require(ctx, actor, action)
            allowed_cells += 1
            continue
        with pytest.raises(NotPermitted) as info:
            require(ctx, actor, action)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))
        refused += 1
    with ctx.uow() as uow:
        audited = uow.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "refused")
        )
    print(f"S3 cells: {refused} refused, {allowed_cells} allowed")
    # clerk 5 + sub-center staff 8 + card center staff 6 + supervisor 8+11+9 + admin 3
    assert (allowed_cells, refused) == (50, 3 * len(Role) * len(Action) - 50)
    assert audited == refused
