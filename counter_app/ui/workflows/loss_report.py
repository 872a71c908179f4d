"""书面挂失 (RULES L2–L4): ID document and the holder's declaration, confirm, then the loss
registration form (挂失登记表) to preview, print or save. A phone report on the card is
confirmed by the written one (the service decides); a card already reported is refused with
the existing report named (L4)."""

from __future__ import annotations

import datetime as dt
import html
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PyQt6.QtCore import QDate
from PyQt6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from counter_app.services.queries.holder import HolderOverview
from counter_app.ui.date_field import DateField
from counter_app.ui.holder_view import holder_facts
from counter_app.ui.item_models import display
from counter_app.ui.text_guard import FieldNotices, guard_text
from counter_app.ui.workflows.base import WorkflowDialog
from counter_app.ui.workflows.form_parts import (
    DocumentFields,
    add_print_buttons,
    form_pdf,
    page_with_form,
)
from counter_app.validation import ValidationError, clean_text, validate_phone
from counter_app.validation.errors import FIELD_PHONE
from counter_app.validation.text_policy import LOSS_CIRCUMSTANCES, LOSS_PLACE

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


def _shanghai_today() -> QDate:
    """Today in Chongqing (the workstation's own clock zone may be UTC: from 00:00 to 08:00
    Shanghai time QDate.currentDate() was still yesterday, and the day was the latest one
    that could be chosen)."""
    day = dt.datetime.now(_SHANGHAI).date()
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
        #: The card's phone report (12333) in force, which this written one confirms (L3).
        self.phone_reported_at = (
            overview.card.phone_reported_at if overview is not None and overview.card else None
        )
        # RULES L3: confirming a phone report, the card was lost by the day it was reported.
        latest = _phone_report_day(overview) or _shanghai_today()
        # Typed whole and never changed into another day (a QDateEdit turned 2026-12-03
        # into 2026-12-01 on the way to the signed 挂失登记表).
        self.loss_date = DateField(latest, self.tr("遗失日期"), maximum=latest)
        self.loss_date.setObjectName("lossDate")
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
        # Invisible characters (U+202E reversed the place on the confirm page) leave the
        # fields as they are typed or pasted, and the clerk is told for each field changed:
        # one banner said only the last field's removal (text_policy).
        self._notices = FieldNotices(self.error)
        for field, label in (
            (self.phone, self.tr("联系电话")),
            (self.place, self.tr("遗失地点")),
            (self.circumstances, self.tr("遗失经过")),
        ):
            guard_text(field, label, self._notices.for_field(label))
        #: Where the service's refusal of a typed value sends the clerk (its field key).
        self._fields: dict[str, QWidget] = {
            FIELD_PHONE: self.phone,
            LOSS_PLACE.key: self.place,
            LOSS_CIRCUMSTANCES.key: self.circumstances,
        }
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
        return SimpleNamespace(
            contact_phone=validate_phone(self.phone.text()),
            loss_date=self.loss_date.value(),
            loss_place=self.place.text().strip(),
            circumstances=self.circumstances.toPlainText().strip(),
            id_document=self.documents.document(),
        )

    def _check_details(self) -> None:
        self._notices.clear()  # said once; this attempt's own problem replaces them
        problem = self.documents.check()
        if not problem and self.documents.chip.reason_missing():
            # Said here, on the form: the service refuses it only at 确认挂失, after the
            # clerk and the holder went through the summary (from a new clerk's trial).
            problem = self.tr(
                "证件号码为手工录入，请在“人工录入原因”中选择未读取芯片的原因"
                "（或将身份证放在阅读器上点击“读取身份证”）。"
            )
        if problem:
            self.error(problem)
            return
        try:
            validate_phone(self.phone.text())
        except ValidationError as error:
            self.error(str(error))
            self.phone.setFocus()
            return
        if self.loss_date.show_problem():  # said in red under the field, not twice
            self.loss_date.setFocus()
            return
        if not self.place.text().strip():
            self.error(self.tr("请填写遗失地点（不清楚可填“不详”）。"))
            self.place.setFocus()
            return
        if not self.circumstances.toPlainText().strip():
            self.error(self.tr("请填写遗失经过。"))
            self.circumstances.setFocus()
            return
        try:  # the policy the service applies (length, GBK for the form), said here
            clean_text(self.place.text(), LOSS_PLACE)
            clean_text(self.circumstances.toPlainText(), LOSS_CIRCUMSTANCES)
        except ValidationError as error:
            self._refused_field(error)
            return
        d = self.details()
        text = html.escape  # typed text is shown as typed, never as markup
        self.summary.setText(
            self.tr("请与持卡人核对以下内容，确认后将登记书面挂失并生成《挂失登记表》：")
            + f"<br><br>{self.tr('证件')}：{self.documents.kind.currentText()} "
            f"{display(d.id_document.number, 'ssn')}<br>{self.tr('联系电话')}："
            f"{text(d.contact_phone)}<br>{self.tr('遗失日期')}：{display(d.loss_date)}"
            f"<br>{self.tr('遗失地点')}：{text(d.loss_place)}<br>{self.tr('遗失经过')}："
            f"{text(d.circumstances).replace(chr(10), '<br>')}" + self._confirms_line()
        )
        self.next_button.setText(self.tr("确认挂失"))
        self.go(1)

    def _confirms_line(self) -> str:
        """The phone report this written one will confirm (RULES L3), named by its time."""
        if self.phone_reported_at is None:
            return ""
        return "<br>" + self.tr(
            "电话挂失：本次书面挂失将确认该卡 %1 的 12333 电话挂失（不重复登记）"
        ).replace("%1", display(self.phone_reported_at))

    def _submit(self) -> None:
        gateway, actor = self.window_.gateway, self.window_.actor
        details, key, holder_id = self.details(), self.idempotency_key, self.holder_id

        def work() -> tuple[Any, bytes]:
            from counter_app.services.written_reports import WrittenLossInput

            declared = WrittenLossInput(**vars(details))
            result = gateway.register_written_loss(actor, holder_id, declared, key)
            return result, form_pdf(gateway, result)  # off the GUI thread (and process)

        self.call(work, self._done, failed=self._refused_field)

    def _refused_field(self, error: BaseException) -> bool:
        """A typed value refused (here or by the service at 确认挂失): back to the form with
        the reason, the keyboard in the field that holds it (not the first field)."""
        field = self._fields.get(str(getattr(error, "field", "") or ""))
        if not isinstance(error, ValidationError) or field is None:
            return False
        self.go(0)
        self.error(str(error))
        field.setFocus()
        return True

    def _done(self, outcome: tuple[Any, bytes]) -> None:
        result, pdf = outcome
        self.result = result
        text = self.tr("书面挂失已登记。挂失登记表编号：") + f"<b>{result.serial}</b>"
        phone = getattr(result.form, "phone_report", None)
        if result.confirmed_phone_report and phone is not None:
            # Which phone report (L3): its time, and its reference as the form prints it.
            line = (
                self.tr("已确认该卡 %1 的 12333 电话挂失（编号 %2，未重复登记）。")
                if phone.reference
                else self.tr("已确认该卡 %1 的 12333 电话挂失（未重复登记）。")
            )
            line = line.replace("%2", html.escape(phone.reference))
            text += "<br>" + line.replace("%1", display(phone.reported_at))
        elif result.confirmed_phone_report:
            text += "<br>" + self.tr("已确认该卡此前的 12333 电话挂失（未重复登记）。")
        if result.already_done:
            text += "<br>" + self.tr("（此前已提交成功，本次未重复登记。）")
        text += "<br><br>" + self.tr(
            "请打印挂失登记表，交持卡人签字；档案联留存，持卡人联交持卡人。"
        )
        self.show_result(text)
        add_print_buttons(self, pdf, f"挂失登记表 {result.serial}")
