"""The demo's ID card: 放置身份证 / 取走身份证 on the emulated ID card reader (IDCARD.md).

The chooser lists the demo holders (those of the 演示卡 panel); 放置身份证 puts the chosen
holder's resident ID card on the workstation's emulated reader (``IdCardStation.place``),
取走身份证 takes it away, as a clerk's hand would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.ui.id_reader import IdCardStation
from counter_app.ui.item_models import display


class DemoIdCardPanel(QWidget):
    """``cards``: the 演示卡 panel's (card profile, note) pairs; their holders are listed."""

    def __init__(
        self,
        station: IdCardStation,
        cards: Sequence[tuple[dict[str, Any], str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("demoIdCards")
        self.station = station
        self.numbers: list[str] = []
        self.chooser = QComboBox()
        self.chooser.setObjectName("demoIdCardChooser")
        for profile, _note in cards:
            number = str(profile.get("ssn", ""))
            if number and number not in self.numbers:
                self.numbers.append(number)
                self.chooser.addItem(f"{profile.get('name', '')}  {display(number, 'ssn')}")
        self.place_button = QPushButton(self.tr("放置身份证"))
        self.place_button.setObjectName("placeIdCardButton")
        self.remove_button = QPushButton(self.tr("取走身份证"))
        self.remove_button.setObjectName("removeIdCardButton")
        self.place_button.clicked.connect(self.place_selected)
        self.remove_button.clicked.connect(self.remove)
        self.current = QLabel(self.tr("身份证阅读器上没有证件"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.place_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("演示身份证（放在身份证阅读器上）：")))
        layout.addWidget(self.chooser)
        layout.addLayout(buttons)
        layout.addWidget(self.current)

    def place(self, id_number: str) -> bool:
        """Put that holder's ID card on the reader (False: the demo has none for them)."""
        if not self.station.place(id_number):
            self.current.setText(self.tr("该参保人没有演示身份证"))
            return False
        self.current.setText(self.tr("阅读器上：") + display(id_number, "ssn"))
        return True

    def place_selected(self) -> None:
        row = self.chooser.currentIndex()
        if 0 <= row < len(self.numbers):
            self.place(self.numbers[row])

    def remove(self) -> None:
        self.station.remove()
        self.current.setText(self.tr("身份证阅读器上没有证件"))
