"""Four-eyes approval as a workflow page (RULES S1–S3; setting ``four_eyes``).

A supervisor of the clerk's own office types their staff number and password at this
workstation; ``approvals.verify_supervisor_approval`` checks them and binds the approval to the
digest of this exact request (the workflow's ``digest()``, computed off the GUI thread by the
same service function the use case checks it with). The approval is spent by the use case
itself, once. These are staff credentials, so an ordinary password field — never the
holder's PIN, which only the holder keypad takes.

The service gives one refusal for the causes that would let staff accounts be probed (an
unknown number, a wrong password, a locked account) and the page lists them; once the
password is right it names the cause (not a supervisor, another office, approved already)
and the page shows that. The initiator typing their own staff number is named as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtWidgets import QLabel, QLineEdit

from counter_app.services.errors import ApprovalInvalid, DatabaseUnavailable
from counter_app.ui.i18n import tr
from counter_app.ui.kept_text import password_typed_again
from counter_app.ui.text_guard import guard_text
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import page_with_form

SELF_APPROVAL = "不能由经办人本人复核：四眼原则要求由本机构的另一位主管当场输入其工号和密码。"
#: The causes the service does not tell apart (no probing of staff accounts); the others
#: (not a supervisor, another office, approved already) it names once the password is right.
REFUSAL_CAUSES = (
    "请核对：① 工号或密码是否输入正确（多次输错会锁定该主管账户）；② 主管账户是否已停用或锁定。"
)


@dataclass(frozen=True)
class Approved:
    """What the use case needs of the approval (``approvals.ApprovalLike``): its id."""

    id: int
    approver_staff_no: str


class ApprovalStep:
    """The approval page of ``dialog``. ``digest`` runs on a pool thread and returns the
    request digest (e.g. ``pin_reset.pin_reset_digest(actor, session)``)."""

    def __init__(self, dialog: WorkflowDialog, action: str, digest: Callable[[], str]) -> None:
        self.dialog = dialog
        self.action = action
        self._digest = digest
        self.approval: Approved | None = None
        #: The page's own button: the supervisor confirms (``run``), then the work goes on.
        self.next_text = tr("workflow", "主管确认复核")
        self.page, form = page_with_form()
        intro = QLabel(
            tr(
                "workflow",
                "此项业务须由本机构主管当场复核（四眼原则）。请主管本人输入工号和密码；"
                "经办人本人不能复核。",
            )
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.staff_no = QLineEdit()
        self.staff_no.setObjectName("supervisorStaffNo")
        # The clerk's own office (a CK window's or 江北's supervisor, never a fixed example).
        office = getattr(dialog.window_.actor, "office_name", "") or ""
        self.staff_no.setPlaceholderText(
            tr("workflow", "%1主管的工号").replace("%1", office or tr("workflow", "本机构"))
        )
        self.password = QLineEdit()
        self.password.setObjectName("supervisorPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        guard_text(self.staff_no, tr("workflow", "主管工号"), dialog.error)  # pasted invisibles
        form.addRow(tr("workflow", "主管工号"), self.staff_no)
        form.addRow(tr("workflow", "主管密码"), self.password)
        self.status = QLabel()
        self.status.setObjectName("approvalStatus")
        self.status.setWordWrap(True)
        form.addRow(self.status)

    def forget(self) -> None:
        """The approval was spent or refused by the use case: ask for a new one."""
        self.approval = None
        self.status.setText("")
        self.staff_no.setEnabled(True)
        self.password.setEnabled(True)

    def run(self, then: Callable[[], None]) -> None:
        """``on_next`` of the page: verify (once), then ``then()``."""
        if self.approval is not None:
            then()
            return
        staff_no = self.staff_no.text().strip()
        password = self.password.text()
        if not staff_no or not password:
            self.dialog.error(tr("workflow", "请主管输入工号和密码。"))
            return
        gateway, actor, digest, action = (
            self.dialog.window_.gateway,
            self.dialog.window_.actor,
            self._digest,
            self.action,
        )
        self.password.clear()  # the staff password stays in no widget longer than needed

        def work() -> Approved:
            granted = gateway.verify_supervisor_approval(
                actor, staff_no, password, digest(), action=action
            )
            return Approved(granted.id, staff_no)

        def done(approved: Approved) -> None:
            self.approval = approved
            self.staff_no.setEnabled(False)
            self.password.setEnabled(False)
            self.dialog.next_button.setDefault(True)
            self.dialog.next_button.setFocus()  # Enter goes on, never to 取消
            self.status.setText(
                tr("workflow", "已由主管 %1 复核通过。").replace("%1", approved.approver_staff_no)
            )
            then()

        def failed(error: BaseException) -> bool:
            if isinstance(error, DatabaseUnavailable):  # the server or the database is down
                # The password field was emptied when it was sent: the outage's
                # 已填写的内容仍保留 is not true of it (the login screen says the same).
                self.dialog.window_.db_down(str(error))
                self.dialog.error(
                    password_typed_again(
                        str(error), tr("workflow", "主管工号仍保留，请主管重新输入密码")
                    ),
                    outage=True,
                )
                self.password.setFocus()
                return True
            if not isinstance(error, ApprovalInvalid):
                return False
            if staff_no.upper() == actor.staff_no.upper():
                text = tr("workflow", SELF_APPROVAL)
            elif str(error) != ApprovalInvalid.message:
                text = str(error)  # the service named the cause (after the right password)
            else:
                text = f"{error}<br>{tr('workflow', REFUSAL_CAUSES)}"
            self.status.setText("")
            self.dialog.error(text)
            self.password.setFocus()
            return True

        self.dialog.call(work, done, failed=failed)


def approval_step(
    dialog: WorkflowDialog, action: str, digest: Callable[[], str]
) -> ApprovalStep | None:
    """The step, or None when the setting ``four_eyes`` is off. Asked as the dialog opens:
    when the services cannot say (the server is unreachable), the step is there — the
    safe side; the service decides again when it is reached (a trial's F9 with counter-server
    stopped closed the workstation on the uncaught error)."""
    try:
        required = dialog.window_.gateway.four_eyes_required()
    except DatabaseUnavailable:
        required = True
    if not required:
        return None
    return ApprovalStep(dialog, action, digest)
