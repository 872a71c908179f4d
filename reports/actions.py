"""The audit action names the reports count, and their Chinese labels — in one place.

The services write these names into ``audit_events.action`` (``counter_app.services.audit``,
``.loss``, ``.lifting``, ``.replacement``, ``.sessions``, ``.forms``); the reports only read
them. When a name changes there, it changes here, on one line (add it to ``aliases``).
A refusal is stored as ``<action>.refused`` with outcome ``refused`` and a ``reason``
(``counter_app.services.refusals``); a permission refusal names the permission
(``counter_app.services.permissions.Action``) instead of the audit action.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.models.audit_actions import REFUSED_SUFFIX, AuditAction, known_label

RECORD_VIEW = AuditAction.RECORD_VIEW.value
PIN_CHANGE = AuditAction.PIN_CHANGE.value
PIN_RESET = AuditAction.PIN_RESET.value
PIN_UNBLOCK = AuditAction.PIN_UNBLOCK.value
SERVICE_PASSWORD_RESET = AuditAction.SERVICE_PASSWORD_RESET.value
LOSS_PHONE_REPORT = AuditAction.LOSS_PHONE_REPORT.value
LOSS_WRITTEN = AuditAction.LOSS_WRITTEN.value
#: Not stored as such: a written report whose details say it confirmed a phone report (L3).
LOSS_PHONE_CONFIRMED = "loss.phone_confirmed"
LOSS_LAPSED = AuditAction.LOSS_LAPSED.value
LOSS_LIFT = AuditAction.LOSS_LIFT.value
REPLACEMENT_APPLY = AuditAction.REPLACEMENT_APPLY.value
FORM_REPRINT = AuditAction.FORM_REPRINT.value
STAFF_LOGIN = AuditAction.STAFF_LOGIN.value
SESSION_OPEN = AuditAction.SESSION_OPEN.value
SESSION_CLOSE = AuditAction.SESSION_END.value

#: Key in ``details`` of a written report that confirmed an open phone report
#: (``counter_app.services.phone_reports``, ``written_reports``).
CONFIRMED_PHONE_KEY = "confirmed_phone_report"

OUTCOME_SUCCESS = "success"
OUTCOME_REFUSED = "refused"
OUTCOME_FAILED = "failed"
OUTCOME_UNKNOWN = "unknown"


@dataclass(frozen=True)
class Operation:
    """One line of the daily report's operation table.

    ``key`` is the name this package uses; ``aliases`` are other names the services write
    for the same thing — counted together.
    """

    key: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)


#: The business operations of the daily report, in the order they are printed. Record views
#: are broken down further by ``category`` (RULES Q2).
OPERATIONS: tuple[Operation, ...] = (
    Operation(RECORD_VIEW, "查询记录"),
    Operation(PIN_CHANGE, "修改密码"),
    Operation(PIN_RESET, "重置密码"),
    Operation(PIN_UNBLOCK, "密码解锁"),
    Operation(SERVICE_PASSWORD_RESET, "重置查询密码"),
    Operation(LOSS_PHONE_REPORT, "电话挂失 (12333)"),
    Operation(LOSS_WRITTEN, "书面挂失"),
    Operation(LOSS_PHONE_CONFIRMED, "电话挂失转书面"),
    Operation(LOSS_LAPSED, "电话挂失失效"),
    Operation(LOSS_LIFT, "解除挂失"),
    Operation(REPLACEMENT_APPLY, "补卡申请"),
    Operation(FORM_REPRINT, "补打表单"),
)

#: Permission names (``permissions.Action`` values) -> operation key, for refusals.
PERMISSION_OPERATIONS: dict[str, str] = {
    "view_records": RECORD_VIEW,
    "change_pin": PIN_CHANGE,
    "reset_pin": PIN_RESET,
    "unblock_pin": PIN_UNBLOCK,
    "reset_service_password": SERVICE_PASSWORD_RESET,
    "written_loss_report": LOSS_WRITTEN,
    "lift_loss_report": LOSS_LIFT,
    "replacement_application": REPLACEMENT_APPLY,
}

#: Every stored name of each operation -> its key (refused variants included).
_OPERATION_OF: dict[str, str] = {
    **{name: op.key for op in OPERATIONS for name in op.names},
    **{name + REFUSED_SUFFIX: op.key for op in OPERATIONS for name in op.names},
    **{perm + REFUSED_SUFFIX: key for perm, key in PERMISSION_OPERATIONS.items()},
}
_LABELS = {op.key: op.label for op in OPERATIONS}

#: Stored names of operations (staff totals count their successes).
OPERATION_ACTIONS: tuple[str, ...] = tuple(n for op in OPERATIONS for n in op.names)
#: Stored names of operations and of their refusals (bar chart per hour).
OPERATION_ACTIONS_ALL: tuple[str, ...] = tuple(_OPERATION_OF)
#: Stored names of a written report (the ones that may confirm a phone report).
WRITTEN_ACTIONS: tuple[str, ...] = next(op.names for op in OPERATIONS if op.key == LOSS_WRITTEN)
#: Bookkeeping the operation table leaves out. Opening a holder's records is listed — with
#: its refusals, an ID document that is not the holder's among them (RULES Q7): a trial's
#: clerk refused at 核验证件 read 拒绝 0 in the table.
NOT_LISTED: frozenset[str] = frozenset({SESSION_CLOSE, STAFF_LOGIN})

#: Labels of stored names that are not operations.
ACTION_LABELS: dict[str, str] = {
    STAFF_LOGIN: "工作人员登录",
    SESSION_OPEN: "开始办理 (打开参保人信息)",
    SESSION_CLOSE: "结束办理",
    AuditAction.RECORD_REVEAL_SSN.value: "查看完整证件号码",
    AuditAction.LOSS_LAPSING_LIST.value: "查看即将失效的电话挂失",
    AuditAction.REPORT_PRODUCE.value: "生成业务报表",
    AuditAction.FORM_ACCESS_SLIP.value: "开具个人信息查阅告知单",
}

#: Query categories (RULES Q2–Q5) as the services name them
#: (``counter_app.services.queries.category``; copied, not imported: reports is a layer
#: below the services), in the order reports list them (:data:`CATEGORY_ORDER`): the seven
#: categories of RULES Q2 in Q2's order, then the other look-ups (Q3–Q6, C2) as the
#: services order them, then the overview and the all-at-once view.
CATEGORY_LABELS: dict[str, str] = {
    "card_basic": "卡基本信息",
    "public": "公共数据",
    "employment": "就业与失业",
    "social_insurance": "社会保险",
    "medical": "医疗保险",
    "assistance": "低保和优抚",
    "life_health": "生命与健康数据",
    "pension": "养老保险",
    "unemployment": "失业保险",
    "injury": "工伤人员待遇",
    "death": "工亡人员待遇",
    "maternity": "生育保险",
    "career": "职业资格与工作经历",
    "employer": "单位医疗保险缴费",
    "catalogue": "药品与诊疗目录",
    "overview": "卡状态与历史",  # the record page's name on screen
    "all_tabs": "全部信息（各分类）",
}

#: The fixed order of query categories in a report (RULES Q2 first).
CATEGORY_ORDER: tuple[str, ...] = tuple(CATEGORY_LABELS)
_CATEGORY_RANK = {name: i for i, name in enumerate(CATEGORY_ORDER)}


def category_sort_key(category: str | None) -> tuple[int, str]:
    """Where ``category`` goes in a report: :data:`CATEGORY_ORDER`, then any category not
    known here by name, then none (未分类) last — the same order every day."""
    if category is None:
        return (len(CATEGORY_ORDER) + 1, "")
    return (_CATEGORY_RANK.get(category, len(CATEGORY_ORDER)), category)


OUTCOME_LABELS: dict[str, str] = {
    OUTCOME_SUCCESS: "成功",
    OUTCOME_REFUSED: "拒绝",
    OUTCOME_FAILED: "失败",
    OUTCOME_UNKNOWN: "结果未知",
    # staff_login_events outcomes
    "wrong_password": "密码错误",
    "unknown_user": "用户不存在",
    "locked": "账户锁定",
    "disabled": "账户停用",
}

#: Reasons the services write as codes into ``audit_events.reason`` when the system, not a
#: clerk, ends something: a holder session's end (``sessions._END_REASONS``), a service
#: case's close (``service_cases.close_reason``) and a left case or staff session closed at
#: the next login (``cases.close_recovered_case``, ``left_staff``: ``recovered``). Every other
#: reason is already Chinese (the clerk's 查询事由, a refusal's message) and is printed as it is.
REASON_LABELS: dict[str, str] = {
    "done": "正常结束服务",
    "card_removed": "卡片已拔出",
    "staff_logout": "工作人员退出登录",
    "staff_disabled": "工作人员账户已停用",
    "timeout": "超时自动结束",
    "superseded": "被新的登录取代",
    "recovered": "系统补结（未正常结束服务）",
}

#: Kinds of issued forms (``form_documents.kind``) as printed.
FORM_KIND_LABELS: dict[str, str] = {
    "loss_registration": "挂失登记表",
    "replacement_application": "补卡申请表",
    "lift": "解除挂失表",
    "loss_lift": "解除挂失表",
    "password_reset": "密码重置凭证",
    "pin_reset": "密码重置凭证",
    "pin_unblock": "密码解锁凭证",
    "unblock": "密码解锁凭证",
    "access_slip": "个人信息查阅告知单",  # as the screen and the slip itself say
}


def operation_of(action: str) -> str | None:
    """The operation key of a stored action name (a refused variant included), or None."""
    return _OPERATION_OF.get(action)


def line_of(action: str) -> str:
    """The line of the operation table a stored action name is counted on: its operation,
    or the action itself with its refusals on the same line (``session.open`` and
    ``session.open.refused`` are one line, not two lines with the same label)."""
    return operation_of(action) or action.removesuffix(REFUSED_SUFFIX)


def action_label(action: str) -> str:
    """The Chinese label of a stored action name; an unknown name is shown as it is."""
    key = operation_of(action)
    if key is not None:
        return _LABELS[key]
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.endswith(REFUSED_SUFFIX):
        return action_label(action[: -len(REFUSED_SUFFIX)])
    label = known_label(action)  # the one table of names (counter_app.models.audit_actions)
    return action if label is None else label


def category_label(category: str | None) -> str:
    """The Chinese label of a query category; ``None`` is shown as 未分类."""
    if category is None:
        return "未分类"
    return _word(CATEGORY_LABELS, category, "查询类别")


def outcome_label(outcome: str) -> str:
    return _word(OUTCOME_LABELS, outcome, "结果")


def form_kind_label(kind: str) -> str:
    return _word(FORM_KIND_LABELS, kind, "表单")


def _word(table: dict[str, str], code: str, what: str) -> str:
    """``table[code]``; a code not known here is said to be unknown, with the code beside it
    (a supervisor can report it), never printed bare as if it were a word."""
    known = table.get(code)
    return known if known is not None else f"未知{what}（代码 {code}）"


def reason_label(reason: str | None) -> str:
    """The Chinese of a reason code (:data:`REASON_LABELS`); a reason already in words (the
    clerk's, a refusal's message) as it is; none: ""."""
    if not reason:
        return ""
    return REASON_LABELS.get(reason, reason)
