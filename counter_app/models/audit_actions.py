"""The names written to ``audit_events.action`` and their Chinese labels — in one place.

The services write these names (``counter_app.services``); the access slip and the reports
(``reports/``) read them. A refusal is stored as ``<action>.refused`` with outcome
``refused`` and a ``reason``; a permission refusal names the permission
(``counter_app.services.permissions.Action``) instead.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    RECORD_VIEW = "record.view"
    RECORD_REVEAL_SSN = "record.reveal_ssn"
    EMPLOYER_VIEW = "employer.view"
    WORK_DEATH_VIEW = "work_death.view"
    HOLDER_SEARCH = "holder.search"
    SESSION_OPEN = "session.open"
    SESSION_END = "session.end"
    PIN_CHANGE = "password.pin_change"
    PIN_RESET = "password.pin_reset"
    PIN_UNBLOCK = "password.pin_unblock"
    #: RULES P6: the holder typed their PIN on the card after an unblock (the outcome and
    #: the tries left; never the PIN).
    PIN_UNBLOCK_VERIFY = "password.pin_unblock_verify"
    SERVICE_PASSWORD_RESET = "password.service_password_reset"
    SERVICE_PASSWORD_CHANGE = "password.service_password_change"
    PASSWORD_RESOLVE_UNKNOWN = "password.resolve_unknown"
    LOSS_PHONE_REPORT = "loss.phone_report"
    LOSS_WRITTEN = "loss.written"
    LOSS_LAPSED = "loss.lapsed"
    LOSS_LAPSING_LIST = "loss.lapsing_list"
    LOSS_REVEAL_PHONE = "loss.reveal_phone"
    LOSS_LIFT = "loss.lift"
    REPLACEMENT_APPLY = "card.replacement"
    FORM_REPRINT = "form.reprint"
    FORM_ACCESS_SLIP = "form.access_slip"
    REPORT_PRODUCE = "report.produce"
    STAFF_LOGIN = "staff.login"
    STAFF_LOGOUT = "staff.logout"
    STAFF_PASSWORD_CHANGE = "staff.password_change"
    STAFF_ADD = "staff.add"
    STAFF_DISABLE = "staff.disable"
    STAFF_UNLOCK = "staff.unlock"
    STAFF_RESET_PASSWORD = "staff.reset_password"
    STAFF_ENABLE = "staff.enable"
    STAFF_MOVE = "staff.move"
    STAFF_RENAME = "staff.rename"
    STAFF_LIST = "staff.list"
    OFFICE_ADD = "office.add"
    APPROVAL_GRANTED = "approval.granted"
    APPROVAL_REJECTED = "approval.rejected"
    APPROVAL_SPENT = "approval.spent"
    # Cases, ratings and follow-ups (``counter_app.services.cases.CaseAudit``, RULES E1–E3).
    CASE_OPEN = "case.open"
    CASE_CLOSE = "case.close"
    CASE_QUEUE_TICKET = "case.queue_ticket"
    CASE_RATING = "case.rating"
    CASE_FOLLOWUP_OPEN = "case.followup_open"
    CASE_FOLLOWUP_LIST = "case.followup_list"
    CASE_FOLLOWUP_CLOSE = "case.followup_close"
    CASE_FOLLOWUP_REVEAL_PHONE = "case.followup_reveal_phone"

    @property
    def refused(self) -> str:
        """The name under which a refusal of this action is stored."""
        return self.value + REFUSED_SUFFIX


REFUSED_SUFFIX = ".refused"

#: Chinese labels, for the access slip (what was done for the holder) and the reports.
ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.RECORD_VIEW: "查询记录",
    AuditAction.RECORD_REVEAL_SSN: "查看完整证件号码",
    AuditAction.EMPLOYER_VIEW: "查询单位医疗保险缴费",
    AuditAction.WORK_DEATH_VIEW: "查询工亡人员待遇（已故参保人）",
    AuditAction.HOLDER_SEARCH: "查找参保人",
    AuditAction.SESSION_OPEN: "开始办理",
    AuditAction.SESSION_END: "结束办理",
    AuditAction.PIN_CHANGE: "修改卡密码",
    AuditAction.PIN_RESET: "重置卡密码",
    AuditAction.PIN_UNBLOCK: "卡密码解锁",
    AuditAction.PIN_UNBLOCK_VERIFY: "解锁后持卡人验证卡密码",
    AuditAction.SERVICE_PASSWORD_RESET: "重置查询服务密码",
    AuditAction.SERVICE_PASSWORD_CHANGE: "修改查询服务密码",
    AuditAction.PASSWORD_RESOLVE_UNKNOWN: "核实密码操作结果",
    AuditAction.LOSS_PHONE_REPORT: "电话挂失 (12333)",
    AuditAction.LOSS_WRITTEN: "书面挂失",
    AuditAction.LOSS_LAPSED: "电话挂失失效",
    AuditAction.LOSS_LAPSING_LIST: "查看即将失效的电话挂失",
    AuditAction.LOSS_REVEAL_PHONE: "查看完整联系电话（即将失效的电话挂失）",
    AuditAction.LOSS_LIFT: "解除挂失",
    AuditAction.REPLACEMENT_APPLY: "补卡申请",
    AuditAction.FORM_REPRINT: "补打表单",
    AuditAction.FORM_ACCESS_SLIP: "开具个人信息查阅告知单",
    AuditAction.REPORT_PRODUCE: "生成业务报表",
    AuditAction.STAFF_LOGIN: "工作人员登录",
    AuditAction.STAFF_LOGOUT: "工作人员退出",
    AuditAction.STAFF_PASSWORD_CHANGE: "工作人员修改密码",
    AuditAction.STAFF_ADD: "新增工作人员",
    AuditAction.STAFF_DISABLE: "停用工作人员",
    AuditAction.STAFF_UNLOCK: "解锁工作人员账户",
    AuditAction.STAFF_RESET_PASSWORD: "重置工作人员密码",
    AuditAction.STAFF_ENABLE: "重新启用工作人员账户",
    AuditAction.STAFF_MOVE: "调动工作人员所属机构",
    AuditAction.STAFF_RENAME: "更正工作人员姓名",
    AuditAction.STAFF_LIST: "查看工作人员列表",
    AuditAction.OFFICE_ADD: "新增经办机构",
    AuditAction.APPROVAL_GRANTED: "主管复核通过",
    AuditAction.APPROVAL_REJECTED: "主管复核未通过",
    AuditAction.APPROVAL_SPENT: "主管复核用于办理",
    AuditAction.CASE_OPEN: "办件开始",
    AuditAction.CASE_CLOSE: "办件办结",
    AuditAction.CASE_QUEUE_TICKET: "登记排队号",
    AuditAction.CASE_RATING: "持卡人评价",
    AuditAction.CASE_FOLLOWUP_OPEN: "差评整改立项",
    AuditAction.CASE_FOLLOWUP_LIST: "查看待整改差评",
    AuditAction.CASE_FOLLOWUP_CLOSE: "差评整改办结",
    AuditAction.CASE_FOLLOWUP_REVEAL_PHONE: "查看完整联系电话（差评整改回访）",
}

#: A refusal by the permission check is stored under the permission's name
#: (``counter_app.services.permissions.Action`` values; copied: models sit below services).
PERMISSION_LABELS: dict[str, str] = {
    "view_records": "查询个人信息",
    "change_pin": "修改卡密码",
    "reset_pin": "重置遗忘密码",
    "unblock_pin": "密码解锁",
    "reset_service_password": "重置查询服务密码",
    "written_loss_report": "书面挂失",
    "lift_loss_report": "解除挂失",
    "replacement_application": "补卡申请",
    "approve": "主管复核",
    "view_reports": "业务报表",
    "manage_staff": "工作人员账户管理",
}


def known_label(action: str) -> str | None:
    """The Chinese label of a stored action name (a refusal: the refused action's label,
    followed by （拒绝）), or None for a name no service writes."""
    if action.endswith(REFUSED_SUFFIX):
        base = known_label(action[: -len(REFUSED_SUFFIX)])
        return None if base is None else f"{base}（拒绝）"
    if action in PERMISSION_LABELS:
        return PERMISSION_LABELS[action]
    try:
        return ACTION_LABELS[AuditAction(action)]
    except ValueError:
        return None


def action_label(action: str) -> str:
    """The Chinese label of a stored action name; unknown names are shown as recorded."""
    label = known_label(action)
    return action if label is None else label
