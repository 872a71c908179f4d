"""读取身份证 in the ID check of every workflow (IDCARD.md; RULES P4, P5, P6, L3, U2, Q7, R1, P8).

:class:`ChipCheck` adds to an ID-document form: a 读取身份证 button that reads the chip off
the GUI thread through the workstation's ID card reader (``id_reader.IdCardStation``, built
once by the composition root and found on the main window), the chip's data and the decoded
portrait beside the holder's record for the clerk to compare the face, and the reason the
clerk chooses from a list when the number is typed instead (no reader, chip unreadable, a
document without a chip such as 户籍证明) — the program never chooses it. Whether the
document is the holder's, the service decides: in a workflow it is asked right after the
read, so a wrong person's card is said beside the read result.

A chip document the service accepted in this holder's service (RULES E1: one case) is
offered to the next action of the same service (使用本次服务已核验的身份证): the reader
cannot read a card again until it is lifted and placed again (IDCARD.md), and the clerk,
who sees the holder, confirms it is the same card; the service checks it again.

The portrait is shown only here: it is copied into a pixmap, the decoded bytes wiped at
once, and the pixmap dropped when the check ends (:meth:`ChipCheck.release`: the dialog
closes, or the service accepted the document). Nothing is written to a file or logged, and
an offered earlier document comes without it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
)

from counter_app.services.idcheck import (
    MANUAL_REASON_LABELS,
    IdDocument,
    IdDocumentKind,
    ManualReason,
    manual_document,
)
from counter_app.ui.fit import grow_to_fit
from counter_app.ui.i18n import tr
from counter_app.ui.id_chip_view import (
    DOCUMENT_REFUSALS,
    ShownWatcher,
    chip_text,
    find_on_window,
    portrait_pixmap,
    prompt_in_plain_text,
    workflow_services,
)
from counter_app.ui.id_reader import ChipReading, IdCardStation, RecentCheck
from counter_app.ui.id_wait import ChipWait, cancelled_text, ran_out_text
from forms.masking import mask_id_number
from reader.idcard.placement import IdCardWaitCancelled

MANUAL_REASONS = list(ManualReason)


class ChipCheck:
    """The chip-read rows of an ID-document form whose kind box and number field exist."""

    def __init__(
        self, form: QFormLayout, kind: QComboBox, kinds: list[IdDocumentKind], number: QLineEdit
    ) -> None:
        self.kind, self.kinds, self.number = kind, kinds, number
        self.reading: ChipReading | None = None
        self._hooked = False
        self.read_button = QPushButton(tr("idcard", "读取身份证"))
        self.read_button.setObjectName("readIdCardButton")
        self.read_button.setToolTip(tr("idcard", "请将身份证放在身份证阅读器上，然后点击读取"))
        self.read_button.clicked.connect(self.read)
        # Once clicked it would become the dialog's default: Enter would read the chip again
        # instead of going on.
        self.read_button.setAutoDefault(False)
        #: 使用本次服务已核验的身份证: the chip document the service accepted earlier in this
        #: holder's service (``IdCardStation.remember``), offered instead of a new read.
        self.recent_button = QPushButton(tr("idcard", "使用本次服务已核验的身份证"))
        self.recent_button.setObjectName("useRecentIdCardButton")
        self.recent_button.setAutoDefault(False)
        self.recent_button.setVisible(False)
        self.recent_button.clicked.connect(self.use_recent)
        self.status = QLabel()
        self.status.setObjectName("idCardStatus")
        self.status.setWordWrap(True)
        #: The wait for the holder to place the card, with its 取消读取 (Esc).
        self.waiting = ChipWait(
            self.status, self.show_reading, self.read_failed, self._read_cancelled, self.read_button
        )
        row = QHBoxLayout()
        # The buttons at the top of the row: centred, they moved down as the message beside
        # them wrapped to more lines (a click where 读取身份证 had been missed).
        top = Qt.AlignmentFlag.AlignTop
        row.addWidget(self.read_button, 0, top)
        row.addWidget(self.waiting.button, 0, top)
        row.addWidget(self.recent_button, 0, top)
        row.addWidget(self.status, 1)
        form.addRow(row)
        self.photo = QLabel()
        self.photo.setObjectName("idCardPhoto")
        self.photo.setFixedSize(102, 126)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setVisible(False)
        self.chip_text = QLabel()
        self.chip_text.setObjectName("idCardData")
        self.chip_text.setTextFormat(Qt.TextFormat.PlainText)
        self.chip_text.setVisible(False)
        shown = QHBoxLayout()
        shown.addWidget(self.photo)
        shown.addWidget(self.chip_text, 1)
        form.addRow(shown)
        self.reason = QComboBox()
        self.reason.setObjectName("manualReason")
        self.reason.addItems([tr("idcard", MANUAL_REASON_LABELS[r]) for r in MANUAL_REASONS])
        # No reason is chosen for the clerk (IDCARD.md typed fallback): they pick the one
        # that is true; a typed number without one is refused by the ID check.
        self.reason.setPlaceholderText(tr("idcard", "请选择原因"))
        self.reason.setCurrentIndex(-1)
        prompt_in_plain_text(self.reason)
        form.addRow(tr("idcard", "人工录入原因"), self.reason)
        self.number.textEdited.connect(self._typed)
        #: Called after a successful chip read (the dialog clears its old error).
        self.read_ok: Callable[[], None] | None = None
        # The offer of this service's accepted ID card is looked up when the form shows
        # (its window, and so the holder's session, is known only then); a wait for the
        # card ends when the form goes (another page of the workflow, the dialog closed).
        # Watched on the status line: the read button itself gives way to 取消读取.
        self._watcher = ShownWatcher(self._offer_recent, self.status, self._hidden)
        self.status.installEventFilter(self._watcher)

    # -- reading -------------------------------------------------------------------------

    def read(self) -> None:
        station: IdCardStation | None = find_on_window(self.read_button, "id_station")
        runner = find_on_window(self.read_button, "runner")
        if station is None or runner is None:
            # The reason is the clerk's to choose (IDCARD.md typed fallback), never set here.
            self._failed_text(
                tr("idcard", "本机未配置身份证阅读器。请选择人工录入原因并输入证件号码。")
            )
            return
        # The last good read stays until this one succeeds: the card just read lies on
        # the reader and cannot be read again as it lies (IDCARD.md).
        dialog: Any = self.read_button.window()
        if not self._hooked and hasattr(dialog, "finished"):
            dialog.finished.connect(self._check_over)  # the check ends with it
            self._hooked = True
        # The keyboard stays on the row: 取消读取 takes it from the button it replaces. A
        # focused button disabled hands it to the next field, 查询原因, its text selected —
        # the clerk's typing replaced the reason (new clerk's trial).
        if self.read_button.hasFocus():
            self.waiting.take_focus()
        self.read_button.setEnabled(False)
        self.status.setStyleSheet("")
        # The holder may still be looking for the card: the reader is asked for about
        # 30 s, the seconds left shown, 取消读取 (Esc) stops it at once (``id_wait``).
        self.waiting.start(station, runner)
        grow_to_fit(self.read_button.window())

    def cancel_read(self) -> None:
        """Stop a wait for the card under way, as the clerk's 取消读取 does."""
        self.waiting.cancel()

    def _read_cancelled(self) -> None:
        self.read_button.setEnabled(True)
        text = cancelled_text()
        if self.reading is not None:
            text += tr("idcard", "上次读取的身份证信息仍在使用。")
        self._failed_text(text)

    def _hidden(self) -> None:
        """The form left the screen (another page, the dialog closed): no one waits for
        the card any more."""
        if self.waiting.active():
            self.cancel_read()

    def _check_over(self, _code: int) -> None:
        """The dialog closed: a wait for the card stops, the portrait goes."""
        self.waiting.stop()
        self.release()

    def show_reading(self, reading: ChipReading) -> None:
        self.waiting.stop()  # a read handed over from elsewhere ends a wait of this form
        self.read_button.setEnabled(True)
        self.forget()
        self._show_chip(reading)
        if reading.portrait is not None:
            self.photo.setPixmap(portrait_pixmap(reading.portrait))
            reading.portrait = None
        else:
            self.photo.setText(tr("idcard", "无照片"))
        self.photo.setVisible(True)
        note = reading.photo_problem or tr("idcard", "请对照照片核对本人")
        self.status.setStyleSheet("")
        self.status.setText(tr("idcard", "已读取身份证芯片。") + note)
        if self.read_ok is not None:
            self.read_ok()
        self._check_with_service(reading)
        grow_to_fit(self.read_button.window())

    def _show_chip(self, reading: ChipReading) -> None:
        """The chip's document on the form: its kind, the number masked (the document
        keeps the full one for the service), its data; no reason for typing."""
        self.reading = reading
        document = reading.document
        if document.kind in self.kinds:
            self.kind.setCurrentIndex(self.kinds.index(document.kind))
        self.number.setText(mask_id_number(document.number))
        self.reason.setCurrentIndex(-1)
        self.reason.setEnabled(False)
        self.chip_text.setText(chip_text(reading.lines))
        self.chip_text.setVisible(True)

    def read_failed(self, error: BaseException) -> None:
        """The read failed: what to do, and nothing chosen for the clerk — a card that is
        on the reader but not read is no reason to record 证件芯片无法读取."""
        self.read_button.setEnabled(True)
        if isinstance(error, IdCardWaitCancelled):  # the station closed meanwhile
            self._read_cancelled()
            return
        # A wait that ran out says what to do next; a card read before and still lying
        # there keeps its own message (IdCardAlreadyRead).
        text = (
            ran_out_text(error)
            or str(error)
            or tr("idcard", "身份证读取失败，请将身份证取下后重新放置再读取。")
        )
        if self.reading is not None:
            text += tr("idcard", "上次读取的身份证信息仍在使用。")
        elif self.recent_button.isVisible():
            text += tr("idcard", "也可点击“使用本次服务已核验的身份证”。")
        self._failed_text(text)

    def _failed_text(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)
        grow_to_fit(self.read_button.window())  # the wrapped reason whole, nothing overlaid

    def _typed(self, text: str) -> None:
        """The clerk typed over the chip's number: that is a typed document now. What was
        typed stays (a select-all and a digit replace the whole number); the chip's data,
        photo and 已读取 line leave the screen, and the status says a reason is needed. A
        number still holding the mask's ``*`` cannot be edited digit by digit: it is
        emptied, and the status says to type it whole."""
        if self.reading is None:
            return
        self._drop_reading()
        note = tr("idcard", "证件号码已改为人工录入，不再是芯片读取的号码：请选择人工录入原因。")
        if "*" in text:
            self.number.clear()
            note = tr("idcard", "芯片读取的号码中间位已隐去，不能逐位修改，已清空。") + tr(
                "idcard", "请输入完整的证件号码，并选择人工录入原因。"
            )
        self.status.setStyleSheet("")  # a refusal of the read no longer applies
        self.status.setText(note)
        self._offer_recent()  # this service's accepted ID card, if any, is offered again

    # -- the service's word on the document, at once (RULES P5, L3, U2) ----------------

    def _check_with_service(self, reading: ChipReading) -> None:
        """A chip read in a workflow: the service is asked at once whether it is the
        session holder's document (``check_session_document``, against the database — the
        screen compares nothing), so a wrong person's card is said beside the read result
        instead of at 下一步. Accepted: remembered for this service's next actions."""
        found = workflow_services(self.read_button)
        if found is None:
            return
        gateway, actor, session, purpose, runner = found
        document = reading.document

        def accepted(_none: object) -> None:
            if self.reading is not reading:
                return  # typed over or read again meanwhile
            station = find_on_window(self.read_button, "id_station")
            if station is not None:
                station.remember(session.session_id, reading)
            self.status.setText(self.status.text() + tr("idcard", "（与当前参保人一致）"))

        def refused(error: BaseException) -> None:
            if self.reading is not reading:
                return
            if isinstance(error, DOCUMENT_REFUSALS):
                self.say_refused(error)
            # anything else (an outage, a permission): 下一步 asks again and says it there

        runner.run(
            lambda: gateway.check_session_document(actor, session, document, purpose),
            accepted,
            refused,
            name="check_read_id_card",
        )

    def say_refused(self, error: BaseException) -> None:
        """The service's refusal of the chip's document, beside the read result."""
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(tr("idcard", "此身份证不能用于当前参保人：") + str(error))
        grow_to_fit(self.read_button.window())

    # -- this service's accepted ID card ------------------------------------------------

    def _recent(self) -> RecentCheck | None:
        found = workflow_services(self.read_button)
        station = find_on_window(self.read_button, "id_station")
        if found is None or station is None:
            return None
        recent: RecentCheck | None = station.recent(found[2].session_id)
        return recent

    def _offer_recent(self) -> None:
        """On show: 使用本次服务已核验的身份证 when this service already had an ID card
        accepted (RULES E1: one case per holder's service)."""
        recent = self._recent()
        self.recent_button.setVisible(recent is not None and self.reading is None)
        if recent is not None and self.reading is None and not self.status.text():
            self.status.setText(
                tr("idcard", "本次服务已于 %1 读取并核验该参保人的身份证，可直接使用。").replace(
                    "%1", recent.time_text()
                )
            )
            # Two wrapped lines beside the buttons, set as the dialog opens: shown whole
            # (under Xvfb they were cut at the top and bottom in 补卡申请).
            grow_to_fit(self.read_button.window())

    def use_recent(self) -> None:
        """The clerk confirms the ID card read in this service is the one before them:
        its chip document is used as read (the service checks it again); no photo — the
        face was compared when it was read."""
        recent = self._recent()
        if recent is None:
            self.recent_button.setVisible(False)
            return
        self.forget()
        # Said to the service as a reuse (a typed flag), so its audit event is not taken
        # for a fresh chip read (``services.idcheck_reuse``).
        reused = dataclasses.replace(recent.document, reused=True)
        self._show_chip(ChipReading(reused, list(recent.lines)))
        self.recent_button.setVisible(False)
        self.status.setStyleSheet("")
        self.status.setText(
            tr("idcard", "使用本次服务 %1 读取并核验的身份证（照片已在当时核对）。").replace(
                "%1", recent.time_text()
            )
            + tr("idcard", "请确认持证人仍是本人。")
        )
        if self.read_ok is not None:
            self.read_ok()
        grow_to_fit(self.read_button.window())

    # -- the document and the end of the check -------------------------------------------

    def document(self, number: str) -> IdDocument:
        """The chip's document when it was read (typing over its number forgets it); else
        the typed ``number`` with the chosen reason (``idcheck.manual_document``)."""
        if self.reading is not None:
            return self.reading.document
        kind = self.kinds[self.kind.currentIndex()]
        index = self.reason.currentIndex()
        if not 0 <= index < len(MANUAL_REASONS):  # none chosen: the service says so
            return IdDocument(kind, number)
        return manual_document(kind, number, MANUAL_REASONS[index])

    def full_number(self) -> str:
        """The number to check: the chip's (the field shows it masked) or the typed one."""
        return self.reading.document.number if self.reading is not None else self.number.text()

    def has_chip(self) -> bool:
        return self.reading is not None

    def reason_missing(self) -> bool:
        """A typed number with no reason chosen for typing it (the ID check refuses it)."""
        return self.reading is None and not 0 <= self.reason.currentIndex() < len(MANUAL_REASONS)

    def release(self) -> None:
        """The check is over: the portrait leaves the screen and memory (the chip's
        document, which holds no photo, stays for the use case's submission)."""
        if self.reading is not None:
            self.reading.release()
        self.photo.clear()
        self.photo.setVisible(False)

    def forget(self) -> None:
        """A new read or a number set from elsewhere: nothing of the last read is kept."""
        if self.reading is not None:
            self.number.clear()  # the masked chip number is not a typed one
        self._drop_reading()

    def _drop_reading(self) -> None:
        self.release()
        self.reading = None
        self.reason.setEnabled(True)
        self.chip_text.clear()
        self.chip_text.setVisible(False)
