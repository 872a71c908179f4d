"""RULES S1–S3 and the channel table: the one permission table."""

from __future__ import annotations

import itertools

import pytest

from counter_app.services.permissions import (
    Action,
    OfficeKind,
    Role,
    allowed,
    refusal_reason,
)


@pytest.mark.parametrize(
    ("office", "action", "expected"),
    [
        (OfficeKind.SERVICE_WINDOW, Action.VIEW_RECORDS, True),
        (OfficeKind.SERVICE_WINDOW, Action.CHANGE_PIN, True),
        (OfficeKind.SERVICE_WINDOW, Action.WRITTEN_LOSS_REPORT, False),
        (OfficeKind.SERVICE_WINDOW, Action.LIFT_LOSS_REPORT, False),
        (OfficeKind.DISTRICT_SUBCENTER, Action.WRITTEN_LOSS_REPORT, True),
        (OfficeKind.DISTRICT_SUBCENTER, Action.LIFT_LOSS_REPORT, True),
        (OfficeKind.DISTRICT_SUBCENTER, Action.REPLACEMENT_APPLICATION, True),
        (OfficeKind.CARD_CENTER, Action.WRITTEN_LOSS_REPORT, True),
        (OfficeKind.CARD_CENTER, Action.LIFT_LOSS_REPORT, False),
        (OfficeKind.CARD_CENTER, Action.REPLACEMENT_APPLICATION, False),
    ],
)
def test_S3_channel_table_for_supervisors(
    office: OfficeKind, action: Action, expected: bool
) -> None:
    # A supervisor may do what their office may: the channel table of RULES.md, row by row.
    assert allowed(Role.SUPERVISOR, office, action) is expected


def test_S1_staff_only_at_their_kind_of_office() -> None:
    assert allowed(Role.SUBCENTER_STAFF, OfficeKind.DISTRICT_SUBCENTER, Action.LIFT_LOSS_REPORT)
    assert not allowed(Role.CLERK, OfficeKind.DISTRICT_SUBCENTER, Action.VIEW_RECORDS)
    assert not allowed(Role.CARD_CENTER_STAFF, OfficeKind.SERVICE_WINDOW, Action.VIEW_RECORDS)


def test_S3_only_supervisors_approve_and_see_reports() -> None:
    for role in (Role.CLERK, Role.SUBCENTER_STAFF, Role.CARD_CENTER_STAFF):
        for office in OfficeKind:
            assert not allowed(role, office, Action.APPROVE)
            assert not allowed(role, office, Action.VIEW_REPORTS)


def test_S3_admin_sees_no_personal_records() -> None:
    for office in OfficeKind:
        assert not allowed(Role.ADMIN, office, Action.VIEW_RECORDS)
        assert allowed(Role.ADMIN, office, Action.MANAGE_STAFF)


def test_U3_lifting_never_outside_a_subcenter() -> None:
    for role, office in itertools.product(Role, OfficeKind):
        if office is not OfficeKind.DISTRICT_SUBCENTER:
            assert not allowed(role, office, Action.LIFT_LOSS_REPORT)


def test_every_forbidden_cell_has_a_chinese_reason() -> None:
    for role, office, action in itertools.product(Role, OfficeKind, Action):
        if not allowed(role, office, action):
            reason = refusal_reason(role, office, action)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in reason), (role, office, action)
