"""A stack of pages as large as the page it shows (the workflow dialogs' steps).

Qt's ``QStackedWidget`` asks for the largest of all its pages — size hint, minimum and
height for width alike (``QStackedLayout`` measures every page, shown or not): a workflow
dialog opened on a short first page (the found card, the holder's PIN) was as tall as its
tallest page (the ID check with its chip block), and a later short page kept that height,
empty space under its text. Here the pages sit in one box layout, only the current one
shown: a hidden widget takes no room in a layout, so the stack measures the page shown.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QVBoxLayout, QWidget


class PageStack(QWidget):
    """The part of ``QStackedWidget``'s interface the workflows use (``addWidget``,
    ``currentIndex``, ``currentWidget``, ``setCurrentIndex``, ``setCurrentWidget``,
    ``indexOf``, ``widget``, ``count``, ``currentChanged``), one page shown at a time."""

    currentChanged = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pages: list[QWidget] = []
        self._index = -1
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(0)

    def addWidget(self, page: QWidget) -> int:  # Qt's name
        self._pages.append(page)
        self._box.addWidget(page)
        index = len(self._pages) - 1
        if self._index < 0:  # the first page is the current one, as in QStackedWidget
            self._index = index
            page.show()
            self.currentChanged.emit(index)
        else:
            page.hide()
        return index

    def count(self) -> int:  # Qt's name
        return len(self._pages)

    def widget(self, index: int) -> QWidget | None:  # Qt's name
        return self._pages[index] if 0 <= index < len(self._pages) else None

    def indexOf(self, page: QWidget | None) -> int:  # Qt's name
        for i, p in enumerate(self._pages):
            if p is page:
                return i
        return -1

    def currentIndex(self) -> int:  # Qt's name
        return self._index

    def currentWidget(self) -> QWidget | None:  # Qt's name
        return self.widget(self._index)

    def setCurrentWidget(self, page: QWidget) -> None:  # Qt's name
        self.setCurrentIndex(self.indexOf(page))

    def setCurrentIndex(self, index: int) -> None:  # Qt's name
        """Show page ``index`` (an index out of range is ignored, as in Qt); the keyboard
        focus, when it was on the page left, goes to the page shown (QStackedLayout's way)."""
        new = self.widget(index)
        if new is None or index == self._index:
            return
        old = self.currentWidget()
        top = self.window()
        focus = top.focusWidget() if top is not None else None
        focus_was_on_old = focus is not None and old is not None and old.isAncestorOf(focus)
        if old is not None:
            if focus_was_on_old:
                old.clearFocus()
            old.hide()
        self._index = index
        new.show()
        if focus_was_on_old:
            _focus_into(new)
        self.currentChanged.emit(index)


def _focus_into(page: QWidget) -> None:
    """The page's last focused widget, else its first that takes Tab, else the page."""
    last = page.focusWidget()
    if last is not None:
        last.setFocus()
        return
    for child in page.findChildren(QWidget):
        tab = child.focusPolicy() & Qt.FocusPolicy.TabFocus
        if tab == Qt.FocusPolicy.TabFocus and child.isVisibleTo(page) and child.isEnabled():
            child.setFocus()
            return
    page.setFocus()
