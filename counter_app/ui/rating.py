"""The holder's rating on the holder-facing screen (好差评, RULES E2).

When a case closes (结束服务, F12, or the card pulled), :class:`RatingController` looks up
the case number, shows :class:`RatingPanel` on the holder-facing surface — the same window
(or dock) the PIN keypad uses — through :class:`ScreenRatingDevice`, and records the answer
or, after ``rating_timeout_seconds``, 未评价. The clerk's window learns only
请持卡人评价… and then 已评价 / 未评价 (``status_changed``), never the level.

Only the holder reaches the buttons: they take no keyboard focus, and while a rating is
asked an application-wide filter drops every key event aimed at the panel, so nothing typed
on the clerk's keyboard (Enter, Space, digits, a shortcut) can choose a level. The comment
is built from phrases the holder taps (no text field a keyboard could fill). A hardware
评价器 replaces :class:`ScreenRatingDevice` behind ``services.rating_device.RatingDevice``.
The controller (``ui.rating_controller``) keeps a rating the services cannot be reached to
record and sends it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import QEvent, QObject, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QFont, QFontMetrics
from PyQt6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.models.case import COMMENT_MAX, POOR_LEVELS, RatingLevel, RatingReason
from counter_app.services.rating_device import RatingDevice, RatingPrompt
from counter_app.services.ratings import RatingAnswer
from counter_app.ui.rating_controller import RatingController

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.pin_entry import PinEntry

__all__ = ["RatingController", "RatingPanel", "ScreenRatingDevice", "install_rating"]

#: Phrases the holder can tap to make the comment (RULES E2 "a short comment").
PHRASES = ("等候时间太长", "解释不清楚", "需要多次跑动", "服务态度不好", "环境嘈杂拥挤")
_KEY_EVENTS = (
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
    QEvent.Type.ShortcutOverride,
    QEvent.Type.Shortcut,
)


def _big(points: int) -> QFont:
    font = QFont()
    font.setPointSize(points)
    return font


#: How long the holder sees 谢谢您的评价 after answering.
THANKS_MS = 3000
#: Room a push button needs beside its text (frame and padding of any style).
_BUTTON_PADDING = 28


def _fit(button: QPushButton) -> None:
    """The button is never narrower than its text in its own font (no clipped labels)."""
    metrics = QFontMetrics(button.font())
    button.setMinimumWidth(metrics.horizontalAdvance(button.text()) + _BUTTON_PADDING)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


#: Before a chosen reason or phrase (RULES E2): with the dark fill of :data:`CHOICE_STYLE`
#: a choice is plain to see for an older holder — the style's own pressed look was only a
#: faint shade of grey (a new clerk's trial).
CHECK_MARK = "✓ "
CHOICE_STYLE = (
    "QPushButton { border: 2px solid #8c8c8c; border-radius: 8px; background: #fafafa;"
    " color: #1a1a1a; padding: 4px 10px; }"
    "QPushButton:checked { border: 4px solid #0a3d78; background: #1565c0; color: white;"
    " font-weight: bold; }"
)


def _button(text: str, points: int = 20, checkable: bool = False) -> QPushButton:
    button = _Choice(text) if checkable else QPushButton(text)
    button.setFont(_big(points))
    button.setMinimumHeight(72 if points >= 20 else 52)
    _fit(button)
    button.setCheckable(checkable)
    if isinstance(button, _Choice):
        button.keep_room()
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never reachable from a keyboard
    button.setAutoDefault(False)
    return button


class _Choice(QPushButton):
    """A reason or phrase the holder taps on and off. Chosen, it says so: a check mark
    before its label, white bold text on a dark fill inside a strong border; unchosen, a
    light button with a plain border."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label
        self.setStyleSheet(CHOICE_STYLE)
        self.toggled.connect(self._show)

    def keep_room(self) -> None:
        """Room for the mark and the bold text: choosing never clips or moves the label."""
        bold = QFont(self.font())
        bold.setBold(True)
        wide = QFontMetrics(bold).horizontalAdvance(CHECK_MARK + self.label) + _BUTTON_PADDING
        self.setMinimumWidth(max(self.minimumWidth(), wide))

    def _show(self, checked: bool) -> None:
        self.setText((CHECK_MARK if checked else "") + self.label)


class RatingPanel(QWidget):
    """Holder-facing: five large level buttons, then reasons and phrases for the lowest two."""

    answered = pyqtSignal(object)  # RatingAnswer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingPanel")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title = QLabel(self.tr("请您对本次服务作出评价"))
        self.title.setFont(_big(20))
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.case_label = QLabel()
        self.case_label.setObjectName("ratingCase")
        self.case_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.case_label.setWordWrap(True)
        self.case_label.setFont(_big(12))
        self.pages = QStackedWidget()
        self.level_buttons: dict[RatingLevel, QPushButton] = {}
        levels = QWidget()
        grid = QVBoxLayout(levels)
        for level, label in self._level_texts().items():
            button = _button(label, 26)
            button.setObjectName(f"rate_{level.value}")
            button.clicked.connect(lambda _c=False, lv=level: self.choose(lv))
            grid.addWidget(button)
            self.level_buttons[level] = button
        self.pages.addWidget(levels)
        self.pages.addWidget(self._reasons_page())
        self.thanks = QLabel(self.tr("谢谢您的评价"))
        self.thanks.setObjectName("ratingThanks")
        self.thanks.setFont(_big(26))
        self.thanks.setWordWrap(True)
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.thanks)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.case_label)
        layout.addWidget(self.pages, 1)
        self.level: RatingLevel | None = None

    def _reasons_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        #: The level the holder tapped, said back to them (a mis-tap is seen and undone).
        self.chosen = QLabel()
        self.chosen.setObjectName("ratingChosen")
        self.chosen.setFont(_big(16))
        self.chosen.setWordWrap(True)
        layout.addWidget(self.chosen)
        ask = QLabel(self.tr("很抱歉！请选择不满意的原因（可多选，可不选）："))
        ask.setFont(_big(16))
        ask.setWordWrap(True)
        layout.addWidget(ask)
        grid = QGridLayout()
        self.reason_buttons: dict[RatingReason, QPushButton] = {}
        for i, (reason, label) in enumerate(self._reason_texts().items()):
            button = _button(label, 18, checkable=True)
            button.setObjectName(f"reason_{reason.value}")
            grid.addWidget(button, i // 3, i % 3)
            self.reason_buttons[reason] = button
        self.phrase_buttons: list[QPushButton] = []
        phrases = QGridLayout()
        for i, phrase in enumerate(PHRASES):
            button = _button(phrase, 14, checkable=True)
            button.setObjectName(f"phrase_{i}")
            phrases.addWidget(button, i // 2, i % 2)
            self.phrase_buttons.append(button)
        layout.addLayout(grid)
        layout.addLayout(phrases)
        self.submit = _button(self.tr("提交评价"), 22)
        self.submit.setObjectName("ratingSubmit")
        self.submit.clicked.connect(self.send)
        # Back to the five levels: a holder who tapped 不满意 for 满意 was held to a poor
        # rating (and a follow-up for the clerk) with no way back (a new clerk's trial).
        self.back = _button(self.tr("返回重新选择"), 16)
        self.back.setObjectName("ratingBack")
        self.back.clicked.connect(self.choose_again)
        row = QHBoxLayout()
        row.addWidget(self.back, 1)
        row.addWidget(self.submit, 2)
        layout.addLayout(row)
        return page

    def _level_texts(self) -> dict[RatingLevel, str]:
        return {
            RatingLevel.VERY_SATISFIED: self.tr("非常满意"),
            RatingLevel.SATISFIED: self.tr("满意"),
            RatingLevel.BASIC: self.tr("基本满意"),
            RatingLevel.DISSATISFIED: self.tr("不满意"),
            RatingLevel.VERY_DISSATISFIED: self.tr("非常不满意"),
        }

    def _reason_texts(self) -> dict[RatingReason, str]:
        return {
            RatingReason.ATTITUDE: self.tr("态度"),
            RatingReason.EFFICIENCY: self.tr("效率"),
            RatingReason.PROCESS: self.tr("流程"),
            RatingReason.ENVIRONMENT: self.tr("环境"),
            RatingReason.OTHER: self.tr("其他"),
        }

    def start(self, prompt: RatingPrompt) -> None:
        self.level = None
        for button in (*self.reason_buttons.values(), *self.phrase_buttons):
            button.setChecked(False)
        text = self.tr("办件编号：%1\n经办人工号：%2")
        self.case_label.setText(text.replace("%1", prompt.case_no).replace("%2", prompt.staff_no))
        self.pages.setCurrentIndex(0)

    def thank(self) -> None:
        """The holder answered: 谢谢您的评价 until the panel is withdrawn."""
        self.pages.setCurrentWidget(self.thanks)

    def choose(self, level: RatingLevel) -> None:
        """A level was tapped: the two lowest ask for reasons first (RULES E2)."""
        self.level = level
        if level in POOR_LEVELS:
            self.chosen.setText(self.tr("您的评价：%1").replace("%1", self._level_texts()[level]))
            self.pages.setCurrentIndex(1)
        else:
            self.send()

    def choose_again(self) -> None:
        """返回重新选择: the five levels again, nothing chosen or ticked."""
        self.level = None
        for button in (*self.reason_buttons.values(), *self.phrase_buttons):
            button.setChecked(False)
        self.pages.setCurrentIndex(0)

    def comment(self) -> str:
        words = [PHRASES[i] for i, b in enumerate(self.phrase_buttons) if b.isChecked()]
        return "；".join(words)[:COMMENT_MAX]

    def send(self) -> None:
        if self.level is None:
            return
        reasons: tuple[RatingReason, ...] = ()
        comment = ""
        if self.level in POOR_LEVELS:
            reasons = tuple(r for r, b in self.reason_buttons.items() if b.isChecked())
            comment = self.comment()
        level, self.level = self.level, None
        self.answered.emit(RatingAnswer(level, reasons, comment, "screen"))


class ScreenRatingDevice(QObject):
    """``RatingDevice`` on the holder-facing surface of ``PinEntry`` (RULES E2)."""

    #: True while the rating is up (the main window shows the holder dock for it).
    showing = pyqtSignal(bool)

    def __init__(self, pin_entry: PinEntry) -> None:
        super().__init__()
        self.pin_entry = pin_entry
        self.panel = RatingPanel()
        pin_entry.panel.addWidget(self.panel)
        # The holder panel is the workstation's and outlives the window: this rating page
        # goes with its device (each login made one more page on it).
        self.destroyed.connect(self.panel.deleteLater)
        self.panel.answered.connect(self._answered)
        self._on_answer: Callable[[RatingAnswer], None] | None = None
        self._filter_on = False
        #: Runs while the holder reads 谢谢您的评价; the panel goes when it fires. Owned by
        #: the panel, so it cannot fire after the holder surface it acts on is gone.
        self.thanks_timer = QTimer(self.panel)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.timeout.connect(self._hide)

    @property
    def asking(self) -> bool:
        return self._on_answer is not None

    def ask(self, prompt: RatingPrompt, on_answer: Callable[[RatingAnswer], None]) -> None:
        self.pin_entry.cancel()  # a PIN entry never stays open under the rating
        self.thanks_timer.stop()
        self._on_answer = on_answer
        self.panel.start(prompt)
        self.pin_entry.panel.setCurrentWidget(self.panel)
        self.pin_entry.panel.show()
        self._keys_blocked(True)
        self.showing.emit(True)

    def withdraw(self) -> None:
        was = self._on_answer is not None or self.thanks_timer.isActive()
        self._on_answer = None
        self.thanks_timer.stop()
        self._keys_blocked(False)
        self._take_down(was)

    def _take_down(self, was: bool) -> None:
        panel = self.pin_entry.panel
        if panel.currentWidget() is not self.panel:
            # The next holder's PIN entry took the panel over: it is theirs now (hiding
            # the dock here took the keypad away from under their fingers).
            return
        panel.setCurrentWidget(panel.idle)
        if not self.pin_entry.own_window:
            panel.hide()
        if was:
            self.showing.emit(False)

    def _hide(self) -> None:
        """谢谢您的评价 has been shown long enough."""
        if self._on_answer is None:
            self._take_down(True)

    def _answered(self, answer: RatingAnswer) -> None:
        callback = self._on_answer
        self._on_answer = None
        self._keys_blocked(False)
        self.panel.thank()
        self.thanks_timer.start(THANKS_MS)
        if callback is not None:
            callback(answer)

    def _keys_blocked(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._filter_on:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._filter_on = on

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:
        """Drop every key event aimed at the rating panel (the clerk's keyboard)."""
        if event is None or event.type() not in _KEY_EVENTS or obj is None:
            return False
        widget = obj if isinstance(obj, QWidget) else None
        return widget is not None and (widget is self.panel or self.panel.isAncestorOf(widget))


def install_rating(
    window: MainWindow, pin_entry: PinEntry, timeout_s: int, device: RatingDevice | None = None
) -> RatingController:
    """Wire the rating to ``window``: asked after each ``service_ended``; the status shown
    in the status bar. ``device`` defaults to the holder-facing screen."""
    if device is None:
        screen = ScreenRatingDevice(pin_entry)
        dock = window.holder_dock
        if dock is not None:  # one screen: the holder-facing panel is the window's dock
            screen.showing.connect(dock.setVisible)
            # Named for what it shows (it read 持卡人密码键盘 above the rating buttons).
            title = window.tr("服务评价")
            screen.showing.connect(lambda on: dock.setWindowTitle(title) if on else None)
        device = screen
    chosen: RatingDevice = device
    controller = RatingController(window, chosen, timeout_s)
    if isinstance(device, ScreenRatingDevice) and device.parent() is None:
        device.setParent(controller)  # deleted with the window (退出登录)
    window.rating_pending = lambda: controller.case_no is not None  # staff_shift: 退出登录
    window.end_rating_now = controller.end_now
    label = QLabel()
    label.setObjectName("ratingStatus")
    bar = window.statusBar()
    if bar is not None:
        bar.addPermanentWidget(label)
    controller.status_changed.connect(label.setText)
    controller.status_changed.connect(
        lambda _text: window.rating_over.emit() if controller.case_no is None else None
    )
    controller.status_label = label
    window.service_ended.connect(controller.case_closed)
    window.next_holder.connect(controller.next_holder)
    window.card_inserted.connect(controller.card_inserted)
    return controller
