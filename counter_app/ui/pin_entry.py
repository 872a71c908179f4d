"""Where the holder types: a holder-facing window on the second screen, or a panel.

:class:`PinEntry` asks for one PIN at a time (``ask``) and hands the filled ``PinBuffer`` to
the caller, who wipes it after the card operation. While an entry is open the clerk's side
learns only ``holder_typing(True)`` — shown as 持卡人正在输入密码… — never a digit or a count.
With a PIN-pad reader, ``show_pinpad`` puts up 请在读卡器键盘上输入密码 and what is being
authorised; the digits then never reach the PC at all.

While an entry is open every key of a numeric keypad (the holder's USB numpad at the
counter; Qt's ``KeypadModifier``) goes to the keypad through an application-wide event
filter, so a digit typed there can never land in a clerk field or press a clerk's button.
The clerk's main keyboard is left alone: its digits, Enter, Backspace and Esc go to the
clerk's window as always and never into the PIN (a trial saw the clerk's "123" typed into
a dialog appear as three dots, and the clerk's Enter confirm the holder's entry). The two
cannot be told apart by device on X11, so a full-size clerk keyboard's own numpad is the
holder's while an entry is open; the clerk types digits on the main rows.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QEvent, QObject, Qt, pyqtSignal
from PyQt6.QtGui import QFont, QGuiApplication, QKeyEvent
from PyQt6.QtWidgets import QApplication, QLabel, QStackedWidget, QVBoxLayout, QWidget

from counter_app.ui.keypad import HolderKeypad, PinRequest, is_numpad_key
from reader.pinbuffer import PinBuffer

PinCallback = Callable[[PinBuffer | None], None]


class PinPadNotice(QWidget):
    """Holder-facing notice for a reader with its own PIN pad."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        big = QFont()
        big.setPointSize(22)
        self.title = QLabel(self.tr("请在读卡器键盘上输入密码"))
        self.title.setFont(big)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.purpose = QLabel()
        self.purpose.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.purpose.setWordWrap(True)
        self.prompt = QLabel()
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.purpose)
        layout.addWidget(self.prompt)
        layout.addStretch(1)

    def set_request(self, request: PinRequest) -> None:
        self.purpose.setText(request.purpose)
        text = request.prompt
        if request.tries_left is not None:
            text += "  " + self.tr("还可尝试 %n 次", "", request.tries_left)
        self.prompt.setText(text)


class HolderPanel(QStackedWidget):
    """The holder-facing surface: a welcome page, the keypad, or the PIN-pad notice."""

    def __init__(self, shuffle: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holderPanel")
        self.setWindowTitle(self.tr("持卡人密码输入"))
        self.idle = QLabel(self.tr("欢迎办理社会保障卡业务"))
        self.idle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keypad = HolderKeypad(shuffle=shuffle)
        self.pinpad = PinPadNotice()
        for page in (self.idle, self.keypad, self.pinpad):
            self.addWidget(page)


class PinEntry(QObject):
    """Asks the holder for PINs, one entry at a time."""

    #: True while the holder is typing (keypad or PIN pad); the clerk sees only this.
    holder_typing = pyqtSignal(bool)

    def __init__(self, shuffle: bool = False, second_screen: bool | None = None) -> None:
        super().__init__()
        self.panel = HolderPanel(shuffle)
        self._callback: PinCallback | None = None
        self.keypad.submitted.connect(self._submitted)
        self.keypad.cancelled.connect(self._cancelled)
        screens = QGuiApplication.screens()
        if second_screen is None:
            second_screen = len(screens) > 1
        #: True: the panel is its own window on the second screen; False: the main window
        #: embeds ``panel`` (see ``MainWindow``) and shows it only during an entry.
        self.own_window = second_screen
        if second_screen and len(screens) > 1:
            self.panel.setWindowFlag(Qt.WindowType.FramelessWindowHint)
            self.panel.setGeometry(screens[1].geometry())
        self._filter_installed = False

    @property
    def keypad(self) -> HolderKeypad:
        return self.panel.keypad

    @property
    def active(self) -> bool:
        return self._callback is not None or self.panel.currentWidget() is self.panel.pinpad

    def ask(self, request: PinRequest, callback: PinCallback) -> None:
        """Show the keypad; ``callback(buffer)`` on 确认, ``callback(None)`` on cancel.
        The callback owns the buffer and must wipe it."""
        self.cancel()
        self._callback = callback
        self.keypad.start(request)
        self.panel.setCurrentWidget(self.keypad)
        self._present()
        self._grab_keys(True)
        self.holder_typing.emit(True)

    def show_pinpad(self, request: PinRequest) -> None:
        """The reader's PIN pad takes the digits; only the notice is shown here."""
        self.cancel()
        self.panel.pinpad.set_request(request)
        self.panel.setCurrentWidget(self.panel.pinpad)
        self._present()
        self.holder_typing.emit(True)

    def show_message(self, text: str) -> None:
        self.keypad.show_message(text)

    def cancel(self) -> None:
        """End any open entry (its buffer is wiped; its callback gets None)."""
        if self._callback is not None:
            self.keypad.cancel()  # -> _cancelled
        self.finish()

    def finish(self) -> None:
        """Back to the idle page (after a PIN-pad entry, or when a workflow ends)."""
        was = self.active
        self._callback = None
        self._grab_keys(False)
        # Only a PIN page is ours to take down: the holder pulling the card after 结束服务
        # hid the rating shown on this panel (and left its dock a 20-px strip).
        if self.panel.currentWidget() in (self.keypad, self.panel.pinpad, self.panel.idle):
            self.panel.setCurrentWidget(self.panel.idle)
            if not self.own_window:
                self.panel.hide()
        if was:
            self.holder_typing.emit(False)

    def _present(self) -> None:
        if self.own_window:
            self.panel.showFullScreen() if len(QGuiApplication.screens()) > 1 else self.panel.show()
        else:
            self.panel.show()

    def _submitted(self, buffer: PinBuffer) -> None:
        callback, self._callback = self._callback, None
        self._grab_keys(False)
        self.panel.setCurrentWidget(self.panel.idle)
        if not self.own_window:
            self.panel.hide()
        self.holder_typing.emit(False)
        if callback is None:
            buffer.wipe()
            return
        callback(buffer)

    def _cancelled(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            self._grab_keys(False)
            self.panel.setCurrentWidget(self.panel.idle)
            if not self.own_window:
                self.panel.hide()
            self.holder_typing.emit(False)
            callback(None)

    # -- the numpad's keys go to the keypad -----------------------------------------------

    def _grab_keys(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._filter_installed:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._filter_installed = on

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:
        """While an entry is open, take every numpad key (see the module): a KeyPress goes
        to the keypad, a ShortcutOverride is claimed so that no clerk shortcut fires on it,
        and its KeyRelease is dropped. Anything else passes through untouched."""
        if (
            event is None
            or event.type() not in _KEY_EVENTS
            or not isinstance(event, QKeyEvent)
            or self._callback is None
            or not is_numpad_key(event)
        ):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # "wanted here": the key press follows, and comes to this filter
        elif event.type() == QEvent.Type.KeyPress:
            self.keypad.handle_key(event)  # a numpad key it has no use for (+, -) goes nowhere
        return True


_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride)
