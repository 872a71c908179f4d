"""书面挂失 (RULES L2–L4): ID document and the holder's declaration, confirm, then the loss
registration form (挂失登记表) to preview, print or save. A phone report on the card is
confirmed by the written one (the service decides); a card already reported is refused with
the existing report named (L4)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PyQt6.QtCore import QDate
from PyQt6.QtWidgets import QDateEdit, QLabel, QLineEdit, QPlainTextEdit

from counter_app.services.queries.holder import HolderOverview
from counter_app.ui.holder_view import holder_facts
from counter_app.ui.item_models import display
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import (
    DocumentFields,
    add_print_buttons,
    form_pdf,
    page_with_form,
)
from counter_app.validation import ValidationError, validate_phone

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost


_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _phone_report_day(overview: HolderOverview | None) -> QDate | None:
    """The local day of the card's open phone report (12333), if it has one."""
    at = overview.card.phone_reported_at if overview is not None and overview.card else None
    if at is None:
        return None
    day = at.astimezone(_SHANGHAI).date()
    return QDate(day.year, day.month, day.day)


class LossReportDialog(WorkflowDialog):
    def __init__(self, window: WorkflowHost) -> None:
        super().__init__(window, window.tr("书面挂失"))
        overview = window.holder.overview
        self.holder_id = window.holder.session.holder_id
        self.printer: Any = None
        self.result: Any = None

        page, form = page_with_form()
        shown = holder_facts(overview)
        name, ssn, card, state = shown.name, shown.ssn, shown.card_number, shown.state_label
        form.addRow(QLabel(self.tr("持卡人：") + f"{name}　{display(ssn, 'ssn')}"))
        masked = display(card, "card_number")
        form.addRow(QLabel(self.tr("卡号：") + f"{masked}　{self.tr('卡状态：')}{state}"))
        self.documents = DocumentFields(form)
        self.phone = QLineEdit()
        self.phone.setObjectName("contactPhone")
        self.phone.setPlaceholderText(self.tr("手机或固定电话，如 13800138000 / 023-63001234"))
        # RULES L3: confirming a phone report, the card was lost by the day it was reported.
        latest = _phone_report_day(overview) or QDate.currentDate()
        self.loss_date = QDateEdit(latest)
        self.loss_date.setCalendarPopup(True)
        self.loss_date.setMaximumDate(latest)
        self.loss_date.setDisplayFormat("yyyy-MM-dd")
        self.place = QLineEdit()
        self.place.setObjectName("lossPlace")
        self.circumstances = QPlainTextEdit()
        self.circumstances.setObjectName("circumstances")
        self.circumstances.setTabChangesFocus(True)
        self.circumstances.setMaximumHeight(90)
        form.addRow(self.tr("联系电话"), self.phone)
        form.addRow(self.tr("遗失日期"), self.loss_date)
        form.addRow(self.tr("遗失地点"), self.place)
        form.addRow(self.tr("遗失经过"), self.circumstances)
        self.add_page(page, self._check_details)

        confirm, confirm_form = page_with_form()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        confirm_form.addRow(self.summary)
        self.add_page(confirm, self._submit)
        self.begin()

    def details(self) -> SimpleNamespace:
        """The typed declaration as plain values (the service's ``WrittenLossInput`` is
        built on the worker thread: importing the service module here would stall the GUI)."""
        qdate = self.loss_date.date()
        return SimpleNamespace(
            contact_phone=validate_phone(self.phone.text()),
            loss_date=dt.date(qdate.year(), qdate.month(), qdate.day()),
            loss_place=self.place.text().strip(),
            circumstances=self.circumstances.toPlainText().strip(),
            id_document=self.documents.document(),
        )

    def _check_details(self) -> None:
        problem = self.documents.check()
        if not problem and self.documents.chip.reason_missing():
            # Said here, on the form: the service refuses it only at 确认挂失, after the
            # clerk and the holder went through the summary (from a new clerk's trial).
            problem = self.tr(
                "证件号码为手工录入，请在“人工录入原因”中选择未读取芯片的原因"
                "（或将身份证放在阅读器上点击“读取身份证”）。"
            )
        if not problem:
            try:
                validate_phone(self.phone.text())
            except ValidationError as error:
                problem = str(error)
        if not problem and not self.place.text().strip():
            problem = self.tr("请填写遗失地点（不清楚可填“不详”）。")
        if not problem and not self.circumstances.toPlainText().strip():
            problem = self.tr("请填写遗失经过。")
        if problem:
            self.error(problem)
            return
        d = self.details()
        self.summary.setText(
            self.tr("请与持卡人核对以下内容，确认后将登记书面挂失并生成《挂失登记表》：")
            + f"<br><br>{self.tr('证件')}：{self.documents.kind.currentText()} "
            f"{display(d.id_document.number, 'ssn')}<br>{self.tr('联系电话')}：{d.contact_phone}"
            f"<br>{self.tr('遗失日期')}：{d.loss_date.isoformat()}<br>{self.tr('遗失地点')}："
            f"{d.loss_place}<br>{self.tr('遗失经过')}：{d.circumstances}"
        )
        self.next_button.setText(self.tr("确认挂失"))
        self.go(1)

    def _submit(self) -> None:
        gateway, actor = self.window_.gateway, self.window_.actor
        details, key, holder_id = self.details(), self.idempotency_key, self.holder_id

        def work() -> tuple[Any, bytes]:
            from counter_app.services.written_reports import WrittenLossInput

            declared = WrittenLossInput(**vars(details))
            result = gateway.register_written_loss(actor, holder_id, declared, key)
            return result, form_pdf(gateway, result)  # off the GUI thread (and process)

        self.call(work, self._done)

    def _done(self, outcome: tuple[Any, bytes]) -> None:
        result, pdf = outcome
        self.result = result
        text = self.tr("书面挂失已登记。挂失登记表编号：") + f"<b>{result.serial}</b>"
        if result.confirmed_phone_report:
            text += "<br>" + self.tr("已确认该卡此前的 12333 电话挂失（未重复登记）。")
        if result.already_done:
            text += "<br>" + self.tr("（此前已提交成功，本次未重复登记。）")
        text += "<br><br>" + self.tr(
            "请打印挂失登记表，交持卡人签字；档案联留存，持卡人联交持卡人。"
        )
        self.show_result(text)
        add_print_buttons(self, pdf, f"挂失登记表 {result.serial}")
