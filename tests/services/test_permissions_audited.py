"""RULES S3 (issue 4 item 8): every forbidden cell of role × office kind × action is
refused with a Chinese message and audited; every allowed cell passes."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from sqlalchemy import func, select

from counter_app.models import AuditEvent
from counter_app.services.context import ServiceContext
from counter_app.services.errors import NotPermitted
from counter_app.services.permissions import Action, OfficeKind, Role, allowed
from counter_app.services.refusals import require
from tests.services.conftest import actor_for

OFFICE_STAFF = {OfficeKind.SERVICE_WINDOW: "CK500103-01",
                OfficeKind.DISTRICT_SUBCENTER: "YB500103-01",
                OfficeKind.CARD_CENTER: "KZX500000-01"}  # fmt: skip


def test_S3_every_forbidden_cell_refused_and_audited(sqlite_ctx: ServiceContext) -> None:
    ctx = sqlite_ctx
    refused = allowed_cells = 0
    for kind, role, action in itertools.product(OfficeKind, Role, Action):
        actor = dataclasses.replace(actor_for(ctx, OFFICE_STAFF[kind]), role=role)
        if allowed(role, kind, action):
            require(ctx, actor, action)
            allowed_cells += 1
            continue
        with pytest.raises(NotPermitted) as info:
            require(ctx, actor, action)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))
        refused += 1
    with ctx.uow() as uow:
        audited = uow.session.scalar(select(func.count()).select_from(AuditEvent)
                                     .where(AuditEvent.outcome == "refused"))  # fmt: skip
    print(f"S3 cells: {refused} refused, {allowed_cells} allowed")
    assert audited == refused > 0 and allowed_cells > 0
