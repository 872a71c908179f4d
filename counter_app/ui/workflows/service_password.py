"""重置查询服务密码 (RULES P8): ID document → ``service_password.reset_service_password`` → the
one-time value shown once, large, for the holder to note, with the rule that it must be
changed at the next use.

The value lives in one label of the result page and in nothing else here: it is not put in
a log, a banner, a title, a tooltip or a printed form, and the label is cleared (and the
service's result dropped) when the page closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QLabel, QVBoxLayout

from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.steps import IdDocumentStep, holder_line

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost


class ServicePasswordDialog(WorkflowDialog):
    def __init__(self, window: WorkflowHost) -> None:
        super().__init__(window, window.tr("重置查询服务密码"))
        self.session = window.holder.session
        self.id_step = IdDocumentStep(
            self.tr(
                "查询服务密码用于网站和 12333 电话查询，与社保卡密码不同。"
                "核验证件后将生成一个一次性密码，持卡人下次登录时必须修改。"
            ),
            holder=holder_line(self),
        )
        self.add_page(self.id_step.page, self._submit)
        self.next_button.setText(self.tr("核验证件并重置"))
        self.value_label = QLabel()
        self.value_label.setObjectName("oneTimePassword")
        big = QFont()
        big.setPointSize(30)
        big.setBold(True)
        big.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 6)
        self.value_label.setFont(big)
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value_label.setTextFormat(Qt.TextFormat.PlainText)
        self.rule_label = QLabel(
            self.tr(
                "下次登录网站或拨打 12333 查询时必须修改此密码。此密码只显示这一次，"
                "关闭本窗口后无法再次查看，也不会打印或记录。"
            )
        )
        self.rule_label.setObjectName("oneTimeRule")
        self.rule_label.setWordWrap(True)
        layout = self.result_page.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.value_label)
        layout.insertWidget(2, self.rule_label)
        self.begin()

    def _submit(self) -> None:
        problem = self.id_step.check()
        if problem:
            self.error(problem)
            return
        gateway, actor, session = self.window_.gateway, self.window_.actor, self.session
        document = self.id_step.document()
        self.call(
            lambda: gateway.reset_service_password(actor, session, document),
            self._done,
        )

    def _done(self, one_time: Any) -> None:
        self.value_label.setText(one_time.value)
        del one_time
        self.show_result(self.tr("查询服务密码已重置为下面的一次性密码。请持卡人当场记下："))

    def done(self, result: int) -> None:
        self.value_label.clear()
        super().done(result)
