"""RULES S1–S3: one table of who may do what, consulted by every service.

The table is role × office kind × action. The office kinds follow the channel table of
RULES.md ("Channels"): a service window (经办机构窗口) queries and changes passwords; a district
medical insurance sub-center (区县医疗保险分中心) also takes written loss reports, lifts its own
district's reports (U2) and accepts replacement applications (R1); the city card service
center (社会保障卡服务中心) queries, changes passwords and takes written loss reports.
A supervisor may do what the staff of their office may, and approves (four-eyes), sees
reports and manages staff accounts of their office; an admin manages staff and settings only
and sees no personal records.
"""

from __future__ import annotations

from enum import StrEnum


class OfficeKind(StrEnum):
    SERVICE_WINDOW = "service_window"
    DISTRICT_SUBCENTER = "district_subcenter"
    CARD_CENTER = "card_center"


class Role(StrEnum):
    CLERK = "clerk"  # 经办机构窗口
    SUBCENTER_STAFF = "subcenter_staff"  # 医保分中心
    CARD_CENTER_STAFF = "card_center_staff"  # 社会保障卡服务中心
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Action(StrEnum):
    VIEW_RECORDS = "view_records"  # Q7
    CHANGE_PIN = "change_pin"  # P4
    RESET_PIN = "reset_pin"  # P5
    UNBLOCK_PIN = "unblock_pin"  # P6
    RESET_SERVICE_PASSWORD = "reset_service_password"  # P8
    WRITTEN_LOSS_REPORT = "written_loss_report"  # L2, L3
    LIFT_LOSS_REPORT = "lift_loss_report"  # U1–U5
    REPLACEMENT_APPLICATION = "replacement_application"  # R1
    APPROVE = "approve"  # four-eyes
    VIEW_REPORTS = "view_reports"
    MANAGE_STAFF = "manage_staff"


ACTION_LABELS: dict[Action, str] = {
    Action.VIEW_RECORDS: "查询个人信息",
    Action.CHANGE_PIN: "修改卡密码",
    Action.RESET_PIN: "重置遗忘密码",
    Action.UNBLOCK_PIN: "密码解锁",
    Action.RESET_SERVICE_PASSWORD: "重置查询服务密码",
    Action.WRITTEN_LOSS_REPORT: "书面挂失",
    Action.LIFT_LOSS_REPORT: "解除挂失",
    Action.REPLACEMENT_APPLICATION: "补卡申请",
    Action.APPROVE: "主管复核",
    Action.VIEW_REPORTS: "业务报表",
    Action.MANAGE_STAFF: "工作人员账户管理",
}

_HOLDER_SERVICE = {
    Action.VIEW_RECORDS,
    Action.CHANGE_PIN,
    Action.RESET_PIN,
    Action.UNBLOCK_PIN,
    Action.RESET_SERVICE_PASSWORD,
}

#: What each kind of office may do at all (RULES "Channels").
OFFICE_ACTIONS: dict[OfficeKind, frozenset[Action]] = {
    OfficeKind.SERVICE_WINDOW: frozenset(_HOLDER_SERVICE),
    OfficeKind.DISTRICT_SUBCENTER: frozenset(
        _HOLDER_SERVICE
        | {Action.WRITTEN_LOSS_REPORT, Action.LIFT_LOSS_REPORT, Action.REPLACEMENT_APPLICATION}
    ),
    OfficeKind.CARD_CENTER: frozenset(_HOLDER_SERVICE | {Action.WRITTEN_LOSS_REPORT}),
}

#: Which role works at which kind of office (RULES S1). Supervisors and admins work anywhere.
ROLE_OFFICE: dict[Role, OfficeKind | None] = {
    Role.CLERK: OfficeKind.SERVICE_WINDOW,
    Role.SUBCENTER_STAFF: OfficeKind.DISTRICT_SUBCENTER,
    Role.CARD_CENTER_STAFF: OfficeKind.CARD_CENTER,
    Role.SUPERVISOR: None,
    Role.ADMIN: None,
}

_SUPERVISOR_EXTRA = frozenset({Action.APPROVE, Action.VIEW_REPORTS, Action.MANAGE_STAFF})


def allowed(role: Role | str, office_kind: OfficeKind | str, action: Action | str) -> bool:
    """True when staff of ``role`` at an office of ``office_kind`` may do ``action`` (S3)."""
    role, office_kind, action = Role(role), OfficeKind(office_kind), Action(action)
    if role is Role.ADMIN:
        return action is Action.MANAGE_STAFF
    home = ROLE_OFFICE[role]
    if home is not None and home is not office_kind:
        return False
    if role is Role.SUPERVISOR and action in _SUPERVISOR_EXTRA:
        return True
    return action in OFFICE_ACTIONS[office_kind]


def refusal_reason(role: Role | str, office_kind: OfficeKind | str, action: Action | str) -> str:
    """The Chinese sentence shown (and audited) when ``allowed`` is False."""
    role, office_kind, action = Role(role), OfficeKind(office_kind), Action(action)
    label = ACTION_LABELS[action]
    if role is Role.ADMIN:
        return f"系统管理员账户不办理窗口业务（{label}）。请使用经办人员账户。"
    home = ROLE_OFFICE[role]
    if home is not None and home is not office_kind:
        return f"您的岗位不属于本机构类型，不能在此办理{label}。请联系主管核对账户设置。"
    if action in _SUPERVISOR_EXTRA:
        return f"{label}须由主管办理。"
    if action is Action.LIFT_LOSS_REPORT:
        return "解除挂失只能在持卡人所属区县医疗保险分中心办理，不能在本机构或通过电话办理。"
    if action is Action.WRITTEN_LOSS_REPORT:
        return "书面挂失须到区县医疗保险分中心或社会保障卡服务中心办理。"
    if action is Action.REPLACEMENT_APPLICATION:
        return "补卡申请须到区县医疗保险分中心办理。"
    return f"本机构不能办理{label}。"
