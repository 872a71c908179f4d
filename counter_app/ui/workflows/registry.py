"""Action -> workflow dialog factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter_app.services.permissions import Action
from counter_app.ui.workflows.change_pin import ChangePinDialog
from counter_app.ui.workflows.loss_report import LossReportDialog

WORKFLOWS: dict[Action, Callable[[Any], Any]] = {
    Action.WRITTEN_LOSS_REPORT: LossReportDialog,
    Action.CHANGE_PIN: ChangePinDialog,
}
