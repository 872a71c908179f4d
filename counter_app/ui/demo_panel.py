"""Demo mode's stand-in for the counter's card reader: insert or remove any demo card.

Insert/remove go to the in-process emulator's transport and are then reported to the
``ReaderBridge`` exactly as a PC/SC monitor would report them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from counter_app.ui.reader_bridge import ReaderBridge


def card_label(profile: dict[str, Any], note: str = "") -> str:
    name = profile.get("name", "")
    number = profile.get("card_number", "")
    pin = profile.get("pin", "")
    text = f"{name}  卡号 {number}"
    if pin:
        text += f"  密码 {pin}"
    if profile.get("app_state", "ok") != "ok":
        text += "  [应用锁定]"
    if int(profile.get("pin_tries_left", 3)) == 0:
        text += "  [密码已锁]"
    return text + (f"  — {note}" if note else "")


class DemoCardsPanel(QWidget):
    """``cards``: (profile dict, note) pairs; ``make_card(profile)`` -> EmulatedCard."""

    def __init__(
        self,
        transport: Any,
        bridge: ReaderBridge,
        cards: Sequence[tuple[dict[str, Any], str]],
        make_card: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("demoCards")
        self._transport = transport
        self._bridge = bridge
        self._make_card = make_card
        self._profiles = [p for p, _ in cards]
        self._cards: dict[int, Any] = {}  # the emulated card keeps its PIN and counter
        self.list = QListWidget()
        self.list.setObjectName("demoCardList")
        for profile, note in cards:
            self.list.addItem(card_label(profile, note))
        self.insert_button = QPushButton(self.tr("插入所选卡"))
        self.remove_button = QPushButton(self.tr("拔出卡"))
        self.insert_button.clicked.connect(self.insert_selected)
        self.remove_button.clicked.connect(self.remove)
        self.list.itemDoubleClicked.connect(lambda _i: self.insert_selected())
        self.current = QLabel(self.tr("读卡器中没有卡"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.insert_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("演示卡（模拟持卡人插卡）：")))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.current)
        if cards:
            self.list.setCurrentRow(0)

    def insert(self, row: int) -> None:
        if self._transport.card is not None:
            self.remove()
        card = self._cards.get(row)
        if card is None:
            card = self._cards[row] = self._make_card(self._profiles[row])
        self._transport.insert(card)
        self.current.setText(self.tr("读卡器中：") + self.list.item(row).text().split("  密码")[0])  # type: ignore[union-attr]
        self._bridge.notify_inserted()

    def insert_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.insert(row)

    def remove(self) -> None:
        if self._transport.card is None:
            return
        self._transport.remove()
        self.current.setText(self.tr("读卡器中没有卡"))
        self._bridge.notify_removed()
