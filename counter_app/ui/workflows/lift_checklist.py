"""The 解除挂失 checklist as the clerk reads it (RULES U1–U5; setting ``four_eyes``).

The service's lines (``lifting.check_lift``: passed ✔, refused ✘, still to come …) and,
with four-eyes, the supervisor's approval where it comes — before the holder's PIN (U5).
Under a met list, the advice names the step that comes next: 待主管复核 first, then
待持卡人输入密码 (a clerk read only the PIN as pending while the supervisor came first);
以上条件均已满足 only when nothing is pending. Words only: the rule's code stays in the audit.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QListWidget, QListWidgetItem

from counter_app.ui.i18n import tr
from counter_app.ui.workflows.approval import ApprovalStep

MARKS = {True: "✔", False: "✘", None: "…"}


def approval_pending(approval: ApprovalStep | None) -> bool:
    """Four-eyes is on and the supervisor has not approved (or the approval was spent)."""
    return approval is not None and approval.approval is None


def list_checklist(view: QListWidget, checklist: Any, approval: ApprovalStep | None) -> None:
    """Fill ``view``: the service's lines, the approval's line before the first pending one
    (the holder's PIN) — … while it waits, ✔ with the supervisor once approved."""
    view.clear()
    lines: list[tuple[bool | None, str]] = [
        (line.passed, f"{MARKS[line.passed]} {line.label}：{line.reason}")
        for line in checklist.lines
    ]
    if approval is not None:
        approved = approval.approval
        passed = None if approved is None else True
        if approved is None:
            reason = tr("workflow", "待本机构主管当场复核（四眼原则）")
        else:
            reason = tr("workflow", "已由主管 %1 复核通过").replace(
                "%1", approved.approver_staff_no
            )
        first_pending = next(
            (i for i, line in enumerate(checklist.lines) if line.passed is None), len(lines)
        )
        label = tr("workflow", "主管复核")
        lines.insert(first_pending, (passed, f"{MARKS[passed]} {label}：{reason}"))
    for passed, text in lines:
        item = QListWidgetItem(text)
        if passed is False:
            item.setForeground(QColor("#b00020"))
        view.addItem(item)


def next_step_text(approval: ApprovalStep | None) -> str:
    """The met checklist's button: the step it leads to."""
    if approval_pending(approval):
        return tr("workflow", "下一步：主管复核")
    return tr("workflow", "请持卡人输入密码")


def advice(checklist: Any, approval: ApprovalStep | None) -> str:
    """What a met checklist still waits for, in the order it comes."""
    # A line still pending (…: the holder's PIN, U5, is checked when typed): "all met"
    # would claim what is not yet known.
    pin_pending = any(line.passed is None for line in checklist.lines)
    if approval_pending(approval):
        if pin_pending:
            return tr(
                "workflow", "以上已核验的条件均满足，待主管复核；复核通过后，待持卡人输入密码。"
            )
        return tr("workflow", "以上已核验的条件均满足，待主管复核。")
    if pin_pending and approval is not None:
        return tr("workflow", "以上已核验的条件均满足，主管已复核，待持卡人输入密码。")
    if pin_pending:
        return tr("workflow", "以上已核验的条件均满足，待持卡人输入密码。")
    return tr("workflow", "以上条件均已满足，可以解除挂失。")
