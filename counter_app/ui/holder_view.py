"""The holder overview: a header, the card's state and history, one tab per RULES Q2
category and one per insurance of Q3–Q5 (pension first). Each tab loads when first shown,
off the GUI thread, and shows its page from ``counter_app.presentation``; every view is
audited by the records service. ID numbers are masked unless the clerk reveals them (auto-hides).
The card page carries 补打挂失登记表 while the card is reported lost in writing (RULES L4,
``loss_form_reprint``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from PyQt6.QtCore import QEvent, QObject, QTimer, pyqtSignal
from PyQt6.QtGui import QFont, QFontMetrics
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from counter_app.api import CounterServices, category_member
from counter_app.presentation.holder_pages import state_fact
from counter_app.services.context import Actor
from counter_app.services.queries.holder import HolderOverview
from counter_app.ui.item_models import display
from counter_app.ui.loss_form_reprint import LossFormReprint
from counter_app.ui.printing import Printing
from counter_app.ui.record_view import RecordView
from counter_app.ui.tab_navigator import TabNavigator
from counter_app.ui.tasks import TaskRunner

#: RULES Q2, in the order of the hall terminals, then pension and the other insurances.
CATEGORY_TABS: list[tuple[str, str]] = [
    ("card_basic", "卡基本信息"),
    ("public", "公共数据"),
    ("employment", "就业与失业"),
    ("social_insurance", "社会保险"),
    ("medical", "医疗保险"),
    ("assistance", "低保和优抚"),
    ("life_health", "生命与健康数据"),
    # The finer views of the website and the phone line (RULES Q3–Q5): the pension a
    # retiree asks about first, then each insurance's benefits in columns of their own.
    ("pension", "养老保险"),
    ("unemployment", "失业保险"),
    ("injury", "工伤人员待遇"),
    ("death", "工亡人员待遇"),
    ("maternity", "生育保险"),
]
REVEAL_SECONDS = 15
#: F4's button: the full numbers shown on asking (audited) and masked again on asking.
SHOW_NUMBERS = "显示完整号码 (F4)"
HIDE_NUMBERS = "隐藏完整号码 (F4)"


#: The point size of the header's second line (ID number, card number, card state).
FACTS_PT = 11


def fact_lines(facts: list[str], fits: Callable[[str], bool]) -> list[str]:
    """``facts`` ("卡状态 电话挂失（临时）") on as few lines as fit, never one split over
    two: Chinese breaks between any two characters, so a wrapped header once read
    "卡状态 电" / "话挂失（临时）". A fact too long for any line stays on a line of its own."""
    lines: list[str] = []
    for fact in facts:
        joined = f"{lines[-1]}　{fact}" if lines else fact
        if lines and fits(joined):
            lines[-1] = joined
        else:
            lines.append(fact)
    return lines


@dataclass(frozen=True)
class HolderFacts:
    """What every screen shows of the holder being served (name, masked ID number, card)."""

    name: str
    ssn: str  # masked
    card_number: str
    state_label: str  # with 已过期 when the card is past its expiry date


def holder_facts(overview: HolderOverview | None) -> HolderFacts:
    """The header facts of ``overview``; empty strings before it is loaded or without a card."""
    if overview is None:
        return HolderFacts("", "", "", "")
    card = overview.card
    return HolderFacts(
        overview.basic.name,
        overview.basic.ssn,
        card.card_number if card is not None else "",
        state_fact(card) if card is not None else "",
    )


class HolderView(QWidget):
    """Shows one holder session; empty (no personal data) when there is none."""

    error = pyqtSignal(object)
    card_state_known = pyqtSignal(object)

    def __init__(
        self,
        gateway: CounterServices,
        runner: TaskRunner,
        parent: QWidget | None = None,
        printing: Printing | None = None,
    ) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self._actor: Actor | None = None
        self._session: Any = None
        #: What is true of the card in the reader while no holder is open (the header says
        #: it, ``card_notes.reader_card_status``); "" without a card.
        self._reader_card = ""
        self.overview: HolderOverview | None = None
        self._loaded: set[int] = set()
        self.header = QLabel()
        self.header.setObjectName("holderHeader")
        self.header.setStyleSheet("font-size: 14pt;")
        self.header.setWordWrap(True)  # name, number, card and state never cut off
        self._header_width = -1
        self.header.installEventFilter(self)
        self.reveal_button = QPushButton(self.tr(SHOW_NUMBERS))
        self.reveal_button.setObjectName("revealButton")
        self.reveal_button.clicked.connect(self.reveal)
        self._revealed = False
        #: A reveal asked of the service and not yet answered: F4 again asks nothing more.
        self._revealing = False
        self._full_ssn = ""
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(REVEAL_SECONDS * 1000)
        self._hide_timer.timeout.connect(self.hide_numbers)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.reveal_button)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("categoryTabs")
        # Thirteen tabs must not widen the window past the screen: scroll them instead.
        self.tabs.setUsesScrollButtons(True)
        self.card_page = RecordView()
        #: RULES L4: 补打挂失登记表 above the card's state and history, for a card lost in writing.
        self.loss_form = LossFormReprint(gateway, runner, printing or Printing(runner))
        self.loss_form.error.connect(self.error.emit)
        card_tab = QWidget()
        card_layout = QVBoxLayout(card_tab)
        card_layout.setContentsMargins(0, 0, 0, 0)
        card_layout.setSpacing(0)
        card_layout.addWidget(self.loss_form)
        card_layout.addWidget(self.card_page, 1)
        self.tabs.addTab(card_tab, self.tr("卡状态与历史"))
        self.pages: list[RecordView] = []
        for _key, title in CATEGORY_TABS:
            page = RecordView()
            self.pages.append(page)
            self.tabs.addTab(page, self.tr(title))
        self.tabs.currentChanged.connect(self._tab_shown)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.navigator = TabNavigator(self.tabs)  # every tab reachable, no ◂▸ arrows
        layout.addWidget(self.navigator, 1)
        self.clear()

    @property
    def session(self) -> Any:
        return self._session

    def clear(self) -> None:
        """Forget the holder: nothing personal stays on screen."""
        self._session = None
        self.overview = None
        self._loaded.clear()
        self._revealed = False
        self._revealing = False
        self._full_ssn = ""
        self._hide_timer.stop()
        self.reveal_button.setText(self.tr(SHOW_NUMBERS))
        self.loss_form.clear()
        self.header.setText(self._idle_text())
        self.reveal_button.setEnabled(False)
        self.card_page.show_message("")
        for page in self.pages:
            page.show_message("")
        self.tabs.setEnabled(False)

    def card_in_reader(self, present: bool) -> None:
        """The reader has a card (or none): while no holder is open the header says so —
        it read 请持卡人插卡 with the card in the reader after a cancelled PIN or a failed
        card login (city trial). What is known of it comes with :meth:`show_reader_card`."""
        self.show_reader_card("present" if present else "")

    def show_reader_card(self, status: str) -> None:
        """``status`` (``card_notes.reader_card_status``): what the header says of the card
        in the reader while no holder is open. It said 请持卡人输入卡密码 above the red
        notes of a blocked card, an entry the holder cancelled and a void card (new clerk's
        trial); now each says what is true."""
        self._reader_card = status
        if self._session is None:
            self.header.setText(self._idle_text())

    def _idle_text(self) -> str:
        status = self._reader_card
        if not status:
            return self.tr("当前没有持卡人。请持卡人插卡并输入密码，或查询参保人 (F3)。")
        if status == "asking":
            return self.tr("读卡器中有卡：请持卡人输入卡密码，或查询参保人 (F3)。")
        if status == "pin_blocked":  # RULES P6
            return self.tr("读卡器中有卡：卡密码已锁定。核验身份证件后可办理密码解锁 (F7)。")
        if status == "entry_cancelled":  # RULES P5: perhaps forgotten
            return self.tr("读卡器中有卡：密码输入已取消，个人信息未打开。")
        if status == "app_blocked":
            return self.tr("读卡器中有卡：芯片中的社保应用已锁定，不能凭密码查询。")
        if status == "card_cancelled":
            return self.tr("读卡器中有卡：该卡已注销，不能使用，请取出。")
        if status == "card_replaced":  # RULES R2, U4
            return self.tr("读卡器中有卡：该卡已申请补卡，原卡已作废，请取出。")
        if status in ("failed", "interrupted"):
            return self.tr("读卡器中有卡：未能凭此卡打开个人信息。可查询参保人 (F3)。")
        if status == "served":
            return self.tr("读卡器中有卡：本次服务已结束，请持卡人取回社保卡。")
        return self.tr("读卡器中有卡。")

    def show_session(self, actor: Actor, session: Any) -> None:
        self.clear()
        self._actor, self._session = actor, session
        self.tabs.setEnabled(True)
        self.header.setText(self.tr("正在读取持卡人信息…"))
        self.card_page.show_message(self.tr("正在读取…"))
        self._runner.run(
            lambda: self._gateway.overview(actor, session),
            self._overview_loaded,
            self._failed,
            name="overview",
        )
        self.tabs.setCurrentIndex(0)

    def _overview_loaded(self, overview: HolderOverview) -> None:
        if self._session is None:
            return
        self.overview = overview
        self.reveal_button.setEnabled(True)
        self._render_header()
        self.card_page.show_record(overview)
        state = overview.card.state if overview.card is not None else None
        self.loss_form.show_for(self._actor, self._session, str(getattr(state, "value", state)))
        self.card_state_known.emit(overview.card.state if overview.card is not None else None)

    def _render_header(self) -> None:
        shown = holder_facts(self.overview)
        name, ssn, card, state = shown.name, shown.ssn, shown.card_number, shown.state_label
        parts = [
            (self.tr("社会保障号码"), self._full_ssn or display(ssn, "ssn")),
            (self.tr("卡号"), display(card, "card_number", self._revealed)),
            (self.tr("卡状态"), display(state)),
        ]
        # The name on its own line, the numbers and state below it: no label is ever split
        # from its value in the narrow middle column.
        facts = "<br>".join(
            escape(line)
            for line in fact_lines([f"{label} {value}" for label, value in parts], self._fit)
        )
        self.header.setText(
            f'<b>{escape(str(name))}</b><br><span style="font-size: {FACTS_PT}pt">{facts}</span>'
        )
        self._header_width = self.header.width()

    def _fit(self, text: str) -> bool:
        """``text`` fits on one line of the header at its current width."""
        font = QFont(self.header.font())
        font.setPointSize(FACTS_PT)
        return QFontMetrics(font).horizontalAdvance(text) <= self.header.contentsRect().width() - 4

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:  # Qt's name
        """The header's facts are laid out again for its new width."""
        if (
            watched is self.header
            and event is not None
            and event.type() == QEvent.Type.Resize
            and self.overview is not None
            and self.header.width() != self._header_width
        ):
            self._render_header()
        return super().eventFilter(watched, event)

    def reveal(self) -> None:
        """显示完整号码 (F4) and back: fetch the full ID number (the service audits the reveal)
        and show it until F4 again (隐藏完整号码) or REVEAL_SECONDS, whichever comes first;
        shown, F4 masks it again at once and asks the service nothing."""
        if self._revealed:
            self.hide_numbers()
            return
        if self.overview is None or self._actor is None or self._revealing:
            return
        actor, session = self._actor, self._session
        self._revealing = True

        def shown(number: str) -> None:
            if self._session is not session:
                return
            self._revealing = False
            self._revealed = True
            self._full_ssn = number
            self.reveal_button.setText(self.tr(HIDE_NUMBERS))
            self._render_header()
            self._hide_timer.start()

        def refused(error: BaseException) -> None:
            if self._session is session:
                self._revealing = False
            self.error.emit(error)

        self._runner.run(
            lambda: self._gateway.reveal_ssn(actor, session),
            shown,
            refused,
            name="reveal_ssn",
        )

    def hide_numbers(self) -> None:
        self._revealed = False
        self._full_ssn = ""
        self._hide_timer.stop()
        self.reveal_button.setText(self.tr(SHOW_NUMBERS))
        if self.overview is not None:
            self._render_header()

    @property
    def revealed(self) -> bool:
        return self._revealed

    def _tab_shown(self, index: int) -> None:
        if index <= 0 or self._session is None or index in self._loaded:
            return
        self._loaded.add(index)
        key = CATEGORY_TABS[index - 1][0]
        page = self.pages[index - 1]
        page.show_message(self.tr("正在读取…"))
        actor, session = self._actor, self._session
        assert actor is not None

        def load() -> Any:
            return self._gateway.category(actor, session, category_member(key, index - 1))

        def done(record: Any) -> None:
            if self._session is session:
                page.show_record(record)

        def failed(error: BaseException) -> None:
            self._loaded.discard(index)
            page.show_message(str(error))

        self._runner.run(load, done, failed, name=f"category:{key}")

    def _failed(self, error: BaseException) -> None:
        self.card_page.show_message(str(error))
        self.error.emit(error)

    def reload(self) -> None:
        if self._actor is not None and self._session is not None:
            self.show_session(self._actor, self._session)
