"""Action -> workflow dialog factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter_app.services.permissions import Action
from counter_app.ui.workflows.change_pin import ChangePinDialog
from counter_app.ui.workflows.lift import LiftDialog
from counter_app.ui.workflows.loss_report import LossReportDialog
from counter_app.ui.workflows.replacement import ReplacementDialog
from counter_app.ui.workflows.reset_pin import ResetPinDialog
from counter_app.ui.workflows.service_password import ServicePasswordDialog
from counter_app.ui.workflows.unblock import UnblockDialog

WORKFLOWS: dict[Action, Callable[[Any], Any]] = {
    Action.WRITTEN_LOSS_REPORT: LossReportDialog,
    Action.CHANGE_PIN: ChangePinDialog,
    Action.RESET_PIN: ResetPinDialog,
    Action.UNBLOCK_PIN: UnblockDialog,
    Action.LIFT_LOSS_REPORT: LiftDialog,
    Action.REPLACEMENT_APPLICATION: ReplacementDialog,
    Action.RESET_SERVICE_PASSWORD: ServicePasswordDialog,
}
