"""Every tab of a ``QTabWidget`` reachable at once: the tab names as a list on the left, the
pages where they were. Fourteen record tabs do not fit one tab row at 1680 px (the last four
hid behind ◂▸ arrows); a list of fourteen short rows does. The ``QTabWidget`` stays the
pages' owner (``tabText``, ``setCurrentIndex``, ``currentChanged`` work as before), only its
tab bar is hidden. :data:`CATEGORY_KEY` puts the keyboard in the list from anywhere in the
window (Tab alone had to pass every control before it: a keyboard-only trial never got
there), named in the F1 help."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QHBoxLayout,
    QListWidget,
    QTabWidget,
    QWidget,
)

#: The key to the list of names (the record categories); ↑↓ then choose, Tab enters the page.
CATEGORY_KEY = "Alt+1"


class TabNavigator(QWidget):
    """``tabs`` with its names in a list beside it, kept in step both ways."""

    def __init__(self, tabs: QTabWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = tabs
        self.list = QListWidget()
        self.list.setObjectName("categoryList")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(3)  # rows a clerk can hit with the mouse
        for index in range(tabs.count()):
            self.list.addItem(tabs.tabText(index))
        bar = tabs.tabBar()
        if bar is not None:
            bar.hide()
            # The hidden bar stayed the tab widget's focus proxy: Tab from the list went to
            # it, i.e. nowhere (new clerk's trial). Neither takes focus now; the list is
            # where the keyboard chooses, the page's own fields and tables come next.
            bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        frame = 2 * self.list.frameWidth()
        self.list.setFixedWidth(self.list.sizeHintForColumn(0) + frame + 16)
        # Tall enough for every name: nothing to scroll to.
        row = self.list.sizeHintForRow(0) + 2 * self.list.spacing()
        self.list.setMinimumHeight(row * tabs.count() + frame + 4)
        self.list.currentRowChanged.connect(self._chosen)
        tabs.currentChanged.connect(self._shown)
        tabs.installEventFilter(self)
        self.list.setCurrentRow(tabs.currentIndex())
        self.list.setEnabled(tabs.isEnabled())
        self.to_list = QAction(self)
        self.to_list.setObjectName("categoryListKey")
        self.to_list.setShortcut(QKeySequence(CATEGORY_KEY))
        self.to_list.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.to_list.triggered.connect(self.focus_list)
        self.addAction(self.to_list)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(tabs, 1)

    def focus_list(self) -> None:
        """The keyboard in the list, on the category shown (nothing while it is off)."""
        if not self.list.isEnabled():
            return
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab in the list enters the category shown (its first table or field: not the
        bare scroll area around it, unless nothing in it takes the keyboard); Shift+Tab
        from there comes back to the list. Tab elsewhere goes as Qt's focus chain says
        (a widget's Tab reaches here through its parents)."""
        focus = QApplication.focusWidget()
        inside = self._page_widgets()
        if next and focus is self.list and inside:
            self._entry(inside).setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if not next and focus is not None and focus in inside:
            if inside.index(focus) <= inside.index(self._entry(inside)) and self.list.isEnabled():
                self.list.setFocus(Qt.FocusReason.BacktabFocusReason)
                return True
        return super().focusNextPrevChild(next)

    def _page_widgets(self) -> list[QWidget]:
        """What Tab can reach on the page shown, in the window's focus order."""
        page = self.tabs.currentWidget()
        if page is None or not page.isVisible():
            return []
        found: list[QWidget] = []
        widget: QWidget | None = page
        for _ in range(10000):  # the chain is a ring; bounded all the same
            if widget is None:
                break
            if (widget is page or page.isAncestorOf(widget)) and _takes_tab(widget):
                found.append(widget)
            widget = widget.nextInFocusChain()
            if widget is page:
                break
        return found

    @staticmethod
    def _entry(inside: list[QWidget]) -> QWidget:
        """The first table or field of ``inside`` (a page only of labels: its scroll area)."""
        for widget in inside:
            if isinstance(widget, QAbstractItemView) or not isinstance(widget, QAbstractScrollArea):
                return widget
        return inside[0]

    def _chosen(self, row: int) -> None:
        if 0 <= row < self.tabs.count() and row != self.tabs.currentIndex():
            self.tabs.setCurrentIndex(row)

    def _shown(self, index: int) -> None:
        if index != self.list.currentRow():
            self.list.setCurrentRow(index)

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:
        if obj is self.tabs and event is not None and event.type() == QEvent.Type.EnabledChange:
            self.list.setEnabled(self.tabs.isEnabled())  # no holder: the names are off too
        return False


def _takes_tab(widget: QWidget) -> bool:
    return (
        widget.isVisible()
        and widget.isEnabled()
        and widget.focusProxy() is None
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )
